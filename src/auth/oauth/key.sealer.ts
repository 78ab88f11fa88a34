import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Seals the access-token signing keys for storage with AES-256-GCM, like the cursor sealer: a
 * random 96-bit IV per key, the tag authenticating it, and the key id as additional
 * authenticated data, so a sealed key moved to another row does not open. The key is the
 * configured key-encryption key or one derived from the token pepper, never stored.
 * Layout, base64url: version (1 byte) | IV (12) | ciphertext | tag (16).
 */
export class KeySealer {
  constructor(private readonly key: Buffer) {}

  seal(kid: string, plain: Buffer): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(this.aad(kid));
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([Buffer.of(VERSION), iv, body, cipher.getAuthTag()]).toString('base64url');
  }

  /** the plain bytes, or undefined when the text was sealed under another key or changed */
  open(kid: string, sealed: string): Buffer | undefined {
    const bytes = Buffer.from(sealed, 'base64url');
    if (bytes.length <= 1 + IV_BYTES + TAG_BYTES || bytes[0] !== VERSION) {
      return undefined;
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(1, 1 + IV_BYTES), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(this.aad(kid));
      decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
      return Buffer.concat([decipher.update(bytes.subarray(1 + IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]);
    } catch {
      return undefined;
    }
  }

  private aad(kid: string): Buffer {
    return Buffer.from(`scim-oauth-key:${kid}`, 'utf8');
  }
}
