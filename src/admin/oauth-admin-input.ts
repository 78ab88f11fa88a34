/**
 * The admin API's input checks for OAuth clients: JSON bodies become typed commands or a 400
 * invalidValue naming what is wrong; the values are checked by OAuthClientService.
 */
import { NewOAuthClient, OAuthClientChanges } from '../auth/oauth/oauth-client.service';
import { ScimError } from '../core/errors/scim-error';

const invalid = (detail: string) => ScimError.invalidValue(detail);

function object(body: unknown, keys: readonly string[]): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw invalid('The request body must be a JSON object');
  }
  for (const key of Object.keys(body)) {
    if (!keys.includes(key)) {
      throw invalid(`Unknown field "${key.slice(0, 64)}": use ${keys.join(', ')}`);
    }
  }
  return body as Record<string, unknown>;
}

/** scopes as a list or a comma/space-separated string */
function scopesOf(v: unknown): string[] | undefined {
  if (v === undefined) {
    return undefined;
  }
  if (typeof v === 'string') {
    return v.split(/[\s,]+/).filter(Boolean);
  }
  if (Array.isArray(v) && v.every((s) => typeof s === 'string')) {
    return v as string[];
  }
  throw invalid('"scopes" must be a list such as ["users:read", "users:write"]');
}

function daysOf(v: unknown, name: string): number | undefined {
  if (v === undefined || v === null) {
    return undefined;
  }
  if (typeof v !== 'number') {
    throw invalid(`"${name}" must be a whole number of days`);
  }
  return v;
}

/** POST /tenants/:slug/oauth-clients: `{ name, scopes, secretExpiresInDays?, withSecret? }` */
export function parseNewOAuthClient(body: unknown): NewOAuthClient {
  const o = object(body, ['name', 'scopes', 'secretExpiresInDays', 'withSecret', 'jwks', 'jwksUri']);
  if (typeof o.name !== 'string') {
    throw invalid('"name" is required: a label of 1 to 200 characters');
  }
  const scopes = scopesOf(o.scopes);
  if (!scopes) {
    throw invalid('"scopes" is required: a list such as ["users:read", "users:write"]');
  }
  if (o.withSecret !== undefined && typeof o.withSecret !== 'boolean') {
    throw invalid('"withSecret" must be true or false');
  }
  const days = daysOf(o.secretExpiresInDays, 'secretExpiresInDays');
  return {
    name: o.name,
    scopes,
    ...(days !== undefined ? { secretExpiresInDays: days } : {}),
    ...(o.withSecret === false ? { withSecret: false } : {}),
    ...(o.jwks !== undefined && o.jwks !== null ? { jwks: o.jwks } : {}),
    ...(typeof o.jwksUri === 'string' ? { jwksUri: o.jwksUri } : {}),
  };
}

/** PATCH /oauth-clients/:clientId: `{ name?, scopes?, enabled?, jwks?, jwksUri? }` (null removes a key source) */
export function parseOAuthClientChanges(body: unknown): OAuthClientChanges {
  const o = object(body, ['name', 'scopes', 'enabled', 'jwks', 'jwksUri']);
  if (o.jwksUri !== undefined && o.jwksUri !== null && typeof o.jwksUri !== 'string') {
    throw invalid('"jwksUri" must be a string, or null to remove it');
  }
  if (o.name !== undefined && typeof o.name !== 'string') {
    throw invalid('"name" must be a string');
  }
  if (o.enabled !== undefined && typeof o.enabled !== 'boolean') {
    throw invalid('"enabled" must be true or false');
  }
  const scopes = scopesOf(o.scopes);
  return {
    ...(typeof o.name === 'string' ? { name: o.name } : {}),
    ...(scopes ? { scopes } : {}),
    ...(typeof o.enabled === 'boolean' ? { enabled: o.enabled } : {}),
    ...(o.jwks !== undefined ? { jwks: o.jwks } : {}),
    ...(o.jwksUri !== undefined ? { jwksUri: o.jwksUri as string | null } : {}),
  };
}

/** POST /oauth-clients/:clientId/secrets: `{ expiresInDays? }` (an empty body is fine) */
export function parseNewSecret(body: unknown): number | undefined {
  if (body === undefined || body === null || body === '') {
    return undefined;
  }
  return daysOf(object(body, ['expiresInDays']).expiresInDays, 'expiresInDays');
}
