import { ClientAuthentication } from '../oauth/token-request';
import { OAuthClient } from './oauth-client.repository';

/** DI token of the private_key_jwt check (RFC 7523 §2.2); without it the method is refused. */
export const CLIENT_ASSERTIONS = Symbol('scim:ClientAssertions');

export type AssertionResult =
  | { readonly ok: true; readonly client: OAuthClient; readonly clientId: string }
  | {
      readonly ok: false;
      /** audited */
      readonly reason: string;
      /** answered as the invalid_client error_description */
      readonly description: string;
      readonly client?: OAuthClient;
      readonly clientId?: string;
    };

/**
 * Single use of assertion `jti`s (RFC 7523 §3 item 7) across every instance: a database
 * table whose key is the (client, jti) pair, kept until the assertion expires.
 */
export interface AssertionJtiRepository {
  /** records the pair; false when it was recorded already (a replay) */
  use(key: string, clientId: string, expiresAt: string): Promise<boolean>;
  /** deletes at most `limit` pairs expired before `before`; returns how many */
  pruneExpired(before: string, limit: number): Promise<number>;
}

/** DI token of the AssertionJtiRepository */
export const ASSERTION_JTI_REPOSITORY = Symbol('scim:AssertionJtiRepository');

/** Fetches a client's jwks_uri under the webhook egress rules (public addresses only by default). */
export interface JwksFetcher {
  /** the JWKS document, or throws with a reason */
  fetch(uri: string): Promise<unknown>;
}

/** DI token of the JwksFetcher; without it a jwks_uri is not used */
export const JWKS_FETCHER = Symbol('scim:JwksFetcher');

/** Checks a client assertion for the token endpoint. */
export interface ClientAssertionCheck {
  /** the client an assertion claims to be (its unverified `sub`), for the per-client rate limit */
  claimedClient(auth: ClientAuthentication): string | undefined;
  check(
    auth: Extract<ClientAuthentication, { method: 'private_key_jwt' }>,
    tokenEndpoint: string,
    issuer: string,
  ): Promise<AssertionResult>;
}
