/**
 * Audit log and rate-limit counter ports. Types only: the TypeORM
 * implementations live in persistence/repositories, the services in src/audit.
 */

/** One SCIM request as the audit log keeps it. Never the token, never a password. */
export interface AuditEntry {
  /** when the request arrived, ISO-8601 UTC with milliseconds */
  readonly at: string;
  /** null when the request was not authenticated (401, discovery without a token) */
  readonly tenantId: string | null;
  readonly tokenId: string | null;
  /** the X-Request-Id of the response */
  readonly requestId: string;
  readonly method: string;
  /** path and query string, with an `access_token` query parameter redacted */
  readonly path: string;
  /** `User`, `Group`, or the endpoint (`Bulk`, `Schemas`, ...); null when unknown */
  readonly resourceType: string | null;
  readonly resourceId: string | null;
  /** HTTP status sent (499: the client went away before the response was complete) */
  readonly status: number;
  readonly latencyMs: number;
  readonly clientIp: string | null;
  readonly userAgent: string | null;
  /** the request body as JSON text with every password redacted, truncated; null without one */
  readonly body: string | null;
  /**
   * the IdP profile the request ran under and how it was chosen (`entra`, `default`,
   * `auto:okta`, `auto:default`); null without a principal (401, discovery, admin API)
   */
  readonly profile: string | null;
  /**
   * the SCIM error the request was answered with (RFC 7644 §3.12), so that the log says why a
   * request was refused; null when it succeeded (or was answered without an error body)
   */
  readonly error: AuditError | null;
}

/** A refused request's SCIM error as the audit log keeps it. */
export interface AuditError {
  /** the error's status (the entry's own `status` is 499 when the client left first) */
  readonly status: number;
  /** RFC 7644 §3.12 `scimType` (`uniqueness`, `invalidFilter`, ...); null when it has none */
  readonly scimType: string | null;
  /** the `detail` sent to the client, cut at MAX_AUDIT_ERROR_DETAIL characters */
  readonly detail: string;
}

/** longest error detail kept, in characters (the column's length) */
export const MAX_AUDIT_ERROR_DETAIL = 1000;

export interface AuditRecord extends AuditEntry {
  /** insertion order */
  readonly seq: string;
}

export interface AuditQuery {
  /** only this tenant's entries; absent = every tenant and the unauthenticated requests */
  readonly tenantId?: string;
  /** only entries at or after this instant (ISO-8601) */
  readonly since?: string;
  /** the newest `limit` entries are returned, oldest first */
  readonly limit: number;
}

export interface AuditRepository {
  append(entries: readonly AuditEntry[]): Promise<void>;
  find(query: AuditQuery): Promise<AuditRecord[]>;
  /** deletes at most `limit` entries older than `before`; returns how many it deleted */
  pruneBefore(before: string, limit: number): Promise<number>;
}

/** Fixed-window request counters per token, shared by every instance through the database. */
export interface RateLimitRepository {
  /**
   * Counts one request of `tokenId` in the window that starts at `windowStart` (epoch seconds)
   * and returns the window's count including this request, atomically.
   */
  hit(tokenId: string, windowStart: number): Promise<number>;
  /** deletes at most `limit` windows that started before `windowStart`; returns how many */
  pruneBefore(windowStart: number, limit: number): Promise<number>;
}
