import { ScimError } from '../../core/errors/scim-error';
import {
  NewOAuthClientSecret,
  OAuthClient,
  OAuthClientRepository,
  OAuthClientSecret,
  OAuthClientState,
  OAuthClientUpdate,
} from '../../core/ports/oauth-client.repository';
import { TenantRepository } from '../../core/ports/tenant.repository';
import { compareCodePoints } from './in-memory-store.util';

type SecretRow = OAuthClientSecret & { readonly hash: string };

/**
 * OAuth clients and secrets in Maps; behaves like TypeOrmOAuthClientRepository (the state
 * joins the tenant read from `tenants` when given). The hash never leaves the repository.
 */
export class InMemoryOAuthClientRepository implements OAuthClientRepository {
  private readonly clients = new Map<string, OAuthClient>();
  private readonly secrets = new Map<string, SecretRow>();

  constructor(private readonly tenants?: TenantRepository) {}

  async create(c: OAuthClient): Promise<OAuthClient> {
    if (this.clients.has(c.id)) {
      throw ScimError.uniqueness(`OAuth client ${c.id} already exists`);
    }
    this.clients.set(c.id, { ...c, scopes: [...c.scopes] });
    return this.clients.get(c.id)!;
  }

  async findById(id: string): Promise<OAuthClient | null> {
    return this.clients.get(id) ?? null;
  }

  async findState(id: string): Promise<OAuthClientState | null> {
    const c = this.clients.get(id);
    if (!c) {
      return null;
    }
    const t = this.tenants ? await this.tenants.findById(c.tenantId) : null;
    return {
      ...c,
      tenantProfile: t?.profile ?? null,
      tenantDeprovisioning: t?.deprovisioning ?? null,
      tenantGroupCycles: t?.groupCycles ?? null,
      tenantDisabledAt: t?.disabledAt ?? null,
      tenantLinkPolicy: t?.linkPolicy ?? null,
    };
  }

  async list(tenantId?: string): Promise<OAuthClient[]> {
    return [...this.clients.values()]
      .filter((c) => !tenantId || c.tenantId === tenantId)
      .sort((a, b) => compareCodePoints(a.createdAt, b.createdAt) || compareCodePoints(a.id, b.id));
  }

  async update(id: string, u: OAuthClientUpdate): Promise<boolean> {
    const c = this.clients.get(id);
    if (!c) {
      return false;
    }
    const defined = Object.fromEntries(Object.entries(u).filter(([, v]) => v !== undefined));
    this.clients.set(id, { ...c, ...defined });
    return true;
  }

  async addSecret(s: NewOAuthClientSecret): Promise<OAuthClientSecret> {
    if ([...this.secrets.values()].some((x) => x.hash === s.hash)) {
      throw ScimError.uniqueness('The secret already exists');
    }
    const row: SecretRow = { ...s, revokedAt: null, lastUsedAt: null };
    this.secrets.set(s.id, row);
    return strip(row);
  }

  async listSecrets(clientId: string): Promise<OAuthClientSecret[]> {
    return [...this.secrets.values()]
      .filter((s) => s.clientId === clientId)
      .sort((a, b) => compareCodePoints(a.createdAt, b.createdAt) || compareCodePoints(a.id, b.id))
      .map(strip);
  }

  async findSecretByHash(hash: string): Promise<OAuthClientSecret | null> {
    const row = [...this.secrets.values()].find((s) => s.hash === hash);
    return row ? strip(row) : null;
  }

  async revokeSecret(clientId: string, secretId: string, at: string): Promise<boolean> {
    const row = this.secrets.get(secretId);
    if (!row || row.clientId !== clientId || row.revokedAt !== null) {
      return false;
    }
    this.secrets.set(secretId, { ...row, revokedAt: at });
    return true;
  }

  async touchSecret(secretId: string, at: string): Promise<void> {
    const row = this.secrets.get(secretId);
    if (row) {
      this.secrets.set(secretId, { ...row, lastUsedAt: at });
    }
  }
}

function strip(row: SecretRow): OAuthClientSecret {
  const { hash: _hash, ...secret } = row;
  return secret;
}
