import { DataSource } from 'typeorm';
import { ScimError } from '../../core/errors/scim-error';
import { ColumnRef, MultiValuedRef } from '../../core/filter/filter-sql.target';
import { GroupOfMember, MemberPage, MemberType, MemberView } from '../../core/ports/group.repository';
import { MAX_MEMBER_ID_LENGTH } from '../../core/resource/members';
import { dialectOf } from '../repositories/sql.util';
import { Sql, readCommitted } from '../repositories/sql-transaction';
import { StoredResource } from '../../core/ports/resource.types';
import { ResourceRow, toStored } from './sql-resource.store';

/** ids per IN (...) list and per membership look-up */
export const IN_CHUNK = 500;

interface MemberRow {
  group_seq: string | number;
  member_id: string;
  member_type: string;
  user_display: unknown;
  user_name: string | null;
  group_display: string | null;
}

type GroupRow = ResourceRow;

/**
 * Reads of group membership (RFC 7643 §4.2 `members`, §4.1.2 a user's `groups`) from
 * scim_group_members: members with their current `display`, keyset-paged; which ids exist;
 * nesting walks (cycles, direct and indirect groups of a member). Every read sees committed
 * data only (readCommitted).
 */
export class SqlGroupGraph {
  private readonly dialect;

  constructor(private readonly ds: DataSource) {
    this.dialect = dialectOf(ds);
  }

  private read<T>(fn: (sql: Sql) => Promise<T>): Promise<T> {
    return readCommitted(this.ds, fn);
  }

  async listMembers(
    tenantId: string,
    id: string,
    limit: number,
    after?: string,
  ): Promise<MemberPage> {
    if (!Number.isInteger(limit) || limit < 1) {
      throw ScimError.invalidValue(`limit must be a positive integer, not ${limit}`);
    }
    return this.read(async (sql) => {
      const groups = (await sql.query(
        'SELECT r.seq FROM scim_groups r WHERE r.id = ? AND r.tenant_id = ?',
        [id, tenantId],
      )) as Pick<GroupRow, 'seq'>[];
      if (!groups.length) {
        throw ScimError.notFound(`Group ${id} not found`);
      }
      // keyset paging on the primary key (group_seq, member_id): each page is one range scan
      const rows = (await sql.query(
        `${this.memberSelect()}
         WHERE m.group_seq = ?${after !== undefined ? ' AND m.member_id > ?' : ''}
         ORDER BY m.member_id LIMIT ?`,
        [groups[0].seq, ...(after !== undefined ? [after] : []), limit + 1],
      )) as MemberRow[];
      const page = rows.slice(0, limit).map(toMemberView);
      return rows.length > limit
        ? { members: page, next: page[page.length - 1].value }
        : { members: page };
    });
  }

  async resolveMembers(tenantId: string, ids: readonly string[]): Promise<Map<string, MemberType>> {
    const wanted = new Set(
      ids.filter((i) => typeof i === 'string' && i.length <= MAX_MEMBER_ID_LENGTH),
    );
    const found = new Map<string, MemberType>();
    const list = [...wanted];
    return this.read(async (sql) => {
      // one query per IN_CHUNK ids: users and groups in one UNION ALL
      for (let i = 0; i < list.length; i += IN_CHUNK) {
        const chunk = list.slice(i, i + IN_CHUNK);
        const marks = placeholders(chunk.length);
        const rows = (await sql.query(
          `SELECT u.id AS id, 'User' AS t FROM scim_users u
           WHERE u.tenant_id = ? AND +u.deleted_at IS NULL AND u.id IN (${marks})
           UNION ALL
           SELECT g.id AS id, 'Group' AS t FROM scim_groups g
           WHERE g.tenant_id = ? AND g.id IN (${marks})`,
          [tenantId, ...chunk, tenantId, ...chunk],
        )) as { id: string; t: MemberType }[];
        for (const r of rows) {
          // exact match only (MySQL's PAD SPACE collation would also match 'id ')
          if (wanted.has(r.id)) {
            found.set(r.id, r.t);
          }
        }
      }
      return found;
    });
  }

