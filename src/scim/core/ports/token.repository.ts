export type Scope = 'users:read' | 'users:write' | 'groups:read' | 'groups:write';
export const ALL_SCOPES: readonly Scope[] = ['users:read', 'users:write', 'groups:read', 'groups:write'];

export interface Tenant {
  readonly id: string;
  readonly slug: string;
  readonly createdAt: string;
  /** IdP dialect profile name (rfc-strict | entra | okta | lenient); null/absent = default */
  readonly profile?: string | null;
  /** what DELETE /Users does: 'hard' (RFC default) or 'soft' (tombstone); null/absent = hard */
  readonly deprovisioning?: DeprovisioningMode | null;
  /** whether group memberships may form cycles; null/absent = refuse */
  readonly groupCycles?: GroupCyclePolicy | null;
  /** issue #6 item 2: http(s) URL change events are POSTed to; null/absent = none (the secret is never here) */
  readonly webhookUrl?: string | null;
}

/** A tenant's webhook: where its change events go and the shared secret that signs them. */
export interface TenantWebhook {
  readonly url: string;
  readonly secret: string;
}

export type DeprovisioningMode = 'hard' | 'soft';
export type GroupCyclePolicy = 'refuse' | 'allow';

export interface ServiceToken {
  readonly id: string;
  readonly tenantId: string;
  readonly name: string;
  /** first characters of the token, for recognising it in listings (never enough to use it) */
  readonly prefix: string;
  readonly scopes: readonly Scope[];
  readonly createdAt: string;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
  readonly lastUsedAt: string | null;
  /** IdP dialect profile name; null/absent = the tenant's */
  readonly profile?: string | null;
  /** the token's tenant's profile, when the repository loads it with the token (findByHash) */
  readonly tenantProfile?: string | null;
  /** the token's tenant's deprovisioning mode, loaded with the token (findByHash) */
  readonly tenantDeprovisioning?: string | null;
  /** the token's tenant's group cycle policy, loaded with the token (findByHash) */
  readonly tenantGroupCycles?: string | null;
}

export interface NewServiceToken {
  readonly id: string;
  readonly tenantId: string;
  readonly name: string;
  readonly prefix: string;
  readonly hash: string;
  readonly scopes: readonly Scope[];
  readonly createdAt: string;
  readonly expiresAt: string | null;
  readonly profile?: string | null;
}

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
}

export interface TenantSettings {
  readonly profile?: string | null;
  readonly deprovisioning?: DeprovisioningMode | null;
  readonly groupCycles?: GroupCyclePolicy | null;
  /** null removes the webhook (and its secret) */
  readonly webhookUrl?: string | null;
  readonly webhookSecret?: string | null;
}

export interface TokenRepository {
  /** the token whose hash is `hash`, with its tenant, or null */
  findByHash(hash: string): Promise<ServiceToken | null>;
  findById(id: string): Promise<ServiceToken | null>;
  create(token: NewServiceToken): Promise<ServiceToken>;
  list(tenantId?: string): Promise<ServiceToken[]>;
  revoke(id: string, at: string): Promise<boolean>;
  touch(id: string, at: string): Promise<void>;
}
