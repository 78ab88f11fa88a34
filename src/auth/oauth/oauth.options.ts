import { createHash, createHmac } from 'node:crypto';

/**
 * Options of the OAuth 2.0 client credentials grant (ScimModuleOptions `oauth`), resolved once
 * by the core module and checked at boot: a bad value stops the start with a message naming it.
 */
export interface ScimOAuthOptions {
  /** lifetime of an access token in minutes: 60 to 360 (6 h); default 60 */
  readonly accessTokenMinutes?: number;
  /**
   * Client secret lifetimes in days: the default (730, two years) and the range an operator may
   * choose from (365 to 1095: the one to three years app galleries ask for).
   */
  readonly secretDays?: { readonly default?: number; readonly min?: number; readonly max?: number };
  /**
   * The `iss` (and `aud`) of the access tokens and the metadata's issuer: an absolute http(s)
   * URL. Default: the SCIM base URL (`baseUrl`), else the one each request addresses (then a
   * token works only under the host name it was issued for).
   */
  readonly issuer?: string;
  /** days a signing key signs before a new one takes over (the old one still verifies); default 90 */
  readonly keyRotationDays?: number;
  /**
   * The secret the signing keys are encrypted with at rest (at least 32 characters); default
   * one derived from tokenPepper. Changing it makes the stored keys unreadable: new ones are
   * generated and the tokens already issued stop working.
   */
  readonly keyEncryptionKey?: string;
  /**
   * ms a process answers an access token's client and tenant state from memory (0-60000;
   * default 30000): the bound within which a client or tenant disabled elsewhere stops the
   * tokens it already holds (through this process: at once). 0 reads the state on every request.
   */
  readonly clientCacheTtlMs?: number;
  /** token endpoint requests per client_id and per source address (against guessing) */
  readonly tokenRateLimit?: {
    readonly perClient?: RateWindow;
    readonly perAddress?: RateWindow;
  };
}

export interface RateWindow {
  readonly requestsPerWindow: number;
  readonly windowSeconds: number;
}

export interface ResolvedOAuthOptions {
  readonly accessTokenMinutes: number;
  readonly secretDays: { readonly default: number; readonly min: number; readonly max: number };
  readonly issuer?: string;
  readonly keyRotationDays: number;
  /** the AES-256 key sealing the signing keys */
  readonly keyEncryptionKey: Buffer;
  readonly tokenRateLimit: { readonly perClient: RateWindow; readonly perAddress: RateWindow };
  readonly clientCacheTtlMs: number;
}

export const SCIM_OAUTH_OPTIONS = Symbol('scim:OAuthOptions');

export const MIN_ACCESS_TOKEN_MINUTES = 60;
export const MAX_ACCESS_TOKEN_MINUTES = 360;
export const DEFAULT_SECRET_DAYS = { default: 730, min: 365, max: 1095 } as const;
/** active (unrevoked, unexpired) secrets a client may hold at once: rotation needs two */
export const MAX_ACTIVE_SECRETS = 5;
export const DEFAULT_KEY_ROTATION_DAYS = 90;
export const DEFAULT_CLIENT_CACHE_TTL_MS = 30_000;
export const MAX_CLIENT_CACHE_TTL_MS = 60_000;
/** a legitimate client asks for a token about once an hour; a guesser asks far more often */
export const DEFAULT_TOKEN_RATE_LIMIT = {
  perClient: { requestsPerWindow: 30, windowSeconds: 60 },
  perAddress: { requestsPerWindow: 300, windowSeconds: 60 },
} as const;

const int = (v: unknown): v is number => Number.isInteger(v);

/**
 * `tokenPepper` derives the default key-encryption key (HMAC-SHA256(pepper, "scim-oauth-keys"):
 * the pepper itself never keys a cipher, as for cursors).
 */
export function resolveOAuthOptions(o: ScimOAuthOptions | undefined, tokenPepper = ''): ResolvedOAuthOptions {
  const minutes = o?.accessTokenMinutes ?? MIN_ACCESS_TOKEN_MINUTES;
  if (!int(minutes) || minutes < MIN_ACCESS_TOKEN_MINUTES || minutes > MAX_ACCESS_TOKEN_MINUTES) {
    throw new Error(
      `ScimModule: oauth.accessTokenMinutes must be an integer from ${MIN_ACCESS_TOKEN_MINUTES} to ${MAX_ACCESS_TOKEN_MINUTES}`,
    );
  }
  const days = { ...DEFAULT_SECRET_DAYS, ...o?.secretDays };
  if (
    ![days.default, days.min, days.max].every((d) => int(d) && d >= 1 && d <= 36500) ||
    days.min > days.default ||
    days.default > days.max
  ) {
    throw new Error(
      'ScimModule: oauth.secretDays must be whole days with min <= default <= max (1 to 36500)',
    );
  }
  const issuer = o?.issuer;
  if (issuer !== undefined && (typeof issuer !== 'string' || !/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(issuer))) {
    throw new Error('ScimModule: oauth.issuer must be an absolute http(s) URL without query or fragment');
  }
  const rotation = o?.keyRotationDays ?? DEFAULT_KEY_ROTATION_DAYS;
  if (!int(rotation) || rotation < 1 || rotation > 3650) {
    throw new Error('ScimModule: oauth.keyRotationDays must be an integer from 1 to 3650');
  }
  const kek = o?.keyEncryptionKey;
  if (kek !== undefined && (typeof kek !== 'string' || kek.length < 32)) {
    throw new Error('ScimModule: oauth.keyEncryptionKey must be a string of at least 32 characters');
  }
  const ttl = o?.clientCacheTtlMs ?? DEFAULT_CLIENT_CACHE_TTL_MS;
  if (!int(ttl) || ttl < 0 || ttl > MAX_CLIENT_CACHE_TTL_MS) {
    throw new Error(`ScimModule: oauth.clientCacheTtlMs must be an integer from 0 to ${MAX_CLIENT_CACHE_TTL_MS}`);
  }
  const limits = {
    perClient: o?.tokenRateLimit?.perClient ?? DEFAULT_TOKEN_RATE_LIMIT.perClient,
    perAddress: o?.tokenRateLimit?.perAddress ?? DEFAULT_TOKEN_RATE_LIMIT.perAddress,
  };
  for (const w of [limits.perClient, limits.perAddress]) {
    if (!int(w?.requestsPerWindow) || w.requestsPerWindow < 1 || !int(w.windowSeconds) || w.windowSeconds < 1) {
      throw new Error('ScimModule: oauth.tokenRateLimit windows need positive integer requestsPerWindow and windowSeconds');
    }
  }
  return {
    accessTokenMinutes: minutes,
    secretDays: days,
    ...(issuer !== undefined ? { issuer: issuer.replace(/\/+$/, '') } : {}),
    keyRotationDays: rotation,
    keyEncryptionKey:
      kek !== undefined
        ? createHash('sha256').update(kek, 'utf8').digest()
        : createHmac('sha256', tokenPepper).update('scim-oauth-keys', 'utf8').digest(),
    tokenRateLimit: limits,
    clientCacheTtlMs: ttl,
  };
}
