/**
 * What the audit log may keep of a request: bodies only with every secret
 * replaced, URLs without an `access_token` query parameter (passport-http-bearer reads a token
 * from there too, RFC 6750 §2.3), and nothing beyond a bounded size.
 */
export const REDACTED = '[REDACTED]';

/** longest body kept, in characters; longer bodies are cut and marked */
export const MAX_AUDIT_BODY = 16 * 1024;
export const TRUNCATED_MARK = '…[truncated]';

/**
 * `password` as an attribute name, bare or fully qualified
 * (`urn:ietf:params:scim:schemas:core:2.0:User:password`), in any letter case (RFC 7643 §2.1).
 */
const SECRET_NAME = /(^|:)password$/i;
const MAX_DEPTH = 64;

/** A copy of `value` with the value of every `password` key, at any depth, replaced. */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (depth > MAX_DEPTH) {
    return REDACTED;
  }
  if (Array.isArray(value)) {
    return value.map((v) => redactSecrets(v, depth + 1));
  }
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    // a PatchOp operation on the password: {"op":"replace","path":"password","value":"..."}
    const pathIsSecret = typeof o.path === 'string' && SECRET_NAME.test(o.path.trim());
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) {
      out[k] =
        SECRET_NAME.test(k) || (pathIsSecret && k.toLowerCase() === 'value')
          ? REDACTED
          : redactSecrets(v, depth + 1);
    }
    return out;
  }
  return value;
}

/** The body as the audit log stores it: redacted JSON text, at most MAX_AUDIT_BODY long. */
export function auditBody(body: unknown): string | null {
  if (body === undefined || body === null) {
    return null;
  }
  const text = JSON.stringify(redactSecrets(body)) ?? null;
  if (text === null || text.length <= MAX_AUDIT_BODY) {
    return text;
  }
  return text.slice(0, MAX_AUDIT_BODY - TRUNCATED_MARK.length) + TRUNCATED_MARK;
}

/** The URL with the value of every `access_token` query parameter replaced. */
export function redactUrl(url: string): string {
  return url.includes('?') ? url.replace(/([?&]access_token=)[^&#]*/gi, `$1${REDACTED}`) : url;
}

/** `s` cut to `max` characters (columns have fixed widths). */
export function clip(s: string | undefined | null, max: number): string | null {
  if (s === undefined || s === null) {
    return null;
  }
  return s.length <= max ? s : s.slice(0, max);
}
