/**
 * AesGcmCursorSealer: RFC 9865 cursors that are opaque (no readable row key), tamper-evident
 * and bound to the tenant and the server key.
 */
import fc from 'fast-check';
import { AesGcmCursorSealer } from './cursor.sealer';

const PEPPER = 'a-pepper-of-at-least-16-chars';
const PAYLOAD = '{"v":1,"q":"abc","a":"123456"}';

describe('AesGcmCursorSealer', () => {
  const acme = new AesGcmCursorSealer(PEPPER).forTenant('acme');

  it('opens what it sealed, and the text shows nothing of the payload', () => {
    const text = acme.seal(PAYLOAD);
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(text, 'base64url').toString('latin1')).not.toContain('123456');
    expect(acme.open(text)).toBe(PAYLOAD);
  });

  it('seals one payload differently each time (random IV)', () => {
    const a = acme.seal(PAYLOAD);
    const b = acme.seal(PAYLOAD);
    expect(a).not.toBe(b);
    expect(acme.open(b)).toBe(PAYLOAD);
  });

  it('refuses a cursor with any one bit changed', () => {
    const bytes = Buffer.from(acme.seal(PAYLOAD), 'base64url');
    for (let i = 0; i < bytes.length; i++) {
      const copy = Buffer.from(bytes);
      copy[i] ^= 0x01;
      expect(acme.open(copy.toString('base64url'))).toBeUndefined();
    }
  });

  it('refuses a truncated or extended cursor', () => {
    const text = acme.seal(PAYLOAD);
    expect(acme.open(text.slice(0, -2))).toBeUndefined();
    expect(acme.open(`${text}AA`)).toBeUndefined();
  });

  it("refuses another tenant's cursor and one sealed under another pepper", () => {
    const text = acme.seal(PAYLOAD);
    expect(new AesGcmCursorSealer(PEPPER).forTenant('globex').open(text)).toBeUndefined();
    expect(new AesGcmCursorSealer(`${PEPPER}x`).forTenant('acme').open(text)).toBeUndefined();
    expect(new AesGcmCursorSealer(PEPPER).forTenant('acme').open(text)).toBe(PAYLOAD);
  });

  it('refuses an unsealed payload a client made up', () => {
    expect(acme.open(Buffer.from(PAYLOAD).toString('base64url'))).toBeUndefined();
    expect(acme.open('')).toBeUndefined();
    expect(acme.open('not base64url!')).toBeUndefined();
  });

  it('never throws, whatever the text (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[A-Za-z0-9_-]{0,200}$/)), (text) => {
        expect(acme.open(text)).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });
});
