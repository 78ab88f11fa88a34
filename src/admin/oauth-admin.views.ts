/**
 * What the admin API and the CLI show of OAuth clients and their secrets: never a secret
 * except in the answer that creates it, never a secret's hash. The classes are the types and the
 * OpenAPI schemas of the answers.
 */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IssuedClientSecret } from '../auth/oauth/oauth-client.service';
import { SigningKeyView } from '../auth/oauth/signing-key.service';
import { OAuthClient, OAuthClientSecret } from '../core/ports/oauth-client.repository';

const TIME = { type: 'string', format: 'date-time' } as const;
const NULLABLE_TIME = { ...TIME, nullable: true } as const;

export class ClientSecretView {
  @ApiProperty({ type: 'string' })
  readonly id!: string;
  /** the secret's first characters, to recognise it (never enough to use it) */
  @ApiProperty({ type: 'string', description: "the secret's first characters, to recognise it" })
  readonly prefix!: string;
  @ApiProperty(TIME)
  readonly createdAt!: string;
  @ApiProperty(TIME)
  readonly expiresAt!: string;
  @ApiProperty(NULLABLE_TIME)
  readonly revokedAt!: string | null;
  @ApiProperty(NULLABLE_TIME)
  readonly lastUsedAt!: string | null;
  /** 'active', 'expired' or 'revoked' at the time of the answer */
  @ApiProperty({
    type: 'string',
    enum: ['active', 'expired', 'revoked'],
    description: 'at the time of the answer',
  })
  readonly state!: 'active' | 'expired' | 'revoked';
}

export class OAuthClientView {
  /** the client_id (RFC 6749 §2.2) */
  @ApiProperty({ type: 'string', description: 'the client_id (RFC 6749 §2.2)' })
  readonly clientId!: string;
  @ApiProperty({ type: 'string' })
  readonly tenantId!: string;
  @ApiProperty({ type: 'string' })
  readonly name!: string;
  @ApiProperty({ type: 'string', isArray: true })
  readonly scopes!: readonly string[];
  @ApiProperty({ type: 'boolean' })
  readonly enabled!: boolean;
  @ApiProperty(TIME)
  readonly createdAt!: string;
  @ApiProperty(NULLABLE_TIME)
  readonly disabledAt!: string | null;
  /** the `kid`s of its private_key_jwt public keys (an inline JWKS) */
  @ApiProperty({
    type: 'string',
    isArray: true,
    description: 'the kids of its private_key_jwt public keys (an inline JWKS)',
  })
  readonly jwksKeyIds!: readonly string[];
  @ApiProperty({ type: 'string', nullable: true })
  readonly jwksUri!: string | null;
  @ApiPropertyOptional({
    type: ClientSecretView,
    isArray: true,
    description: 'its secrets (one client read)',
  })
  readonly secrets?: readonly ClientSecretView[];
}

/** A new secret: its record and, this once, the secret itself. */
export class IssuedClientSecretView extends ClientSecretView {
  @ApiProperty({
    type: 'string',
    description: 'the secret, shown this once: only its hash is stored',
  })
  readonly secret!: string;
}

/** A new client and, when one was made, its first secret (shown this once). */
export class CreatedOAuthClientView extends OAuthClientView {
  @ApiPropertyOptional({
    type: IssuedClientSecretView,
    description: 'its first secret, shown this once',
  })
  readonly clientSecret?: IssuedClientSecretView;
}

/** An access-token signing key (its public part's id and state; never the key). */
export class OAuthSigningKeyView implements SigningKeyView {
  @ApiProperty({ type: 'string', description: 'the RFC 7638 thumbprint' })
  readonly kid!: string;
  @ApiProperty({ type: 'string', example: 'RS256' })
  readonly alg!: string;
  @ApiProperty(TIME)
  readonly createdAt!: string;
  @ApiProperty(NULLABLE_TIME)
  readonly retiredAt!: string | null;
  /** 'signing' (the current key), 'verifying' (retired, its tokens still valid) */
  @ApiProperty({
    type: 'string',
    enum: ['signing', 'verifying'],
    description: 'signing: the current key; verifying: retired, its tokens still valid',
  })
  readonly state!: 'signing' | 'verifying';
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

export function oauthClientView(
  c: OAuthClient,
  secrets?: readonly ClientSecretView[],
): OAuthClientView {
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
