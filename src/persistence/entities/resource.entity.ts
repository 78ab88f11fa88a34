import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One resource of a type beyond User and Group (see the ResourceTypes migration): the document
 * whole in `doc`, told apart by `resource_type`, externalId as an indexed column.
 */
@Entity('scim_resources')
@Index('uq_scim_resources_id', ['id'], { unique: true })
@Index('ix_scim_resources_type_seq', ['tenantId', 'resourceType', 'seq'])
@Index('ix_scim_resources_type_external_id', ['tenantId', 'resourceType', 'externalId'])
export class ResourceEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  seq!: string;

  @Column({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'tenant_id', type: 'varchar', length: 36 })
  tenantId!: string;

  @Column({ name: 'resource_type', type: 'varchar', length: 64 })
  resourceType!: string;

  @Column({ name: 'external_id', type: 'varchar', length: 255, nullable: true })
  externalId!: string | null;

  @Column({ type: 'text' })
  doc!: string;

  @Column({ type: 'integer', default: 1 })
  version!: number;

  @Column({ type: 'varchar', length: 24 })
  created!: string;

  @Column({ name: 'last_modified', type: 'varchar', length: 24 })
  lastModified!: string;
}

/** One value of a multi-valued attribute of a scim_resources row (as scim_user_values). */
@Entity('scim_resource_values')
@Index('ix_scim_resource_values_lookup', ['tenantId', 'attribute', 'valueKey'])
@Index('ix_scim_resource_values_owner', ['ownerSeq'])
export class ResourceValueEntity {
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
