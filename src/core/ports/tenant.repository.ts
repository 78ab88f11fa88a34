/** A tenant: what SCIM resources, tokens and settings belong to. */
export interface Tenant {
  readonly id: string;
  readonly slug: string;
  readonly createdAt: string;
  /** IdP profile name (rfc-strict | entra | okta | lenient); null/absent = default */
  readonly profile?: string | null;
  /** what DELETE /Users does: 'hard' (RFC default) or 'soft' (tombstone); null/absent = hard */
  readonly deprovisioning?: DeprovisioningMode | null;
  /** whether group memberships may form cycles; null/absent = refuse */
  readonly groupCycles?: GroupCyclePolicy | null;
  /** http(s) URL change events are POSTed to; null/absent = none (the secret is never here) */
  readonly webhookUrl?: string | null;
  /** when SCIM was switched off for the tenant; null/absent = enabled */
  readonly disabledAt?: string | null;
  /** 'off' stops the tenant's webhook deliveries; null/absent = on */
  readonly notifications?: NotificationSetting | null;
  /** the role of a user none of whose groups maps to one; null/absent = none */
  readonly defaultRole?: string | null;
  /** whether a POST /Users links to an existing host user; null/absent = off */
  readonly linkPolicy?: LinkPolicy | null;
  /** which bearer tokens its SCIM requests may carry; null/absent = any */
  readonly tokenPolicy?: TokenPolicy | null;
  /**
   * IdP profile switches applied on top of the profile of the tenant's tokens, as canonical
   * `name=value` text (core/profile/profile-switches.ts); null/absent = none
   */
  readonly switches?: string | null;
}

export type NotificationSetting = 'on' | 'off';
/** 'verified-email': POST /Users links to the host user with that verified email */
export type LinkPolicy = 'off' | 'verified-email';
/** 'oauth-only': only OAuth access tokens, no static service-account tokens (app gallery rules) */
export type TokenPolicy = 'any' | 'oauth-only';

/** Each setting's values, the default first: what the checks accept and the admin API documents. */
export const NOTIFICATION_SETTINGS: readonly NotificationSetting[] = ['on', 'off'];
export const LINK_POLICIES: readonly LinkPolicy[] = ['off', 'verified-email'];
export const TOKEN_POLICIES: readonly TokenPolicy[] = ['any', 'oauth-only'];

/** An IdP group, by displayName (matched case-insensitively), mapped to a host role. */
export interface RoleMapping {
  readonly group: string;
  readonly role: string;
}

/** A tenant's webhook: where its change events go and the shared secret that signs them. */
export interface TenantWebhook {
  readonly url: string;
  readonly secret: string;
}

export type DeprovisioningMode = 'hard' | 'soft';
export type GroupCyclePolicy = 'refuse' | 'allow';
export const DEPROVISIONING_MODES: readonly DeprovisioningMode[] = ['hard', 'soft'];
export const GROUP_CYCLE_POLICIES: readonly GroupCyclePolicy[] = ['refuse', 'allow'];

export interface TenantRepository {
  findBySlug(slug: string): Promise<Tenant | null>;
  findById(id: string): Promise<Tenant | null>;
  create(tenant: Tenant): Promise<Tenant>;
  list(): Promise<Tenant[]>;
  count(): Promise<number>;
  /** changes a tenant's settings; false when no tenant has that id */
  updateSettings(
    id: string,
    settings: TenantSettings,
  ): Promise<boolean>;
  /** the tenant's webhook with its secret (for the event dispatcher only), or null when none is set */
  webhookOf(id: string): Promise<TenantWebhook | null>;
  /** the tenant's group-to-role mappings, ordered by group */
  roleMappings(tenantId: string): Promise<RoleMapping[]>;
  /** maps the group (case-insensitively) to `role`, or removes its mapping when role is null */
  setRoleMapping(tenantId: string, group: string, role: string | null, at: string): Promise<boolean>;
  /**
   * deletes the tenant and everything that is its own (users, groups and their memberships,
   * other resources, tokens, OAuth clients, role mappings, catalogue values, change events) in
   * one transaction; the audit log keeps its entries. False when no tenant has that id.
   */
  delete(id: string): Promise<boolean>;
}

export interface TenantSettings {
  readonly profile?: string | null;
  readonly deprovisioning?: DeprovisioningMode | null;
  readonly groupCycles?: GroupCyclePolicy | null;
  /** null removes the webhook (and its secret) */
  readonly webhookUrl?: string | null;
  readonly webhookSecret?: string | null;
  readonly disabledAt?: string | null;
  readonly notifications?: NotificationSetting | null;
  readonly defaultRole?: string | null;
  readonly linkPolicy?: LinkPolicy | null;
  readonly tokenPolicy?: TokenPolicy | null;
  readonly switches?: string | null;
}
