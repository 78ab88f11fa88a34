import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('scim_tokens')
export class TokenEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'tenant_id', type: 'varchar', length: 36 })
  tenantId!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'varchar', length: 16 })
  prefix!: string;

  /** HMAC-SHA256 of the token: the token itself is never stored */
  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash!: string;

  /** comma-separated scopes */
  @Column({ type: 'varchar', length: 200 })
  scopes!: string;

  @Column({ name: 'created_at', type: 'varchar', length: 24 })
  createdAt!: string;

  @Column({ name: 'expires_at', type: 'varchar', length: 24, nullable: true })
  expiresAt!: string | null;

  @Column({ name: 'revoked_at', type: 'varchar', length: 24, nullable: true })
  revokedAt!: string | null;

  @Column({ name: 'last_used_at', type: 'varchar', length: 24, nullable: true })
  lastUsedAt!: string | null;

  /** IdP profile for this token's requests; null = the tenant's */
  @Column({ type: 'varchar', length: 32, nullable: true })
  profile!: string | null;
}
