/**
 * OAuth helpers for the e2e suites: a clock the test moves, the token request in each client
 * authentication, and an independent check of a JWS with node:crypto against a JWKS (not
 * jose, which the server uses).
 */
import { createPublicKey, verify } from 'node:crypto';
import type { Clock } from '../../src/library';

export class MovableClock implements Clock {
  private offsetMs = 0;
  nowIso(): string {
    return new Date(Date.now() + this.offsetMs).toISOString();
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

export const DAY_MS = 86_400_000;

export const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

export const form = (params: Record<string, string>) => new URLSearchParams(params).toString();

export interface Jwk {
  kid?: string;
  kty: string;
  [k: string]: unknown;
}

const b64json = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));

/** header and claims of a JWS whose RS256 signature checks out against one key of `jwks`; else throws */
export function verifyWithJwks(token: string, jwks: { keys: Jwk[] }): { header: Record<string, unknown>; claims: Record<string, unknown> } {
  const [h, p, s] = token.split('.');
  const header = b64json(h);
  const jwk = jwks.keys.find((k) => k.kid === header.kid);
  if (!jwk) {
    throw new Error(`no key ${header.kid} in the JWKS`);
  }
  if (header.alg !== 'RS256') {
    throw new Error(`unexpected alg ${header.alg}`);
  }
  const key = createPublicKey({ key: jwk as never, format: 'jwk' });
  if (!verify('sha256', Buffer.from(`${h}.${p}`), key, Buffer.from(s, 'base64url'))) {
    throw new Error('bad signature');
  }
  return { header, claims: b64json(p) };
}
