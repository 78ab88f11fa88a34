import { Inject, Injectable } from '@nestjs/common';
import { JWTPayload, SignJWT, errors, jwtVerify } from 'jose';
import { randomUUID } from 'node:crypto';
import { Clock } from '../../core/ports/clock';
import { OAuthClient } from '../../core/ports/oauth-client.repository';
import { CLOCK } from '../../core/ports/tokens';
import { ResolvedOAuthOptions, SCIM_OAUTH_OPTIONS } from './oauth.options';
import { ACCESS_TOKEN_ALG, SigningKeyService } from './signing-key.service';

/** RFC 9068 §2.1: the `typ` of a JWT access token */
export const ACCESS_TOKEN_TYP = 'at+jwt';

/** The claims of our access tokens (RFC 9068 §2.2), with the tenant the client belongs to. */
export interface AccessTokenClaims {
  readonly iss: string;
  /** the client_id: no end user is involved in the client credentials grant (RFC 9068 §2.2) */
  readonly sub: string;
  readonly aud: string;
  readonly exp: number;
  readonly iat: number;
  readonly jti: string;
  /** space-separated (RFC 8693 §4.2) */
  readonly scope: string;
  readonly client_id: string;
  /** the tenant's id */
  readonly tenant: string;
}

/** Why an access token is refused: the error_description of RFC 6750 §3.1 invalid_token. */
export class InvalidAccessToken extends Error {}

export interface IssuedAccessToken {
  readonly token: string;
  /** seconds (RFC 6749 §5.1 expires_in) */
  readonly expiresIn: number;
  readonly claims: AccessTokenClaims;
}

/**
 * Issues and verifies JWT access tokens (RFC 9068) signed with the server's current key. A
 * token verifies with the public key of its `kid` from memory, so no request needs the
 * database to check one (SigningKeyService reloads only for a kid it has not seen).
 */
@Injectable()
export class AccessTokenService {
  constructor(
    private readonly keys: SigningKeyService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SCIM_OAUTH_OPTIONS) private readonly options: ResolvedOAuthOptions,
  ) {}

  /** the token lifetime in seconds (RFC 6749 §5.1 expires_in) */
  get lifetimeSeconds(): number {
    return this.options.accessTokenMinutes * 60;
  }

  /** `issuer` is the configured issuer, else the one the token request addressed. */
  async issue(client: OAuthClient, scopes: readonly string[], issuer: string): Promise<IssuedAccessToken> {
    const { kid, privateKey } = await this.keys.signingKey();
    const iat = Math.floor(Date.parse(this.clock.nowIso()) / 1000);
    const claims: AccessTokenClaims = {
      iss: issuer,
      sub: client.id,
      aud: issuer,
      exp: iat + this.lifetimeSeconds,
      iat,
      jti: randomUUID(),
      scope: scopes.join(' '),
      client_id: client.id,
      tenant: client.tenantId,
    };
    const token = await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: ACCESS_TOKEN_ALG, typ: ACCESS_TOKEN_TYP, kid })
      .sign(privateKey);
    return { token, expiresIn: this.lifetimeSeconds, claims };
  }

  /**
   * The claims of a valid token: signature by one of our keys (RS256 only, `typ` at+jwt),
   * unexpired by the clock, issued by the configured issuer for it (or, without one, its own
   * `aud` equal to its `iss`), every claim present. Throws InvalidAccessToken with the reason.
   */
  async verify(token: string): Promise<AccessTokenClaims> {
    const issuer = this.options.issuer;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(
        token,
        async (header) => {
          const key = await this.keys.verificationKey(header.kid);
          if (!key) {
            throw new InvalidAccessToken('The access token is signed with an unknown or expired key');
          }
          return key;
        },
        {
          algorithms: [ACCESS_TOKEN_ALG],
          typ: ACCESS_TOKEN_TYP,
          currentDate: new Date(this.clock.nowIso()),
          requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat', 'jti', 'scope', 'client_id', 'tenant'],
          ...(issuer ? { issuer, audience: issuer } : {}),
        },
      ));
    } catch (e) {
      throw e instanceof InvalidAccessToken ? e : new InvalidAccessToken(describe(e));
    }
    const c = payload as unknown as AccessTokenClaims;
    if (
      typeof c.aud !== 'string' ||
      c.aud !== c.iss ||
      typeof c.scope !== 'string' ||
      typeof c.client_id !== 'string' ||
      c.client_id !== c.sub ||
      typeof c.tenant !== 'string'
    ) {
      throw new InvalidAccessToken('The access token claims are not ours');
    }
    return c;
  }
}

/** jose's failure as an error_description (never the token itself) */
function describe(e: unknown): string {
  if (e instanceof errors.JWTExpired) {
    return 'The access token expired';
  }
  if (e instanceof errors.JWSSignatureVerificationFailed) {
    return 'The access token signature is invalid';
  }
  if (e instanceof errors.JWTClaimValidationFailed) {
    return `The access token ${e.claim} claim is invalid`;
  }
  return 'The access token is malformed';
}
