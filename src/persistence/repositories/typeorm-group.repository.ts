import { DataSource } from 'typeorm';
import { OutboxSignal, WriteEvents, documentEvent, membershipEvents } from '../../core/ports/change-event';
import {
  GroupOfMember,
  GroupRepository,
  GroupUpdate,
  MemberPage,
  MemberType,
  NewGroup,
} from '../../core/ports/group.repository';
import { ResourcePage, ResourceQuery, StoredResource } from '../../core/ports/resource.types';
import { checkDelta, checkMembersFilter, uniqueMembers } from '../../core/resource/members';
import { SchemaRegistry } from '../../core/schema/schema.registry';
import { SqlGroupGraph, membersRef } from '../sql-store/sql-group-graph';
import { NO_CHANGES, SqlGroupMembers } from '../sql-store/sql-group-members';
import { SqlResourceStore } from '../sql-store/sql-resource.store';
import { GROUP_TABLE } from '../sql-store/table-descriptor';
import { appendEvents } from './typeorm-outbox.repository';
import { dialectOf } from './sql.util';
import { readCommitted, writeTransaction } from './sql-transaction';

/**
 * Groups on SQLite or MySQL/MariaDB (RFC 7643 §4.2): the one SQL store with the scim_groups
 * descriptor for the document, plus the membership table scim_group_members keyed by
 * (group_seq, member_id). Hence:
 * - a read with `withMembers: false` runs no statement on scim_group_members (Entra's
 *   `excludedAttributes=members`, docs/idp/quirks.md #6); with members, one query per page
 *   loads the members of every returned group, each with its current `display` (no N+1);
 * - an update applies the membership delta as set operations (INSERT IGNORE, DELETE ... IN),
 *   never reading or rewriting the whole list (#22, #31), under the group's row lock and an
 *   exact version check when the document changes, so concurrent member PATCHes never lose a
 *   member (#13);
 * - adding an existing member is a no-op (#24), removing an absent one is no error (#14).
 *
 * `create` and `update` return the group as `findById(…, false)` does (without `members`):
 * reading the membership back would cost the group's size, which an update must not (#22).
 * A write given `events` appends the document event and members-removed / members-added
 * events holding the ids the delta really changed, in the same transaction.
 */
export class TypeOrmGroupRepository implements GroupRepository {
  private readonly docs: SqlResourceStore;
  private readonly graph: SqlGroupGraph;
  private readonly members: SqlGroupMembers;

  constructor(
    private readonly ds: DataSource,
    private readonly registry: SchemaRegistry,
    private readonly signal?: OutboxSignal,
  ) {
    this.docs = new SqlResourceStore(ds, registry, GROUP_TABLE, signal, (r, tenantId) =>
      !r.extension && r.attribute.name === 'members' ? membersRef(tenantId) : undefined,
    );
    this.graph = new SqlGroupGraph(ds);
    this.members = new SqlGroupMembers(dialectOf(ds));
  }

  findById(tenantId: string, id: string, withMembers: boolean): Promise<StoredResource | null> {
    return readCommitted(this.ds, async (sql) => {
      const row = await this.docs.rowById(sql, tenantId, id);
      if (!row) {
        return null;
      }
      const members = withMembers ? await this.graph.loadMembers(sql, [row.seq]) : undefined;
      return this.graph.withMembers(row, members);
    });
  }

  async search(tenantId: string, q: ResourceQuery, withMembers: boolean): Promise<ResourcePage> {
    // checked and compiled before anything runs, so an invalid filter or sortBy fails fast (400)
    if (q.filter) {
      checkMembersFilter(q.filter, this.registry, this.docs.q.rt);
    }
    const statements = this.docs.buildSearchSql(tenantId, q);
    this.docs.q.orderBy(q);
    return readCommitted(this.ds, async (sql) => {
      const { page, rows } = await this.docs.searchIn(sql, statements, q);
      if (!withMembers) {
        return page;
      }
      // one query for the members of the whole page (no N+1)
      const members = await this.graph.loadMembers(sql, rows.map((r) => r.seq));
      return { ...page, items: rows.map((r) => this.graph.withMembers(r, members)) };
    });
  }

