import { Inject, Injectable } from '@nestjs/common';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { ScimError } from '../core/errors/scim-error';
import { ALL_SCOPES, Scope, ServiceToken, TokenRepository } from '../core/ports/token.repository';
import {
  DeprovisioningMode,
  GroupCyclePolicy,
  LinkPolicy,
  NotificationSetting,
  RoleMapping,
  Tenant,
  TenantRepository,
  TenantSettings,
} from '../core/ports/tenant.repository';
import { CLOCK, TENANT_REPOSITORY, TOKEN_REPOSITORY } from '../core/ports/tokens';
import { Clock } from '../core/ports/clock';
import { PROFILE_NAMES, ProfileName, isProfileName } from '../core/profile/idp-profile';
import { SCIM_AUTH_OPTIONS, ScimAuthOptions } from './auth.options';

/** Who is calling: resolved from a bearer token, attached to the request by the strategy. */
export interface ScimPrincipal {
  readonly tokenId: string;
  readonly tenantId: string;
  /** effective scopes: write implies read */
  readonly scopes: ReadonlySet<Scope>;
  /** the token's IdP profile, else its tenant's; undefined = server default */
  readonly profile?: ProfileName;
  /** the tenant's deprovisioning mode (what DELETE does to a user) */
  readonly deprovisioning?: DeprovisioningMode;
  /** true when the tenant allows group memberships that form cycles */
  readonly allowGroupCycles?: boolean;
  /** set when SCIM is switched off for the tenant (every SCIM call is 403) */
  readonly tenantDisabled?: boolean;
  /** POST /Users may link to an existing host user with that verified email */
  readonly linkByVerifiedEmail?: boolean;
}

export interface IssuedToken {
  /** the secret: shown once, never stored */
  readonly token: string;
  readonly record: ServiceToken;
}

const TOKEN_PREFIX = 'scim_';
/** how stale last_used_at may get before a request writes it again */
const TOUCH_INTERVAL_MS = 60_000;
const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;
/** shortest webhook secret accepted (it keys an HMAC-SHA256) */
export const MIN_WEBHOOK_SECRET_LENGTH = 16;
/** a host role name (default role, role mappings) */
const ROLE = /^[A-Za-z0-9_.:-]{1,64}$/;
/** longest IdP group name a role mapping keys on (a Group displayName) */
const MAX_GROUP_NAME = 255;

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
}

const invalid = (detail: string) => ScimError.invalidValue(detail);
const unknownTenant = (slug: string) => ScimError.notFound(`Unknown tenant "${slug}"`);

/** One of `allowed` (or null/undefined, passed through); else a 400 naming the setting. */
function oneOf<T extends string>(
  name: string,
  value: unknown,
  allowed: readonly T[],
): T | null | undefined {
  if (value === undefined || value === null) {
    return value;
  }
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw invalid(`Unknown ${name} ${JSON.stringify(value)}: use ${allowed.join(' or ')}`);
  }
  return value as T;
}

/** A host role name: 1 to 64 characters of A-Z a-z 0-9 _ . : - */
export function checkRole(role: unknown, what = 'role'): string {
  if (typeof role !== 'string' || !ROLE.test(role)) {
    throw invalid(
      `The ${what} must be 1 to 64 characters of A-Z a-z 0-9 _ . : - (got ${JSON.stringify(role)?.slice(0, 80)})`,
    );
  }
  return role;
}

/** An IdP group name as role mappings key it: 1 to 255 characters, not only whitespace. */
export function checkGroupName(group: unknown): string {
  if (typeof group !== 'string' || group.trim() === '' || group.length > MAX_GROUP_NAME) {
    throw invalid(`The group name must be 1 to ${MAX_GROUP_NAME} characters`);
  }
  return group;
}

/** An absolute http(s) URL without credentials or whitespace, at most 2048 characters. */
function checkWebhookUrl(url: string): void {
  let u: URL | undefined;
  try {
    u = new URL(url);
  } catch {
    u = undefined;
  }
  if (
    !u ||
    (u.protocol !== 'http:' && u.protocol !== 'https:') ||
    /\s/.test(url) ||
    url.length > 2048 ||
    u.username !== '' ||
    u.password !== ''
  ) {
    throw invalid(
      `Webhook URL "${url.slice(0, 2048)}" must be an absolute http:// or https:// URL (at most 2048 characters, no credentials)`,
    );
  }
}

