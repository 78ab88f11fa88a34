import { DataSource, IsNull, Repository } from 'typeorm';
import {
  NewServiceToken,
  Scope,
  ServiceToken,
  TokenRepository,
} from '../../scim/core/ports/token.repository';
import { TokenEntity } from '../entities/token.entity';

export class TypeOrmTokenRepository implements TokenRepository {
  private readonly repo: Repository<TokenEntity>;

  constructor(ds: DataSource) {
    this.repo = ds.getRepository(TokenEntity);
  }

  async findByHash(hash: string): Promise<ServiceToken | null> {
    return toToken(await this.repo.findOneBy({ tokenHash: hash }));
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
  };
}
