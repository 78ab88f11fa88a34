import { DataSource } from 'typeorm';
import { ScimError } from '../../core/errors/scim-error';
import { FilterIndexes } from '../../core/filter/filter.cost';
import { OutboxSignal, WriteEvents, documentEvent, membershipEvents } from '../../core/ports/change-event';
import {
  GroupOfMember,
  GroupRepository,
  GroupUpdate,
  MemberDelta,
  MemberPage,
  MemberRef,
  MemberType,
  NewGroup,
} from '../../core/ports/group.repository';
import { ResourcePage, ResourceQuery, ScimJson, StoredResource } from '../../core/ports/resource.types';
import { CheckedDelta, checkDelta, checkMembersFilter, uniqueMembers } from '../../core/resource/members';
import { deepEqual } from '../../core/resource/json.util';
import { SchemaRegistry } from '../../core/schema/schema.registry';
import { appendEvents } from '../repositories/typeorm-outbox.repository';
import { dialectOf } from '../repositories/sql.util';
import { readCommitted, writeTransaction } from '../repositories/sql-transaction';
import { SqlGroupGraph } from './sql-group-graph';
import { MemberColumns, NO_CHANGES, SqlGroupMembers } from './sql-group-members';
import { MembershipSql } from './sql-membership';
import { SqlResourceStore } from './sql-resource.store';
import { heldRow } from './held-rows';
import { userWithGroupsSql } from './sql-user-groups';
import { TableDescriptor } from './table-descriptor';

/**
 * Groups on SQLite or MySQL/MariaDB (RFC 7643 §4.2): the one SQL store with a group table's
 * descriptor for the document, plus its membership table (TableDescriptor.members) keyed by
 * (group, member), whose users are in the `users` table. Hence:
 * - a read with `withMembers: false` runs no statement on the membership table (Entra's
 *   `excludedAttributes=members`, docs/idp/quirks.md #6); with members, one query per page
 *   loads the members of every returned group, each with its current `display` (no N+1);
 * - an update applies the membership delta as set operations (INSERT IGNORE, DELETE ... IN),
 *   reading the group's members only to replace or remove all of them (#22, #31), under the
 *   group's row lock and an exact version check when the document changes, so concurrent
 *   member PATCHes never lose a member (#13);
 * - adding an existing member is a no-op (#24), removing an absent one is no error (#14);
 * - without a type column members are users only: a group as a member is 400.
 *
 * `create` and `update` return the group as `findById(…, false)` does (without `members`):
 * reading the membership back would cost the group's size, which an update must not (#22).
 * A write given `events` appends the document event and members-removed / members-added
 * events holding the ids the delta really changed, in the same transaction.
 *
 * A host's policy for new membership rows (their extra columns) is the `memberColumns` hook.
 */
export class SqlGroupStore implements GroupRepository {
  private readonly docs: SqlResourceStore;
  private readonly ms: MembershipSql;
  private readonly graph: SqlGroupGraph;
  private readonly members: SqlGroupMembers;
  /** the document's indexes, and `members.value` (SqlQueries.filterIndexes) */
  readonly filterIndexes: FilterIndexes;
  readonly findUserWithGroups?: GroupRepository['findUserWithGroups'];

  /**
   * `userStore`: the store whose rows `users` holds, when it reads them as its SqlQueries do
   * (the built-in one): then a user and its groups are one read, also under a write's row lock
   * (the user store's locked read carries the groups, answered from the held row).
   */
  constructor(
    private readonly ds: DataSource,
    private readonly registry: SchemaRegistry,
    groups: TableDescriptor,
    users: TableDescriptor,
    private readonly signal?: OutboxSignal,
    userStore?: SqlResourceStore,
  ) {
    this.ms = new MembershipSql(groups, users, dialectOf(ds));
    this.docs = new SqlResourceStore(ds, registry, groups, signal, (r, tenantId) =>
      !r.extension && r.attribute.name === 'members' ? this.ms.filterRef(tenantId) : undefined,
    );
    this.graph = new SqlGroupGraph(ds, this.ms, this.docs.q);
    this.members = new SqlGroupMembers(this.ms);
    this.filterIndexes = this.docs.filterIndexes;
    if (userStore && userStore.d === users) {
      const reads = userStore.q;
      userStore.readWhenLocking((tenantId, id) => userWithGroupsSql(this.ms, reads, tenantId, id, true));
      this.findUserWithGroups = (tenantId, userId) => {
        const held = heldRow(users, tenantId, userId);
        if (held === null) {
          return Promise.resolve(null);
        }
        if (held && 'groups_direct' in held) {
          // read with the write's row lock; the walk to indirect groups, if any, in its transaction
          return readCommitted(this.ds, async (sql) => ({
            user: reads.toStored(held),
            groups: await this.graph.groupsOfRow(sql, tenantId, userId, (held as { groups_direct?: unknown }).groups_direct),
          }));
        }
        return this.graph.userWithGroups(reads, tenantId, userId);
      };
    }
  }

