import { DataSource, IsNull, Repository } from 'typeorm';
import {
  NewServiceToken,
  Scope,
  ServiceToken,
  TokenRepository,
} from '../../core/ports/token.repository';
import { TokenEntity } from '../entities/token.entity';
import { query } from './sql.util';
import { TokenLookupCache } from './token-lookup.cache';

export interface TokenRepositoryOptions {
  /**
   * How long (ms) a token read by findByHash is answered from memory; 0 = never (the default).
   * Only tokens that exist are kept (an unknown token is read again every time); revoke and
   * touch through this repository update what is kept at once.
   */
  readonly cacheTtlMs?: number;
  /**
   * The cache itself, when the tenant repository shares it (it drops a tenant's tokens when
   * the tenant's settings change); otherwise one of `cacheTtlMs` of its own.
   */
  readonly cache?: TokenLookupCache;
}

export class TypeOrmTokenRepository implements TokenRepository {
  private readonly repo: Repository<TokenEntity>;
  private readonly cache: TokenLookupCache;

  constructor(
    private readonly ds: DataSource,
    options: TokenRepositoryOptions = {},
  ) {
    this.repo = ds.getRepository(TokenEntity);
    this.cache = options.cache ?? new TokenLookupCache(options.cacheTtlMs ?? 0);
  }

  /**
   * One indexed look-up per request, on the hot path of every SCIM call: the token with its
   * tenant's profile, as plain SQL (no query-builder or entity hydration cost); answered from
   * the cache while cacheTtlMs allows.
   */
  async findByHash(hash: string): Promise<ServiceToken | null> {
    const hit = this.cache.get(hash);
    if (hit) {
      return hit;
    }
    const token = await this.readByHash(hash);
    if (token) {
      this.cache.put(hash, token);
    }
    return token;
  }

  private async readByHash(hash: string): Promise<ServiceToken | null> {
    const rows = (await query(
      this.ds,
      `SELECT t.id, t.tenant_id, t.name, t.prefix, t.scopes, t.created_at, t.expires_at,
         t.revoked_at, t.last_used_at, t.profile, n.profile AS tenant_profile,
         n.deprovisioning AS tenant_deprovisioning, n.group_cycles AS tenant_group_cycles,
         n.disabled_at AS tenant_disabled_at, n.link_policy AS tenant_link_policy,
         n.token_policy AS tenant_token_policy, n.switches AS tenant_switches
       FROM scim_tokens t LEFT JOIN scim_tenants n ON n.id = t.tenant_id
       WHERE t.token_hash = ?`,
      [hash],
    )) as TokenRow[];
    const r = rows[0];
    if (!r) {
      return null;
    }
    return {
      id: r.id,
      tenantId: r.tenant_id,
      name: r.name,
      prefix: r.prefix,
      scopes: r.scopes.split(',').filter(Boolean) as Scope[],
      createdAt: r.created_at,
      expiresAt: r.expires_at,
      revokedAt: r.revoked_at,
      lastUsedAt: r.last_used_at,
      profile: r.profile,
      tenantProfile: r.tenant_profile,
      tenantDeprovisioning: r.tenant_deprovisioning,
      tenantGroupCycles: r.tenant_group_cycles,
      tenantDisabledAt: r.tenant_disabled_at,
      tenantLinkPolicy: r.tenant_link_policy,
      tenantTokenPolicy: r.tenant_token_policy,
      tenantSwitches: r.tenant_switches,
    };
  }

  async findById(id: string): Promise<ServiceToken | null> {
    return toToken(await this.repo.findOneBy({ id }));
  }

  async create(t: NewServiceToken): Promise<ServiceToken> {
    await this.repo.insert({
      id: t.id,
      tenantId: t.tenantId,
      name: t.name,
      prefix: t.prefix,
      tokenHash: t.hash,
      scopes: t.scopes.join(','),
      createdAt: t.createdAt,
      expiresAt: t.expiresAt,
      revokedAt: null,
      lastUsedAt: null,
      profile: t.profile ?? null,
    });
    return (await this.findById(t.id))!;
  }

  async list(tenantId?: string): Promise<ServiceToken[]> {
    const rows = await this.repo.find({
      where: tenantId ? { tenantId } : {},
      order: { createdAt: 'ASC' },
    });
    return rows.map((r) => toToken(r)!);
  }

  async revoke(id: string, at: string): Promise<boolean> {
    const res = await this.repo.update({ id, revokedAt: IsNull() }, { revokedAt: at });
    this.cache.forgetToken(id);
    return (res.affected ?? 0) > 0;
  }

  async touch(id: string, at: string): Promise<void> {
    await this.repo.update({ id }, { lastUsedAt: at });
    this.cache.touched(id, at);
  }
}

interface TokenRow {
  id: string;
  tenant_id: string;
  name: string;
  prefix: string;
  scopes: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
  profile: string | null;
  tenant_profile: string | null;
  tenant_deprovisioning: string | null;
  tenant_group_cycles: string | null;
  tenant_disabled_at: string | null;
  tenant_link_policy: string | null;
  tenant_token_policy: string | null;
  tenant_switches: string | null;
}

function toToken(e: TokenEntity | null): ServiceToken | null {
  if (!e) {
    return null;
  }
  return {
    id: e.id,
    tenantId: e.tenantId,
    name: e.name,
    prefix: e.prefix,
    scopes: e.scopes.split(',').filter(Boolean) as Scope[],
    createdAt: e.createdAt,
    expiresAt: e.expiresAt,
    revokedAt: e.revokedAt,
    lastUsedAt: e.lastUsedAt,
    profile: e.profile,
  };
}
