import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A user's membership of a team, with the permission it gives. SCIM sets `permission` when it
 * adds the member (the tenant's group-to-role mapping for the team's name, else its default
 * role, else `member`) and never rewrites it afterwards; the host may.
 */
@Entity('host_team_members')
export class HostTeamMember {
  @PrimaryColumn({ name: 'team_id', type: 'varchar', length: 36 })
  teamId!: string;

  /** host_users.id (the host's id, not the SCIM id) */
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 36 })
  userId!: string;

  /** one of the host's roles: owner, admin, member */
  @Column({ type: 'varchar', length: 64 })
  permission!: string;

  @Column({ name: 'added_at', precision: 3 })
  addedAt!: Date;
}
