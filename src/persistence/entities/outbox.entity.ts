import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One change event in the transactional outbox, inserted in the transaction
 * of the change it describes and delivered by the dispatcher (src/events). Written and read
 * with SQL by TypeOrmOutboxRepository; see the Outbox migration for the indexes' purpose.
 */
@Entity('scim_outbox')
@Index('uq_scim_outbox_event_id', ['eventId'], { unique: true })
@Index('ix_scim_outbox_status_seq', ['status', 'seq'])
@Index('ix_scim_outbox_resource', ['tenantId', 'resourceType', 'resourceId', 'seq'])
@Index('ix_scim_outbox_status_finished', ['status', 'finishedAt'])
@Index('ix_scim_outbox_lease_owner', ['leaseOwner'])
export class OutboxEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  seq!: string;

  /** UUID sent as X-Scim-Event-Id: the same on every retry */
  @Column({ name: 'event_id', type: 'varchar', length: 36 })
  eventId!: string;

  @Column({ name: 'tenant_id', type: 'varchar', length: 36 })
  tenantId!: string;

  /** User | Group */
  @Column({ name: 'resource_type', type: 'varchar', length: 64 })
  resourceType!: string;

  @Column({ name: 'resource_id', type: 'varchar', length: 255 })
  resourceId!: string;

  /** created | replaced | patched | deleted | activated | deactivated | members-added | members-removed | restored */
  @Column({ type: 'varchar', length: 16 })
  operation!: string;

  /** JSON list of the changed top-level attribute names */
  @Column({ type: 'text' })
  changed!: string;

  /** JSON list of member ids (membership events only) */
  @Column({ type: 'text', nullable: true })
  members!: string | null;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ name: 'actor_token_id', type: 'varchar', length: 36, nullable: true })
  actorTokenId!: string | null;

  @Column({ name: 'request_id', type: 'varchar', length: 128, nullable: true })
  requestId!: string | null;

  @Column({ name: 'created_at', type: 'varchar', length: 24 })
  createdAt!: string;

  /** pending | delivered | failed (gave up) | skipped (tenant notifications off: listeners only) */
  @Column({ type: 'varchar', length: 10, default: 'pending' })
  status!: string;

  /** failed delivery attempts */
  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'next_attempt_at', type: 'varchar', length: 24 })
  nextAttemptAt!: string;

  /** the claim (instance + counter) holding the lease */
  @Column({ name: 'lease_owner', type: 'varchar', length: 64, nullable: true })
  leaseOwner!: string | null;

  @Column({ name: 'lease_until', type: 'varchar', length: 24, nullable: true })
  leaseUntil!: string | null;

  /** when the in-process listeners handled it (retries then only call the webhook) */
  @Column({ name: 'listeners_done_at', type: 'varchar', length: 24, nullable: true })
  listenersDoneAt!: string | null;

  /** when it was delivered or given up */
  @Column({ name: 'finished_at', type: 'varchar', length: 24, nullable: true })
  finishedAt!: string | null;

  @Column({ name: 'last_error', type: 'varchar', length: 1000, nullable: true })
  lastError!: string | null;
}
