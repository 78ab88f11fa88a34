import { ServiceToken } from '../../core/ports/token.repository';

/** DI token of the process's one TokenLookupCache (the token and tenant repositories share it) */
export const TOKEN_LOOKUP_CACHE = Symbol('scim:TokenLookupCache');

/** tokens held at most (the oldest goes first) */
const MAX_CACHED_TOKENS = 10_000;

/**
 * The token look-up cache of one process: a token read by hash, with its tenant's settings,
 * answered from memory for `ttlMs` (0 = never kept). Shared by the token and the tenant
 * repository so that a change made through this process (a revocation, a tenant's settings)
 * is seen at once; a change made by another process is seen within `ttlMs`.
 */
export class TokenLookupCache {
  /** token hash → the row read and until when (performance.now()) it may be answered */
  private readonly entries = new Map<string, { token: ServiceToken; until: number }>();

  constructor(readonly ttlMs = 0) {}

  get(hash: string): ServiceToken | undefined {
    if (this.ttlMs <= 0) {
      return undefined;
    }
    const hit = this.entries.get(hash);
    if (hit && hit.until > performance.now()) {
      return hit.token;
    }
    this.entries.delete(hash);
    return undefined;
  }

  /** keeps a token that exists (an unknown one is read again every time) */
  put(hash: string, token: ServiceToken): void {
    if (this.ttlMs <= 0) {
      return;
    }
    if (this.entries.size >= MAX_CACHED_TOKENS) {
      this.entries.delete(this.entries.keys().next().value!);
    }
    this.entries.set(hash, { token, until: performance.now() + this.ttlMs });
  }

  /** the kept rows of token `id` carry its new last-used time */
  touched(id: string, at: string): void {
    for (const entry of this.entries.values()) {
      if (entry.token.id === id) {
        entry.token = { ...entry.token, lastUsedAt: at };
      }
    }
  }

  /** drops token `id` (revoked or otherwise changed through this process) */
  forgetToken(id: string): void {
    this.forgetWhere((t) => t.id === id);
  }

  /** drops every token of the tenant (its settings travel with each token) */
  forgetTenant(tenantId: string): void {
    this.forgetWhere((t) => t.tenantId === tenantId);
  }

  private forgetWhere(match: (t: ServiceToken) => boolean): void {
    for (const [hash, entry] of this.entries) {
      if (match(entry.token)) {
        this.entries.delete(hash);
      }
    }
  }
}
