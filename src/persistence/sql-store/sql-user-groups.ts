import { SqlDialect } from '../../core/filter/filter-sql.dialect';
import { SqlFragment } from '../../core/filter/filter-sql.target';
import { GroupOfMember } from '../../core/ports/group.repository';
import { MembershipSql } from './sql-membership';
import { SqlQueries } from './sql-query';

/** A user's direct groups as `groups_direct` lists them, and whether any of them is nested. */
export interface DirectGroups {
  readonly groups: GroupOfMember[];
  /** a direct group is itself a member of a group: the indirect ones need the recursive walk */
  readonly nested: boolean;
}

/**
 * One statement for a user and its groups (RFC 7643 §4.1.2, read-only `groups`): the user's
 * live row as `users.byId` reads it (`lock`: FOR UPDATE on MySQL and PostgreSQL, which locks the
 * user's row only, never the rows a scalar subquery reads), plus a `groups_direct` column listing the
 * groups it is directly in, each marked when it is itself a member of a group (then the
 * indirect groups take groupsOf's recursive walk, a second statement; a tenant without nested
 * groups never needs it). The list is a GROUP_CONCAT (PostgreSQL: string_agg) of length-prefixed
 * fields: MariaDB's JSON aggregates and HEX cost more than the user's row itself.
 */
export function userWithGroupsSql(
  ms: MembershipSql,
  users: SqlQueries,
  tenantId: string,
  id: string,
  lock = false,
): SqlFragment {
  const byId = users.byId(tenantId, id, lock);
  const from = ` FROM ${users.d.table} r WHERE `;
  if (!byId.sql.includes(from)) {
    throw new Error(`${users.d.table}: unexpected row select`);
  }
  const groups = directGroupsColumn(ms, tenantId, id);
  return {
    sql: byId.sql.replace(from, `, ${groups.sql} AS groups_direct${from}`),
    params: [...groups.params, ...byId.params],
  };
}

/** fields per group in `groups_direct`: member id, group id, display, nested, order, order2 */
const FIELDS = 6;

/**
 * `(SELECT <aggregate>(...) ...)`: per group its fields, each as `<bytes>:<value>` (a NULL as
 * `-1:`), so that no character of a display name can be taken for a separator.
 */
function directGroupsColumn(ms: MembershipSql, tenantId: string, id: string): SqlFragment {
  const { m, g } = ms;
  const nested = ms.nested
    ? `CASE WHEN EXISTS (SELECT 1 FROM ${m.table} p WHERE p.${m.tenant!} = g.${g.tenant} AND p.${m.member} = g.${g.id}
         AND p.${m.type!} = 'Group') THEN 1 ELSE 0 END`
    : '0';
  const display = ms.columnOf(ms.groups, 'displayName', 'g');
  const fields = [ms.memberId, `g.${g.id}`, display, nested, g.seq ? `g.${g.seq}` : `g.${g.created}`, g.seq ? 'NULL' : `g.${g.row}`];
  return {
    sql: `(SELECT ${aggregate(ms.dialect, fields)} FROM ${ms.from} JOIN ${ms.groups.table} g ON g.${g.row} = m.${m.group}
      WHERE ${ms.tenantTerm} AND ${ms.memberId} = ? AND g.${g.tenant} = ?)`,
    params: [tenantId, id, tenantId],
  };
}

/** The `<bytes>:<value>` fields of every group joined by ',' in the database's own aggregate. */
function aggregate(dialect: SqlDialect, exprs: readonly string[]): string {
  switch (dialect) {
    case 'mysql': {
      const fields = exprs.map((e) => `COALESCE(CONCAT(LENGTH(${e}), ':', ${e}), '-1:')`);
      return `GROUP_CONCAT(CONCAT(${fields.join(', ')}) SEPARATOR ',')`;
    }
    case 'sqlite': {
      const fields = exprs.map((e) => `COALESCE(length(CAST(${e} AS BLOB)) || ':' || ${e}, '-1:')`);
      return `group_concat(${fields.join(' || ')}, ',')`;
    }
    case 'postgres': {
      // the length in UTF-8 bytes whatever the server encoding: the client reads UTF-8
      const text = (e: string) => `CAST(${e} AS text)`;
      const fields = exprs.map((e) => `COALESCE(octet_length(convert_to(${text(e)}, 'UTF8')) || ':' || ${text(e)}, '-1:')`);
      return `string_agg(${fields.join(' || ')}, ',')`;
    }
  }
}

/** A MySQL GROUP_CONCAT at its server's default limit (1,024 bytes on MySQL 8) may be cut. */
const MAYBE_CUT_BYTES = 1024;

/**
 * The direct groups of member `id` from `groups_direct`, in creation order of the groups; null
 * when the list may be incomplete (cut at GROUP_CONCAT's limit, or not as written): the caller
 * then reads the groups with groupsOf.
 */
export function directGroupsOf(raw: unknown, id: string, dialect: SqlDialect): DirectGroups | null {
  if (raw === null || raw === undefined || raw === '') {
    return { groups: [], nested: false };
  }
  const buf = Buffer.from(String(raw), 'utf8');
  if (dialect === 'mysql' && buf.length >= MAYBE_CUT_BYTES) {
    return null;
  }
  const records: (string | null)[][] = [];
  let pos = 0;
  while (pos < buf.length) {
    const record: (string | null)[] = [];
    for (let f = 0; f < FIELDS; f++) {
      const colon = buf.indexOf(0x3a, pos);
      const len = colon < 0 ? NaN : Number(buf.toString('latin1', pos, colon));
      if (!Number.isInteger(len) || len < -1 || colon + 1 + Math.max(len, 0) > buf.length) {
        return null;
      }
      record.push(len < 0 ? null : buf.toString('utf8', colon + 1, colon + 1 + len));
      pos = colon + 1 + Math.max(len, 0);
    }
    records.push(record);
    if (pos < buf.length && buf[pos++] !== 0x2c) {
      return null;
    }
  }
  const key = (v: string | null) => (v !== null && /^\d+$/.test(v) ? Number(v) : (v ?? ''));
  const compare = (a: string | null, b: string | null) => {
    const x = key(a);
    const y = key(b);
    return typeof x === 'number' && typeof y === 'number' ? x - y : String(x) < String(y) ? -1 : String(x) > String(y) ? 1 : 0;
  };
  // the exact member id (a case-insensitive collation would match it in another letter case)
  const mine = records.filter((r) => r[0] === id).sort((a, b) => compare(a[4], b[4]) || compare(a[5], b[5]));
  return {
    groups: mine.map((r) => ({ value: r[1] as string, display: r[2] as string, type: 'direct' as const })),
    nested: mine.some((r) => r[3] === '1'),
  };
}
