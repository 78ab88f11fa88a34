import { DataSource, QueryRunner } from 'typeorm';
import { ScimError } from '../../core/errors/scim-error';
import { compileFilter } from '../../core/filter/filter-sql.compiler';
import { SqlDialect } from '../../core/filter/filter-sql.dialect';
import {
  ColumnRef,
  FilterSqlTarget,
  MultiValuedRef,
  SqlFragment,
} from '../../core/filter/filter-sql.target';
import { FilterNode } from '../../core/filter/filter.ast';
import {
  NewChangeEvent,
  OutboxSignal,
  WriteEvents,
  documentEvent,
  membershipEvents,
} from '../../core/ports/change-event';
import {
  GroupOfMember,
  GroupRepository,
  GroupUpdate,
  MemberDelta,
  MemberPage,
  MemberRef,
  MemberType,
  MemberView,
  NewGroup,
} from '../../core/ports/group.repository';
import {
  ResourcePage,
  ResourceQuery,
  ScimJson,
  StoredResource,
} from '../../core/ports/resource.types';
import { parseAttrPath } from '../../core/schema/attr-path';
import { ResolvedAttribute, SchemaRegistry } from '../../core/schema/schema.registry';
import { ResourceTypeDefinition } from '../../core/schema/schema.types';
import { appendEvents } from './typeorm-outbox.repository';
import {
  affected,
  dialectOf,
  insertId,
  indexPage,
  isUniqueViolation,
  keysetPage,
  metaColumn,
} from './sql.util';
import { Sql, driverErrno, readCommitted, withRowLock, writeTransaction } from './sql-transaction';

/** longest displayName / externalId kept in the indexed columns (varchar(255)) */
export const MAX_GROUP_INDEXED_LENGTH = 255;
/** longest member id: members reference resource ids, which are varchar(36) */
export const MAX_MEMBER_ID_LENGTH = 36;
/** ids per IN (...) list and per membership look-up (resolveMembers, loadMembers, remove) */
const IN_CHUNK = 500;
/** rows per multi-row INSERT into scim_group_members (4 binds each, under 900 binds) */
const INSERT_CHUNK = 225;

interface GroupRow {
  seq: string | number;
  id: string;
  tenant_id: string;
  doc: string;
  version: number | string;
  created: string;
  last_modified: string;
}

interface MemberRow {
  group_seq: string | number;
  member_id: string;
  member_type: string;
  user_display: unknown;
  user_name: string | null;
  group_display: string | null;
}

const SELECT_COLUMNS = 'r.seq, r.id, r.tenant_id, r.doc, r.version, r.created, r.last_modified';

/**
 * Groups on SQLite or MySQL/MariaDB (RFC 7643 §4.2).
 *
 * `scim_groups` holds the document WITHOUT members plus indexed displayName / externalId /
 * created / lastModified columns; every membership is a row of `scim_group_members` keyed by
 * (group_seq, member_id). Hence:
 * - a read with `withMembers: false` runs no statement on scim_group_members (Entra's
 *   `excludedAttributes=members`, docs/idp/quirks.md #6); with members, one query per page
 *   loads the members of every returned group, each with its current `display` (no N+1);
 * - an update applies the membership delta as set operations (INSERT IGNORE, DELETE ... IN),
 *   never reading or rewriting the whole list (#22, #31), under the group's row lock and an
 *   exact version check, so concurrent member PATCHes never lose a member (#13): the loser of
 *   a race gets 412 and the service retries on the fresh version;
 * - adding an existing member is a no-op (#24), removing an absent one is no error (#14).
 *
 * `create` and `update` return the group as `findById(…, false)` does (without `members`):
 * reading the membership back would cost the group's size, which an update must not (#22).
 *
 * On SQLite every caller shares one connection: writes and reads both go through
 * one per-DataSource queue (sql-transaction.ts), so a read never sees another caller's
 * uncommitted statements.
 *
 * A write given `events` appends its change events to scim_outbox in the same transaction:
 * the document event, and members-removed / members-added with the ids the
 * delta really changed (found with look-ups that cost the delta, or the group's size for a
 * replace-all); then tells `signal` once it committed.
 */
export class TypeOrmGroupRepository implements GroupRepository {
  private readonly dialect: SqlDialect;
  private readonly rt: ResourceTypeDefinition;

