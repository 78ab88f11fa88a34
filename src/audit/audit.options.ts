/**
 * Options of the audit log and the rate limiter, resolved once from
 * ScimModuleOptions by the core module and checked at boot.
 */
export interface RateLimitOptions {
  /** requests one token may make per window */
  readonly requestsPerWindow: number;
  /** window length in seconds; windows are fixed, aligned to the epoch */
  readonly windowSeconds: number;
}

export interface AuditOptions {
  /** audit entries older than this many days are deleted (at start-up, then hourly) */
  readonly retentionDays: number;
  /** false: no rate limiting */
  readonly rateLimit: RateLimitOptions | false;
  /** route prefix of the SCIM API (e.g. `scim/v2`), to name the endpoint of a request */
  readonly mountPath: string;
}

export const AUDIT_OPTIONS = Symbol('scim:AuditOptions');

export const DEFAULT_AUDIT_RETENTION_DAYS = 90;

const positiveInt = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 1;

/** Defaults applied and values checked: a bad value stops the boot with a message naming it. */
export function resolveAuditOptions(
  o: { auditRetentionDays?: number; rateLimit?: RateLimitOptions | false },
  mountPath: string,
): AuditOptions {
  const retentionDays = o.auditRetentionDays ?? DEFAULT_AUDIT_RETENTION_DAYS;
  if (!positiveInt(retentionDays)) {
    throw new Error('ScimModule: auditRetentionDays must be a positive integer');
  }
  const rateLimit = o.rateLimit ?? false;
  if (
    rateLimit !== false &&
    (!positiveInt(rateLimit?.requestsPerWindow) || !positiveInt(rateLimit?.windowSeconds))
  ) {
    throw new Error(
      'ScimModule: rateLimit must be false or { requestsPerWindow, windowSeconds } (positive integers)',
    );
  }
  return { retentionDays, rateLimit, mountPath };
}
