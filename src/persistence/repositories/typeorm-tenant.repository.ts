import { DataSource, Repository } from 'typeorm';
import {
  RoleMapping,
  Tenant,
  TenantRepository,
  TenantSettings,
  TenantWebhook,
} from '../../core/ports/tenant.repository';
import { OutboxEntity } from '../entities/outbox.entity';
import { RoleMappingEntity, TenantEntity } from '../entities/tenant.entity';
import { LookupCache, TokenLookupCache } from './token-lookup.cache';

export class TypeOrmTenantRepository implements TenantRepository {
  private readonly repo: Repository<TenantEntity>;
  private readonly mappings: Repository<RoleMappingEntity>;

  /**
   * `tokenCache`: the token repository's look-up cache, whose kept tokens carry their tenant's
   * settings; a settings change through this repository drops the tenant's tokens from it.
   */
  constructor(
    ds: DataSource,
    private readonly tokenCache?: TokenLookupCache,
    /** the OAuth client states (they carry the tenant's settings too) */
    private readonly clientCache?: LookupCache<{ id: string; tenantId: string }>,
  ) {
    this.repo = ds.getRepository(TenantEntity);
    this.mappings = ds.getRepository(RoleMappingEntity);
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
      disabledAt: t.disabledAt ?? null,
      notifications: t.notifications ?? null,
      defaultRole: t.defaultRole ?? null,
      linkPolicy: t.linkPolicy ?? null,
      tokenPolicy: t.tokenPolicy ?? null,
      switches: t.switches ?? null,
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
    for (const key of SETTING_KEYS) {
      if (settings[key] !== undefined) {
        (patch as Record<string, unknown>)[key] = settings[key];
      }
    }
    if (!Object.keys(patch).length) {
      return (await this.repo.countBy({ id })) > 0;
    }
    const changed = ((await this.repo.update({ id }, patch)).affected ?? 0) > 0;
    // SCIM on/off, profile, deprovisioning...: effective on this instance's next request
    this.tokenCache?.forgetTenant(id);
    this.clientCache?.forgetTenant(id);
    return changed;
  }

  async webhookOf(id: string): Promise<TenantWebhook | null> {
    const e = await this.repo.findOne({
      where: { id },
      select: { id: true, webhookUrl: true, webhookSecret: true },
    });
    return e?.webhookUrl && e.webhookSecret ? { url: e.webhookUrl, secret: e.webhookSecret } : null;
  }

  async roleMappings(tenantId: string): Promise<RoleMapping[]> {
    const rows = await this.mappings.find({ where: { tenantId }, order: { groupKey: 'ASC' } });
    return rows.map((r) => ({ group: r.groupName, role: r.role }));
  }

  async setRoleMapping(
    tenantId: string,
    group: string,
    role: string | null,
    at: string,
  ): Promise<boolean> {
    const groupKey = group.toLowerCase();
    if (role === null) {
      return ((await this.mappings.delete({ tenantId, groupKey })).affected ?? 0) > 0;
    }
    // upsert by primary key, portable across SQLite and MySQL
    await this.mappings.manager.transaction(async (m) => {
      const r = m.getRepository(RoleMappingEntity);
      const updated = await r.update({ tenantId, groupKey }, { groupName: group, role });
      if (!updated.affected) {
        await r.insert({ tenantId, groupKey, groupName: group, role, createdAt: at });
      }
    });
    return true;
  }

  /**
   * The change events go by tenant id (the outbox has no foreign key: it is written with the
   * change, whose rows may be gone by delivery); every other table of the tenant follows its
   * row through ON DELETE CASCADE. The audit log has no foreign key and keeps its entries.
   */
  async delete(id: string): Promise<boolean> {
    const deleted = await this.repo.manager.transaction(async (m) => {
      await m.getRepository(OutboxEntity).delete({ tenantId: id });
      return ((await m.getRepository(TenantEntity).delete({ id })).affected ?? 0) > 0;
    });
    // its tokens and clients stop working on this instance's next request
    this.tokenCache?.forgetTenant(id);
    this.clientCache?.forgetTenant(id);
    return deleted;
  }
}

/** The settings columns, named as in TenantSettings and TenantEntity alike. */
const SETTING_KEYS = [
  'profile',
  'deprovisioning',
  'groupCycles',
  'webhookUrl',
  'webhookSecret',
  'disabledAt',
  'notifications',
  'defaultRole',
  'linkPolicy',
  'tokenPolicy',
  'switches',
] as const satisfies readonly (keyof TenantSettings & keyof TenantEntity)[];

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
        disabledAt: e.disabledAt,
        notifications: e.notifications === 'off' || e.notifications === 'on' ? e.notifications : null,
        defaultRole: e.defaultRole,
        linkPolicy: e.linkPolicy === 'verified-email' || e.linkPolicy === 'off' ? e.linkPolicy : null,
        tokenPolicy: e.tokenPolicy === 'oauth-only' || e.tokenPolicy === 'any' ? e.tokenPolicy : null,
        switches: e.switches,
      }
    : null;
}
