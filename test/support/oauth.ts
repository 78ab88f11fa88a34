/**
 * OAuth helpers for the e2e suites: a clock the test moves, the token request in each client
 * authentication, and an independent check of a JWS with node:crypto against a JWKS (not
 * jose, which the server uses).
 */
import { createPublicKey, generateKeyPairSync, randomUUID, sign, verify } from 'node:crypto';
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

/** A private_key_jwt client key pair: the public JWK (with kid) and a signer (node:crypto, not jose). */
export function clientKey(kid: string, kind: 'rsa' | 'ec' = 'rsa') {
  const pair = kind === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const alg = kind === 'rsa' ? 'RS256' : 'ES256';
  const jwk: Jwk = { ...(pair.publicKey.export({ format: 'jwk' }) as Jwk), kid, use: 'sig', alg };
  /** a compact JWS over `claims` (defaults: iss = sub = clientId, aud, a fresh jti, 5 minutes) */
  const assertion = (clientId: string, aud: string, claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}) => {
    const now = Math.floor(Date.now() / 1000);
    const h = Buffer.from(JSON.stringify({ alg, typ: 'JWT', kid, ...header })).toString('base64url');
    const p = Buffer.from(
      JSON.stringify({ iss: clientId, sub: clientId, aud, iat: now, exp: now + 300, jti: randomUUID(), ...claims }),
    ).toString('base64url');
    const s = sign('sha256', Buffer.from(`${h}.${p}`), { key: pair.privateKey, dsaEncoding: 'ieee-p1363' });
    return `${h}.${p}.${s.toString('base64url')}`;
  };
  return { jwk, assertion };
}

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
