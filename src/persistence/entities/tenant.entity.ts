import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('scim_tenants')
export class TenantEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 64, unique: true })
  slug!: string;

  @Column({ name: 'created_at', type: 'varchar', length: 24 })
  createdAt!: string;

  /** IdP dialect profile for the tenant's requests; null = server default */
  @Column({ type: 'varchar', length: 32, nullable: true })
  profile!: string | null;

  /** what SCIM DELETE does to a user: 'hard' (RFC default) or 'soft'; null = hard */
  @Column({ type: 'varchar', length: 8, nullable: true })
  deprovisioning!: string | null;

  /** nested groups that form a cycle: 'refuse' (default) or 'allow'; null = refuse */
  @Column({ name: 'group_cycles', type: 'varchar', length: 8, nullable: true })
  groupCycles!: string | null;

  /** issue #6 item 2: http(s) URL the tenant's change events are POSTed to; null = none */
  @Column({ name: 'webhook_url', type: 'varchar', length: 2048, nullable: true })
  webhookUrl!: string | null;

  /** the shared secret signing those POSTs (HMAC-SHA256), stored as given: never listed */
  @Column({ name: 'webhook_secret', type: 'varchar', length: 255, nullable: true })
  webhookSecret!: string | null;
}
