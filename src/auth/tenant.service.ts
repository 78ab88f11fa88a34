import { Inject, Injectable, Optional } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ScimError } from '../core/errors/scim-error';
import {
  DEPROVISIONING_MODES,
  GROUP_CYCLE_POLICIES,
  LINK_POLICIES,
  NOTIFICATION_SETTINGS,
  TOKEN_POLICIES,
  RoleMapping,
  Tenant,
  TenantRepository,
  TenantSettings,
} from '../core/ports/tenant.repository';
import { CLOCK, TENANT_REPOSITORY, WEBHOOK_EGRESS_POLICY } from '../core/ports/tokens';
import { EgressPolicy } from '../core/egress/egress-policy';
import { mergeSwitches } from '../core/profile/profile-switches';
import { Clock } from '../core/ports/clock';
import {
  checkGroupName,
  checkProfile,
  checkRole,
  checkSlug,
  checkWebhookUrl,
  invalid,
  oneOf,
} from './auth-input';

/** shortest webhook secret accepted (it keys an HMAC-SHA256) */
export const MIN_WEBHOOK_SECRET_LENGTH = 16;

/**
 * What an operator may change on a tenant (CLI `tenant set`, PATCH /admin/v1/tenants/:slug).
 * Absent = unchanged; null = back to the default where one exists. Values arrive unchecked
 * (from argv or JSON) and are checked by updateTenant.
 */
export interface TenantSettingsUpdate {
  profile?: string | null;
  deprovisioning?: string | null;
  groupCycles?: string | null;
  /** null removes the webhook and its secret */
  webhookUrl?: string | null;
  /** write-only: stored to sign webhooks, never returned */
  webhookSecret?: string;
  /** false switches SCIM off for the tenant (its tokens get 403), true back on */
  scimEnabled?: boolean;
  /** 'off' stops webhook deliveries (events are still recorded, listeners still run) */
  notifications?: string | null;
  /** the role of a user none of whose groups maps to one; null = none */
  defaultRole?: string | null;
  /** 'verified-email' lets POST /Users link to a host user with that verified email */
  linkPolicy?: string | null;
  /** 'oauth-only' refuses the tenant's static tokens: only OAuth access tokens are accepted */
  tokenPolicy?: string | null;
  /**
   * IdP profile switches on top of the tokens' profile, as `name=value` pairs merged into the
   * stored ones (`name=default` drops one); null or `default` drops them all
   */
  switches?: string | null;
}

const unknownTenant = (slug: string) => ScimError.notFound(`Unknown tenant "${slug}"`);

/**
 * Tenants and their settings: IdP profile, deprovisioning mode, group cycle policy, the
 * change-event webhook (its URL, and a secret that is stored but never read out), SCIM on/off,
 * notifications, the default role, group-to-role mappings, the link policy and the IdP profile
 * switches. Every value is checked before anything is written.
 */
@Injectable()
export class TenantService {
  constructor(
    @Inject(TENANT_REPOSITORY) private readonly tenants: TenantRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    // where a webhook URL may point; without a binding only public addresses
    @Optional()
    @Inject(WEBHOOK_EGRESS_POLICY)
    private readonly egress: EgressPolicy = EgressPolicy.STRICT,
  ) {}

  /**
   * A new tenant (lower-case letters, digits, dashes), optionally with settings, all checked
   * before anything is written (400 invalidValue; 409 uniqueness for a taken slug).
   */
  async createTenant(
    slug: string,
    profile?: string,
    settings: TenantSettingsUpdate = {},
  ): Promise<Tenant> {
    checkProfile(profile);
    checkSlug(slug);
    const initial = await this.checkSettings(null, settings);
    if (await this.tenants.findBySlug(slug)) {
      throw ScimError.uniqueness(`Tenant "${slug}" already exists`);
    }
    const tenant = await this.tenants.create({
      id: randomUUID(),
      slug,
      createdAt: this.clock.nowIso(),
      profile: profile ?? null,
    });
    if (!Object.keys(initial).length) {
      return tenant;
    }
    await this.tenants.updateSettings(tenant.id, initial);
    return (await this.tenants.findById(tenant.id))!;
  }

  /**
   * Changes a tenant's settings (CLI `tenant set`, the admin API): IdP profile, deprovisioning
   * mode, group cycle policy, change-event webhook, SCIM on/off, notifications, default role
   * and link policy. Every value is checked before anything is written (400 invalidValue;
   * unknown tenant 404). A webhook URL needs a secret, given with it or already stored;
   * `webhookUrl: null` removes the webhook and its secret. The secret is never returned.
   * Switching SCIM off keeps the first time it was switched off (`disabledAt`).
   */
  async updateTenant(slug: string, settings: TenantSettingsUpdate): Promise<Tenant> {
    const tenant = await this.getTenant(slug);
    await this.tenants.updateSettings(tenant.id, await this.checkSettings(tenant, settings));
    return (await this.tenants.findById(tenant.id))!;
  }

  /**
   * Deletes the tenant and everything that is its own (TenantRepository.delete); its audit
   * entries stay. 404 when there is none.
   */
  async deleteTenant(slug: string): Promise<Tenant> {
    const tenant = await this.getTenant(slug);
    if (!(await this.tenants.delete(tenant.id))) {
      throw unknownTenant(slug);
    }
    return tenant;
  }

  /** The tenant with that slug; 404 when there is none. */
  async getTenant(slug: string): Promise<Tenant> {
    const tenant = await this.tenants.findBySlug(slug);
    if (!tenant) {
      throw unknownTenant(slug);
    }
    return tenant;
  }

  /** The tenant with that slug, or null when there is none. */
  findTenant(slug: string): Promise<Tenant | null> {
    return this.tenants.findBySlug(slug);
  }

