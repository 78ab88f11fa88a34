import { DataSource } from 'typeorm';
import { ScimError } from '../../core/errors/scim-error';
import { GroupOfMember, MemberPage, MemberType, MemberView } from '../../core/ports/group.repository';
import { StoredResource } from '../../core/ports/resource.types';
import { MAX_MEMBER_ID_LENGTH } from '../../core/resource/members';
import { STORE_DIALECTS } from '../repositories/sql-dialect';
import { Sql, readCommitted } from '../repositories/sql-transaction';
import { MembershipSql, chunks, placeholders } from './sql-membership';
import { ResourceRow, SqlQueries, liveSql } from './sql-query';
import { directGroupsOf, userWithGroupsSql } from './sql-user-groups';

interface MemberRow {
  group_key: string | number;
  member_key: string;
  member_id: string;
  member_type: string;
  user_display: unknown;
  user_name: string | null;
  group_display: string | null;
}

/**
 * Reads of group membership (RFC 7643 §4.2 `members`, §4.1.2 a user's `groups`) from the
 * membership table (MembershipSql): members with their current `display`, keyset-paged; which
 * ids exist; nesting walks (cycles, direct and indirect groups of a member) where members may
 * be groups. Every read sees committed data only (readCommitted).
 */
export class SqlGroupGraph {
  constructor(
    private readonly ds: DataSource,
    private readonly ms: MembershipSql,
    private readonly groups: SqlQueries,
  ) {}

  private read<T>(fn: (sql: Sql) => Promise<T>): Promise<T> {
    return readCommitted(this.ds, fn);
  }

  async listMembers(tenantId: string, id: string, limit: number, after?: string): Promise<MemberPage> {
    if (!Number.isInteger(limit) || limit < 1) {
      throw ScimError.invalidValue(`limit must be a positive integer, not ${limit}`);
    }
    const { m, g } = this.ms;
    return this.read(async (sql) => {
      const live = this.groups.live(tenantId);
      const groups = (
        (await sql.query(`SELECT r.${g.row} AS row_key, r.${g.id} AS id FROM ${this.ms.groups.table} r WHERE r.${g.id} = ? AND ${live.sql}`, [
          id,
          ...live.params,
        ])) as Pick<ResourceRow, 'row_key' | 'id'>[]
      ).filter((r) => r.id === id);
      if (!groups.length) {
        throw ScimError.notFound(`Group ${id} not found`);
      }
      // keyset paging on the primary key (group, member): each page is one range scan; the
      // cursor is the member column of the page's last row
      const select = this.ms.memberSelect(tenantId);
      const rows = (await sql.query(
        `${select.sql} WHERE m.${m.group} = ?${after !== undefined ? ` AND m.${m.member} > ?` : ''}
         ORDER BY m.${m.member} LIMIT ?`,
        [...select.params, groups[0].row_key, ...(after !== undefined ? [after] : []), limit + 1],
      )) as MemberRow[];
      const page = rows.slice(0, limit);
      const members = page.map(toMemberView);
      return rows.length > limit ? { members, next: String(page[page.length - 1].member_key) } : { members };
    });
  }

  async resolveMembers(tenantId: string, ids: readonly string[]): Promise<Map<string, MemberType>> {
    const wanted = new Set(ids.filter((i) => typeof i === 'string' && i.length <= MAX_MEMBER_ID_LENGTH));
    const found = new Map<string, MemberType>();
    const { u, g } = this.ms;
    return this.read(async (sql) => {
      // one query per IN_CHUNK ids: users and groups in one UNION ALL
      for (const chunk of chunks([...wanted])) {
        const marks = placeholders(chunk.length);
        const users = liveSql(this.ms.users, tenantId, true, this.ms.dialect);
        const groups = liveSql(this.ms.groups, tenantId, false, this.ms.dialect);
        const rows = (await sql.query(
          `SELECT r.${u.id} AS id, 'User' AS t FROM ${this.ms.users.table} r WHERE ${users.sql} AND r.${u.id} IN (${marks})
           UNION ALL
           SELECT r.${g.id} AS id, 'Group' AS t FROM ${this.ms.groups.table} r WHERE ${groups.sql} AND r.${g.id} IN (${marks})`,
          [...users.params, ...chunk, ...groups.params, ...chunk],
        )) as { id: string; t: MemberType }[];
        for (const r of rows) {
          // exact match only (MySQL's PAD SPACE or _ci collations would also match 'id ', 'ID')
          if (wanted.has(r.id)) {
            found.set(r.id, r.t);
          }
        }
      }
      return found;
    });
  }

