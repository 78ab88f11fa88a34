/**
 * The admin API's input checks, at the boundary: JSON bodies and query
 * parameters become typed commands or a 400 invalidValue naming what is wrong. The values
 * themselves (a role name, a webhook URL...) are checked by TenantService, as for the CLI.
 */
import { TenantSettingsUpdate } from '../auth/tenant.service';
import { parseScopes } from '../auth/token.service';
import { ScimError } from '../core/errors/scim-error';
import { OUTBOX_STATUSES, OutboxStatus } from '../core/ports/change-event';
import { Scope } from '../core/ports/token.repository';
import { checkWellFormed } from '../core/resource/well-formed';

const invalid = (detail: string) => ScimError.invalidValue(detail);

/** the settings PATCH (and POST /tenants) accepts, with the JSON type each takes */
const SETTINGS: Record<keyof TenantSettingsUpdate, string> = {
  profile: 'string or null',
  deprovisioning: 'string',
  groupCycles: 'string',
  webhookUrl: 'string or null',
  webhookSecret: 'string',
  scimEnabled: 'boolean',
  notifications: 'string',
  defaultRole: 'string or null',
  linkPolicy: 'string',
  tokenPolicy: 'string',
  switches: 'string or null',
};
/** what GET returns but no request may set */
const READ_ONLY = new Set(['id', 'slug', 'createdAt', 'webhookSecretSet', 'disabledAt']);

function object(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw invalid('The request body must be a JSON object');
  }
  // a token name or webhook secret with a lone surrogate would be stored differently per database
  checkWellFormed(body, 'The request body');
  return body as Record<string, unknown>;
}

function typeOk(value: unknown, type: string): boolean {
  if (value === null) {
    return type.endsWith('or null');
  }
  return typeof value === type.split(' ')[0];
}

/** Settings from a JSON object: known keys only, each of its type; absent = unchanged. */
export function parseSettings(
  body: unknown,
  { allow = [] }: { allow?: readonly string[] } = {},
): TenantSettingsUpdate {
  const o = object(body);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(o)) {
    if (allow.includes(key)) {
      continue;
    }
    if (READ_ONLY.has(key)) {
      throw invalid(`"${key}" is read-only`);
    }
    if (!Object.hasOwn(SETTINGS, key)) {
      throw invalid(`Unknown setting "${key.slice(0, 64)}": use ${Object.keys(SETTINGS).join(', ')}`);
    }
    const type = SETTINGS[key as keyof TenantSettingsUpdate];
    if (!typeOk(value, type)) {
      throw invalid(`"${key}" must be a ${type}`);
    }
    out[key] = value;
  }
  return out as TenantSettingsUpdate;
}

export interface NewTenantCommand {
  readonly slug: string;
  readonly settings: TenantSettingsUpdate;
}

/** POST /tenants: `{ slug, ...settings }` */
export function parseNewTenant(body: unknown): NewTenantCommand {
  const o = object(body);
  if (typeof o.slug !== 'string') {
    throw invalid('"slug" is required: lower-case letters, digits and dashes (max 63)');
  }
  return { slug: o.slug, settings: parseSettings(o, { allow: ['slug'] }) };
}

export interface NewTokenCommand {
  readonly name: string;
  readonly scopes: Scope[];
  readonly expiresInDays?: number;
  readonly profile?: string;
}

const TOKEN_KEYS = new Set(['name', 'scopes', 'expiresInDays', 'profile']);

/** POST /tenants/:slug/tokens: `{ name, scopes: [..] | "a,b", expiresInDays?, profile? }` */
export function parseNewToken(body: unknown, known?: readonly string[]): NewTokenCommand {
  const o = object(body);
  for (const key of Object.keys(o)) {
    if (!TOKEN_KEYS.has(key)) {
      throw invalid(`Unknown field "${key.slice(0, 64)}": use ${[...TOKEN_KEYS].join(', ')}`);
    }
  }
  if (typeof o.name !== 'string' || !o.name.trim() || o.name.length > 200) {
    throw invalid('"name" is required: a label of 1 to 200 characters');
  }
  const scopes = o.scopes;
  if (
    !(typeof scopes === 'string' || (Array.isArray(scopes) && scopes.every((s) => typeof s === 'string')))
  ) {
    throw invalid('"scopes" is required: a list such as ["users:read", "users:write"]');
  }
  const exp = o.expiresInDays;
  if (exp !== undefined && exp !== null && !(typeof exp === 'number' && Number.isFinite(exp) && exp > 0)) {
    throw invalid('"expiresInDays" must be a positive number');
  }
  if (o.profile !== undefined && o.profile !== null && typeof o.profile !== 'string') {
    throw invalid('"profile" must be a string');
  }
  return {
    name: o.name,
    scopes: parseScopes(Array.isArray(scopes) ? scopes.join(',') : scopes, known),
    ...(typeof exp === 'number' ? { expiresInDays: exp } : {}),
    ...(typeof o.profile === 'string' ? { profile: o.profile } : {}),
  };
}

/** PUT /tenants/:slug/role-mappings/:group: `{ role }` (the value is checked by TenantService) */
export function parseRole(body: unknown): unknown {
  const o = object(body);
  for (const key of Object.keys(o)) {
    if (key !== 'role' && key !== 'group') {
      throw invalid(`Unknown field "${key.slice(0, 64)}": use role`);
    }
  }
  if (o.role === undefined) {
    throw invalid('"role" is required');
  }
  return o.role;
}

/** A non-negative integer query parameter within [min, max]; `def` when absent. */
export function parseIntParam(
  name: string,
  value: unknown,
  def: number,
  min: number,
  max: number,
): number {
  if (value === undefined || value === '') {
    return def;
  }
  if (typeof value !== 'string' || !/^\d{1,9}$/.test(value) || +value < min || +value > max) {
    throw invalid(`${name} must be an integer from ${min} to ${max}`);
  }
  return +value;
}

/** An outbox status query parameter; undefined when absent. */
export function parseOutboxStatus(value: unknown): OutboxStatus | undefined {
  if (value === undefined || value === '') {
    return undefined;
  }
  if (typeof value !== 'string' || !(OUTBOX_STATUSES as readonly string[]).includes(value)) {
    throw invalid(`status must be one of ${OUTBOX_STATUSES.join(', ')}`);
  }
  return value as OutboxStatus;
}

/** An outbox position (`before`, from a previous page's `nextBefore`); undefined when absent. */
export function parseSeq(name: string, value: unknown): string | undefined {
  if (value === undefined || value === '') {
    return undefined;
  }
  if (typeof value !== 'string' || !/^[1-9]\d{0,18}$/.test(value)) {
    throw invalid(`${name} must be a positive integer (an event's seq)`);
  }
  return value;
}
