import { DataSource, IsNull, Repository } from 'typeorm';
import {
  JwkSet,
  NewOAuthClientSecret,
  OAuthClient,
  OAuthClientRepository,
  OAuthClientSecret,
  OAuthClientState,
  OAuthClientStatus,
  OAuthClientUpdate,
} from '../../core/ports/oauth-client.repository';
import { Scope } from '../../core/ports/token.repository';
import { OAuthClientEntity, OAuthClientSecretEntity } from '../entities/oauth.entity';
import { query } from './sql.util';
import { LookupCache } from './token-lookup.cache';

/** OAuth clients and their secrets in scim_oauth_clients / scim_oauth_client_secrets. */
export class TypeOrmOAuthClientRepository implements OAuthClientRepository {
  private readonly clients: Repository<OAuthClientEntity>;
  private readonly secrets: Repository<OAuthClientSecretEntity>;

  /**
   * `cache`: client states answered from memory (the access-token check of every SCIM request);
   * a change through this repository drops the client's at once.
   */
  constructor(
    private readonly ds: DataSource,
    private readonly cache: LookupCache<OAuthClientState> = new LookupCache(0),
  ) {
    this.clients = ds.getRepository(OAuthClientEntity);
    this.secrets = ds.getRepository(OAuthClientSecretEntity);
  }

  async create(c: OAuthClient): Promise<OAuthClient> {
    await this.clients.insert({
      id: c.id,
      tenantId: c.tenantId,
      name: c.name,
      scopes: c.scopes.join(','),
      status: c.status,
      createdAt: c.createdAt,
      disabledAt: c.disabledAt,
      jwks: c.jwks ? JSON.stringify(c.jwks) : null,
      jwksUri: c.jwksUri,
    });
    return (await this.findById(c.id))!;
  }

  async findById(id: string): Promise<OAuthClient | null> {
    const e = await this.clients.findOneBy({ id });
    return e ? toClient(e) : null;
  }

  /** The client and its tenant's settings: from the cache, else one indexed look-up. */
  async findState(id: string): Promise<OAuthClientState | null> {
    const hit = this.cache.get(id);
    if (hit) {
      return hit;
    }
    const state = await this.readState(id);
    if (state) {
      this.cache.put(id, state);
    }
    return state;
  }

  private async readState(id: string): Promise<OAuthClientState | null> {
    const rows = (await query(
      this.ds,
      `SELECT c.id, c.tenant_id, c.name, c.scopes, c.status, c.created_at, c.disabled_at, c.jwks,
         c.jwks_uri, n.profile AS tenant_profile, n.deprovisioning AS tenant_deprovisioning,
         n.group_cycles AS tenant_group_cycles, n.disabled_at AS tenant_disabled_at,
         n.link_policy AS tenant_link_policy
       FROM scim_oauth_clients c JOIN scim_tenants n ON n.id = c.tenant_id
       WHERE c.id = ?`,
      [id],
    )) as StateRow[];
    const r = rows[0];
    if (!r) {
      return null;
    }
    return {
      ...toClient({
        id: r.id,
        tenantId: r.tenant_id,
        name: r.name,
        scopes: r.scopes,
        status: r.status,
        createdAt: r.created_at,
        disabledAt: r.disabled_at,
        jwks: r.jwks,
        jwksUri: r.jwks_uri,
      }),
      tenantProfile: r.tenant_profile,
      tenantDeprovisioning: r.tenant_deprovisioning,
      tenantGroupCycles: r.tenant_group_cycles,
      tenantDisabledAt: r.tenant_disabled_at,
      tenantLinkPolicy: r.tenant_link_policy,
    };
  }

  async list(tenantId?: string): Promise<OAuthClient[]> {
    const rows = await this.clients.find({
      where: tenantId ? { tenantId } : {},
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    return rows.map(toClient);
  }

  async update(id: string, u: OAuthClientUpdate): Promise<boolean> {
    const set: Partial<OAuthClientEntity> = {
      ...(u.name !== undefined ? { name: u.name } : {}),
      ...(u.scopes !== undefined ? { scopes: u.scopes.join(',') } : {}),
      ...(u.status !== undefined ? { status: u.status } : {}),
      ...(u.disabledAt !== undefined ? { disabledAt: u.disabledAt } : {}),
      ...(u.jwks !== undefined ? { jwks: u.jwks ? JSON.stringify(u.jwks) : null } : {}),
      ...(u.jwksUri !== undefined ? { jwksUri: u.jwksUri } : {}),
    };
    if (!Object.keys(set).length) {
      return (await this.clients.countBy({ id })) > 0;
    }
    const res = await this.clients.update({ id }, set);
    this.cache.forgetToken(id);
    return (res.affected ?? 0) > 0;
  }

  async addSecret(s: NewOAuthClientSecret): Promise<OAuthClientSecret> {
    await this.secrets.insert({
      id: s.id,
      clientId: s.clientId,
      prefix: s.prefix,
      secretHash: s.hash,
      createdAt: s.createdAt,
      expiresAt: s.expiresAt,
      revokedAt: null,
      lastUsedAt: null,
    });
    return toSecret((await this.secrets.findOneBy({ id: s.id }))!);
  }

  async listSecrets(clientId: string): Promise<OAuthClientSecret[]> {
    const rows = await this.secrets.find({ where: { clientId }, order: { createdAt: 'ASC', id: 'ASC' } });
    return rows.map(toSecret);
  }

  async findSecretByHash(hash: string): Promise<OAuthClientSecret | null> {
    const e = await this.secrets.findOneBy({ secretHash: hash });
    return e ? toSecret(e) : null;
  }

  async revokeSecret(clientId: string, secretId: string, at: string): Promise<boolean> {
    const res = await this.secrets.update({ id: secretId, clientId, revokedAt: IsNull() }, { revokedAt: at });
    return (res.affected ?? 0) > 0;
  }

  async touchSecret(secretId: string, at: string): Promise<void> {
    await this.secrets.update({ id: secretId }, { lastUsedAt: at });
  }
}

interface StateRow {
  id: string;
  tenant_id: string;
  name: string;
  scopes: string;
  status: string;
  created_at: string;
  disabled_at: string | null;
  jwks: string | null;
  jwks_uri: string | null;
  tenant_profile: string | null;
  tenant_deprovisioning: string | null;
  tenant_group_cycles: string | null;
  tenant_disabled_at: string | null;
  tenant_link_policy: string | null;
}

function toClient(e: Omit<OAuthClientEntity, never>): OAuthClient {
  return {
    id: e.id,
    tenantId: e.tenantId,
    name: e.name,
    scopes: e.scopes.split(',').filter(Boolean) as Scope[],
    status: e.status as OAuthClientStatus,
    createdAt: e.createdAt,
    disabledAt: e.disabledAt,
    jwks: e.jwks ? (JSON.parse(e.jwks) as JwkSet) : null,
    jwksUri: e.jwksUri,
  };
}

function toSecret(e: OAuthClientSecretEntity): OAuthClientSecret {
  return {
    id: e.id,
    clientId: e.clientId,
    prefix: e.prefix,
    createdAt: e.createdAt,
    expiresAt: e.expiresAt,
    revokedAt: e.revokedAt,
    lastUsedAt: e.lastUsedAt,
  };
}
