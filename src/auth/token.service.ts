import { Inject, Injectable } from '@nestjs/common';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { ScimError } from '../scim/core/errors/scim-error';
import {
  ALL_SCOPES,
  DeprovisioningMode,
  Scope,
  ServiceToken,
  Tenant,
  TenantRepository,
  TokenRepository,
} from '../scim/core/ports/token.repository';
import { CLOCK, Clock, TENANT_REPOSITORY, TOKEN_REPOSITORY } from '../scim/core/ports/tokens';
import { PROFILE_NAMES, ProfileName, isProfileName } from '../scim/core/patch/patch.dialect';
import { SCIM_AUTH_OPTIONS, ScimAuthOptions } from './auth.options';

/** Who is calling: resolved from a bearer token, attached to the request by the strategy. */
export interface ScimPrincipal {
  readonly tokenId: string;
  readonly tenantId: string;
  /** effective scopes: write implies read */
  readonly scopes: ReadonlySet<Scope>;
  /** the token's IdP dialect profile, else its tenant's; undefined = server default */
  readonly profile?: ProfileName;
  /** the tenant's deprovisioning mode (what DELETE does to a user) */
  readonly deprovisioning?: DeprovisioningMode;
  /** true when the tenant allows group memberships that form cycles */
  readonly allowGroupCycles?: boolean;
  /** issue #6 item 4: set when SCIM is switched off for the tenant (every SCIM call is 403) */
  readonly tenantDisabled?: boolean;
  /** issue #8 item 4: POST /Users may link to an existing host user with that verified email */
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
/** issue #6 item 2: shortest webhook secret accepted (it keys an HMAC-SHA256) */
export const MIN_WEBHOOK_SECRET_LENGTH = 16;

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
    throw new Error(
      `Webhook URL "${url}" must be an absolute http:// or https:// URL (at most 2048 characters, no credentials)`,
    );
  }
}

function checkProfile(profile: string | undefined): void {
  if (profile !== undefined && !isProfileName(profile)) {
    throw new Error(`Unknown profile "${profile}": use ${PROFILE_NAMES.join(', ')}`);
  }
}

/** Parses `users:read,groups:write`; throws on unknown scopes. */
export function parseScopes(text: string): Scope[] {
  const scopes = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (scopes.length === 0) {
    throw new Error(`No scopes given: use a comma list of ${ALL_SCOPES.join(', ')}`);
  }
  for (const s of scopes) {
    if (!(ALL_SCOPES as readonly string[]).includes(s)) {
      throw new Error(`Unknown scope "${s}": use ${ALL_SCOPES.join(', ')}`);
    }
  }
  return [...new Set(scopes)] as Scope[];
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
    const profile = record.profile ?? record.tenantProfile ?? undefined;
    return {
      tokenId: record.id,
      tenantId: record.tenantId,
      scopes: effectiveScopes(record.scopes),
      ...(profile && isProfileName(profile) ? { profile } : {}),
      ...(record.tenantDeprovisioning === 'soft' ? { deprovisioning: 'soft' as const } : {}),
      ...(record.tenantGroupCycles === 'allow' ? { allowGroupCycles: true } : {}),
      ...(record.tenantDisabledAt ? { tenantDisabled: true } : {}),
      ...(record.tenantLinkPolicy === 'verified-email' ? { linkByVerifiedEmail: true } : {}),
    };
  }

  async createTenant(slug: string, profile?: string): Promise<Tenant> {
    checkProfile(profile);
    if (!SLUG.test(slug)) {
      throw new Error(`Tenant slug "${slug}" must be lower-case letters, digits and dashes (max 63)`);
    }
    if (await this.tenants.findBySlug(slug)) {
      throw ScimError.uniqueness(`Tenant "${slug}" already exists`);
    }
    return this.tenants.create({
      id: randomUUID(),
      slug,
      createdAt: this.clock.nowIso(),
      profile: profile ?? null,
    });
  }

  /**
   * Changes a tenant's IdP profile, deprovisioning mode, group cycle policy and/or change-event
   * webhook (CLI `tenant set`). A webhook URL needs a secret, given with it or already stored;
   * `webhookUrl: null` removes the webhook and its secret. The secret is never returned.
   */
  async updateTenant(
    slug: string,
    settings: {
      profile?: string | null;
      deprovisioning?: string | null;
      groupCycles?: string | null;
      webhookUrl?: string | null;
      webhookSecret?: string;
    },
  ): Promise<Tenant> {
    const tenant = await this.tenants.findBySlug(slug);
    if (!tenant) {
      throw new Error(`Unknown tenant "${slug}"`);
    }
    if (settings.profile !== undefined && settings.profile !== null) {
      checkProfile(settings.profile);
    }
    const mode = settings.deprovisioning;
    if (mode !== undefined && mode !== null && mode !== 'hard' && mode !== 'soft') {
      throw new Error(`Unknown deprovisioning mode "${mode}": use hard or soft`);
    }
    const cycles = settings.groupCycles;
    if (cycles !== undefined && cycles !== null && cycles !== 'allow' && cycles !== 'refuse') {
      throw new Error(`Unknown group cycle policy "${cycles}": use allow or refuse`);
    }
    const webhook = await this.webhookSettings(tenant.id, settings.webhookUrl, settings.webhookSecret);
    await this.tenants.updateSettings(tenant.id, {
      ...(settings.profile !== undefined ? { profile: settings.profile } : {}),
      ...(mode !== undefined ? { deprovisioning: mode } : {}),
      ...(cycles !== undefined ? { groupCycles: cycles } : {}),
      ...webhook,
    });
    return (await this.tenants.findById(tenant.id))!;
  }

  /** The webhook columns to write, checked: a URL needs a secret, null removes both. */
  private async webhookSettings(
    tenantId: string,
    url: string | null | undefined,
    secret: string | undefined,
  ): Promise<{ webhookUrl?: string | null; webhookSecret?: string | null }> {
    if (secret !== undefined && secret.length < MIN_WEBHOOK_SECRET_LENGTH) {
      throw new Error(`The webhook secret must be at least ${MIN_WEBHOOK_SECRET_LENGTH} characters`);
    }
    if (secret !== undefined && secret.length > 255) {
      throw new Error('The webhook secret must be at most 255 characters');
    }
    if (url === null) {
      if (secret !== undefined) {
        throw new Error('A webhook secret cannot be set while removing the webhook');
      }
      return { webhookUrl: null, webhookSecret: null };
    }
    if (url !== undefined) {
      checkWebhookUrl(url);
      if (secret === undefined && !(await this.tenants.webhookOf(tenantId))) {
        throw new Error('A webhook URL needs a secret: give --webhook-secret too');
      }
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
      throw new Error(`Unknown tenant "${tenantSlug}" (create it with: tenant create ${tenantSlug})`);
    }
    if (!name.trim()) {
      throw new Error('A token needs a --name');
    }
    if (expiresInDays !== undefined && !(expiresInDays > 0)) {
      throw new Error('--expires-in must be a positive number of days');
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
    const tenant = await this.tenants.findBySlug(tenantSlug);
    if (!tenant) {
      throw new Error(`Unknown tenant "${tenantSlug}"`);
    }
    return this.tokens.list(tenant.id);
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
