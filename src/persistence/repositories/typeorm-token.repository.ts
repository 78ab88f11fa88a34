import { DataSource, IsNull, Repository } from 'typeorm';
import {
  NewServiceToken,
  Scope,
  ServiceToken,
  TokenRepository,
} from '../../scim/core/ports/token.repository';
import { TenantEntity } from '../entities/tenant.entity';
import { TokenEntity } from '../entities/token.entity';

export class TypeOrmTokenRepository implements TokenRepository {
  private readonly repo: Repository<TokenEntity>;

  constructor(ds: DataSource) {
    this.repo = ds.getRepository(TokenEntity);
  }

  /** One indexed look-up per request: the token with its tenant's profile. */
  async findByHash(hash: string): Promise<ServiceToken | null> {
    const row = await this.repo
      .createQueryBuilder('t')
      .leftJoin(TenantEntity, 'n', 'n.id = t.tenant_id')
      .addSelect('n.profile', 'tenant_profile')
      .where('t.token_hash = :hash', { hash })
      .getRawAndEntities();
    const token = toToken(row.entities[0] ?? null);
    if (!token) {
      return null;
    }
    const raw = row.raw[0] as { tenant_profile?: string | null } | undefined;
    return { ...token, tenantProfile: raw?.tenant_profile ?? null };
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
    return (res.affected ?? 0) > 0;
  }

  async touch(id: string, at: string): Promise<void> {
    await this.repo.update({ id }, { lastUsedAt: at });
  }
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