  constructor(
    private readonly ds: DataSource,
    private readonly registry: SchemaRegistry,
    private readonly signal?: OutboxSignal,
  ) {
    this.dialect = dialectOf(ds);
    this.rt = registry.resourceType('Group');
  }

  async findById(
    tenantId: string,
    id: string,
    withMembers: boolean,
  ): Promise<StoredResource | null> {
    return this.read(async (sql) => {
      const rows = (await sql.query(
        `SELECT ${SELECT_COLUMNS} FROM scim_groups r WHERE r.id = ? AND r.tenant_id = ?`,
        [id, tenantId],
      )) as GroupRow[];
      if (!rows.length) {
        return null;
      }
      const members = withMembers ? await this.loadMembers(sql, [rows[0].seq]) : undefined;
      return toStored(rows[0], members);
    });
  }

  async search(tenantId: string, q: ResourceQuery, withMembers: boolean): Promise<ResourcePage> {
    // compiled before anything runs, so an invalid filter or sortBy fails fast (400)
    const where: SqlFragment = q.filter
      ? (() => {
          checkMembersFilter(q.filter, this.registry, this.rt);
          const f = compileFilter(q.filter, this.target(tenantId));
          return { sql: `r.tenant_id = ? AND ${f.sql}`, params: [tenantId, ...f.params] };
        })()
      : { sql: 'r.tenant_id = ?', params: [tenantId] };
    const order = this.orderBy(q);
    return this.read(async (sql) => {
      if (!q.keyset && q.withTotal !== false) {
        const { total, rows } = await indexPage<GroupRow>(
          q,
          async () =>
            Number(
              ((await sql.query(`SELECT COUNT(*) AS n FROM scim_groups r WHERE ${where.sql}`, where.params)) as {
                n: number | string;
              }[])[0].n,
            ),
          () =>
            sql.query(
              `SELECT ${SELECT_COLUMNS} FROM scim_groups r WHERE ${where.sql}
               ORDER BY ${order.sql} LIMIT ? OFFSET ?`,
              [...where.params, ...order.params, q.count, Math.max(0, q.startIndex - 1)],
            ) as Promise<GroupRow[]>,
        );
        // one query for the members of the whole page (no N+1)
        const members = withMembers ? await this.loadMembers(sql, rows.map((r) => r.seq)) : undefined;
        return { total, items: rows.map((r) => toStored(r, members)) };
      }
      const total =
        q.withTotal === false
          ? undefined
          : Number(
              ((await sql.query(
                `SELECT COUNT(*) AS n FROM scim_groups r WHERE ${where.sql}`,
                where.params,
              )) as { n: number | string }[])[0].n,
            );
      if (q.keyset) {
        const page = await keysetPage<GroupRow>(
          (text, params) => sql.query(text, params) as Promise<GroupRow[]>,
          `SELECT ${SELECT_COLUMNS} FROM scim_groups r`,
          where,
          q.keyset,
          q.count,
        );
        const members = withMembers ? await this.loadMembers(sql, page.rows.map((r) => r.seq)) : undefined;
        return {
          total,
          items: page.rows.map((r) => toStored(r, members)),
          ...(page.rows.length
            ? { keys: { first: String(page.rows[0].seq), last: String(page.rows[page.rows.length - 1].seq) } }
            : {}),
          hasNext: page.hasNext,
          hasPrevious: page.hasPrevious,
        };
      }
      throw new Error('index paging needs the total');
    });
  }

  async create(tenantId: string, group: NewGroup, events?: WriteEvents): Promise<StoredResource> {
    const cols = singularColumns(group.resource);
    const doc = documentOf(group.resource);
    const members = uniqueMembers(group.members);
    try {
      return await writeTransaction(this.ds, this.signal, events, async (qr) => {
        const res = await qr.query(
          `INSERT INTO scim_groups (id, tenant_id, display_name, display_name_ci, external_id, doc,
             version, created, last_modified)
           VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)`,
          [
            group.id,
            tenantId,
            cols.displayName,
            cols.displayName.toLowerCase(),
            cols.externalId,
            doc,
            group.created,
            group.created,
          ],
          true,
        );
        await this.insertMembers(qr, 'INSERT', tenantId, insertId(res), members);
        const added = members.map((m) => m.value);
        await appendEvents(qr, [
          ...documentEvent(events, { tenantId, resourceType: 'Group', resourceId: group.id, version: 1 }),
          ...membershipEvents(events, { tenantId, groupId: group.id, version: 1 }, [], added),
        ]);
        return {
          id: group.id,
          tenantId,
          resource: JSON.parse(doc) as ScimJson,
          version: 1,
          created: group.created,
          lastModified: group.created,
        };
      });
    } catch (e) {
      throw mapWriteError(e, cols.displayName);
    }
  }

