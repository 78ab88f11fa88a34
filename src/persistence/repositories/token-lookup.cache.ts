import { ServiceToken } from '../../core/ports/token.repository';

/** DI token of the process's one TokenLookupCache (the token and tenant repositories share it) */
export const TOKEN_LOOKUP_CACHE = Symbol('scim:TokenLookupCache');
/** DI token of the process's OAuth client-state cache (the client and tenant repositories share it) */
export const OAUTH_CLIENT_CACHE = Symbol('scim:OAuthClientCache');

/** tokens held at most (the oldest goes first) */
const MAX_CACHED_TOKENS = 10_000;

/**
 * A look-up cache of one process: a row read by key (a token hash, a client id), with its
 * tenant's settings, answered from memory for `ttlMs` (0 = never kept). A change made through
 * this process drops the rows it concerns at once; a change made by another process is seen
 * within `ttlMs`.
 */
export class LookupCache<T extends { readonly id: string; readonly tenantId: string }> {
  /** key → the row read and until when (performance.now()) it may be answered */
  protected readonly entries = new Map<string, { token: T; until: number }>();

  constructor(readonly ttlMs = 0) {}

  get(key: string): T | undefined {
    if (this.ttlMs <= 0) {
      return undefined;
    }
    const hit = this.entries.get(key);
    if (hit && hit.until > performance.now()) {
      return hit.token;
    }
    this.entries.delete(key);
    return undefined;
  }

  /** keeps a row that exists (an unknown key is read again every time) */
  put(key: string, token: T): void {
    if (this.ttlMs <= 0) {
      return;
    }
    if (this.entries.size >= MAX_CACHED_TOKENS) {
      this.entries.delete(this.entries.keys().next().value!);
    }
    this.entries.set(key, { token, until: performance.now() + this.ttlMs });
  }

  /** drops row `id` (revoked or otherwise changed through this process) */
  forgetToken(id: string): void {
    this.forgetWhere((t) => t.id === id);
  }

  /** drops every row of the tenant (its settings travel with each) */
  forgetTenant(tenantId: string): void {
    this.forgetWhere((t) => t.tenantId === tenantId);
  }

  private forgetWhere(match: (t: T) => boolean): void {
    for (const [key, entry] of this.entries) {
      if (match(entry.token)) {
        this.entries.delete(key);
      }
    }
  }
}

/**
 * The token look-up cache of one process: a token read by hash, with its tenant's settings.
 * Shared by the token and the tenant repository so that a change made through this process
 * (a revocation, a tenant's settings) is seen at once.
 */
export class TokenLookupCache extends LookupCache<ServiceToken> {
  /** the kept rows of token `id` carry its new last-used time */
  touched(id: string, at: string): void {
    for (const entry of this.entries.values()) {
      if (entry.token.id === id) {
        entry.token = { ...entry.token, lastUsedAt: at };
      }
    }
  }
}
