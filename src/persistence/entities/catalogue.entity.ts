import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One value of a tenant's catalogue (TenantCatalogue migration): a role, an entitlement or a
 * value of a catalogue type a host declares, served at that type's endpoint (`/Roles`,
 * `/Entitlements`...) and accepted in Users' `roles` / `entitlements`. Managed by the CLI and
 * the admin API. Unique per (tenant, type) by the lower-cased value.
 */
@Entity('scim_catalogue_values')
export class CatalogueValueEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'varchar', length: 36 })
  tenantId!: string;

  @PrimaryColumn({ name: 'resource_type', type: 'varchar', length: 64 })
  resourceType!: string;

  /** the value lower-cased: values are unique case-insensitively (RFC 7643 §2.4 `value` is not caseExact) */
  @PrimaryColumn({ name: 'value_key', type: 'varchar', length: 255 })
  valueKey!: string;

  @Column({ type: 'varchar', length: 255 })
  value!: string;

  @Column({ name: 'display_name', type: 'varchar', length: 255, nullable: true })
  displayName!: string | null;

  /** the entry's `type` label (e.g. License) */
  @Column({ name: 'value_type', type: 'varchar', length: 64, nullable: true })
  valueType!: string | null;

  @Column({ type: 'varchar', length: 1024, nullable: true })
  description!: string | null;

  @Column({ type: 'boolean', default: true })
  supported!: boolean;

  /** JSON: further attributes (`contains`, extension attributes under their URN) */
  @Column({ type: 'text', nullable: true })
  attributes!: string | null;

  @Column({ type: 'integer', default: 1 })
  version!: number;

  @Column({ type: 'varchar', length: 24 })
  created!: string;

  @Column({ name: 'last_modified', type: 'varchar', length: 24 })
  lastModified!: string;
}