function checkProfile(profile: unknown): void {
  if (profile !== undefined && (typeof profile !== 'string' || !isProfileName(profile))) {
    throw invalid(`Unknown profile ${JSON.stringify(profile)}: use ${PROFILE_NAMES.join(', ')}`);
  }
}

/** Parses `users:read,groups:write`; throws on unknown scopes. */
export function parseScopes(text: string): Scope[] {
  const scopes = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (scopes.length === 0) {
    throw invalid(`No scopes given: use a comma list of ${ALL_SCOPES.join(', ')}`);
  }
  for (const s of scopes) {
    if (!(ALL_SCOPES as readonly string[]).includes(s)) {
      throw invalid(`Unknown scope "${s}": use ${ALL_SCOPES.join(', ')}`);
    }
  }
  return [...new Set(scopes)] as Scope[];
}

/** The tenant settings a principal carries (as the token's row or the tenant's row has them). */
export interface PrincipalTenantSettings {
  readonly profile?: string | null;
  readonly deprovisioning?: string | null;
  readonly groupCycles?: string | null;
  readonly disabledAt?: string | null;
  readonly linkPolicy?: string | null;
}

/**
 * Who is calling, with the settings of their tenant applied: the one place that maps tenant
 * settings onto a principal, for the module's tokens and a host's authenticator alike. The
 * caller's own profile (a token's) wins over the tenant's.
 */
export function principalOf(
  tokenId: string,
  tenantId: string,
  scopes: readonly Scope[],
  ownProfile: string | null | undefined,
  tenant: PrincipalTenantSettings,
): ScimPrincipal {
  const profile = ownProfile ?? tenant.profile ?? undefined;
  return {
    tokenId,
    tenantId,
    scopes: effectiveScopes(scopes),
    ...(profile && isProfileName(profile) ? { profile } : {}),
    ...(tenant.deprovisioning === 'soft' ? { deprovisioning: 'soft' as const } : {}),
    ...(tenant.groupCycles === 'allow' ? { allowGroupCycles: true } : {}),
    ...(tenant.disabledAt ? { tenantDisabled: true } : {}),
    ...(tenant.linkPolicy === 'verified-email' ? { linkByVerifiedEmail: true } : {}),
  };
}

/** `users:write` implies `users:read`, `groups:write` implies `groups:read`. */
export function effectiveScopes(scopes: readonly Scope[]): Set<Scope> {
  const out = new Set<Scope>(scopes);
  for (const s of scopes) {
    if (s.endsWith(':write')) {
      out.add(s.replace(':write', ':read') as Scope);
    }
  }
  return out;
}

/**
 * Tenants and service-account tokens: random 256-bit secrets, stored only as an HMAC-SHA256
 * under the server's pepper, expiring, revocable, with a throttled last-used timestamp.
 */
