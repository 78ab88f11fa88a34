export interface ScimAuthOptions {
  /** HMAC key for token hashes: changing it invalidates every token */
  readonly tokenPepper: string;
  /**
   * How long (ms) one process may answer from a token row it has read, instead of reading it
   * again on every request (default 1000; 0 = read on every request). A revocation or tenant
   * setting change made through this process is seen at once either way; one made elsewhere
   * (the CLI, another instance) takes up to this long to be seen here.
   */
  readonly tokenCacheTtlMs?: number;
}

export const SCIM_AUTH_OPTIONS = Symbol('scim:AuthOptions');

/**
 * A token read is answered from memory for one second: the request path sends no statement
 * for its token (RFC 6750 leaves validation to the server), and a revocation, a tenant switched
 * off or a changed tenant setting made through another instance or the CLI is seen within that
 * bound on every instance (through this one: at once).
 */
export const DEFAULT_TOKEN_CACHE_TTL_MS = 1000;
/** Longest allowed cache lifetime: a revoked token must not live on for more than a minute. */
export const MAX_TOKEN_CACHE_TTL_MS = 60_000;

/** tokenCacheTtlMs with its default applied; throws (at boot) on a value out of range. */
export function tokenCacheTtlOf(o: { tokenCacheTtlMs?: number }): number {
  const ttl = o.tokenCacheTtlMs ?? DEFAULT_TOKEN_CACHE_TTL_MS;
  if (!Number.isInteger(ttl) || ttl < 0 || ttl > MAX_TOKEN_CACHE_TTL_MS) {
    throw new Error(
      `ScimModule: tokenCacheTtlMs must be an integer from 0 to ${MAX_TOKEN_CACHE_TTL_MS} (ms)`,
    );
  }
  return ttl;
}
