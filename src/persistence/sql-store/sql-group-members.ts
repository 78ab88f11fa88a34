import { QueryRunner } from 'typeorm';
import { ScimError } from '../../core/errors/scim-error';
import { NewChangeEvent, WriteEvents, membershipEvents } from '../../core/ports/change-event';
import { MemberRef } from '../../core/ports/group.repository';
import { CheckedDelta } from '../../core/resource/members';
import { STORE_DIALECTS } from '../repositories/sql-dialect';
import { MembershipSql, chunks, placeholders } from './sql-membership';

/** member ids a delta really removed and added */
export interface MemberChanges {
  readonly removed: readonly string[];
  readonly added: readonly string[];
}

export const NO_CHANGES: MemberChanges = { removed: [], added: [] };

/**
 * Columns a new membership row gets besides the group and the member (a host's permission
 * and time of joining), by column name.
 */
export type MemberColumns = Readonly<Record<string, unknown>>;

/** a member's SCIM id and what the membership table holds for it (the id, or its user's row key) */
interface MemberKey {
  readonly id: string;
  readonly key: string;
}

/** binds per multi-row INSERT into the membership table (under SQLite's 999) */
const INSERT_BINDS = 900;

/**
 * Writes of group membership inside a caller's transaction: a delta as set operations, costing
 * the members it changes (docs/idp/quirks.md #13, #22, #31), and the removal of a deleted
 * member from every group. Only the tenant's members are touched: memberships a host keeps
 * for accounts no IdP manages stay as they are.
 */
export class SqlGroupMembers {
  constructor(private readonly ms: MembershipSql) {}

  /**
   * Removes `memberId` from every group of the tenant containing it and bumps those groups'
   * versions; returns their members-removed events (none without `events`). The groups are
   * read and locked first (in key order), then only their rows and the membership rows of this
   * member are written, by primary key: a group of any size costs one row of each. A user is
   * found by its SCIM id alone: a host may have unlinked it from the tenant a moment ago.
   */
  async removeEverywhere(
    qr: QueryRunner,
    tenantId: string,
    memberId: string,
    at: string,
    events: WriteEvents | undefined,
  ): Promise<NewChangeEvent[]> {
    const { m, g } = this.ms;
    const G = this.ms.groups.table;
    let key = memberId;
    if (m.byRow) {
      const users = (await qr.query(
        `SELECT u.${this.ms.u.row} AS k, u.${this.ms.u.id} AS id FROM ${this.ms.users.table} u WHERE u.${this.ms.u.id} = ?`,
        [memberId],
      )) as { k: string; id: string }[];
      const user = users.find((x) => x.id === memberId);
      if (!user) {
        return [];
      }
      key = String(user.k);
    }
    // with a tenant column the (tenant, member) index finds the rows; without, the groups do
    const scope = m.tenant ? `m.${m.tenant} = ? AND ` : '';
    const scoped = m.tenant ? [tenantId] : [];
    const parents = (await qr.query(
      `SELECT r.${g.row} AS k, r.${g.id} AS id, r.${g.version} AS version FROM ${G} r
       WHERE r.${g.tenant} = ? AND r.${g.row} IN (SELECT m.${m.group} FROM ${m.table} m WHERE ${scope}m.${m.member} = ?)
       ORDER BY r.${g.row}${STORE_DIALECTS[this.ms.dialect].forUpdate}`,
      [tenantId, ...scoped, key],
    )) as { k: string | number; id: string; version: number | string }[];
    for (const chunk of chunks(parents.map((p) => p.k))) {
      await qr.query(
        `UPDATE ${G} SET ${g.version} = ${g.version} + 1, ${g.modified} = ? WHERE ${g.row} IN (${placeholders(chunk.length)})`,
        [this.ms.groupTime(at), ...chunk],
      );
      await qr.query(`DELETE FROM ${m.table} WHERE ${m.group} IN (${placeholders(chunk.length)}) AND ${m.member} = ?`, [
        ...chunk,
        key,
      ]);
    }
    return parents.flatMap((p) =>
      membershipEvents(events, { tenantId, groupId: p.id, version: Number(p.version) + 1 }, [memberId], []),
    );
  }

  /** Drops every membership row of a group (before the group's row goes). */
  async removeAll(qr: QueryRunner, groupKey: string): Promise<void> {
    await qr.query(`DELETE FROM ${this.ms.m.table} WHERE ${this.ms.m.group} = ?`, [groupKey]);
  }

  /**
   * The membership delta as set operations (docs/idp/quirks.md #13, #22, #31): `replaceAll` and
   * `removeAll` read the group's members of the tenant (they must know whom to remove), the
   * rest cost the ids named; `add` skips existing memberships (their columns stay as they
   * are) and inserts the others with `columns`. Answers the ids really removed and added,
   * read under the group's row lock.
   */
  async applyDelta(
    qr: QueryRunner,
    tenantId: string,
    groupKey: string,
    d: CheckedDelta,
    columns: MemberColumns,
  ): Promise<MemberChanges> {
    if (d.replaceAll || d.removeAll) {
      const current = await this.members(qr, tenantId, groupKey);
      const next = new Set((d.replaceAll ?? []).map((r) => r.value));
      const leaving = current.filter((c) => !next.has(c.id));
      await this.deleteKeys(qr, groupKey, leaving.map((c) => c.key));
      const have = new Set(current.filter((c) => next.has(c.id)).map((c) => c.id));
      const joining = (d.replaceAll ?? []).filter((r) => !have.has(r.value));
      const added = await this.add(qr, tenantId, groupKey, [...joining, ...d.add], columns);
      return { removed: leaving.map((c) => c.id), added };
    }
    const present = await this.members(qr, tenantId, groupKey, d.remove);
    await this.deleteKeys(qr, groupKey, present.map((c) => c.key));
    const added = await this.add(qr, tenantId, groupKey, d.add, columns);
    return { removed: present.map((c) => c.id), added };
  }