  /**
   * The extra columns of the membership rows a write inserts (a host's permission): worked
   * out before the transaction, from the document the group will have (`group()` reads it
   * when the write does not change it). Default: none.
   */
  protected memberColumns(_tenantId: string, _group: () => Promise<ScimJson>, _at: string): Promise<MemberColumns> {
    return Promise.resolve({});
  }

  /** A time as the group table stores it (for a hook's own columns). */
  protected time(iso: string): string {
    return this.docs.q.time(iso);
  }

  findById(tenantId: string, id: string, withMembers: boolean): Promise<StoredResource | null> {
    return readCommitted(this.ds, async (sql) => {
      const row = await this.docs.rowById(sql, tenantId, id);
      if (!row) {
        return null;
      }
      const members = withMembers ? await this.graph.loadMembers(sql, tenantId, [row.row_key]) : undefined;
      return this.graph.withMembers(row, members);
    });
  }

  async search(tenantId: string, q: ResourceQuery, withMembers: boolean): Promise<ResourcePage> {
    // checked and compiled before anything runs, so an invalid filter or sortBy fails fast (400)
    if (q.filter && this.ms.nested) {
      checkMembersFilter(q.filter, this.registry, this.docs.q.rt);
    }
    this.docs.checkPaging(q);
    const statements = this.docs.buildSearchSql(tenantId, q);
    this.docs.q.orderBy(q);
    return this.docs.readForSearch(tenantId, q, async (sql) => {
      const { page, rows } = await this.docs.searchIn(sql, statements, q);
      if (!withMembers) {
        return page;
      }
      // one query for the members of the whole page (no N+1)
      const members = await this.graph.loadMembers(sql, tenantId, rows.map((r) => r.row_key));
      return { ...page, items: rows.map((r) => this.graph.withMembers(r, members)) };
    });
  }

  async create(tenantId: string, group: NewGroup, events?: WriteEvents): Promise<StoredResource> {
    const members = this.checked(uniqueMembers(group.members));
    const columns = members.length
      ? await this.memberColumns(tenantId, () => Promise.resolve(group.resource), group.created)
      : {};
    return this.docs.write(group.resource, events, async (qr) => {
      const w = await this.docs.rows.createIn(qr, tenantId, group);
      const added = await this.members.add(qr, tenantId, w.key, members, columns);
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
    const delta = u.members ? this.checkedDelta(u.members) : undefined;
    let basis: ScimJson | undefined;
    const group = async () => {
      const current = await this.docs.findById(tenantId, id);
      if (!current) {
        throw ScimError.notFound(`Group ${id} not found`);
      }
      return (basis = current.resource);
    };
    const adds = delta !== undefined && (delta.add.length > 0 || (delta.replaceAll?.length ?? 0) > 0);
    const columns = adds
      ? await this.memberColumns(tenantId, u.resource ? () => Promise.resolve(u.resource!) : group, u.lastModified)
      : {};
    return this.docs.write(u.resource, events, async (qr) => {
      const w = await this.docs.rows.updateIn(qr, tenantId, id, u);
      if (basis && !deepEqual(basis, w.previous)) {
        // the member columns came from a document that changed since: the service retries
        throw ScimError.preconditionFailed(`Group ${id} was modified concurrently`);
      }
      const changes = delta ? await this.members.applyDelta(qr, tenantId, w.key, delta, columns) : NO_CHANGES;
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
      const found = await this.docs.rowById(qr, tenantId, id, true);
      if (!found) {
        return false;
      }
      // memberships of this group in other groups go first (their versions are bumped) ...
      const parents = this.ms.nested ? await this.members.removeEverywhere(qr, tenantId, id, at, events) : [];
      // ... then its own membership rows, then the group
      await this.members.removeAll(qr, String(found.row_key));
      const gone = await this.docs.rows.deleteIn(qr, tenantId, id, undefined, at);
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

  private checkedDelta(d: MemberDelta): CheckedDelta {
    const c = checkDelta(d);
    return { ...c, add: this.checked(c.add), ...(c.replaceAll ? { replaceAll: this.checked(c.replaceAll) } : {}) };
  }

  /** Without a type column members are users only: a group as a member is refused. */
  private checked(refs: MemberRef[]): MemberRef[] {
    const group = this.ms.nested ? undefined : refs.find((r) => r.type === 'Group');
    if (group) {
      throw ScimError.invalidValue(
        `member ${group.value} is a group: groups of this server have users as members ` +
          '(nested groups are not supported)',
      );
    }
    return refs;
  }
}
