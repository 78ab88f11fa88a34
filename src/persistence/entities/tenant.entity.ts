import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('scim_tenants')
export class TenantEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 64, unique: true })
  slug!: string;

  @Column({ name: 'created_at', type: 'varchar', length: 24 })
  createdAt!: string;

  /** IdP profile for the tenant's requests; null = server default */
  @Column({ type: 'varchar', length: 32, nullable: true })
  profile!: string | null;

  /** what SCIM DELETE does to a user: 'hard' (RFC default) or 'soft'; null = hard */
  @Column({ type: 'varchar', length: 8, nullable: true })
  deprovisioning!: string | null;

  /** nested groups that form a cycle: 'refuse' (default) or 'allow'; null = refuse */
  @Column({ name: 'group_cycles', type: 'varchar', length: 8, nullable: true })
  groupCycles!: string | null;

  /** http(s) URL the tenant's change events are POSTed to; null = none */
  @Column({ name: 'webhook_url', type: 'varchar', length: 2048, nullable: true })
  webhookUrl!: string | null;

  /** the shared secret signing those POSTs (HMAC-SHA256), stored as given: never listed */
  @Column({ name: 'webhook_secret', type: 'varchar', length: 255, nullable: true })
  webhookSecret!: string | null;

  /** when SCIM was switched off for the tenant; null = enabled */
  @Column({ name: 'disabled_at', type: 'varchar', length: 24, nullable: true })
  disabledAt!: string | null;

  /** 'off' stops webhook deliveries; null = on */
  @Column({ type: 'varchar', length: 8, nullable: true })
  notifications!: string | null;

  /** the role a user holds when none of their groups maps to one; null = none */
  @Column({ name: 'default_role', type: 'varchar', length: 64, nullable: true })
  defaultRole!: string | null;

  /** 'verified-email' links a POST to an existing host user; null = off */
  @Column({ name: 'link_policy', type: 'varchar', length: 16, nullable: true })
  linkPolicy!: string | null;

  /** 'oauth-only': static service-account tokens are refused; null = any token */
  @Column({ name: 'token_policy', type: 'varchar', length: 16, nullable: true })
  tokenPolicy!: string | null;
  /** IdP profile switches set on top of the tokens' profile (`allowRemoveAll=true`); null = none */
  @Column({ type: 'varchar', length: 512, nullable: true })
  switches!: string | null;
}

/** An IdP group (by displayName, case-insensitively) maps to a host role. */
@Entity('scim_role_mappings')
export class RoleMappingEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'varchar', length: 36 })
  tenantId!: string;

  @PrimaryColumn({ name: 'group_key', type: 'varchar', length: 255 })
  groupKey!: string;

  @Column({ name: 'group_name', type: 'varchar', length: 255 })
  groupName!: string;

  @Column({ type: 'varchar', length: 64 })
  role!: string;

  @Column({ name: 'created_at', type: 'varchar', length: 24 })
  createdAt!: string;
}