  async wouldCreateCycle(
    tenantId: string,
    groupId: string,
    memberGroupId: string,
  ): Promise<boolean> {
    if (groupId === memberGroupId) {
      return true;
    }
    // every group reachable downwards from memberGroupId; UNION (not UNION ALL) visits each
    // group once, so the walk ends even on cyclic data and is bounded by the tenant's groups
    return this.read(async (sql) => {
      const [{ n }] = (await sql.query(
        `WITH RECURSIVE down(seq) AS (
           SELECT g.seq FROM scim_groups g WHERE g.tenant_id = ? AND g.id = ?
           UNION
           SELECT c.seq FROM down d
             JOIN scim_group_members m ON m.group_seq = d.seq
             JOIN scim_groups c ON c.id = m.member_id
           WHERE m.member_type = 'Group' AND c.tenant_id = ?
         )
         SELECT COUNT(*) AS n FROM down d JOIN scim_groups t ON t.seq = d.seq
         WHERE t.id = ? AND t.tenant_id = ?`,
        [tenantId, memberGroupId, tenantId, groupId, tenantId],
      )) as { n: number | string }[];
      return Number(n) > 0;
    });
  }

  async groupsOf(tenantId: string, memberId: string): Promise<GroupOfMember[]> {
    // the groups containing memberId, then (recursively) the groups containing those.
    // `up CROSS JOIN scim_groups`: SQLite keeps the walk's few rows as the outer loop instead
    // of scanning every group of the tenant (MySQL reads CROSS JOIN ... ON as a JOIN)
    return this.read(async (sql) => {
      const rows = (await sql.query(
        `WITH RECURSIVE up(seq) AS (
           SELECT m.group_seq FROM scim_group_members m WHERE m.tenant_id = ? AND m.member_id = ?
           UNION
           SELECT p.group_seq FROM up u
             JOIN scim_groups g ON g.seq = u.seq
             JOIN scim_group_members p ON p.tenant_id = g.tenant_id AND p.member_id = g.id
           WHERE p.member_type = 'Group'
         )
         SELECT g.id, g.display_name,
           (SELECT COUNT(*) FROM scim_group_members d WHERE d.group_seq = g.seq AND d.member_id = ?)
             AS direct
         FROM up CROSS JOIN scim_groups g ON g.seq = up.seq
         WHERE g.tenant_id = ?
         ORDER BY g.seq`,
        [tenantId, memberId, memberId, tenantId],
      )) as { id: string; display_name: string; direct: number | string }[];
      return rows.map((r) => ({
        value: r.id,
        display: r.display_name,
        type: Number(r.direct) > 0 ? 'direct' : 'indirect',
      }));
    });
  }

  async groupsOfMany(
    tenantId: string,
    memberIds: readonly string[],
  ): Promise<Map<string, GroupOfMember[]>> {
    const out = new Map<string, GroupOfMember[]>();
    const ids = [...new Set(memberIds)];
    if (!ids.length) {
      return out;
    }
    // one recursive walk for the whole page, seeded with every member id (tenant, member) index
    return this.read(async (sql) => {
      const rows = (await sql.query(
        `WITH RECURSIVE up(member_id, seq, direct) AS (
           SELECT m.member_id, m.group_seq, 1 FROM scim_group_members m
           WHERE m.tenant_id = ? AND m.member_id IN (${ids.map(() => '?').join(', ')})
           UNION
           SELECT u.member_id, p.group_seq, 0 FROM up u
             JOIN scim_groups g ON g.seq = u.seq
             JOIN scim_group_members p ON p.tenant_id = g.tenant_id AND p.member_id = g.id
           WHERE p.member_type = 'Group'
         )
         SELECT up.member_id AS member_id, g.id AS id, g.display_name AS display_name,
           MAX(up.direct) AS direct
         FROM up CROSS JOIN scim_groups g ON g.seq = up.seq
         WHERE g.tenant_id = ?
         GROUP BY up.member_id, g.seq, g.id, g.display_name
         ORDER BY g.seq`,
        [tenantId, ...ids, tenantId],
      )) as { member_id: string; id: string; display_name: string; direct: number | string }[];
      for (const r of rows) {
        const list = out.get(r.member_id) ?? [];
        list.push({
          value: r.id,
          display: r.display_name,
          type: Number(r.direct) > 0 ? 'direct' : 'indirect',
        });
        out.set(r.member_id, list);
      }
      return out;
    });
  }

