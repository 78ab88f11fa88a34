import { QueryRunner } from 'typeorm';
import { SqlDialect } from '../../core/filter/filter-sql.dialect';
import { NewChangeEvent, WriteEvents, membershipEvents } from '../../core/ports/change-event';
import { MemberRef } from '../../core/ports/group.repository';
import { CheckedDelta } from '../../core/resource/members';
import { ResourceRow } from './sql-resource.store';
import { IN_CHUNK, placeholders } from './sql-group-graph';

/** rows per multi-row INSERT into scim_group_members (4 binds each, under 900 binds) */
const INSERT_CHUNK = 225;

type GroupRow = ResourceRow;

/** member ids a delta really removed and added */
export interface MemberChanges {
  readonly removed: readonly string[];
  readonly added: readonly string[];
}

export const NO_CHANGES: MemberChanges = { removed: [], added: [] };

/**
 * Writes of group membership inside a caller's transaction: a delta as set operations, costing
 * the members it changes (docs/idp/quirks.md #13, #22, #31), and the removal of a deleted
 * member from every group.
 */
export class SqlGroupMembers {
  constructor(private readonly dialect: SqlDialect) {}

  /**
   * Bumps the version of every group containing `memberId`, then drops those memberships;
   * returns their members-removed events (none without `events`).
   */
  async removeEverywhere(
    qr: QueryRunner,
    tenantId: string,
    memberId: string,
    at: string,
    events: WriteEvents | undefined,
  ): Promise<NewChangeEvent[]> {
    const parents = events
      ? ((await qr.query(
          `SELECT r.id, r.version FROM scim_groups r
           WHERE r.tenant_id = ? AND r.seq IN (
             SELECT m.group_seq FROM scim_group_members m WHERE m.tenant_id = ? AND m.member_id = ?)
           ORDER BY r.seq${this.dialect === 'mysql' ? ' FOR UPDATE' : ''}`,
          [tenantId, tenantId, memberId],
        )) as Pick<GroupRow, 'id' | 'version'>[])
      : [];
    await qr.query(
      `UPDATE scim_groups SET version = version + 1, last_modified = ?
       WHERE tenant_id = ? AND seq IN (
         SELECT m.group_seq FROM scim_group_members m WHERE m.tenant_id = ? AND m.member_id = ?)`,
      [at, tenantId, tenantId, memberId],
    );
    await qr.query('DELETE FROM scim_group_members WHERE tenant_id = ? AND member_id = ?', [
      tenantId,
      memberId,
    ]);
    return parents.flatMap((p) =>
      membershipEvents(
        events,
        { tenantId, groupId: p.id, version: Number(p.version) + 1 },
        [memberId],
        [],
      ),
    );
  }

  /**
   * The membership delta as set operations (docs/idp/quirks.md #13, #22, #31): `replaceAll` is
   * DELETE all + INSERT; otherwise `removeAll` / `remove` (DELETE ... IN, chunked), then `add`
   * (INSERT IGNORE / INSERT OR IGNORE: an existing membership stays as it is). With `track`
   * it returns the ids really removed and added (for the change events), read under the
   * group's row lock: the delta's ids only, or the whole membership for replaceAll/removeAll.
   */
  async applyDelta(
    qr: QueryRunner,
    tenantId: string,
    seq: string,
    d: CheckedDelta,
    track: boolean,
  ): Promise<MemberChanges> {
    if (d.replaceAll) {
      const before = track ? await this.memberIds(qr, seq) : [];
      await qr.query('DELETE FROM scim_group_members WHERE group_seq = ?', [seq]);
      await this.insertMembers(qr, 'INSERT', tenantId, seq, d.replaceAll);
      const next = new Set(d.replaceAll.map((m) => m.value));
      const prev = new Set(before);
      return {
        removed: before.filter((v) => !next.has(v)),
        added: d.replaceAll.map((m) => m.value).filter((v) => !prev.has(v)),
      };
    }
    let removed: string[];
    if (d.removeAll) {
      removed = track ? await this.memberIds(qr, seq) : [];
      await qr.query('DELETE FROM scim_group_members WHERE group_seq = ?', [seq]);
    } else {
      removed = track ? await this.presentMembers(qr, seq, d.remove) : [];
      for (let i = 0; i < d.remove.length; i += IN_CHUNK) {
        const chunk = d.remove.slice(i, i + IN_CHUNK);
        await qr.query(
          `DELETE FROM scim_group_members
           WHERE group_seq = ? AND member_id IN (${placeholders(chunk.length)})`,
          [seq, ...chunk],
        );
      }
    }
    const adding = d.add.map((m) => m.value);
    const present = track ? new Set(await this.presentMembers(qr, seq, adding)) : undefined;
    await this.insertMembers(qr, 'INSERT IGNORE', tenantId, seq, d.add);
    return { removed, added: present ? adding.filter((v) => !present.has(v)) : [] };
  }

  /** every member id of a group, in member id order */
  async memberIds(qr: QueryRunner, seq: string): Promise<string[]> {
    const rows = (await qr.query(
      'SELECT m.member_id FROM scim_group_members m WHERE m.group_seq = ? ORDER BY m.member_id',
      [seq],
    )) as { member_id: string }[];
    return rows.map((r) => r.member_id);
  }

  /** which of `ids` are members of the group (one IN look-up per IN_CHUNK ids) */
  async presentMembers(
    qr: QueryRunner,
    seq: string,
    ids: readonly string[],
  ): Promise<string[]> {
    const out: string[] = [];
    for (let i = 0; i < ids.length; i += IN_CHUNK) {
      const chunk = ids.slice(i, i + IN_CHUNK);
      const rows = (await qr.query(
        `SELECT m.member_id FROM scim_group_members m
         WHERE m.group_seq = ? AND m.member_id IN (${placeholders(chunk.length)})`,
        [seq, ...chunk],
      )) as { member_id: string }[];
      // exact match only (MySQL's PAD SPACE collation would also match 'id ')
      const wanted = new Set(chunk);
      out.push(...rows.map((r) => r.member_id).filter((v) => wanted.has(v)));
    }
    return out;
  }

  async insertMembers(
    qr: QueryRunner,
    mode: 'INSERT' | 'INSERT IGNORE',
    tenantId: string,
    seq: string,
    members: readonly MemberRef[],
  ): Promise<void> {
    const ignore = this.dialect === 'mysql' ? 'INSERT IGNORE' : 'INSERT OR IGNORE';
    const verb = mode === 'INSERT' ? 'INSERT' : ignore;
    for (let i = 0; i < members.length; i += INSERT_CHUNK) {
      const chunk = members.slice(i, i + INSERT_CHUNK);
      await qr.query(
        `${verb} INTO scim_group_members (group_seq, member_id, tenant_id, member_type)
         VALUES ${chunk.map(() => '(?, ?, ?, ?)').join(', ')}`,
        chunk.flatMap((m) => [seq, m.value, tenantId, m.type]),
      );
    }
  }
}
