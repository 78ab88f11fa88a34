import { ScimError } from '../errors/scim-error';
import { CursorCodec } from '../ports/cursor-codec';

/**
 * Opaque cursors for RFC 9865 cursor pagination. A cursor is either a keyset position (the
 * store's stable row key after/before which the next page starts: O(page) at any depth) or,
 * for sorted queries, an offset. It is bound to the query that produced it, so a cursor
 * replayed with another filter/sort is refused rather than silently mis-paging. The payload is
 * sealed by a CursorCodec (an adapter: encrypted and authenticated with a server key, bound to
 * the tenant), so the client can neither read the row key nor make up a position; anything that
 * does not open, or opens to a position out of range, is 400 invalidCursor.
 */
export type CursorPosition =
  | { readonly kind: 'after'; readonly key: string }
  | { readonly kind: 'before'; readonly key: string }
  | { readonly kind: 'offset'; readonly offset: number };

interface CursorPayload {
  v: 1;
  q: string;
  a?: string;
  b?: string;
  o?: number;
}

/** FNV-1a of the query's shape (filter, sortBy, sortOrder): binds a cursor to its query. */
export function queryFingerprint(parts: readonly (string | undefined)[]): string {
  let h = 0x811c9dc5;
  for (const ch of parts.map((p) => p ?? '').join('\u0000')) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(36);
}

/** keyset keys are the store's row numbers: decimal, at most 19 digits (a signed 64-bit key) */
const ROW_KEY = /^\d{1,19}$/;

export function encodeCursor(position: CursorPosition, fingerprint: string, codec: CursorCodec): string {
  const payload: CursorPayload = { v: 1, q: fingerprint };
  if (position.kind === 'after') {
    payload.a = position.key;
  } else if (position.kind === 'before') {
    payload.b = position.key;
  } else {
    payload.o = position.offset;
  }
  return codec.seal(JSON.stringify(payload));
}

/**
 * Decodes a client's cursor; a malformed, forged, tampered or foreign one is 400 invalidCursor
 * (RFC 9865), and so is a position no store can use (an offset that is not a safe integer).
 */
export function decodeCursor(text: string, fingerprint: string, codec: CursorCodec): CursorPosition {
  const opened = codec.open(text);
  if (opened === undefined) {
    throw invalidCursor('The cursor is not one this server issued');
  }
  let payload: CursorPayload;
  try {
    payload = JSON.parse(opened) as CursorPayload;
  } catch {
    throw invalidCursor('The cursor is not one this server issued');
  }
  if (payload?.v !== 1 || typeof payload.q !== 'string') {
    throw invalidCursor('The cursor is not one this server issued');
  }
  if (payload.q !== fingerprint) {
    throw invalidCursor('The cursor belongs to a query with another filter or sort order');
  }
  if (typeof payload.a === 'string' && ROW_KEY.test(payload.a)) {
    return { kind: 'after', key: payload.a };
  }
  if (typeof payload.b === 'string' && ROW_KEY.test(payload.b)) {
    return { kind: 'before', key: payload.b };
  }
  if (typeof payload.o === 'number' && Number.isSafeInteger(payload.o) && payload.o >= 0) {
    return { kind: 'offset', offset: payload.o };
  }
  throw invalidCursor('The cursor is not one this server issued');
}

function invalidCursor(detail: string): ScimError {
  // RFC 9865 registers the scimType "invalidCursor" for this case
  return new ScimError(400, detail, 'invalidCursor');
}
