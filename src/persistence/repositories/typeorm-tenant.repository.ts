import { DataSource, Repository } from 'typeorm';
import { Tenant, TenantRepository } from '../../scim/core/ports/token.repository';
import { TenantEntity } from '../entities/tenant.entity';

export class TypeOrmTenantRepository implements TenantRepository {
  private readonly repo: Repository<TenantEntity>;

  constructor(ds: DataSource) {
    this.repo = ds.getRepository(TenantEntity);
  }

  async findBySlug(slug: string): Promise<Tenant | null> {
    return toTenant(await this.repo.findOneBy({ slug }));
  }

  async findById(id: string): Promise<Tenant | null> {
    return toTenant(await this.repo.findOneBy({ id }));
  }

  async create(t: Tenant): Promise<Tenant> {
    await this.repo.insert({ id: t.id, slug: t.slug, createdAt: t.createdAt, profile: t.profile ?? null });
    return t;
  }

  async list(): Promise<Tenant[]> {
    return (await this.repo.find({ order: { slug: 'ASC' } })).map((e) => toTenant(e)!);
  }

  count(): Promise<number> {
    return this.repo.count();
  }
}

function toTenant(e: TenantEntity | null): Tenant | null {
  return e ? { id: e.id, slug: e.slug, createdAt: e.createdAt, profile: e.profile } : null;
}
