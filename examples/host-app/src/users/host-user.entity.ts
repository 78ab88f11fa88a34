import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The host's own users table. SCIM knows nothing of it: HostUserRepository maps SCIM Users
 * onto these columns. `scim_*` columns are what the host added for provisioning: which SCIM
 * tenant (IdP connection) owns the row, the IdP's id for it, and the SCIM attributes that
 * have no column of their own (a JSON document, also holding custom extension attributes).
 */
@Entity('host_users')
export class HostUser {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  /** unique, case-insensitively (NOCASE on SQLite, the table's _ci collation on MySQL, citext on PostgreSQL) */
  @Column({ type: 'varchar', length: 255 })
  email!: string;

  @Column({ name: 'full_name', type: 'varchar', length: 255, nullable: true })
  fullName!: string | null;

  @Column({ name: 'is_active', type: 'boolean', default: true })
  isActive!: boolean;

  /**
   * The user's SCIM id: the id ScimModule chose when the IdP created (or linked) the user. A
   * user SCIM created has `id` = `scim_id`; a host account linked later keeps its own `id` and
   * gets the SCIM id here. Unique; kept after unlinking until a new link replaces it.
   */
  @Column({ name: 'scim_id', type: 'varchar', length: 36, nullable: true })
  scimId!: string | null;

  /** the host verified that the user controls `email` (a confirmation link): linking needs it */
  @Column({ name: 'email_verified', type: 'boolean', default: false })
  emailVerified!: boolean;

  /** an owner of the application that no IdP grants or takes away (the founder's account) */
  @Column({ name: 'is_owner', type: 'boolean', default: false })
  isOwner!: boolean;

  /** the SCIM tenant that provisions this user; null = a host account no IdP manages */
  @Column({ name: 'scim_tenant_id', type: 'varchar', length: 36, nullable: true })
  scimTenantId!: string | null;

  @Column({ name: 'scim_external_id', type: 'varchar', length: 255, nullable: true })
  scimExternalId!: string | null;

  /** JSON: the SCIM attributes without a column of their own (name, emails, extensions...) */
  @Column({ name: 'scim_attributes', type: 'text', nullable: true })
  scimAttributes!: string | null;

  /** the plan the user is licensed for (host_plans.code): granted by the IdP as a License entitlement */
  @Column({ name: 'plan_code', type: 'varchar', length: 64, nullable: true })
  planCode!: string | null;

  /** optimistic concurrency; SCIM meta.version is W/"<version>" */
  @Column({ type: 'int', default: 1 })
  version!: number;

  /**
   * No column type: TypeORM takes it from `Date`, datetime on SQLite and MySQL, timestamp on
   * PostgreSQL (the migrations make it timestamptz there).
   */
  @Column({ name: 'created_at', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', precision: 3 })
  updatedAt!: Date;
}
