import { Inject, Injectable, Optional } from '@nestjs/common';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { ScimError } from '../core/errors/scim-error';
import { ALL_SCOPES, Scope, ServiceToken, TokenRepository } from '../core/ports/token.repository';
import { DeprovisioningMode, RoleMapping, Tenant } from '../core/ports/tenant.repository';
import { CLOCK, SCIM_SCOPES, TOKEN_REPOSITORY } from '../core/ports/tokens';
import { Clock } from '../core/ports/clock';
import { ProfileChoice, isProfileChoice } from '../core/profile/profile-auto';
import { ProfileSwitches, switchesOf } from '../core/profile/profile-switches';
import { SCIM_AUTH_OPTIONS, ScimAuthOptions } from './auth.options';
import { checkProfile, invalid } from './auth-input';
import { TenantService, TenantSettingsUpdate } from './tenant.service';

/** Who is calling: resolved from a bearer token, attached to the request by the strategy. */
export interface ScimPrincipal {
  readonly tokenId: string;
  readonly tenantId: string;
  /** effective scopes: write implies read */
  readonly scopes: ReadonlySet<Scope>;
  /** the token's IdP profile, else its tenant's; undefined = server default */
  readonly profile?: ProfileChoice;
  /** the tenant's deprovisioning mode (what DELETE does to a user) */
  readonly deprovisioning?: DeprovisioningMode;
  /** true when the tenant allows group memberships that form cycles */
  readonly allowGroupCycles?: boolean;
  /** set when SCIM is switched off for the tenant (every SCIM call is 403) */
  readonly tenantDisabled?: boolean;
  /** POST /Users may link to an existing host user with that verified email */
  readonly linkByVerifiedEmail?: boolean;
  /** the tenant's profile switches, applied on top of the profile (absent = none) */
  readonly switches?: ProfileSwitches;
}

export interface IssuedToken {
  /** the secret: shown once, never stored */
  readonly token: string;
  readonly record: ServiceToken;
}

const TOKEN_PREFIX = 'scim_';
/** how stale last_used_at may get before a request writes it again */
const TOUCH_INTERVAL_MS = 60_000;

/** Parses `users:read,groups:write`; throws on scopes not in `known`. */
export function parseScopes(text: string, known: readonly string[] = ALL_SCOPES): Scope[] {
  const scopes = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (scopes.length === 0) {
    throw invalid(`No scopes given: use a comma list of ${known.join(', ')}`);
  }
  for (const s of scopes) {
    if (!known.includes(s)) {
      throw invalid(`Unknown scope "${s}": use ${known.join(', ')}`);
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
  readonly switches?: string | null;
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
    ...(profile && isProfileChoice(profile) ? { profile } : {}),
    ...(tenant.deprovisioning === 'soft' ? { deprovisioning: 'soft' as const } : {}),
    ...(tenant.groupCycles === 'allow' ? { allowGroupCycles: true } : {}),
    ...(tenant.disabledAt ? { tenantDisabled: true } : {}),
    ...(tenant.linkPolicy === 'verified-email' ? { linkByVerifiedEmail: true } : {}),
    ...(tenant.switches ? { switches: switchesOf(tenant.switches) } : {}),
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
 * Service-account tokens: random 256-bit secrets, stored only as an HMAC-SHA256 under the
 * server's pepper, expiring, revocable, with a throttled last-used timestamp. The tenants they
 * belong to are TenantService's.
 */
@Injectable()
export class TokenService {
  constructor(
    @Inject(TOKEN_REPOSITORY) private readonly tokens: TokenRepository,
    private readonly tenants: TenantService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SCIM_AUTH_OPTIONS) private readonly options: ScimAuthOptions,
    @Optional() @Inject(SCIM_SCOPES) private readonly known: readonly Scope[] = ALL_SCOPES,
  ) {}

  /** every scope a token of this server may hold */
  get scopes(): readonly Scope[] {
    return this.known;
  }

  hash(token: string): string {
    return createHmac('sha256', this.options.tokenPepper).update(token, 'utf8').digest('hex');
  }

  /** The principal of a static token; null when unknown, expired or revoked. */
  async verify(token: string): Promise<ScimPrincipal | null> {
    if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) {
      return null;
    }
    const record = await this.tokens.findByHash(this.hash(token));
    const now = this.clock.nowIso();
    if (!record || record.revokedAt !== null || (record.expiresAt !== null && record.expiresAt <= now)) {
      return null;
    }
    if (record.tenantTokenPolicy === 'oauth-only') {
      // the app gallery rule: such a tenant's IdP must use the client credentials grant
      throw ScimError.invalidToken('This tenant accepts OAuth access tokens only');
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
      switches: record.tenantSwitches,
    });
  }

  async issue(
    tenantSlug: string,
    name: string,
    scopes: readonly Scope[],
    expiresInDays?: number,
    profile?: string,
  ): Promise<IssuedToken> {
    checkProfile(profile);
    const tenant = await this.tenants.findTenant(tenantSlug);
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
    return this.tokens.list((await this.tenants.getTenant(tenantSlug)).id);
  }

  async revoke(id: string): Promise<boolean> {
    return this.tokens.revoke(id, this.clock.nowIso());
  }

  /**
   * On an empty database: tenant `default` and one all-scopes token, returned so the caller can
   * print it once. Returns undefined when any tenant exists already.
   */
  async bootstrap(): Promise<IssuedToken | undefined> {
    if ((await this.tenants.countTenants()) > 0) {
      return undefined;
    }
    await this.tenants.createTenant('default');
    return this.issue('default', 'bootstrap', this.known);
  }

  // The tenant methods hosts call on TokenService (the public API): TenantService does them.

  /** @deprecated use TenantService */
  createTenant(slug: string, profile?: string, settings?: TenantSettingsUpdate): Promise<Tenant> {
    return this.tenants.createTenant(slug, profile, settings);
  }

  /** @deprecated use TenantService */
  updateTenant(slug: string, settings: TenantSettingsUpdate): Promise<Tenant> {
    return this.tenants.updateTenant(slug, settings);
  }

  /** @deprecated use TenantService */
  getTenant(slug: string): Promise<Tenant> {
    return this.tenants.getTenant(slug);
  }

  /** @deprecated use TenantService */
  listTenants(): Promise<Tenant[]> {
    return this.tenants.listTenants();
  }

  /** @deprecated use TenantService */
  hasWebhookSecret(tenantId: string): Promise<boolean> {
    return this.tenants.hasWebhookSecret(tenantId);
  }

  /** @deprecated use TenantService */
  listRoleMappings(slug: string): Promise<RoleMapping[]> {
    return this.tenants.listRoleMappings(slug);
  }

  /** @deprecated use TenantService */
  setRoleMapping(slug: string, group: unknown, role: unknown): Promise<RoleMapping> {
    return this.tenants.setRoleMapping(slug, group, role);
  }

  /** @deprecated use TenantService */
  removeRoleMapping(slug: string, group: unknown): Promise<boolean> {
    return this.tenants.removeRoleMapping(slug, group);
  }
}
