import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { CursorCodec, CursorSealer } from '../core/ports/cursor-codec';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * RFC 9865 cursors sealed with AES-256-GCM. Why encrypt rather than only sign: a keyset
 * cursor's position is the store's auto-increment `seq`, numbered across all tenants, so a
 * readable one would tell a client how many resources every tenant has created since its last
 * page. GCM both hides the payload and authenticates it (a changed byte fails the tag), so one
 * primitive gives opacity and tamper evidence; RFC 9865 asks for nothing more than "opaque".
 * - The key is HMAC-SHA256(tokenPepper, "scim-cursor"): derived from the one server secret, but
 *   never the token-hash key itself. Changing the pepper invalidates every cursor, as it does
 *   every token.
 * - The tenant id (with a version byte) is the additional authenticated data: a cursor sealed
 *   for one tenant does not open for another.
 * - A random 96-bit IV per cursor: the same position sealed twice gives two different texts,
 *   so equal cursors reveal nothing either.
 * Layout, base64url: version (1 byte) | IV (12) | ciphertext | tag (16).
 */
export class AesGcmCursorSealer implements CursorSealer {
  private readonly key: Buffer;

  constructor(tokenPepper: string) {
    this.key = createHmac('sha256', tokenPepper).update('scim-cursor', 'utf8').digest();
  }

  /** Called on every SCIM request (ScimRequestGuard): the AAD is built only when a cursor is. */
  forTenant(tenantId: string): CursorCodec {
    const aad = () => Buffer.concat([Buffer.of(VERSION), Buffer.from(tenantId, 'utf8')]);
    return {
      seal: (payload) => this.seal(aad(), payload),
      open: (cursor) => this.open(aad(), cursor),
    };
  }

  private seal(aad: Buffer, payload: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad);
    const body = Buffer.concat([cipher.update(payload, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.of(VERSION), iv, body, cipher.getAuthTag()]).toString('base64url');
  }

  private open(aad: Buffer, cursor: string): string | undefined {
    if (!BASE64URL.test(cursor)) {
      return undefined;
    }
    const bytes = Buffer.from(cursor, 'base64url');
    if (bytes.length <= 1 + IV_BYTES + TAG_BYTES || bytes[0] !== VERSION) {
      return undefined;
    }
    const iv = bytes.subarray(1, 1 + IV_BYTES);
    const body = bytes.subarray(1 + IV_BYTES, bytes.length - TAG_BYTES);
    const tag = bytes.subarray(bytes.length - TAG_BYTES);
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(aad);
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
    } catch {
      // the tag does not match: tampered, forged, another tenant's or another key's
      return undefined;
    }
  }
}