  listTenants(): Promise<Tenant[]> {
    return this.tenants.list();
  }

  /** How many tenants there are (0 on an empty database). */
  countTenants(): Promise<number> {
    return this.tenants.count();
  }

  /** true when the tenant has a webhook with its secret (the secret itself is never read out). */
  async hasWebhookSecret(tenantId: string): Promise<boolean> {
    return (await this.tenants.webhookOf(tenantId)) !== null;
  }

  /** The tenant's group-to-role mappings, ordered by group (case-insensitively). */
  async listRoleMappings(slug: string): Promise<RoleMapping[]> {
    return this.tenants.roleMappings((await this.getTenant(slug)).id);
  }

  /**
   * Maps an IdP group (its displayName, matched case-insensitively: a second call with another
   * letter case replaces the mapping and keeps the new spelling) to a host role.
   */
  async setRoleMapping(slug: string, group: unknown, role: unknown): Promise<RoleMapping> {
    const tenant = await this.getTenant(slug);
    const g = checkGroupName(group);
    const r = checkRole(role);
    await this.tenants.setRoleMapping(tenant.id, g, r, this.clock.nowIso());
    return { group: g, role: r };
  }

  /** Removes the group's mapping (case-insensitively); false when it had none. */
  async removeRoleMapping(slug: string, group: unknown): Promise<boolean> {
    const tenant = await this.getTenant(slug);
    return this.tenants.setRoleMapping(tenant.id, checkGroupName(group), null, this.clock.nowIso());
  }

  /** The columns to write for `settings`, every value checked; `tenant` null = a new one. */
  private async checkSettings(
    tenant: Tenant | null,
    settings: TenantSettingsUpdate,
  ): Promise<TenantSettings> {
    if (settings.profile !== undefined && settings.profile !== null) {
      checkProfile(settings.profile);
    }
    const mode = oneOf('deprovisioning mode', settings.deprovisioning, DEPROVISIONING_MODES);
    const cycles = oneOf('group cycle policy', settings.groupCycles, GROUP_CYCLE_POLICIES);
    const notifications = oneOf('notifications setting', settings.notifications, NOTIFICATION_SETTINGS);
    const linkPolicy = oneOf('link policy', settings.linkPolicy, LINK_POLICIES);
    const tokenPolicy = oneOf('token policy', settings.tokenPolicy, TOKEN_POLICIES);
    if (settings.scimEnabled !== undefined && typeof settings.scimEnabled !== 'boolean') {
      throw invalid('scimEnabled must be true or false');
    }
    const defaultRole =
      settings.defaultRole === undefined || settings.defaultRole === null
        ? settings.defaultRole
        : checkRole(settings.defaultRole, 'default role');
    const webhook = await this.webhookSettings(tenant, settings.webhookUrl, settings.webhookSecret);
    if (settings.switches !== undefined && settings.switches !== null && typeof settings.switches !== 'string') {
      throw invalid('The switches must be a string of name=value pairs, or null');
    }
    const switches =
      settings.switches === undefined
        ? undefined
        : mergeSwitches(tenant?.switches, settings.switches ?? 'default');
    const disabledAt =
      settings.scimEnabled === undefined
        ? undefined
        : settings.scimEnabled
          ? null
          : (tenant?.disabledAt ?? this.clock.nowIso());
    return {
      ...(settings.profile !== undefined ? { profile: settings.profile } : {}),
      ...(mode !== undefined ? { deprovisioning: mode } : {}),
      ...(cycles !== undefined ? { groupCycles: cycles } : {}),
      ...webhook,
      ...(disabledAt !== undefined ? { disabledAt } : {}),
      ...(notifications !== undefined ? { notifications } : {}),
      ...(defaultRole !== undefined ? { defaultRole } : {}),
      ...(linkPolicy !== undefined ? { linkPolicy } : {}),
      ...(tokenPolicy !== undefined ? { tokenPolicy } : {}),
      ...(switches !== undefined ? { switches } : {}),
    };
  }

  /**
   * The webhook columns to write, checked: a URL needs a secret (given or stored), a secret a
   * URL (given or stored), null removes both.
   */
  private async webhookSettings(
    tenant: Tenant | null,
    url: unknown,
    secret: unknown,
  ): Promise<{ webhookUrl?: string | null; webhookSecret?: string | null }> {
    if (secret !== undefined && typeof secret !== 'string') {
      throw invalid('The webhook secret must be a string');
    }
    if (url !== undefined && url !== null && typeof url !== 'string') {
      throw invalid('The webhook URL must be a string, or null to remove the webhook');
    }
    if (secret !== undefined && secret.length < MIN_WEBHOOK_SECRET_LENGTH) {
      throw invalid(`The webhook secret must be at least ${MIN_WEBHOOK_SECRET_LENGTH} characters`);
    }
    if (secret !== undefined && secret.length > 255) {
      throw invalid('The webhook secret must be at most 255 characters');
    }
    if (url === null) {
      if (secret !== undefined) {
        throw invalid('A webhook secret cannot be set while removing the webhook');
      }
      return { webhookUrl: null, webhookSecret: null };
    }
    if (url !== undefined) {
      checkWebhookUrl(url, this.egress);
      if (secret === undefined && !(tenant && (await this.tenants.webhookOf(tenant.id)))) {
        throw invalid('A webhook URL needs a secret: give the webhook secret too (CLI: --webhook-secret)');
      }
    } else if (secret !== undefined && !tenant?.webhookUrl) {
      throw invalid('A webhook secret needs a webhook URL: give the URL too (CLI: --webhook-url)');
    }
    return {
      ...(url !== undefined ? { webhookUrl: url } : {}),
      ...(secret !== undefined ? { webhookSecret: secret } : {}),
    };
  }
}
