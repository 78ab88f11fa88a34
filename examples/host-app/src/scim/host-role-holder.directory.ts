import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RoleHolderDirectory, RoleHolderExclusion, readCommitted } from '../scim-nest';
import { OWNER_ROLE, highestRole } from './host-roles';

/**
 * Who holds a role, read from the host's own tables (ScimModule `adapters.roleHolders`), for
 * break-glass protection (`roles.protect: 'owner'`): the library's LastOwnerProtection asks it
 * before SCIM deactivates or deletes a user, removes members from a team that gives the role,
 * or deletes or renames such a team, and refuses (409) when no active owner would remain.
 *
 * A user holds a role through the `permission` of their team memberships, and `owner` also
 * through `host_users.is_owner`: owners no IdP manages (the founder's account) count, so
 * SCIM can remove every IdP-managed owner while one of those stays. A holder counts only while
 * `is_active`.
 *
 * This host is one organisation whose tenants are IdP connections, so holders are counted
 * across the whole application; a multi-organisation host would add its organisation to the
 * queries below. The permissions are what the host stores (SCIM sets them when it adds a
 * member and never rewrites them), not the tenant's current mapping.
 */
@Injectable()
export class HostRoleHolderDirectory implements RoleHolderDirectory {
  constructor(private readonly ds: DataSource) {}

  async roleOf(tenantId: string, userId: string): Promise<string | null> {
    const rows = (await readCommitted(this.ds, (m) =>
      m.query(
        `SELECT u.is_owner, m.permission FROM host_users u
         LEFT JOIN host_team_members m ON m.user_id = u.id
         WHERE u.scim_id = ? AND u.scim_tenant_id = ?`,
        [userId, tenantId],
      ),
    )) as Array<{ is_owner: unknown; permission: string | null }>;
    if (rows.some((r) => isTrue(r.is_owner))) {
      return OWNER_ROLE;
    }
    return highestRole(rows.flatMap((r) => (r.permission !== null ? [r.permission] : [])));
  }

  /**
   * One query that stops at the first holder: an active user, not among `userIds`, who is an
   * owner by `is_owner` or has a membership giving `role` that the change leaves in place.
   */
  async hasHolder(
    _tenantId: string,
    role: string,
    ignoring: RoleHolderExclusion,
  ): Promise<boolean> {
    const users = ignoring.userIds ?? [];
    const group = ignoring.group;
    const params: unknown[] = [];
    let sql = 'SELECT 1 AS found FROM host_users u WHERE u.is_active = TRUE';
    if (users.length) {
      // a user SCIM does not manage has no scim_id: never excluded
      sql += ` AND (u.scim_id IS NULL OR u.scim_id NOT IN (${placeholders(users.length)}))`;
      params.push(...users);
    }
    let membership =
      'SELECT 1 FROM host_team_members m WHERE m.user_id = u.id AND m.permission = ?';
    params.push(role);
    if (group) {
      if (group.memberIds === undefined) {
        membership += ' AND m.team_id <> ?'; // the team is deleted or renamed away from the role
        params.push(group.id);
      } else if (group.memberIds.length) {
        membership += ` AND NOT (m.team_id = ? AND COALESCE(u.scim_id, '') IN (${placeholders(group.memberIds.length)}))`;
        params.push(group.id, ...group.memberIds);
      }
    }
    sql += ` AND (${role === OWNER_ROLE ? 'u.is_owner = TRUE OR ' : ''}EXISTS (${membership})) LIMIT 1`;
    const rows = (await readCommitted(this.ds, (m) => m.query(sql, params))) as unknown[];
    return rows.length > 0;
  }

  /**
   * The permissions this host stores decide which teams give a role: a team gives `role` when
   * one of its memberships holds it. So a rename changes nothing, and a team whose mapping
   * changed after its members were added is judged by what its members really hold.
   */
  async groupGivesRole(_tenantId: string, groupId: string, role: string): Promise<boolean> {
    const rows = (await readCommitted(this.ds, (m) =>
      m.query('SELECT 1 AS found FROM host_team_members WHERE team_id = ? AND permission = ? LIMIT 1', [
        groupId,
        role,
      ]),
    )) as unknown[];
    return rows.length > 0;
  }
}

function placeholders(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ');
}

/** booleans as raw queries return them: 1/0 (SQLite, MySQL), '1', or true (PostgreSQL) */
function isTrue(v: unknown): boolean {
  return v === true || Number(v) === 1;
}
