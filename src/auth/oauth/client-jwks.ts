/**
 * The public keys a client registers for private_key_jwt (RFC 7523 §2.2): an inline JWKS
 * (RFC 7517 §5) or a jwks_uri. Checked when registered, so a bad key is a 400 then rather than
 * an invalid_client at every token request.
 */
import { createPublicKey } from 'node:crypto';
import { REFUSAL_WORDING } from '../../core/egress/destination-address';
import { EgressPolicy } from '../../core/egress/egress-policy';
import { JwkSet } from '../../core/ports/oauth-client.repository';
import { invalid } from '../auth-input';

export const MAX_CLIENT_KEYS = 10;
const MAX_JWKS_BYTES = 64 * 1024;
/** members that only private (or symmetric) keys have (RFC 7518 §6.2.2, §6.3.2, §6.4) */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** A JWKS of 1 to 10 public RSA (2048 bits or more), EC or OKP keys, each with a distinct kid when there are several. */
export function checkJwks(input: unknown): JwkSet {
  if (input === null || typeof input !== 'object' || Array.isArray(input) || !Array.isArray((input as JwkSet).keys)) {
    throw invalid('The JWKS must be an object { "keys": [ ... ] } (RFC 7517 §5)');
  }
  const keys = (input as JwkSet).keys;
  if (keys.length < 1 || keys.length > MAX_CLIENT_KEYS) {
    throw invalid(`The JWKS must hold 1 to ${MAX_CLIENT_KEYS} keys`);
  }
  if (JSON.stringify(input).length > MAX_JWKS_BYTES) {
    throw invalid(`The JWKS must be at most ${MAX_JWKS_BYTES} bytes`);
  }
  const kids = new Set<string>();
  const out = keys.map((k, i) => {
    if (k === null || typeof k !== 'object' || Array.isArray(k)) {
      throw invalid(`JWKS key ${i} is not an object`);
    }
    if (PRIVATE_MEMBERS.some((m) => m in k)) {
      throw invalid(`JWKS key ${i} holds private key material: register the public key only`);
    }
    if (!['RSA', 'EC', 'OKP'].includes(k.kty as string)) {
      throw invalid(`JWKS key ${i}: kty must be RSA, EC or OKP`);
    }
    if (k.kid !== undefined && (typeof k.kid !== 'string' || !k.kid || k.kid.length > 255)) {
      throw invalid(`JWKS key ${i}: kid must be a string of 1 to 255 characters`);
    }
    if (keys.length > 1 && typeof k.kid !== 'string') {
      throw invalid('With several keys, each needs a kid (the assertion header names the one it used)');
    }
    if (typeof k.kid === 'string') {
      if (kids.has(k.kid)) {
        throw invalid(`JWKS key ${i}: kid "${k.kid}" appears twice`);
      }
      kids.add(k.kid);
    }
    if (k.use !== undefined && k.use !== 'sig') {
      throw invalid(`JWKS key ${i}: use must be "sig"`);
    }
    let size: number | undefined;
    try {
      size = createPublicKey({ key: k as never, format: 'jwk' }).asymmetricKeyDetails?.modulusLength;
    } catch {
      throw invalid(`JWKS key ${i} is not a valid public key`);
    }
    if (k.kty === 'RSA' && (size ?? 0) < 2048) {
      throw invalid(`JWKS key ${i}: an RSA key needs at least 2048 bits`);
    }
    return { ...k };
  });
  return { keys: out };
}

/** An absolute https URL (RFC 7591 §2: jwks_uri) whose host as written is not an internal address. */
export function checkJwksUri(uri: unknown, egress: EgressPolicy): string {
  let u: URL | undefined;
  try {
    u = typeof uri === 'string' ? new URL(uri) : undefined;
  } catch {
    u = undefined;
  }
  if (!u || u.protocol !== 'https:' || (uri as string).length > 2048 || u.username || u.password || /\s/.test(uri as string)) {
    throw invalid('The jwks_uri must be an absolute https:// URL without credentials (at most 2048 characters)');
  }
  const refused = egress.literalRefusal(u);
  if (refused) {
    throw invalid(
      `The jwks_uri host ${refused.host} is ${REFUSAL_WORDING[refused.reason]}: it may reach public addresses only ` +
        '(an operator can allow an internal one with SCIM_WEBHOOK_ALLOW or events.webhookAllow)',
    );
  }
  return uri as string;
}
