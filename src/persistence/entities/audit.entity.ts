import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** One SCIM request; written and read with SQL by TypeOrmAuditRepository. */
@Entity('scim_audit')
@Index('ix_scim_audit_tenant_at', ['tenantId', 'at'])
@Index('ix_scim_audit_at', ['at'])
export class AuditEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  seq!: string;

  @Column({ type: 'varchar', length: 24 })
  at!: string;

  @Column({ name: 'tenant_id', type: 'varchar', length: 36, nullable: true })
  tenantId!: string | null;

  /** the token's id: the token itself is never stored */
  @Column({ name: 'token_id', type: 'varchar', length: 36, nullable: true })
  tokenId!: string | null;

  @Column({ name: 'request_id', type: 'varchar', length: 128 })
  requestId!: string;

  @Column({ type: 'varchar', length: 10 })
  method!: string;

  @Column({ type: 'varchar', length: 2048 })
  path!: string;

  @Column({ name: 'resource_type', type: 'varchar', length: 64, nullable: true })
  resourceType!: string | null;

  @Column({ name: 'resource_id', type: 'varchar', length: 255, nullable: true })
  resourceId!: string | null;

  @Column({ type: 'integer' })
  status!: number;

  @Column({ name: 'latency_ms', type: 'integer' })
  latencyMs!: number;

  @Column({ name: 'client_ip', type: 'varchar', length: 64, nullable: true })
  clientIp!: string | null;

  @Column({ name: 'user_agent', type: 'varchar', length: 512, nullable: true })
  userAgent!: string | null;

  /** request body as JSON text, passwords redacted, truncated */
  @Column({ type: 'text', nullable: true })
  body!: string | null;

  /** the IdP profile the request ran under and how it was chosen (`auto:entra`); null = none */
  @Column({ type: 'varchar', length: 32, nullable: true })
  profile!: string | null;

  /** a refused request's SCIM error (RFC 7644 §3.12): its status, scimType and detail; null = none */
  @Column({ name: 'error_status', type: 'integer', nullable: true })
  errorStatus!: number | null;

  @Column({ name: 'error_scim_type', type: 'varchar', length: 32, nullable: true })
  errorScimType!: string | null;

  @Column({ name: 'error_detail', type: 'varchar', length: 1000, nullable: true })
  errorDetail!: string | null;
}

/** Requests of one token in one fixed window, shared by all instances. */
@Entity('scim_rate_limits')
export class RateLimitEntity {
  @PrimaryColumn({ name: 'token_id', type: 'varchar', length: 36 })
  tokenId!: string;

  /** epoch seconds */
  @PrimaryColumn({ name: 'window_start', type: 'bigint' })
  windowStart!: string;

  @Column({ type: 'integer', default: 0 })
  count!: number;
}
