import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One SCIM User. The full document is kept in `doc`; the attributes clients filter and sort on
 * most are real indexed columns (see the InitialSchema migration).
 */
@Entity('scim_users')
export class UserEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  seq!: string;

  @Column({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'tenant_id', type: 'varchar', length: 36 })
  tenantId!: string;

  @Column({ name: 'user_name', type: 'varchar', length: 255 })
  userName!: string;

  @Column({ name: 'user_name_ci', type: 'varchar', length: 255 })
  userNameCi!: string;

  @Column({ name: 'external_id', type: 'varchar', length: 255, nullable: true })
  externalId!: string | null;

  @Column({ name: 'display_name_ci', type: 'varchar', length: 255, nullable: true })
  displayNameCi!: string | null;

  @Column({ type: 'boolean', nullable: true })
  active!: boolean | null;

  @Column({ type: 'text' })
  doc!: string;

  @Column({ name: 'password_hash', type: 'varchar', length: 255, nullable: true })
  passwordHash!: string | null;

  @Column({ type: 'integer', default: 1 })
  version!: number;

  @Column({ type: 'varchar', length: 24 })
  created!: string;

  @Column({ name: 'last_modified', type: 'varchar', length: 24 })
  lastModified!: string;

  /** soft-delete tombstone (tenant deprovisioning mode 'soft'); null for a live user */
  @Column({ name: 'deleted_at', type: 'varchar', length: 24, nullable: true })
  deletedAt!: string | null;
}

/** One value of a multi-valued User attribute (emails, phoneNumbers, addresses, ...). */
@Entity('scim_user_values')
export class UserValueEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  seq!: string;

  @Column({ name: 'tenant_id', type: 'varchar', length: 36 })
  tenantId!: string;

  @Column({ name: 'owner_seq', type: 'bigint' })
  ownerSeq!: string;

  @Column({ type: 'varchar', length: 64 })
  attribute!: string;

  @Column({ type: 'integer' })
  position!: number;

  /** lower-cased first 191 characters of `value`: the indexed look-up key */
  @Column({ name: 'value_key', type: 'varchar', length: 191, nullable: true })
  valueKey!: string | null;

  @Column({ type: 'text', nullable: true })
  value!: string | null;

  @Column({ name: 'value_ci', type: 'text', nullable: true })
  valueCi!: string | null;

  @Column({ name: 'type_ci', type: 'varchar', length: 64, nullable: true })
  typeCi!: string | null;

  @Column({ name: 'is_primary', type: 'boolean', default: false })
  isPrimary!: boolean;

  @Column({ type: 'text' })
  item!: string;
}
