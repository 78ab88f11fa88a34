import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The host's own teams. SCIM Groups map onto them (HostTeamRepository): a team an IdP pushed
 * has `scim_tenant_id` set and its id is the SCIM id; teams the host creates itself have
 * `scim_tenant_id` null and are invisible to SCIM.
 */
@Entity('host_teams')
export class HostTeam {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  /** unique per tenant, case-insensitively (NOCASE on SQLite, the _ci collation on MySQL, citext on PostgreSQL) */
  @Column({ type: 'varchar', length: 255 })
  name!: string;

  /** the SCIM tenant (IdP connection) that manages the team; null = the host's own team */
  @Column({ name: 'scim_tenant_id', type: 'varchar', length: 36, nullable: true })
  scimTenantId!: string | null;

  @Column({ name: 'scim_external_id', type: 'varchar', length: 255, nullable: true })
  scimExternalId!: string | null;

  /** optimistic concurrency; SCIM meta.version is W/"<version>" */
  @Column({ type: 'int', default: 1 })
  version!: number;

  @Column({ name: 'created_at', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', precision: 3 })
  updatedAt!: Date;
}
