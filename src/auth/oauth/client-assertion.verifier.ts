import { Inject, Injectable, Optional } from '@nestjs/common';
import { JSONWebKeySet, JWTPayload, createLocalJWKSet, decodeJwt, errors, jwtVerify } from 'jose';
import { createHash } from 'node:crypto';
import { ClientAuthentication } from '../../core/oauth/token-request';
import {
  ASSERTION_JTI_REPOSITORY,
  AssertionJtiRepository,
  AssertionResult,
  ClientAssertionCheck,
  JWKS_FETCHER,
  JwksFetcher,
} from '../../core/ports/client-assertion';
import { Clock } from '../../core/ports/clock';
import { OAuthClientRepository } from '../../core/ports/oauth-client.repository';
import { CLOCK, OAUTH_CLIENT_REPOSITORY } from '../../core/ports/tokens';
import { checkJwks } from './client-jwks';

/** algorithms a client assertion may use (RFC 7518 §3.1, asymmetric only: no HS*, no none) */
export const ASSERTION_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
/** clock skew allowed on exp, nbf and iat, seconds */
export const ASSERTION_SKEW_SECONDS = 60;
/** longest an assertion may live (its jti is kept that long): RFC 7523 §3 lets the server cap it */
export const MAX_ASSERTION_LIFETIME_SECONDS = 3600;
/** how long a fetched jwks_uri document is used before it is fetched again */
const JWKS_URI_CACHE_MS = 5 * 60_000;

type Jwt = Extract<ClientAuthentication, { method: 'private_key_jwt' }>;

const refuse = (reason: string, description: string, extra: { clientId?: string } = {}): AssertionResult => ({
  ok: false,
  reason,
  description,
  ...extra,
});

/**
 * private_key_jwt (RFC 7523 §2.2, §3): the assertion's `iss` and `sub` are the client_id, its
 * `aud` the token endpoint or the issuer, it is signed (asymmetric algorithms only) by a key
 * of the client's JWKS picked by `kid`, unexpired with `exp` at most an hour ahead, not before
 * `nbf` nor issued in the future (60 s of skew), and its `jti` is used once across every
 * instance (a database row until the assertion expires).
 */
@Injectable()
export class ClientAssertionVerifier implements ClientAssertionCheck {
  private readonly fetched = new Map<string, { jwks: JSONWebKeySet; until: number }>();
  private prunes = 0;

  constructor(
    @Inject(OAUTH_CLIENT_REPOSITORY) private readonly clients: OAuthClientRepository,
    @Inject(ASSERTION_JTI_REPOSITORY) private readonly jtis: AssertionJtiRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    @Optional() @Inject(JWKS_FETCHER) private readonly fetcher?: JwksFetcher,
  ) {}

  claimedClient(auth: ClientAuthentication): string | undefined {
    if (auth.method !== 'private_key_jwt') {
      return auth.clientId;
    }
    if (auth.clientId) {
      return auth.clientId;
    }
    try {
      const sub = decodeJwt(auth.assertion).sub;
      return typeof sub === 'string' && sub.length <= 255 ? sub : undefined;
    } catch {
      return undefined;
    }
  }

  async check(auth: Jwt, tokenEndpoint: string, issuer: string): Promise<AssertionResult> {
    const clientId = this.claimedClient(auth);
    if (!clientId) {
      return refuse('assertion_malformed', 'The client assertion is not a JWT naming its client in sub');
    }
    const client = await this.clients.findById(clientId);
    if (!client) {
      return refuse('unknown_client', 'Client authentication failed', { clientId });
    }
    const withClient = (reason: string, description: string): AssertionResult => ({
      ok: false,
      reason,
      description,
      client,
      clientId,
    });
    if (client.status !== 'active') {
      return withClient('client_disabled', 'Client authentication failed');
    }
    let jwks: JSONWebKeySet | undefined;
    try {
      jwks = client.jwks ? (client.jwks as JSONWebKeySet) : client.jwksUri ? await this.fetch(client.jwksUri) : undefined;
    } catch {
      return withClient('jwks_uri_unavailable', "The client's jwks_uri could not be read");
    }
    if (!jwks) {
      return withClient('no_client_keys', 'The client has no keys registered for private_key_jwt');
    }
    const now = new Date(this.clock.nowIso());
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(auth.assertion, createLocalJWKSet(jwks), {
        algorithms: ASSERTION_ALGORITHMS,
        issuer: clientId,
        subject: clientId,
        audience: [tokenEndpoint, issuer],
        currentDate: now,
        clockTolerance: ASSERTION_SKEW_SECONDS,
        requiredClaims: ['iss', 'sub', 'aud', 'exp', 'jti'],
      }));
    } catch (e) {
      return withClient(reasonOf(e), describe(e));
    }
    const nowS = Math.floor(now.getTime() / 1000);
    if ((payload.exp as number) > nowS + MAX_ASSERTION_LIFETIME_SECONDS + ASSERTION_SKEW_SECONDS) {
      return withClient('assertion_too_long', 'The client assertion may live at most one hour (exp)');
    }
    if (typeof payload.iat === 'number' && payload.iat > nowS + ASSERTION_SKEW_SECONDS) {
      return withClient('assertion_iat_future', 'The client assertion is issued in the future (iat)');
    }
    if (typeof payload.jti !== 'string' || !payload.jti || payload.jti.length > 255) {
      return withClient('assertion_malformed', 'The client assertion needs a jti of 1 to 255 characters');
    }
    const key = createHash('sha256').update(`${clientId}\n${payload.jti}`, 'utf8').digest('hex');
    const expiresAt = new Date(((payload.exp as number) + ASSERTION_SKEW_SECONDS) * 1000).toISOString();
    if (!(await this.jtis.use(key, clientId, expiresAt))) {
      return withClient('assertion_replayed', 'The client assertion was used already (jti)');
    }
    if (++this.prunes % 100 === 1) {
      await this.jtis.pruneExpired(now.toISOString(), 1000);
    }
    return { ok: true, client, clientId };
  }

  /** the client's jwks_uri document, through the egress rules, kept five minutes */
  private async fetch(uri: string): Promise<JSONWebKeySet> {
    const hit = this.fetched.get(uri);
    if (hit && hit.until > performance.now()) {
      return hit.jwks;
    }
    if (!this.fetcher) {
      throw new Error('no jwks_uri fetcher');
    }
    const jwks = checkJwks(await this.fetcher.fetch(uri)) as JSONWebKeySet;
    this.fetched.set(uri, { jwks, until: performance.now() + JWKS_URI_CACHE_MS });
    return jwks;
  }
}

function reasonOf(e: unknown): string {
  if (e instanceof errors.JWTExpired) {
    return 'assertion_expired';
  }
  if (e instanceof errors.JWTClaimValidationFailed) {
    return `assertion_${e.claim}_invalid`;
  }
  if (e instanceof errors.JWKSNoMatchingKey) {
    return 'assertion_unknown_key';
  }
  if (e instanceof errors.JWSSignatureVerificationFailed) {
    return 'assertion_signature_invalid';
  }
  return 'assertion_malformed';
}

function describe(e: unknown): string {
  if (e instanceof errors.JWTExpired) {
    return 'The client assertion expired';
  }
  if (e instanceof errors.JWTClaimValidationFailed) {
    return `The client assertion ${e.claim} claim is invalid`;
  }
  if (e instanceof errors.JWKSNoMatchingKey) {
    return 'No key of the client matches the client assertion (kid)';
  }
  if (e instanceof errors.JWSSignatureVerificationFailed) {
    return 'The client assertion signature is invalid';
  }
  return 'The client assertion is malformed';
}
