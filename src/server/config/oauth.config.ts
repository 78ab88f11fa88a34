import { ScimOAuthOptions } from '../../library';
import { ConfigError } from './config-error';

/** The standalone server's OAuth 2.0 settings (SCIM_OAUTH*), checked as ScimModule checks them. */
export interface OAuthConfig {
  /** SCIM_OAUTH: serve the token endpoint, JWKS and metadata (default true) */
  readonly enabled: boolean;
  readonly options: ScimOAuthOptions;
}

const WINDOW = /^(\d{1,9})\s*\/\s*(\d{1,6})\s*([smh]?)$/;
const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600 };

function window(env: NodeJS.ProcessEnv, name: string) {
  const raw = env[name]?.trim().toLowerCase();
  if (!raw) {
    return undefined;
  }
  const m = WINDOW.exec(raw);
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) {
    throw new ConfigError(`${name}="${env[name]}" must be <requests>/<seconds> such as 30/60`);
  }
  return { requestsPerWindow: Number(m[1]), windowSeconds: Number(m[2]) * UNITS[m[3] || 's'] };
}

function integer(env: NodeJS.ProcessEnv, name: string, min: number, max: number): number | undefined {
  const raw = env[name]?.trim();
  if (!raw) {
    return undefined;
  }
  if (!/^\d+$/.test(raw) || +raw < min || +raw > max) {
    throw new ConfigError(`${name}="${raw}" must be an integer from ${min} to ${max}`);
  }
  return +raw;
}

export function loadOAuthConfig(env: NodeJS.ProcessEnv): OAuthConfig {
  const on = env.SCIM_OAUTH?.trim().toLowerCase();
  if (on !== undefined && on !== '' && !['true', 'false', 'on', 'off', '1', '0'].includes(on)) {
    throw new ConfigError(`SCIM_OAUTH="${env.SCIM_OAUTH}" must be true or false`);
  }
  const issuer = env.SCIM_OAUTH_ISSUER?.trim() || undefined;
  if (issuer !== undefined && !/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(issuer)) {
    throw new ConfigError(`SCIM_OAUTH_ISSUER="${issuer}" must be an absolute http(s) URL`);
  }
  const kek = env.SCIM_OAUTH_KEY_ENCRYPTION_KEY || undefined;
  if (kek !== undefined && kek.length < 32) {
    throw new ConfigError('SCIM_OAUTH_KEY_ENCRYPTION_KEY must be at least 32 characters');
  }
  const minutes = integer(env, 'SCIM_OAUTH_TOKEN_MINUTES', 60, 360);
  const rotation = integer(env, 'SCIM_OAUTH_KEY_ROTATION_DAYS', 1, 3650);
  const ttl = integer(env, 'SCIM_OAUTH_CLIENT_CACHE_TTL_MS', 0, 60_000);
  const perClient = window(env, 'SCIM_OAUTH_RATE_LIMIT_CLIENT');
  const perAddress = window(env, 'SCIM_OAUTH_RATE_LIMIT_ADDRESS');
  return {
    enabled: on === undefined || on === '' || ['true', 'on', '1'].includes(on),
    options: {
      ...(minutes !== undefined ? { accessTokenMinutes: minutes } : {}),
      ...(issuer !== undefined ? { issuer } : {}),
      ...(kek !== undefined ? { keyEncryptionKey: kek } : {}),
      ...(rotation !== undefined ? { keyRotationDays: rotation } : {}),
      ...(ttl !== undefined ? { clientCacheTtlMs: ttl } : {}),
      ...(perClient || perAddress
        ? { tokenRateLimit: { ...(perClient ? { perClient } : {}), ...(perAddress ? { perAddress } : {}) } }
        : {}),
    },
  };
}
