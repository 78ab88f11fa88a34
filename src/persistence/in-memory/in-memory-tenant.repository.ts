import { ScimError } from '../../scim/core/errors/scim-error';
import {
  Tenant,
  TenantRepository,
  TenantSettings,
  TenantWebhook,
} from '../../scim/core/ports/token.repository';
import { compareCodePoints } from './json-copy.util';

/**
 * Tenants in a Map; behaves like TypeOrmTenantRepository: ids and slugs unique (exact match),
 * `profile` read back as null when none was set, list ordered by slug.
 */
export class InMemoryTenantRepository implements TenantRepository {
  private readonly tenants = new Map<string, Tenant>();
  /** webhook secrets by tenant id: kept apart so that no Tenant read carries one */
  private readonly secrets = new Map<string, string | null>();

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
}
