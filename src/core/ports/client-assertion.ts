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