  /** Members of the given groups with their current display, by group then member id. */
  async loadMembers(
    sql: Sql,
    seqs: readonly (string | number)[],
  ): Promise<Map<string, MemberView[]>> {
    const out = new Map<string, MemberView[]>();
    for (let i = 0; i < seqs.length; i += IN_CHUNK) {
      const chunk = seqs.slice(i, i + IN_CHUNK);
      const rows = (await sql.query(
        `${this.memberSelect()} WHERE m.group_seq IN (${placeholders(chunk.length)})
         ORDER BY m.group_seq, m.member_id`,
        [...chunk],
      )) as MemberRow[];
      for (const r of rows) {
        const key = String(r.group_seq);
        const list = out.get(key) ?? [];
        list.push(toMemberView(r));
        out.set(key, list);
      }
    }
    return out;
  }

  /** The stored group with its members (when loaded and non-empty) as `members`. */
  withMembers(row: GroupRow, members: Map<string, MemberView[]> | undefined): StoredResource {
    const stored = toStored(row);
    const list = members?.get(String(row.seq));
    if (list?.length) {
      stored.resource.members = list;
    }
    return stored;
  }

  /**
   * Membership rows with what `display` is made of (RFC 7643 §4.2 members.display): a user's
   * displayName from its document (scim_users keeps only the lower-cased copy in a column),
   * else its userName; a group's displayName.
   */
  private memberSelect(): string {
    const userDisplay =
      this.dialect === 'mysql'
        ? `JSON_VALUE(u.doc, '$.displayName')`
        : `json_extract(u.doc, '$.displayName')`;
    return `SELECT m.group_seq, m.member_id, m.member_type, ${userDisplay} AS user_display,
        u.user_name AS user_name, g.display_name AS group_display
      FROM scim_group_members m
      LEFT JOIN scim_users u
        ON m.member_type = 'User' AND u.id = m.member_id AND u.tenant_id = m.tenant_id
      LEFT JOIN scim_groups g
        ON m.member_type = 'Group' AND g.id = m.member_id AND g.tenant_id = m.tenant_id`;
  }
}

/**
 * `members` as a child table for the filter compiler: `members.value` is `m.member_id`
 * (caseExact), `members.type` is `m.member_type` (compared lower-cased, caseExact false).
 * `display` is computed on read and `$ref` is never stored, so filtering on them is a 400
 * (checkMembersFilter).
 */
export function membersRef(tenantId: string): MultiValuedRef {
  return {
    wrap: (cond) => ({
      sql: `r.seq IN (SELECT m.group_seq FROM scim_group_members m
        WHERE m.tenant_id = ? AND ${cond.sql})`,
      params: [tenantId, ...cond.params],
    }),
    column: (sub): ColumnRef => {
      switch (sub.name) {
        case 'value':
          return { expr: 'm.member_id' };
        case 'type':
          return { expr: 'm.member_type' };
        default:
          // display / $ref: a filter naming them was refused by checkMembersFilter; the
          // compiler still asks for them to build `members pr` (some sub-attribute present)
          return { expr: 'NULL' };
      }
    },
    // never read: `column` answers for every sub-attribute of members
    itemJson: 'NULL',
  };
}

export function placeholders(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ');
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
