import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** An OAuth 2.0 client of the client credentials grant (RFC 6749 §4.4), one tenant's. */
@Entity('scim_oauth_clients')
@Index('ix_scim_oauth_clients_tenant', ['tenantId'])
export class OAuthClientEntity {
  /** the client_id */
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'tenant_id', type: 'varchar', length: 36 })
  tenantId!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  /** comma-separated scopes: the most a token of this client may carry */
  @Column({ type: 'varchar', length: 1000 })
  scopes!: string;

  /** 'active' or 'disabled' */
  @Column({ type: 'varchar', length: 16 })
  status!: string;

  @Column({ name: 'created_at', type: 'varchar', length: 24 })
  createdAt!: string;

  @Column({ name: 'disabled_at', type: 'varchar', length: 24, nullable: true })
  disabledAt!: string | null;

  /** the client's public keys (a JWKS as JSON text) for private_key_jwt; null = none */
  @Column({ type: 'text', nullable: true })
  jwks!: string | null;

  @Column({ name: 'jwks_uri', type: 'varchar', length: 2048, nullable: true })
  jwksUri!: string | null;
}

/** One secret of a client: only its HMAC is stored; several may be active at once. */
@Entity('scim_oauth_client_secrets')
@Index('ix_scim_oauth_client_secrets_client', ['clientId'])
export class OAuthClientSecretEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'client_id', type: 'varchar', length: 36 })
  clientId!: string;

  @Column({ type: 'varchar', length: 16 })
  prefix!: string;

  /** HMAC-SHA256 of the secret under the token pepper: the secret itself is never stored */
  @Index('uq_scim_oauth_client_secrets_hash', { unique: true })
  @Column({ name: 'secret_hash', type: 'varchar', length: 64 })
  secretHash!: string;

  @Column({ name: 'created_at', type: 'varchar', length: 24 })
  createdAt!: string;

  @Column({ name: 'expires_at', type: 'varchar', length: 24 })
  expiresAt!: string;

  @Column({ name: 'revoked_at', type: 'varchar', length: 24, nullable: true })
  revokedAt!: string | null;

  @Column({ name: 'last_used_at', type: 'varchar', length: 24, nullable: true })
  lastUsedAt!: string | null;
}

/** A key that signs OAuth access tokens; the private key is stored sealed only. */
@Entity('scim_oauth_signing_keys')
export class OAuthSigningKeyEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  kid!: string;

  @Column({ type: 'varchar', length: 16 })
  alg!: string;

  /** the public key as a JWK, JSON text */
  @Column({ name: 'public_jwk', type: 'text' })
  publicJwk!: string;

  /** the private key, AES-256-GCM sealed under the key-encryption key */
  @Column({ name: 'private_key', type: 'text' })
  privateKey!: string;

  @Column({ name: 'created_at', type: 'varchar', length: 24 })
  createdAt!: string;

  @Column({ name: 'retired_at', type: 'varchar', length: 24, nullable: true })
  retiredAt!: string | null;
}

/** A private_key_jwt assertion seen: its (client, jti) pair until it expires (single use). */
@Entity('scim_oauth_assertion_jtis')
@Index('ix_scim_oauth_assertion_jtis_expires', ['expiresAt'])
export class OAuthAssertionJtiEntity {
  /** SHA-256 (hex) of the client id and the jti */
  @PrimaryColumn({ name: 'jti_key', type: 'varchar', length: 64 })
  jtiKey!: string;

  @Column({ name: 'client_id', type: 'varchar', length: 255 })
  clientId!: string;

  @Column({ name: 'expires_at', type: 'varchar', length: 24 })
  expiresAt!: string;
}