@Injectable()
export class TokenService {
  constructor(
    @Inject(TOKEN_REPOSITORY) private readonly tokens: TokenRepository,
    @Inject(TENANT_REPOSITORY) private readonly tenants: TenantRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SCIM_AUTH_OPTIONS) private readonly options: ScimAuthOptions,
  ) {}

  hash(token: string): string {
    return createHmac('sha256', this.options.tokenPepper).update(token, 'utf8').digest('hex');
  }

  async verify(token: string): Promise<ScimPrincipal | null> {
    if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) {
      return null;
    }
    const record = await this.tokens.findByHash(this.hash(token));
    const now = this.clock.nowIso();
    if (!record || record.revokedAt !== null || (record.expiresAt !== null && record.expiresAt <= now)) {
      return null;
    }
    if (!record.lastUsedAt || Date.parse(now) - Date.parse(record.lastUsedAt) > TOUCH_INTERVAL_MS) {
      await this.tokens.touch(record.id, now);
    }
    return principalOf(record.id, record.tenantId, record.scopes, record.profile, {
      profile: record.tenantProfile,
      deprovisioning: record.tenantDeprovisioning,
      groupCycles: record.tenantGroupCycles,
      disabledAt: record.tenantDisabledAt,
      linkPolicy: record.tenantLinkPolicy,
    });
  }

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
    if (typeof slug !== 'string' || !SLUG.test(slug)) {
      throw invalid(
        `Tenant slug ${JSON.stringify(slug)?.slice(0, 80)} must be lower-case letters, digits and dashes (max 63)`,
      );
    }
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

  /** The columns to write for `settings`, every value checked; `tenant` null = a new one. */
  private async checkSettings(
    tenant: Tenant | null,
    settings: TenantSettingsUpdate,
  ): Promise<TenantSettings> {
    if (settings.profile !== undefined && settings.profile !== null) {
      checkProfile(settings.profile);
    }
    const mode = oneOf<DeprovisioningMode>('deprovisioning mode', settings.deprovisioning, ['hard', 'soft']);
    const cycles = oneOf<GroupCyclePolicy>('group cycle policy', settings.groupCycles, ['refuse', 'allow']);
    const notifications = oneOf<NotificationSetting>('notifications setting', settings.notifications, [
      'on',
      'off',
    ]);
    const linkPolicy = oneOf<LinkPolicy>('link policy', settings.linkPolicy, ['off', 'verified-email']);
    if (settings.scimEnabled !== undefined && typeof settings.scimEnabled !== 'boolean') {
      throw invalid('scimEnabled must be true or false');
    }
    const defaultRole =
      settings.defaultRole === undefined || settings.defaultRole === null
        ? settings.defaultRole
        : checkRole(settings.defaultRole, 'default role');
    const webhook = await this.webhookSettings(tenant, settings.webhookUrl, settings.webhookSecret);
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
    };
  }

  /** The tenant with that slug; 404 when there is none. */
  async getTenant(slug: string): Promise<Tenant> {
    const tenant = await this.tenants.findBySlug(slug);
    if (!tenant) {
      throw unknownTenant(slug);
    }
    return tenant;
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
      checkWebhookUrl(url);
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

  listTenants(): Promise<Tenant[]> {
    return this.tenants.list();
  }

  async issue(
    tenantSlug: string,
    name: string,
    scopes: readonly Scope[],
    expiresInDays?: number,
    profile?: string,
  ): Promise<IssuedToken> {
    checkProfile(profile);
    const tenant = await this.tenants.findBySlug(tenantSlug);
    if (!tenant) {
      throw ScimError.notFound(`Unknown tenant "${tenantSlug}" (create it with: tenant create ${tenantSlug})`);
    }
    if (typeof name !== 'string' || !name.trim()) {
      throw invalid('A token needs a name');
    }
    if (
      expiresInDays !== undefined &&
      !(typeof expiresInDays === 'number' && Number.isFinite(expiresInDays) && expiresInDays > 0)
    ) {
      throw invalid('The expiry must be a positive number of days');
    }
    const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const now = this.clock.nowIso();
    const record = await this.tokens.create({
      id: randomUUID(),
      tenantId: tenant.id,
      name: name.trim().slice(0, 200),
      prefix: token.slice(0, 12),
      hash: this.hash(token),
      scopes: [...new Set(scopes)],
      createdAt: now,
      expiresAt:
        expiresInDays === undefined
          ? null
          : new Date(Date.parse(now) + expiresInDays * 86_400_000).toISOString(),
      profile: profile ?? null,
    });
    return { token, record };
  }

  async listTokens(tenantSlug?: string): Promise<ServiceToken[]> {
    if (tenantSlug === undefined) {
      return this.tokens.list();
    }
    return this.tokens.list((await this.getTenant(tenantSlug)).id);
  }

  async revoke(id: string): Promise<boolean> {
    return this.tokens.revoke(id, this.clock.nowIso());
  }

  /**
   * On an empty database: tenant `default` and one all-scopes token, returned so the caller can
   * print it once. Returns undefined when any tenant exists already.
   */
  async bootstrap(): Promise<IssuedToken | undefined> {
    if ((await this.tenants.count()) > 0) {
      return undefined;
    }
    await this.createTenant('default');
    return this.issue('default', 'bootstrap', ALL_SCOPES);
  }
}
