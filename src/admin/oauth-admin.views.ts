/**
 * What the admin API and the CLI show of OAuth clients and their secrets: never a secret
 * except in the answer that creates it, never a secret's hash.
 */
import { IssuedClientSecret } from '../auth/oauth/oauth-client.service';
import { OAuthClient, OAuthClientSecret } from '../core/ports/oauth-client.repository';

export interface ClientSecretView {
  readonly id: string;
  /** the secret's first characters, to recognise it (never enough to use it) */
  readonly prefix: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly revokedAt: string | null;
  readonly lastUsedAt: string | null;
  /** 'active', 'expired' or 'revoked' at the time of the answer */
  readonly state: 'active' | 'expired' | 'revoked';
}

export interface OAuthClientView {
  /** the client_id (RFC 6749 §2.2) */
  readonly clientId: string;
  readonly tenantId: string;
  readonly name: string;
  readonly scopes: readonly string[];
  readonly enabled: boolean;
  readonly createdAt: string;
  readonly disabledAt: string | null;
  /** the `kid`s of its private_key_jwt public keys (an inline JWKS) */
  readonly jwksKeyIds: readonly string[];
  readonly jwksUri: string | null;
  readonly secrets?: readonly ClientSecretView[];
}

/** A new secret: its record and, this once, the secret itself. */
export interface IssuedClientSecretView extends ClientSecretView {
  readonly secret: string;
}

/** A new client and, when one was made, its first secret (shown this once). */
export interface CreatedOAuthClientView extends OAuthClientView {
  readonly clientSecret?: IssuedClientSecretView;
}

export function secretView(s: OAuthClientSecret, now: string): ClientSecretView {
  return {
    id: s.id,
    prefix: s.prefix,
    createdAt: s.createdAt,
    expiresAt: s.expiresAt,
    revokedAt: s.revokedAt,
    lastUsedAt: s.lastUsedAt,
    state: s.revokedAt !== null ? 'revoked' : s.expiresAt <= now ? 'expired' : 'active',
  };
}

export function issuedSecretView(issued: IssuedClientSecret, now: string): IssuedClientSecretView {
  return { ...secretView(issued.record, now), secret: issued.secret };
}

export function oauthClientView(c: OAuthClient, secrets?: readonly ClientSecretView[]): OAuthClientView {
  return {
    clientId: c.id,
    tenantId: c.tenantId,
    name: c.name,
    scopes: [...c.scopes],
    enabled: c.status === 'active',
    createdAt: c.createdAt,
    disabledAt: c.disabledAt,
    jwksKeyIds: (c.jwks?.keys ?? []).map((k) => (typeof k.kid === 'string' ? k.kid : '')),
    jwksUri: c.jwksUri,
    ...(secrets ? { secrets } : {}),
  };
}
