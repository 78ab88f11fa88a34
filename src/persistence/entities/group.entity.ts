import {
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { TenantEntity } from './tenant.entity';

/**
 * One SCIM Group (RFC 7643 §4.2). `doc` holds the document without `members`; membership is
 * in scim_group_members (see the Groups migration). displayName is unique per tenant
 * case-insensitively through `display_name_ci` (docs/idp/quirks.md #12).
 */
@Entity('scim_groups')
@Index('uq_scim_groups_id', ['id'], { unique: true })
@Index('uq_scim_groups_tenant_display_name', ['tenantId', 'displayNameCi'], { unique: true })
@Index('ix_scim_groups_tenant_external_id', ['tenantId', 'externalId'])
@Index('ix_scim_groups_tenant_created', ['tenantId', 'created'])
@Index('ix_scim_groups_tenant_last_modified', ['tenantId', 'lastModified'])
@Index('ix_scim_groups_tenant_seq', ['tenantId', 'seq'])
export class GroupEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  seq!: string;

  @Column({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'tenant_id', type: 'varchar', length: 36 })
  tenantId!: string;

  /** the foreign key scim_groups.tenant_id -> scim_tenants.id (ON DELETE CASCADE) */
  @ManyToOne(() => TenantEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id' })
  tenant?: TenantEntity;

  /** displayName as sent (members' `display` shows it) */
  @Column({ name: 'display_name', type: 'varchar', length: 255 })
  displayName!: string;

  /** lower-cased displayName: uniqueness and case-insensitive filters */
  @Column({ name: 'display_name_ci', type: 'varchar', length: 255 })
  displayNameCi!: string;

  @Column({ name: 'external_id', type: 'varchar', length: 255, nullable: true })
  externalId!: string | null;

  /** the document without `members` (longtext on MySQL: the migration's columnKit) */
  @Column({ type: 'text' })
  doc!: string;

  @Column({ type: 'integer', default: 1 })
  version!: number;

  @Column({ type: 'varchar', length: 24 })
  created!: string;

  @Column({ name: 'last_modified', type: 'varchar', length: 24 })
  lastModified!: string;
}

/** One membership: `memberId` (a User or Group id of the tenant) is in the group `groupSeq`. */
@Entity('scim_group_members')
@Index('ix_scim_group_members_member', ['tenantId', 'memberId'])
export class GroupMemberEntity {
  @PrimaryColumn({ name: 'group_seq', type: 'bigint' })
  groupSeq!: string;

  /** the foreign key scim_group_members.group_seq -> scim_groups.seq (ON DELETE CASCADE) */
  @ManyToOne(() => GroupEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'group_seq', referencedColumnName: 'seq' })
  group?: GroupEntity;

  @PrimaryColumn({ name: 'member_id', type: 'varchar', length: 36 })
  memberId!: string;

  @Column({ name: 'tenant_id', type: 'varchar', length: 36 })
  tenantId!: string;

  /** 'User' | 'Group' (RFC 7643 §4.2 members.type) */
  @Column({ name: 'member_type', type: 'varchar', length: 8 })
  memberType!: string;
}
