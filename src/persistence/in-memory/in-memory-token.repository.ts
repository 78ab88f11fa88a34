import { ScimError } from '../../core/errors/scim-error';
import {
  NewServiceToken,
  Scope,
  ServiceToken,
  TokenRepository,
} from '../../core/ports/token.repository';
import { TenantRepository } from '../../core/ports/tenant.repository';
import { compareCodePoints } from './in-memory-store.util';

interface TokenRow {
  readonly id: string;
  readonly tenantId: string;
  readonly name: string;
  readonly prefix: string;
  readonly hash: string;
  readonly scopes: readonly Scope[];
  readonly createdAt: string;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
  readonly lastUsedAt: string | null;
  readonly profile: string | null;
}

/**
 * Service-account tokens in a Map; behaves like TypeOrmTokenRepository: look-up by hash (with
 * the tenant's profile, read from `tenants` when given), list by creation time (ties in
 * insertion order), revoke once, touch. The hash never leaves the repository.
 */
export class InMemoryTokenRepository implements TokenRepository {
  private readonly tokens = new Map<string, TokenRow>();

  constructor(private readonly tenants?: TenantRepository) {}

  async findByHash(hash: string): Promise<ServiceToken | null> {
    const row = [...this.tokens.values()].find((t) => t.hash === hash);
    if (!row) {
      return null;
    }
    const tenant = this.tenants ? await this.tenants.findById(row.tenantId) : null;
    return {
      ...toToken(row),
      tenantProfile: tenant?.profile ?? null,
      tenantDeprovisioning: tenant?.deprovisioning ?? null,
      tenantGroupCycles: tenant?.groupCycles ?? null,
      tenantDisabledAt: tenant?.disabledAt ?? null,
      tenantLinkPolicy: tenant?.linkPolicy ?? null,
      tenantTokenPolicy: tenant?.tokenPolicy ?? null,
      tenantSwitches: tenant?.switches ?? null,
    };
  }

  async findById(id: string): Promise<ServiceToken | null> {
    const row = this.tokens.get(id);
    return row ? toToken(row) : null;
  }

  async create(t: NewServiceToken): Promise<ServiceToken> {
    if (this.tokens.has(t.id) || [...this.tokens.values()].some((x) => x.hash === t.hash)) {
      throw ScimError.uniqueness(`Token ${t.id} already exists`);
    }
    const row: TokenRow = {
      id: t.id,
      tenantId: t.tenantId,
      name: t.name,
      prefix: t.prefix,
      hash: t.hash,
      scopes: [...t.scopes],
      createdAt: t.createdAt,
      expiresAt: t.expiresAt,
      revokedAt: null,
      lastUsedAt: null,
      profile: t.profile ?? null,
    };
    this.tokens.set(row.id, row);
    return toToken(row);
  }

  async list(tenantId?: string): Promise<ServiceToken[]> {
    return [...this.tokens.values()]
      .filter((t) => !tenantId || t.tenantId === tenantId)
      .sort((a, b) => compareCodePoints(a.createdAt, b.createdAt))
      .map(toToken);
  }

  async revoke(id: string, at: string): Promise<boolean> {
    const row = this.tokens.get(id);
    if (!row || row.revokedAt !== null) {
      return false;
    }
    this.tokens.set(id, { ...row, revokedAt: at });
    return true;
  }

  async touch(id: string, at: string): Promise<void> {
    const row = this.tokens.get(id);
    if (row) {
      this.tokens.set(id, { ...row, lastUsedAt: at });
    }
  }
}

function toToken(row: TokenRow): ServiceToken {
  const { hash: _hash, ...token } = row;
  return { ...token, scopes: [...row.scopes] };
}
