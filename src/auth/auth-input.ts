/**
 * The value checks of tenants and tokens, shared by TenantService and TokenService: each
 * returns the checked value or throws a SCIM 400 invalidValue naming what is wrong.
 */
import { REFUSAL_WORDING } from '../core/egress/destination-address';
import { EgressPolicy } from '../core/egress/egress-policy';
import { ScimError } from '../core/errors/scim-error';
import { shownValue } from '../core/errors/shown-value';
import { PROFILE_NAMES } from '../core/profile/idp-profile';
import { AUTO_PROFILE, isProfileChoice } from '../core/profile/profile-auto';

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;
/** a host role name (default role, role mappings) */
const ROLE = /^[A-Za-z0-9_.:-]{1,64}$/;
/** longest IdP group name a role mapping keys on (a Group displayName) */
const MAX_GROUP_NAME = 255;

export const invalid = (detail: string) => ScimError.invalidValue(detail);

/** One of `allowed` (or null/undefined, passed through); else a 400 naming the setting. */
export function oneOf<T extends string>(
  name: string,
  value: unknown,
  allowed: readonly T[],
): T | null | undefined {
  if (value === undefined || value === null) {
    return value;
  }
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw invalid(`Unknown ${name} ${shownValue(value)}: use ${allowed.join(' or ')}`);
  }
  return value as T;
}

/** A tenant slug: lower-case letters, digits and dashes, 1 to 63, not starting with a dash. */
export function checkSlug(slug: unknown): string {
  if (typeof slug !== 'string' || !SLUG.test(slug)) {
    throw invalid(
      `Tenant slug ${shownValue(slug)} must be lower-case letters, digits and dashes (max 63)`,
    );
  }
  return slug;
}

/** A host role name: 1 to 64 characters of A-Z a-z 0-9 _ . : - */
export function checkRole(role: unknown, what = 'role'): string {
  if (typeof role !== 'string' || !ROLE.test(role)) {
    throw invalid(
      `The ${what} must be 1 to 64 characters of A-Z a-z 0-9 _ . : - (got ${shownValue(role)})`,
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

/**
 * An absolute http(s) URL without credentials or whitespace, at most 2048 characters, whose
 * host as written is not an internal address the egress policy refuses (loopback, private,
 * metadata, ...; a host name is checked on the addresses it resolves to, at delivery).
 */
export function checkWebhookUrl(url: string, egress: EgressPolicy): void {
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
  const refused = egress.literalRefusal(u);
  if (refused) {
    throw invalid(
      `Webhook URL host ${refused.host} is ${REFUSAL_WORDING[refused.reason]}: webhooks may reach ` +
        'public addresses only. An operator can allow an internal destination with SCIM_WEBHOOK_ALLOW ' +
        '(standalone server) or the ScimModule option events.webhookAllow',
    );
  }
}

/** An IdP profile name or `auto` (a tenant's or a token's), or undefined for the default. */
export function checkProfile(profile: unknown): void {
  if (profile !== undefined && (typeof profile !== 'string' || !isProfileChoice(profile))) {
    throw invalid(
      `Unknown profile ${shownValue(profile)}: use ${[...PROFILE_NAMES, AUTO_PROFILE].join(', ')}`,
    );
  }
}
