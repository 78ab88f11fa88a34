/**
 * What the audit log and the access log may keep of a request: bodies only with every secret
 * replaced, URLs with the value of every credential-like query parameter replaced (tokens are
 * accepted only in the Authorization header, RFC 6750 §2.1, but a client may still send one in
 * the URL, §2.3), and nothing beyond a bounded size. Neither log records request headers
 * (only User-Agent), so the Authorization header never reaches them.
 */
export const REDACTED = '[REDACTED]';

/** longest body kept, in characters; longer bodies are cut and marked */
export const MAX_AUDIT_BODY = 16 * 1024;
export const TRUNCATED_MARK = '…[truncated]';

/**
 * A name whose value is a credential, in any letter case (RFC 7643 §2.1): `password` as an
 * attribute name, bare or fully qualified (`urn:ietf:params:scim:schemas:core:2.0:User:password`),
 * the OAuth 2.0 parameters (`access_token`, `refresh_token`, `id_token`, `client_secret`,
 * RFC 6749 / RFC 6750 §2.3), and any other name ending in token, secret, password, passwd,
 * api key or authorization (`token`, `secret`, `webhookSecret`, `x-api-key`).
 */
const SECRET_NAME = /(password|passwd|secret|token|api[_-]?key|authorization)$/i;
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

/** true when a body key or query parameter named `name` carries a secret (SECRET_NAME) */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** `%XX` escapes decoded (a malformed escape stays as it is), `+` as a space (URL forms). */
function decodedName(name: string): string {
  return name
    .replace(/\+/g, ' ')
    .replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    .trim();
}

/**
 * The URL with the value of every credential-like query parameter replaced: the name is
 * compared decoded (`access%5Ftoken` is `access_token`, as the server's query parser reads it)
 * and in any letter case. The one redaction of the access log and the audit log.
 */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) {
    return url;
  }
  const hash = url.indexOf('#', q);
  const end = hash < 0 ? url.length : hash;
  const query = url
    .slice(q + 1, end)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      return eq >= 0 && isSecretName(decodedName(name)) ? `${name}=${REDACTED}` : pair;
    })
    .join('&');
  return url.slice(0, q + 1) + query + url.slice(end);
}

/** `s` cut to `max` characters (columns have fixed widths). */
export function clip(s: string | undefined | null, max: number): string | null {
  if (s === undefined || s === null) {
    return null;
  }
  return s.length <= max ? s : s.slice(0, max);
}