  /** Inserts the members not yet in the group (INSERT IGNORE); answers their ids. */
  async add(
    qr: QueryRunner,
    tenantId: string,
    groupKey: string,
    refs: readonly MemberRef[],
    columns: MemberColumns,
  ): Promise<string[]> {
    const { m } = this.ms;
    const unique = [...new Map(refs.map((r) => [r.value, r])).values()];
    if (!unique.length) {
      return [];
    }
    const keys = m.byRow ? await this.userKeys(qr, tenantId, unique.map((r) => r.value)) : undefined;
    const keyOf = (r: MemberRef) => keys?.get(r.value) ?? r.value;
    const present = new Set<string>();
    for (const chunk of chunks(unique.map(keyOf))) {
      const rows = (await qr.query(
        `SELECT m.${m.member} AS k FROM ${m.table} m WHERE m.${m.group} = ? AND m.${m.member} IN (${placeholders(chunk.length)})`,
        [groupKey, ...chunk],
      )) as { k: string }[];
      // exact match only (MySQL's PAD SPACE or _ci collations would also match 'id ', 'ID')
      const wanted = new Set(chunk);
      rows.filter((r) => wanted.has(String(r.k))).forEach((r) => present.add(String(r.k)));
    }
    const joining = unique.filter((r) => !present.has(keyOf(r)));
    const extra = Object.keys(columns);
    const names = [m.group, m.member, ...(m.tenant ? [m.tenant] : []), ...(m.type ? [m.type] : []), ...extra];
    const d = STORE_DIALECTS[this.ms.dialect];
    for (const chunk of chunks(joining, Math.floor(INSERT_BINDS / names.length))) {
      await qr.query(
        d.insertIgnore(
          m.table,
          `(${names.join(', ')}) VALUES ${chunk.map(() => `(${placeholders(names.length)})`).join(', ')}`,
        ),
        chunk.flatMap((r) => [
          groupKey,
          keyOf(r),
          ...(m.tenant ? [tenantId] : []),
          ...(m.type ? [r.type] : []),
          ...extra.map((c) => columns[c]),
        ]),
      );
    }
    return joining.map((r) => r.value);
  }

  /** The group's members of the tenant, all of them or those among `ids`, with their keys. */
  private async members(qr: QueryRunner, tenantId: string, groupKey: string, ids?: readonly string[]): Promise<MemberKey[]> {
    const { m } = this.ms;
    const base = `SELECT ${this.ms.memberId} AS id, m.${m.member} AS k FROM ${this.ms.from}
      WHERE m.${m.group} = ? AND ${this.ms.tenantTerm}`;
    const toKeys = (rows: { id: string; k: string | number }[]) => rows.map((r) => ({ id: r.id, key: String(r.k) }));
    if (ids === undefined) {
      return toKeys((await qr.query(base, [groupKey, tenantId])) as { id: string; k: string }[]);
    }
    const out: MemberKey[] = [];
    for (const chunk of chunks([...new Set(ids)])) {
      const rows = (await qr.query(`${base} AND ${this.ms.memberId} IN (${placeholders(chunk.length)})`, [
        groupKey,
        tenantId,
        ...chunk,
      ])) as { id: string; k: string }[];
      const wanted = new Set(chunk);
      out.push(...toKeys(rows.filter((r) => wanted.has(r.id))));
    }
    return out;
  }

  private async deleteKeys(qr: QueryRunner, groupKey: string, keys: readonly string[]): Promise<void> {
    const { m } = this.ms;
    for (const chunk of chunks(keys)) {
      await qr.query(`DELETE FROM ${m.table} WHERE ${m.group} = ? AND ${m.member} IN (${placeholders(chunk.length)})`, [
        groupKey,
        ...chunk,
      ]);
    }
  }

  /** SCIM id → the user's row key, for users of the tenant; an unknown id is 400. */
  private async userKeys(qr: QueryRunner, tenantId: string, ids: readonly string[]): Promise<Map<string, string>> {
    const { u } = this.ms;
    const out = new Map<string, string>();
    for (const chunk of chunks(ids)) {
      const rows = (await qr.query(
        `SELECT r.${u.row} AS k, r.${u.id} AS id FROM ${this.ms.users.table} r
         WHERE r.${u.tenant} = ? AND r.${u.id} IN (${placeholders(chunk.length)})`,
        [tenantId, ...chunk],
      )) as { k: string | number; id: string }[];
      const wanted = new Set(chunk);
      rows.filter((r) => wanted.has(r.id)).forEach((r) => out.set(r.id, String(r.k)));
    }
    const missing = ids.filter((id) => !out.has(id));
    if (missing.length) {
      // a user deleted between the service's check and this transaction
      throw ScimError.invalidValue(`members reference unknown ids: ${missing.slice(0, 10).join(', ')}`);
    }
    return out;
  }
}
