import { SqlDialect } from '../../core/filter/filter-sql.dialect';
import { ColumnRef, MultiValuedRef } from '../../core/filter/filter-sql.target';
import { MAX_MEMBER_ID_LENGTH } from '../../core/resource/members';
import { STORE_DIALECTS } from '../repositories/sql-dialect';
import { exactColumn } from './sql-query';
import { MembersDescriptor, ResolvedKeys, TableDescriptor, keysOf, storedTime } from './table-descriptor';

/** ids per IN (...) list and per membership look-up */
export const IN_CHUNK = 500;

export function placeholders(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ');
}

export function chunks<T>(items: readonly T[], size = IN_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    out.push(items.slice(i, i + size));
  }
  return out;
}

/**
 * The names of a group table, its membership table (MembersDescriptor) and the users table,
 * and the SQL fragments the membership reads and writes share. Aliases: `m` a membership row,
 * `u` its user, `g` a group.
 */
export class MembershipSql {
  readonly m: MembersDescriptor;
  readonly g: ResolvedKeys;
  readonly u: ResolvedKeys;
  /** members may be groups (a type column): nested groups */
  readonly nested: boolean;
  /** the membership's tenant is its user's: reads join the user (`u`) */
  readonly viaUser: boolean;
  /** the member's SCIM id: `m.member_id`, or the joined user's id (byRow) */
  readonly memberId: string;
  /** `FROM <members> m`, with the user joined when the membership's tenant is its user's */
  readonly from: string;
  /** the WHERE term restricting `from` to one tenant's memberships (one parameter) */
  readonly tenantTerm: string;

  constructor(
    readonly groups: TableDescriptor,
    readonly users: TableDescriptor,
    readonly dialect: SqlDialect,
  ) {
    if (!groups.members) {
      throw new Error(`${groups.table} has no membership table (TableDescriptor.members)`);
    }
    const m = (this.m = groups.members);
    if (m.type && (m.byRow || !m.tenant)) {
      throw new Error(`${m.table}: a membership table with a type column needs a tenant column and SCIM ids`);
    }
    this.g = keysOf(groups);
    this.u = keysOf(users);
    this.nested = m.type !== undefined;
    this.viaUser = m.byRow === true || !m.tenant;
    this.memberId = m.byRow ? `u.${this.u.id}` : `m.${m.member}`;
    this.from = this.viaUser
      ? `${m.table} m JOIN ${users.table} u ON u.${m.byRow ? this.u.row : this.u.id} = m.${m.member}`
      : `${m.table} m`;
    this.tenantTerm = this.viaUser ? `u.${this.u.tenant} = ?` : `m.${m.tenant!} = ?`;
  }

  /** `members.type` of a membership row */
  get typeExpr(): string {
    return this.m.type ? `m.${this.m.type}` : `'User'`;
  }

  /** The user's displayName (its column, else its document), for `members.display`. */
  userDisplay(alias = 'u'): string {
    const col = this.users.columns.find((c) => c.attribute === 'displayName' && c.column);
    if (col) {
      return `${alias}.${col.column!}`;
    }
    if (!this.u.document) {
      return 'NULL';
    }
    return STORE_DIALECTS[this.dialect].filter.jsonValue(`${alias}.${this.u.document}`, ['displayName']);
  }

  /** A column of the attribute's value in `alias` of table `d`, or NULL. */
  columnOf(d: TableDescriptor, attribute: string, alias: string): string {
    const col = d.columns.find((c) => c.attribute === attribute && c.column);
    return col ? `${alias}.${col.column!}` : 'NULL';
  }

  /**
   * Membership rows with what `display` is made of (RFC 7643 §4.2 members.display): a user's
   * displayName, else its userName; a group's displayName. One tenant parameter per join.
   */
  memberSelect(tenantId: string): { sql: string; params: unknown[] } {
    const { m, u, g } = this;
    const userJoin = this.nested
      ? `LEFT JOIN ${this.users.table} u ON m.${m.type!} = 'User' AND u.${u.id} = m.${m.member} AND u.${u.tenant} = ?`
      : `JOIN ${this.users.table} u ON u.${m.byRow ? u.row : u.id} = m.${m.member} AND u.${u.tenant} = ?`;
    const groupJoin = this.nested
      ? ` LEFT JOIN ${this.groups.table} g ON m.${m.type!} = 'Group' AND g.${g.id} = m.${m.member} AND g.${g.tenant} = ?`
      : '';
    return {
      sql: `SELECT m.${m.group} AS group_key, m.${m.member} AS member_key, ${this.memberId} AS member_id,
          ${this.typeExpr} AS member_type, ${this.userDisplay()} AS user_display,
          ${this.columnOf(this.users, 'userName', 'u')} AS user_name,
          ${this.nested ? this.columnOf(this.groups, 'displayName', 'g') : 'NULL'} AS group_display
        FROM ${m.table} m ${userJoin}${groupJoin}`,
      params: this.nested ? [tenantId, tenantId] : [tenantId],
    };
  }

  /**
   * `members` as a child table for the filter compiler: `members.value` is the member's SCIM
   * id (caseExact), `members.type` its type (compared lower-cased). `display` is computed on
   * read: with users-only membership it is the user's display (one join); with nested groups
   * a filter on it was refused (checkMembersFilter). `$ref` is never stored.
   */
  filterRef(tenantId: string): MultiValuedRef {
    const { m, g } = this;
    const value: ColumnRef = m.byRow
      ? exactColumn(this.users, this.dialect, this.memberId, true, MAX_MEMBER_ID_LENGTH)
      : exactColumn(this.groups, this.dialect, this.memberId, true, MAX_MEMBER_ID_LENGTH);
    return {
      wrap: (cond) => ({
        sql: `r.${g.row} IN (SELECT m.${m.group} FROM ${this.from}
          WHERE ${this.tenantTerm} AND ${cond.sql})`,
        params: [tenantId, ...cond.params],
      }),
      column: (sub): ColumnRef => {
        switch (sub.name) {
          case 'value':
            return value;
          case 'type':
            return { expr: this.typeExpr };
          case 'display':
            return this.viaUser && !this.nested
              ? { expr: `COALESCE(${this.userDisplay()}, ${this.columnOf(this.users, 'userName', 'u')})` }
              : { expr: 'NULL' };
          default:
            // $ref: never stored; the compiler still asks for it to build `members pr`
            return { expr: 'NULL' };
        }
      },
      // never read: `column` answers for every sub-attribute of members
      itemJson: 'NULL',
    };
  }

  /** A time as the group table stores it. */
  groupTime(iso: string): string {
    return storedTime(this.groups, iso, this.dialect);
  }
}