  async create(tenantId: string, group: NewGroup, events?: WriteEvents): Promise<StoredResource> {
    const members = uniqueMembers(group.members);
    return this.docs.write(group.resource, events, async (qr) => {
      const w = await this.docs.rows.createIn(qr, tenantId, group);
      await this.members.insertMembers(qr, 'INSERT', tenantId, w.seq, members);
      const added = members.map((m) => m.value);
      return {
        result: w.stored,
        events: [
          ...this.docs.eventOf(events, w.stored),
          ...membershipEvents(events, { tenantId, groupId: group.id, version: 1 }, [], added),
        ],
      };
    });
  }

  /**
   * Writes the document when given (only if `expectedVersion` still matches) or only bumps the
   * version (a members-only change, which commutes), then applies the member delta.
   */
  async update(tenantId: string, id: string, u: GroupUpdate, events?: WriteEvents): Promise<StoredResource> {
    if (u.resource !== undefined && u.expectedVersion === undefined) {
      throw new Error('GroupUpdate: a document change needs expectedVersion');
    }
    const delta = u.members ? checkDelta(u.members) : undefined;
    return this.docs.write(u.resource, events, async (qr) => {
      const w = await this.docs.rows.updateIn(qr, tenantId, id, u);
      const changes = delta
        ? await this.members.applyDelta(qr, tenantId, w.seq, delta, events !== undefined)
        : NO_CHANGES;
      const version = w.stored.version;
      return {
        result: w.stored,
        events: [
          ...this.docs.eventOf(events, w.stored),
          ...membershipEvents(events, { tenantId, groupId: id, version }, changes.removed, changes.added),
        ],
      };
    });
  }

  /** also removes the group from the groups containing it (members-removed events for those) */
  async delete(tenantId: string, id: string, events?: WriteEvents): Promise<boolean> {
    // the port gives no timestamp: the groups that contained this one get "now"
    const at = events?.origin.at ?? new Date().toISOString();
    return writeTransaction(this.ds, this.signal, events, async (qr) => {
      const s = this.docs.q.byId(tenantId, id, 'r.seq', true);
      if (!((await qr.query(s.sql, s.params)) as unknown[]).length) {
        return false;
      }
      // memberships of this group in other groups go first (their versions are bumped) ...
      const parents = await this.members.removeEverywhere(qr, tenantId, id, at, events);
      // ... then the group; its own membership rows go by ON DELETE CASCADE
      const gone = await this.docs.rows.deleteIn(qr, tenantId, id);
      if (!gone) {
        return false;
      }
      await appendEvents(qr, [
        ...documentEvent(events, { tenantId, resourceType: 'Group', resourceId: id, version: gone.version }),
        ...parents,
      ]);
      return true;
    });
  }

  listMembers(tenantId: string, id: string, limit: number, after?: string): Promise<MemberPage> {
    return this.graph.listMembers(tenantId, id, limit, after);
  }

  resolveMembers(tenantId: string, ids: readonly string[]): Promise<Map<string, MemberType>> {
    return this.graph.resolveMembers(tenantId, ids);
  }

  wouldCreateCycle(tenantId: string, groupId: string, memberGroupId: string): Promise<boolean> {
    return this.graph.wouldCreateCycle(tenantId, groupId, memberGroupId);
  }

  groupsOf(tenantId: string, memberId: string): Promise<GroupOfMember[]> {
    return this.graph.groupsOf(tenantId, memberId);
  }

  groupsOfMany(tenantId: string, memberIds: readonly string[]): Promise<Map<string, GroupOfMember[]>> {
    return this.graph.groupsOfMany(tenantId, memberIds);
  }

  async removeMemberEverywhere(tenantId: string, memberId: string, at: string, events?: WriteEvents): Promise<void> {
    await writeTransaction(this.ds, this.signal, events, async (qr) =>
      appendEvents(qr, await this.members.removeEverywhere(qr, tenantId, memberId, at, events)),
    );
  }

  /** RFC 7644 §3.14 writes without If-Match: the group's row is locked (sql-transaction.ts) */
  withWriteLock<T>(tenantId: string, id: string, fn: () => Promise<T>): Promise<T> {
    return this.docs.withWriteLock(tenantId, id, fn);
  }
}
