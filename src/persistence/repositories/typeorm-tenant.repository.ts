import { DataSource, Repository } from 'typeorm';
import {
  Tenant,
  TenantRepository,
  TenantSettings,
  TenantWebhook,
} from '../../scim/core/ports/token.repository';
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
    await this.repo.insert({
      id: t.id,
      slug: t.slug,
      createdAt: t.createdAt,
      profile: t.profile ?? null,
      deprovisioning: t.deprovisioning ?? null,
      groupCycles: t.groupCycles ?? null,
      webhookUrl: null,
      webhookSecret: null,
    });
    return t;
  }

  async list(): Promise<Tenant[]> {
    return (await this.repo.find({ order: { slug: 'ASC' } })).map((e) => toTenant(e)!);
  }

  count(): Promise<number> {
    return this.repo.count();
  }

  async updateSettings(
    id: string,
    settings: TenantSettings,
  ): Promise<boolean> {
    const patch: Partial<TenantEntity> = {};
    if (settings.profile !== undefined) {
      patch.profile = settings.profile;
    }
    if (settings.deprovisioning !== undefined) {
      patch.deprovisioning = settings.deprovisioning;
    }
    if (settings.groupCycles !== undefined) {
      patch.groupCycles = settings.groupCycles;
    }
    if (settings.webhookUrl !== undefined) {
      patch.webhookUrl = settings.webhookUrl;
    }
    if (settings.webhookSecret !== undefined) {
      patch.webhookSecret = settings.webhookSecret;
    }
    if (!Object.keys(patch).length) {
      return (await this.repo.countBy({ id })) > 0;
    }
    return ((await this.repo.update({ id }, patch)).affected ?? 0) > 0;
  }

  async webhookOf(id: string): Promise<TenantWebhook | null> {
    const e = await this.repo.findOne({
      where: { id },
      select: { id: true, webhookUrl: true, webhookSecret: true },
    });
    return e?.webhookUrl && e.webhookSecret ? { url: e.webhookUrl, secret: e.webhookSecret } : null;
  }
}

function toTenant(e: TenantEntity | null): Tenant | null {
  return e
    ? {
        id: e.id,
        slug: e.slug,
        createdAt: e.createdAt,
        profile: e.profile,
        deprovisioning: e.deprovisioning === 'soft' || e.deprovisioning === 'hard' ? e.deprovisioning : null,
        groupCycles: e.groupCycles === 'allow' || e.groupCycles === 'refuse' ? e.groupCycles : null,
        // present only when set; the secret stays in the table (only webhookOf reads it)
        ...(e.webhookUrl ? { webhookUrl: e.webhookUrl } : {}),
      }
    : null;
}