  async update(
    tenantId: string,
    id: string,
    u: GroupUpdate,
    events?: WriteEvents,
  ): Promise<StoredResource> {
    if (u.resource === undefined) {
      return this.updateMembersOnly(tenantId, id, u, events);
    }
    if (u.expectedVersion === undefined) {
      throw new Error('GroupUpdate: a document change needs expectedVersion');
    }
    const expectedVersion = u.expectedVersion;
    const cols = singularColumns(u.resource);
    const doc = documentOf(u.resource);
    const delta = u.members ? checkDelta(u.members) : undefined;
    try {
      return await writeTransaction(this.ds, this.signal, events, async (qr) => {
        // the row lock (MySQL) serializes writers of this group; SQLite transactions are queued
        const current = (await qr.query(
          `SELECT r.seq, r.version, r.created FROM scim_groups r
           WHERE r.id = ? AND r.tenant_id = ?${this.dialect === 'mysql' ? ' FOR UPDATE' : ''}`,
          [id, tenantId],
        )) as Pick<GroupRow, 'seq' | 'version' | 'created'>[];
        if (!current.length) {
          throw ScimError.notFound(`Group ${id} not found`);
        }
        const row = current[0];
        if (Number(row.version) !== expectedVersion) {
          throw ScimError.preconditionFailed(
            `Group ${id} was modified concurrently ` +
              `(version ${row.version}, expected ${expectedVersion})`,
          );
        }
        const res = await qr.query(
          `UPDATE scim_groups SET display_name = ?, display_name_ci = ?, external_id = ?, doc = ?,
             version = version + 1, last_modified = ?
           WHERE seq = ? AND version = ?`,
          [
            cols.displayName,
            cols.displayName.toLowerCase(),
            cols.externalId,
            doc,
            u.lastModified,
            row.seq,
            expectedVersion,
          ],
          true,
        );
        if (affected(res) !== 1) {
          throw ScimError.preconditionFailed(`Group ${id} was modified concurrently`);
        }
        const changes = delta
          ? await this.applyDelta(qr, tenantId, String(row.seq), delta, events !== undefined)
          : NO_CHANGES;
        const version = expectedVersion + 1;
        await appendEvents(qr, [
          ...documentEvent(events, { tenantId, resourceType: 'Group', resourceId: id, version }),
          ...membershipEvents(events, { tenantId, groupId: id, version }, changes.removed, changes.added),
        ]);
        return {
          id,
          tenantId,
          resource: JSON.parse(doc) as ScimJson,
          version,
          created: row.created,
          lastModified: u.lastModified,
        };
      });
    } catch (e) {
      throw mapWriteError(e, cols.displayName);
    }
  }

  /** Members-only change: lock the row, bump the version, apply the delta; doc untouched. */
  private async updateMembersOnly(
    tenantId: string,
    id: string,
    u: GroupUpdate,
    events: WriteEvents | undefined,
  ): Promise<StoredResource> {
    const delta = u.members ? checkDelta(u.members) : undefined;
    return writeTransaction(this.ds, this.signal, events, async (qr) => {
      const current = (await qr.query(
        `SELECT r.seq, r.version, r.created, r.doc FROM scim_groups r
         WHERE r.id = ? AND r.tenant_id = ?${this.dialect === 'mysql' ? ' FOR UPDATE' : ''}`,
        [id, tenantId],
      )) as Pick<GroupRow, 'seq' | 'version' | 'created' | 'doc'>[];
      if (!current.length) {
        throw ScimError.notFound(`Group ${id} not found`);
      }
      const row = current[0];
      if (u.expectedVersion !== undefined && Number(row.version) !== u.expectedVersion) {
        throw ScimError.preconditionFailed(
          `Group ${id} was modified concurrently (version ${row.version}, expected ${u.expectedVersion})`,
        );
      }
      await qr.query(
        'UPDATE scim_groups SET version = version + 1, last_modified = ? WHERE seq = ?',
        [u.lastModified, row.seq],
      );
      const changes = delta
        ? await this.applyDelta(qr, tenantId, String(row.seq), delta, events !== undefined)
        : NO_CHANGES;
      const version = Number(row.version) + 1;
      await appendEvents(qr, [
        ...documentEvent(events, { tenantId, resourceType: 'Group', resourceId: id, version }),
        ...membershipEvents(events, { tenantId, groupId: id, version }, changes.removed, changes.added),
      ]);
      return {
        id,
        tenantId,
        resource: JSON.parse(row.doc) as ScimJson,
        version,
        created: row.created,
        lastModified: u.lastModified,
      };
    });
  }

