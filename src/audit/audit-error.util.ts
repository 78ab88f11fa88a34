import { AuditError, MAX_AUDIT_ERROR_DETAIL } from '../core/ports/audit.repository';
import { clip } from './audit-redaction.util';

/**
 * The SCIM error a request was answered with, from the exception filter that wrote it to the
 * audit guard that records the request once its response is complete. A WeakMap, not a
 * property: request objects keep their shape (Fastify's advice), and nothing outlives them.
 */
const refusals = new WeakMap<object, AuditError>();

/**
 * Remembers the error body sent for `req` (RFC 7644 §3.12: `status` as a string, optional
 * `scimType`, `detail`). The detail is what the client was told: errors never carry tokens,
 * passwords or SQL, so it is kept as it is, cut to the column's length.
 */
export function noteRefusal(
  req: object,
  body: { status: string | number; scimType?: string; detail?: string },
): void {
  refusals.set(req, {
    status: Number(body.status),
    scimType: body.scimType ?? null,
    detail: clip(body.detail ?? '', MAX_AUDIT_ERROR_DETAIL)!,
  });
}

/** The error `req` was refused with, or null when it was answered without one. */
export function refusalOf(req: object): AuditError | null {
  return refusals.get(req) ?? null;
}
