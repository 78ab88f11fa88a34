import { ScimError } from '../../core/errors/scim-error';
import {
  RoleMapping,
  Tenant,
  TenantRepository,
  TenantSettings,
  TenantWebhook,
} from '../../core/ports/tenant.repository';
import { compareCodePoints } from './in-memory-store.util';

/**
 * Tenants in a Map; behaves like TypeOrmTenantRepository: ids and slugs unique (exact match),
 * `profile` read back as null when none was set, list ordered by slug.
 */
export class InMemoryTenantRepository implements TenantRepository {
  private readonly tenants = new Map<string, Tenant>();
  /** webhook secrets by tenant id: kept apart so that no Tenant read carries one */
  private readonly secrets = new Map<string, string | null>();
  /** role mappings by tenant id, then by lower-cased group name */
  private readonly mappings = new Map<string, Map<string, RoleMapping>>();

  async findBySlug(slug: string): Promise<Tenant | null> {
    const t = [...this.tenants.values()].find((x) => x.slug === slug);
    return t ? { ...t } : null;
  }

  async findById(id: string): Promise<Tenant | null> {
    const t = this.tenants.get(id);
    return t ? { ...t } : null;
  }

  async create(t: Tenant): Promise<Tenant> {
    if (this.tenants.has(t.id) || [...this.tenants.values()].some((x) => x.slug === t.slug)) {
      throw ScimError.uniqueness(`Tenant "${t.slug}" already exists`);
    }
    this.tenants.set(t.id, {
      id: t.id,
      slug: t.slug,
      createdAt: t.createdAt,
      profile: t.profile ?? null,
      deprovisioning: t.deprovisioning ?? null,
      groupCycles: t.groupCycles ?? null,
      disabledAt: t.disabledAt ?? null,
      notifications: t.notifications ?? null,
      defaultRole: t.defaultRole ?? null,
      linkPolicy: t.linkPolicy ?? null,
      tokenPolicy: t.tokenPolicy ?? null,
      switches: t.switches ?? null,
    });
    return { ...t };
  }

  async list(): Promise<Tenant[]> {
    return [...this.tenants.values()]
      .sort((a, b) => compareCodePoints(a.slug, b.slug))
      .map((t) => ({ ...t }));
  }

  async count(): Promise<number> {
    return this.tenants.size;
  }

  async updateSettings(
    id: string,
    settings: TenantSettings,
  ): Promise<boolean> {
    const t = this.tenants.get(id);
    if (!t) {
      return false;
    }
    const { webhookUrl: _url, ...rest } = t;
    const webhookUrl = settings.webhookUrl !== undefined ? settings.webhookUrl : t.webhookUrl;
    this.tenants.set(id, {
      ...rest,
      ...(settings.profile !== undefined ? { profile: settings.profile } : {}),
      ...(settings.deprovisioning !== undefined ? { deprovisioning: settings.deprovisioning } : {}),
      ...(settings.groupCycles !== undefined ? { groupCycles: settings.groupCycles } : {}),
      ...(settings.disabledAt !== undefined ? { disabledAt: settings.disabledAt } : {}),
      ...(settings.notifications !== undefined ? { notifications: settings.notifications } : {}),
      ...(settings.defaultRole !== undefined ? { defaultRole: settings.defaultRole } : {}),
      ...(settings.linkPolicy !== undefined ? { linkPolicy: settings.linkPolicy } : {}),
      ...(settings.tokenPolicy !== undefined ? { tokenPolicy: settings.tokenPolicy } : {}),
      ...(settings.switches !== undefined ? { switches: settings.switches } : {}),
      // present only when set, as TypeOrmTenantRepository reads it
      ...(webhookUrl ? { webhookUrl } : {}),
    });
    if (settings.webhookSecret !== undefined) {
      this.secrets.set(id, settings.webhookSecret);
    }
    return true;
  }

  async webhookOf(id: string): Promise<TenantWebhook | null> {
    const url = this.tenants.get(id)?.webhookUrl;
    const secret = this.secrets.get(id);
    return url && secret ? { url, secret } : null;
  }

  async roleMappings(tenantId: string): Promise<RoleMapping[]> {
    return [...(this.mappings.get(tenantId)?.entries() ?? [])]
      .sort(([a], [b]) => compareCodePoints(a, b))
      .map(([, m]) => ({ ...m }));
  }

  async setRoleMapping(tenantId: string, group: string, role: string | null, _at?: string): Promise<boolean> {
    const key = group.toLowerCase();
    const forTenant = this.mappings.get(tenantId) ?? new Map<string, RoleMapping>();
    this.mappings.set(tenantId, forTenant);
    if (role === null) {
      return forTenant.delete(key);
    }
    forTenant.set(key, { group, role });
    return true;
  }

  /** the tenant, its secret and its role mappings (the other in-memory stores keep their own) */
  async delete(id: string): Promise<boolean> {
    this.secrets.delete(id);
    this.mappings.delete(id);
    return this.tenants.delete(id);
  }
}