  async wouldCreateCycle(tenantId: string, groupId: string, memberGroupId: string): Promise<boolean> {
    if (groupId === memberGroupId || !this.ms.nested) {
      // without nesting only a group "containing" itself would loop
      return groupId === memberGroupId;
    }
    const { m, g } = this.ms;
    const G = this.ms.groups.table;
    // every group reachable downwards from memberGroupId; UNION (not UNION ALL) visits each
    // group once, so the walk ends even on cyclic data and is bounded by the tenant's groups
    return this.read(async (sql) => {
      const [{ n }] = (await sql.query(
        `WITH RECURSIVE down(k) AS (
           SELECT g.${g.row} FROM ${G} g WHERE g.${g.tenant} = ? AND g.${g.id} = ?
           UNION
           SELECT c.${g.row} FROM down d
             JOIN ${m.table} m ON m.${m.group} = d.k
             JOIN ${G} c ON c.${g.id} = m.${m.member}
           WHERE m.${m.type!} = 'Group' AND c.${g.tenant} = ?
         )
         SELECT COUNT(*) AS n FROM down d JOIN ${G} t ON t.${g.row} = d.k
         WHERE t.${g.id} = ? AND t.${g.tenant} = ?`,
        [tenantId, memberGroupId, tenantId, groupId, tenantId],
      )) as { n: number | string }[];
      return Number(n) > 0;
    });
  }

  /**
   * A live user of `users` (its store's queries) and its groups: one statement, a second one
   * only when one of its groups is itself in a group (the indirect groups: groupsOf's walk).
   */
  userWithGroups(
    users: SqlQueries,
    tenantId: string,
    id: string,
  ): Promise<{ user: StoredResource; groups: GroupOfMember[] } | null> {
    return this.read(async (sql) => {
      const s = userWithGroupsSql(this.ms, users, tenantId, id);
      const rows = (await sql.query(s.sql, s.params)) as (ResourceRow & { groups_direct: unknown })[];
      // the exact id: a case-insensitive collation would also match it in another letter case
      const row = rows.find((r) => r.id === id);
      return row ? { user: users.toStored(row), groups: await this.groupsOfRow(sql, tenantId, id, row.groups_direct) } : null;
    });
  }

  /** The groups of a user from its row's `groups_direct`, walking up only from nested ones. */
  async groupsOfRow(sql: Sql, tenantId: string, id: string, direct: unknown): Promise<GroupOfMember[]> {
    const d = directGroupsOf(direct, id, this.ms.dialect);
    if (d && !d.nested) {
      return d.groups;
    }
    return (await this.groupsIn(sql, tenantId, [id])).get(id) ?? [];
  }

  async groupsOf(tenantId: string, memberId: string): Promise<GroupOfMember[]> {
    return (await this.groupsOfMany(tenantId, [memberId])).get(memberId) ?? [];
  }

  /** The groups of each member (RFC 7643 §4.1.2 `groups`), in creation order of the groups. */
  async groupsOfMany(tenantId: string, memberIds: readonly string[]): Promise<Map<string, GroupOfMember[]>> {
    const ids = [...new Set(memberIds)];
    if (!ids.length) {
      return new Map();
    }
    return this.read((sql) => this.groupsIn(sql, tenantId, ids));
  }

  /** groupsOfMany on `sql` (a read, or the transaction of a write) */
  private async groupsIn(sql: Sql, tenantId: string, ids: readonly string[]): Promise<Map<string, GroupOfMember[]>> {
    const out = new Map<string, GroupOfMember[]>();
    for (const chunk of chunks(ids)) {
      const s = this.ms.nested ? this.nestedGroupsOf(tenantId, chunk) : this.directGroupsOf(tenantId, chunk);
      const rows = (await sql.query(s.sql, s.params)) as {
        member_id: string;
        id: string;
        display_name: string;
        direct: number | string;
      }[];
      const wanted = new Set(chunk);
      for (const r of rows.filter((x) => wanted.has(x.member_id))) {
        const list = out.get(r.member_id) ?? [];
        list.push({ value: r.id, display: r.display_name, type: Number(r.direct) > 0 ? 'direct' : 'indirect' });
        out.set(r.member_id, list);
      }
    }
    return out;
  }