  async delete(tenantId: string, id: string, events?: WriteEvents): Promise<boolean> {
    // the port gives no timestamp: the groups that contained this one get "now"
    const at = events?.origin.at ?? new Date().toISOString();
    return writeTransaction(this.ds, this.signal, events, async (qr) => {
      const rows = (await qr.query(
        `SELECT r.seq, r.version FROM scim_groups r WHERE r.id = ? AND r.tenant_id = ?${
          this.dialect === 'mysql' ? ' FOR UPDATE' : ''
        }`,
        [id, tenantId],
      )) as Pick<GroupRow, 'seq' | 'version'>[];
      if (!rows.length) {
        return false;
      }
      // memberships of this group in other groups go first (their versions are bumped) ...
      const parents = await this.removeEverywhere(qr, tenantId, id, at, events);
      // ... then the group; its own membership rows go by ON DELETE CASCADE
      await qr.query('DELETE FROM scim_groups WHERE seq = ?', [rows[0].seq]);
      const version = Number(rows[0].version);
      await appendEvents(qr, [
        ...documentEvent(events, { tenantId, resourceType: 'Group', resourceId: id, version }),
        ...parents,
      ]);
      return true;
    });
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

  async removeMemberEverywhere(
    tenantId: string,
    memberId: string,
    at: string,
    events?: WriteEvents,
  ): Promise<void> {
    await writeTransaction(this.ds, this.signal, events, async (qr) =>
      appendEvents(qr, await this.removeEverywhere(qr, tenantId, memberId, at, events)),
    );
  }

  /**
   * Bumps the version of every group containing `memberId`, then drops those memberships;
   * returns their members-removed events (none without `events`).
   */
  private async removeEverywhere(
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
  private async applyDelta(
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
  private async memberIds(qr: QueryRunner, seq: string): Promise<string[]> {
    const rows = (await qr.query(
      'SELECT m.member_id FROM scim_group_members m WHERE m.group_seq = ? ORDER BY m.member_id',
      [seq],
    )) as { member_id: string }[];
    return rows.map((r) => r.member_id);
  }

  /** which of `ids` are members of the group (one IN look-up per IN_CHUNK ids) */
  private async presentMembers(
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

  private async insertMembers(
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

  /** Members of the given groups with their current display, by group then member id. */
  private async loadMembers(
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

  private orderBy(q: ResourceQuery): SqlFragment {
    const dir = q.sortOrder === 'descending' ? 'DESC' : 'ASC';
    if (!q.sortBy) {
      return { sql: `r.seq ${dir}`, params: [] };
    }
    const path = parseAttrPath(q.sortBy);
    const resolved = path ? this.registry.resolve(this.rt, path) : undefined;
    if (!resolved) {
      throw ScimError.invalidValue(`sortBy "${q.sortBy}" is not an attribute of Group`);
    }
    const def = resolved.subAttribute ?? resolved.attribute;
    if (resolved.attribute.multiValued || def.type === 'complex') {
      throw ScimError.invalidValue(`sortBy "${q.sortBy}" must name a singular attribute`);
    }
    const col = groupColumn(resolved, this.dialect);
    const ci = !def.caseExact && (def.type === 'string' || def.type === 'reference');
    let expr: string;
    if (col) {
      expr = ci ? (col.ciExpr ?? col.expr) : col.expr;
    } else {
      const keys = resolved.extension
        ? [resolved.schemaId, resolved.attribute.name]
        : [resolved.attribute.name];
      if (resolved.subAttribute) {
        keys.push(resolved.subAttribute.name);
      }
      const jp = ('$' + keys.map((k) => '.' + JSON.stringify(k)).join('')).replace(/'/g, "''");
      const raw =
        this.dialect === 'mysql' ? `JSON_VALUE(r.doc, '${jp}')` : `json_extract(r.doc, '${jp}')`;
      expr = ci ? (this.dialect === 'mysql' ? `LOWER(${raw})` : `scim_lower(${raw})`) : raw;
    }
    // RFC 7644 §3.4.2.3: resources without a value sort last ascending; ties keep creation order
    return { sql: `(${expr} IS NULL) ${dir}, ${expr} ${dir}, r.seq ASC`, params: [] };
  }

  private target(tenantId: string): FilterSqlTarget {
    return {
      dialect: this.dialect,
      registry: this.registry,
      resourceType: this.rt,
      docJson: 'r.doc',
      column: (r) => groupColumn(r, this.dialect),
      multiValued: (r) =>
        !r.extension && r.attribute.name === 'members' ? membersRef(tenantId) : undefined,
    };
  }


  /** reads of committed data only (sql-transaction.ts readCommitted) */
  private read<T>(fn: (sql: Sql) => Promise<T>): Promise<T> {
    return readCommitted(this.ds, fn);
  }

  /** RFC 7644 §3.14 writes without If-Match: the group's row is locked (sql-transaction.ts) */
  withWriteLock<T>(tenantId: string, id: string, fn: () => Promise<T>): Promise<T> {
    return withRowLock(this.ds, 'SELECT r.seq FROM scim_groups r WHERE r.id = ? AND r.tenant_id = ?', [id, tenantId], fn);
  }
}

/**
 * `members` as a child table for the filter compiler: `members.value` is `m.member_id`
 * (caseExact), `members.type` is `m.member_type` (compared lower-cased, caseExact false).
 * `display` is computed on read and `$ref` is never stored, so filtering on them is a 400.
 */
function membersRef(tenantId: string): MultiValuedRef {
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
          // display / $ref: a filter naming them was rejected by checkMembersFilter; the
          // compiler still asks for them to build `members pr` (some sub-attribute present)
          return { expr: 'NULL' };
      }
    },
    // never read: `column` answers for every sub-attribute of members
    itemJson: 'NULL',
  };
}

/**
 * Rejects filters on `members.display` (computed on read) and `members.$ref` (never stored):
 * only `members.value` and `members.type` are columns of scim_group_members (RFC 7644
 * §3.4.2.2 lets a server refuse a filter it cannot evaluate, with invalidFilter).
 */
export function checkMembersFilter(
  node: FilterNode,
  registry: SchemaRegistry,
  rt: ResourceTypeDefinition,
  insideMembers = false,
): void {
  switch (node.kind) {
    case 'and':
    case 'or':
      checkMembersFilter(node.left, registry, rt, insideMembers);
      checkMembersFilter(node.right, registry, rt, insideMembers);
      return;
    case 'not':
      checkMembersFilter(node.filter, registry, rt, insideMembers);
      return;
    case 'valuePath': {
      const r = registry.resolve(rt, node.path);
      const members = r !== undefined && !r.extension && r.attribute.name === 'members';
      checkMembersFilter(node.filter, registry, rt, members);
      return;
    }
    case 'present':
    case 'compare': {
      if (insideMembers) {
        checkMemberSub(node.path.attr);
        return;
      }
      const r = registry.resolve(rt, node.path);
      if (r && !r.extension && r.attribute.name === 'members' && r.subAttribute) {
        checkMemberSub(r.subAttribute.name);
      }
    }
  }
}

function checkMemberSub(name: string): void {
  const n = name.toLowerCase();
  if (n !== 'value' && n !== 'type') {
    throw ScimError.invalidFilter(
      `members.${name} cannot be filtered: only members.value and members.type are stored`,
    );
  }
}

/** Real columns of scim_groups for singular attributes; undefined means "read from doc". */
function groupColumn(r: ResolvedAttribute, dialect: SqlDialect): ColumnRef | undefined {
  if (r.extension) {
    return undefined;
  }
  const name = r.attribute.name;
  const sub = r.subAttribute?.name;
  if (sub === undefined) {
    switch (name) {
      case 'id':
        return { expr: 'r.id' };
      case 'externalId':
        return { expr: 'r.external_id' };
      case 'displayName':
        return { expr: 'r.display_name', ciExpr: 'r.display_name_ci' };
      default:
        return undefined;
    }
  }
  return name === 'meta' ? metaColumn(sub, 'Group', dialect) : undefined;
}

/** member ids a delta really removed and added */
interface MemberChanges {
  readonly removed: readonly string[];
  readonly added: readonly string[];
}

const NO_CHANGES: MemberChanges = { removed: [], added: [] };

interface CheckedDelta {
  readonly replaceAll?: MemberRef[];
  readonly add: MemberRef[];
  readonly remove: string[];
  readonly removeAll: boolean;
}

/** Validates and de-duplicates a delta (first occurrence of a member id wins). */
function checkDelta(d: MemberDelta): CheckedDelta {
  return {
    ...(d.replaceAll ? { replaceAll: uniqueMembers(d.replaceAll) } : {}),
    add: uniqueMembers(d.add),
    // an id that cannot be stored cannot be a member: removing it is a no-op
    // (docs/idp/quirks.md #14)
    remove: [...new Set(d.remove)].filter(
      (v) => typeof v === 'string' && v.length <= MAX_MEMBER_ID_LENGTH,
    ),
    removeAll: d.removeAll,
  };
}

/** Checks member refs before they reach the table (RFC 7643 §4.2 members.value / .type). */
export function uniqueMembers(members: readonly MemberRef[]): MemberRef[] {
  const seen = new Set<string>();
  const out: MemberRef[] = [];
  for (const m of members) {
    const v: unknown = m.value;
    if (typeof v !== 'string' || v.length === 0 || v.length > MAX_MEMBER_ID_LENGTH) {
      throw ScimError.invalidValue(`"${String(m.value)}" is not a valid member id`);
    }
    if (m.type !== 'User' && m.type !== 'Group') {
      throw ScimError.invalidValue(
        `Member type must be "User" or "Group", not "${String(m.type)}"`,
      );
    }
    if (!seen.has(m.value)) {
      seen.add(m.value);
      out.push({ value: m.value, type: m.type });
    }
  }
  return out;
}

/** displayName (RFC 7643 §4.2: REQUIRED) and externalId, checked against the column sizes. */
export function singularColumns(resource: ScimJson): {
  displayName: string;
  externalId: string | null;
} {
  const displayName = resource.displayName;
  if (typeof displayName !== 'string' || displayName.length === 0) {
    throw ScimError.invalidValue('displayName is required');
  }
  const externalId = typeof resource.externalId === 'string' ? resource.externalId : null;
  for (const [name, v] of [
    ['displayName', displayName],
    ['externalId', externalId],
  ] as const) {
    if (v !== null && [...v].length > MAX_GROUP_INDEXED_LENGTH) {
      throw ScimError.invalidValue(`${name} is longer than ${MAX_GROUP_INDEXED_LENGTH} characters`);
    }
  }
  return { displayName, externalId };
}

/** The stored document: the resource without `members` (membership lives in its own table). */
function documentOf(resource: ScimJson): string {
  const { members: _members, ...rest } = resource;
  return JSON.stringify(rest);
}

function mapWriteError(e: unknown, displayName: string): unknown {
  if (isUniqueViolation(e)) {
    const msg = e instanceof Error ? e.message : '';
    return /display_name/i.test(msg)
      ? ScimError.uniqueness(`displayName "${displayName}" is already in use in this tenant`)
      : ScimError.uniqueness('A resource with this id already exists');
  }
  if (driverErrno(e) === 1406) {
    // ER_DATA_TOO_LONG: a value the checks above did not foresee
    return ScimError.invalidValue('A value is longer than its column allows');
  }
  return e;
}

function placeholders(n: number): string {
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

function toStored(row: GroupRow, members: Map<string, MemberView[]> | undefined): StoredResource {
  const resource = JSON.parse(row.doc) as ScimJson;
  const list = members?.get(String(row.seq));
  if (list?.length) {
    resource.members = list;
  }
  return {
    id: row.id,
    tenantId: row.tenant_id,
    resource,
    version: Number(row.version),
    created: row.created,
    lastModified: row.last_modified,
  };
}
