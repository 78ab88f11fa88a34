import { Scope } from './token.repository';

/**
 * OAuth 2.0 clients of the client credentials grant (RFC 6749 §4.4): one per IdP connection of
 * a tenant, with the SCIM scopes it may receive and its credentials. Types only.
 */
export type OAuthClientStatus = 'active' | 'disabled';

/** A JSON Web Key Set (RFC 7517 §5) as given: the keys are checked by the service. */
export interface JwkSet {
  readonly keys: ReadonlyArray<Readonly<Record<string, unknown>>>;
}

export interface OAuthClient {
  /** the client_id (RFC 6749 §2.2) */
  readonly id: string;
  readonly tenantId: string;
  readonly name: string;
  /** the most a token of this client may carry; a request's `scope` narrows it */
  readonly scopes: readonly Scope[];
  readonly status: OAuthClientStatus;
  readonly createdAt: string;
  /** when the client was disabled; null while active */
  readonly disabledAt: string | null;
  /** public keys for private_key_jwt client assertions (RFC 7523 §2.2); null = none */
  readonly jwks: JwkSet | null;
  /** where the client publishes its keys instead (fetched under the webhook egress rules) */
  readonly jwksUri: string | null;
}

/** What may change on a client after it was created. */
export interface OAuthClientUpdate {
  readonly name?: string;
  readonly scopes?: readonly Scope[];
  readonly status?: OAuthClientStatus;
  readonly disabledAt?: string | null;
  readonly jwks?: JwkSet | null;
  readonly jwksUri?: string | null;
}

/** A client secret as listed: never the secret, never its hash. */
export interface OAuthClientSecret {
  readonly id: string;
  readonly clientId: string;
  /** the secret's first characters, to recognise it (never enough to use it) */
  readonly prefix: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly revokedAt: string | null;
  readonly lastUsedAt: string | null;
}

export interface NewOAuthClientSecret {
  readonly id: string;
  readonly clientId: string;
  readonly prefix: string;
  /** HMAC-SHA256 of the secret under the token pepper */
  readonly hash: string;
  readonly createdAt: string;
  readonly expiresAt: string;
}

/**
 * A client with its tenant's settings, as an access-token check needs them (the SCIM
 * principal of a request carrying one of its tokens).
 */
export interface OAuthClientState extends OAuthClient {
  readonly tenantProfile: string | null;
  readonly tenantDeprovisioning: string | null;
  readonly tenantGroupCycles: string | null;
  readonly tenantDisabledAt: string | null;
  readonly tenantLinkPolicy: string | null;
}

export interface OAuthClientRepository {
  create(client: OAuthClient): Promise<OAuthClient>;
  findById(id: string): Promise<OAuthClient | null>;
  /** the client with its tenant's settings, or null */
  findState(id: string): Promise<OAuthClientState | null>;
  /** the tenant's clients (or every client), oldest first */
  list(tenantId?: string): Promise<OAuthClient[]>;
  /** false when no client has that id */
  update(id: string, changes: OAuthClientUpdate): Promise<boolean>;
  addSecret(secret: NewOAuthClientSecret): Promise<OAuthClientSecret>;
  /** the client's secrets, oldest first */
  listSecrets(clientId: string): Promise<OAuthClientSecret[]>;
  /** the secret whose hash is `hash`, or null */
  findSecretByHash(hash: string): Promise<OAuthClientSecret | null>;
  /** revokes one secret of the client; false when it has no such unrevoked secret */
  revokeSecret(clientId: string, secretId: string, at: string): Promise<boolean>;
  touchSecret(secretId: string, at: string): Promise<void>;
}