  /**
   * One recursive walk for the members, seeded with every member id ((tenant, member) index):
   * the groups containing them, then (recursively) the groups containing those. `up CROSS
   * JOIN <groups>`: SQLite keeps the walk's few rows as the outer loop instead of scanning every
   * group of the tenant (MySQL reads CROSS JOIN ... ON as a JOIN; PostgreSQL writes JOIN).
   */
  private nestedGroupsOf(tenantId: string, ids: readonly string[]): { sql: string; params: unknown[] } {
    const { m, g } = this.ms;
    const G = this.ms.groups.table;
    const display = this.ms.columnOf(this.ms.groups, 'displayName', 'g');
    const order = this.groups.creationOrder('ASC', 'g');
    const orderGroup = g.seq ? '' : `, g.${g.created}`;
    return {
      sql: `WITH RECURSIVE up(member_id, k, direct) AS (
           SELECT m.${m.member}, m.${m.group}, 1 FROM ${m.table} m
           WHERE m.${m.tenant!} = ? AND m.${m.member} IN (${placeholders(ids.length)})
           UNION
           SELECT u.member_id, p.${m.group}, 0 FROM up u
             JOIN ${G} g ON g.${g.row} = u.k
             JOIN ${m.table} p ON p.${m.tenant!} = g.${g.tenant} AND p.${m.member} = g.${g.id}
           WHERE p.${m.type!} = 'Group'
         )
         SELECT up.member_id AS member_id, g.${g.id} AS id, ${display} AS display_name, MAX(up.direct) AS direct
         FROM up ${STORE_DIALECTS[this.ms.dialect].crossJoin} ${G} g ON g.${g.row} = up.k
         WHERE g.${g.tenant} = ?
         GROUP BY up.member_id, g.${g.row}, g.${g.id}, ${display}${orderGroup}
         ORDER BY ${order}`,
      params: [tenantId, ...ids, tenantId],
    };
  }

  /** Without nesting every membership is direct: one join from the members' rows. */
  private directGroupsOf(tenantId: string, ids: readonly string[]): { sql: string; params: unknown[] } {
    const { m, g } = this.ms;
    return {
      sql: `SELECT ${this.ms.memberId} AS member_id, g.${g.id} AS id,
          ${this.ms.columnOf(this.ms.groups, 'displayName', 'g')} AS display_name, 1 AS direct
        FROM ${this.ms.from} JOIN ${this.ms.groups.table} g ON g.${g.row} = m.${m.group}
        WHERE ${this.ms.tenantTerm} AND ${this.ms.memberId} IN (${placeholders(ids.length)}) AND g.${g.tenant} = ?
        ORDER BY ${this.groups.creationOrder('ASC', 'g')}`,
      params: [tenantId, ...ids, tenantId],
    };
  }

  /** Members of the given groups (by row key) with their current display, by group then member. */
  async loadMembers(sql: Sql, tenantId: string, keys: readonly (string | number)[]): Promise<Map<string, MemberView[]>> {
    const out = new Map<string, MemberView[]>();
    const { m } = this.ms;
    const select = this.ms.memberSelect(tenantId);
    for (const chunk of chunks(keys)) {
      const rows = (await sql.query(
        `${select.sql} WHERE m.${m.group} IN (${placeholders(chunk.length)})
         ORDER BY m.${m.group}, m.${m.member}`,
        [...select.params, ...chunk],
      )) as MemberRow[];
      for (const r of rows) {
        const key = String(r.group_key);
        const list = out.get(key) ?? [];
        list.push(toMemberView(r));
        out.set(key, list);
      }
    }
    return out;
  }

  /** The stored group with its members (when loaded and non-empty) as `members`. */
  withMembers(row: ResourceRow, members: Map<string, MemberView[]> | undefined): StoredResource {
    const stored = this.groups.toStored(row);
    const list = members?.get(String(row.row_key));
    if (list?.length) {
      stored.resource.members = list;
    }
    return stored;
  }
}

function toMemberView(r: MemberRow): MemberView {
  const display =
    r.member_type === 'Group'
      ? r.group_display
      : typeof r.user_display === 'string' && r.user_display !== ''
        ? r.user_display
        : r.user_name;
  const type: MemberType = r.member_type === 'Group' ? 'Group' : 'User';
  return display !== null && display !== undefined
    ? { value: r.member_id, type, display }
    : { value: r.member_id, type };
}
