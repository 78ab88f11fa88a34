import { ScimError } from '../../core/errors/scim-error';
import { createFilterMatcher } from '../../core/filter/filter.evaluator';
import { validateFilter } from '../../core/filter/filter.validator';
import { NewChangeEvent, WriteEvents, membershipEvents } from '../../core/ports/change-event';
import {
  GroupOfMember,
  GroupRepository,
  GroupUpdate,
  MemberPage,
  MemberType,
  MemberView,
  NewGroup,
} from '../../core/ports/group.repository';
import { ResourcePage, ResourceQuery, ScimJson, StoredResource } from '../../core/ports/resource.types';
import { MAX_MEMBER_ID_LENGTH, checkDelta, checkMembersFilter, uniqueMembers } from '../../core/resource/members';
import { SchemaRegistry } from '../../core/schema/schema.registry';
import { GROUP_TABLE } from '../sql-store/table-descriptor';
import { InMemoryResourceStore, MemoryRow, toStored as toStoredRow } from './in-memory-resource.store';
import { compareCodePoints } from './in-memory-store.util';

/** What the repository needs to know of users: whether one exists, and its display. */
export interface GroupMemberUserLookup {
  findById(tenantId: string, id: string): Promise<StoredResource | null>;
}

/**
 * Groups in Maps, for service tests and demos: the documents in the one in-memory store with
 * the groups' descriptor, the membership in a Map per group (read only when asked for:
 * docs/idp/quirks.md #6). Behaves like TypeOrmGroupRepository (one shared contract test:
 * test/integration/support/group-repository.contract.ts): displayName unique per tenant
 * case-insensitively (#12), idempotent adds (#24) and removes (#14), member filters limited to
 * what SQL stores (checkMembersFilter).
 *
 * `users` (optional, e.g. an InMemoryUserRepository) is how the repository sees users:
 * `resolveMembers` reports an id as a User only if `users.findById` finds it in the tenant, and a
 * User member's `display` is that user's displayName (else userName). Without it no id resolves
 * as a User and User members have no `display`.
 */
export class InMemoryGroupRepository implements GroupRepository {
  private readonly docs: GroupDocuments;
  /** group id -> member id -> member type, in insertion order */
  private readonly members = new Map<string, Map<string, MemberType>>();
  /** Test helper (not part of the port): how often membership was read. */
  memberReads = 0;

  constructor(
    private readonly registry: SchemaRegistry,
    private readonly users?: GroupMemberUserLookup,
  ) {
    this.docs = new GroupDocuments(registry, (id) => this.memberSet(id));
  }

  /** Test helper (not part of the port): the change events the writes recorded, in order. */
  get outbox(): NewChangeEvent[] {
    return this.docs.outbox;
  }

  async findById(tenantId: string, id: string, withMembers: boolean): Promise<StoredResource | null> {
    const row = this.docs.live(tenantId, id);
    if (row && withMembers) {
      this.memberReads++;
    }
    return row ? this.toStored(row, withMembers) : null;
  }

  withWriteLock<T>(tenantId: string, id: string, fn: () => Promise<T>): Promise<T> {
    return this.docs.withWriteLock(tenantId, id, fn);
  }

  async search(tenantId: string, q: ResourceQuery, withMembers: boolean): Promise<ResourcePage> {
    const usesMembers = q.filter
      ? checkMembersFilter(validateFilter(q.filter, this.registry, this.docs.resourceType), this.registry, this.docs.resourceType)
      : false;
    if (usesMembers) {
      this.memberReads++;
    }
    const page = this.docs.page(tenantId, q, usesMembers);
    if (withMembers) {
      // one read of the membership for the whole page, as the SQL repository does
      this.memberReads++;
    }
    const items: StoredResource[] = [];
    for (const r of page.rows) {
      items.push(await this.toStored(r, withMembers));
    }
    const { rows: _rows, ...rest } = page;
    return { ...rest, items };
  }

  async create(tenantId: string, group: NewGroup, events?: WriteEvents): Promise<StoredResource> {
    const members = uniqueMembers(group.members);
    const { row } = this.docs.insert(tenantId, group, events);
    this.members.set(row.id, new Map(members.map((m) => [m.value, m.type])));
    this.outbox.push(
      ...membershipEvents(events, { tenantId, groupId: row.id, version: 1 }, [], members.map((m) => m.value)),
    );
    return this.toStored(row, false);
  }

  async update(tenantId: string, id: string, u: GroupUpdate, events?: WriteEvents): Promise<StoredResource> {
    if (u.resource !== undefined && u.expectedVersion === undefined) {
      throw new Error('GroupUpdate: a document change needs expectedVersion');
    }
    const delta = u.members ? checkDelta(u.members) : undefined;
    const row = this.docs.change(tenantId, id, u, events);
    const removed: string[] = [];
    const added: string[] = [];
    if (delta) {
      const set = this.memberSet(id);
      if (delta.replaceAll) {
        const next = new Set(delta.replaceAll.map((m) => m.value));
        removed.push(...[...set.keys()].filter((v) => !next.has(v)).sort(compareCodePoints));
        added.push(...delta.replaceAll.map((m) => m.value).filter((v) => !set.has(v)));
        set.clear();
        for (const m of delta.replaceAll) {
          set.set(m.value, m.type);
        }
      } else {
        if (delta.removeAll) {
          removed.push(...[...set.keys()].sort(compareCodePoints));
          set.clear();
        }
        for (const v of delta.remove) {
          if (set.delete(v)) {
            removed.push(v);
          }
        }
        for (const m of delta.add) {
          if (!set.has(m.value)) {
            set.set(m.value, m.type);
            added.push(m.value);
          }
        }
      }
    }
    this.outbox.push(...membershipEvents(events, { tenantId, groupId: id, version: row.version }, removed, added));
    return this.toStored(row, false);
  }

  async delete(tenantId: string, id: string, events?: WriteEvents): Promise<boolean> {
    if (!this.docs.live(tenantId, id)) {
      return false;
    }
    // the port gives no timestamp: the groups that contained this one get "now"
    const at = events?.origin.at ?? new Date().toISOString();
    const parents = this.removeEverywhere(tenantId, id, at, events);
    await this.docs.delete(tenantId, id, undefined, events);
    this.members.delete(id);
    this.outbox.push(...parents);
    return true;
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
    if (!this.docs.live(tenantId, id)) {
      throw ScimError.notFound(`Group ${id} not found`);
    }
    this.memberReads++;
    // keyset paging by member id in code-point order, as the primary key orders it
    const ids = [...this.memberSet(id).entries()]
      .filter(([v]) => after === undefined || compareCodePoints(v, after) > 0)
      .sort(([a], [b]) => compareCodePoints(a, b));
    const page: MemberView[] = [];
    for (const [value, type] of ids.slice(0, limit)) {
      page.push(await this.view(tenantId, value, type));
    }
    return ids.length > limit
      ? { members: page, next: page[page.length - 1].value }
      : { members: page };
  }

  async resolveMembers(tenantId: string, ids: readonly string[]): Promise<Map<string, MemberType>> {
    const found = new Map<string, MemberType>();
    for (const id of new Set(ids)) {
      if (typeof id !== 'string' || id.length > MAX_MEMBER_ID_LENGTH) {
        continue;
      }
      if (this.docs.live(tenantId, id)) {
        found.set(id, 'Group');
      } else if (this.users && (await this.users.findById(tenantId, id))) {
        found.set(id, 'User');
      }
    }
    return found;
  }

  async wouldCreateCycle(
    tenantId: string,
    groupId: string,
    memberGroupId: string,
  ): Promise<boolean> {
    if (groupId === memberGroupId) {
      return true;
    }
    if (!this.docs.live(tenantId, memberGroupId)) {
      return false;
    }
    const seen = new Set<string>([memberGroupId]);
    const queue = [memberGroupId];
    while (queue.length) {
      const current = queue.shift()!;
      for (const [value, type] of this.memberSet(current)) {
        if (type !== 'Group' || seen.has(value) || !this.docs.live(tenantId, value)) {
          continue;
        }
        if (value === groupId) {
          return true;
        }
        seen.add(value);
        queue.push(value);
      }
    }
    return false;
  }

  async groupsOfMany(
    tenantId: string,
    memberIds: readonly string[],
  ): Promise<Map<string, GroupOfMember[]>> {
    const out = new Map<string, GroupOfMember[]>();
    for (const id of new Set(memberIds)) {
      const groups = await this.groupsOf(tenantId, id);
      if (groups.length) {
        out.set(id, groups);
      }
    }
    return out;
  }

  async groupsOf(tenantId: string, memberId: string): Promise<GroupOfMember[]> {
    const direct = this.containing(tenantId, memberId, undefined);
    const found = new Set<string>(direct);
    const queue = [...direct];
    while (queue.length) {
      for (const parent of this.containing(tenantId, queue.shift()!, 'Group')) {
        if (!found.has(parent)) {
          found.add(parent);
          queue.push(parent);
        }
      }
    }
    const directSet = new Set(direct);
    return [...found]
      .map((id) => this.docs.any(id)!)
      .sort((a, b) => a.seq - b.seq)
      .map((g) => ({
        value: g.id,
        display: g.resource.displayName as string,
        type: directSet.has(g.id) ? 'direct' : 'indirect',
      }));
  }

  async removeMemberEverywhere(
    tenantId: string,
    memberId: string,
    at: string,
    events?: WriteEvents,
  ): Promise<void> {
    this.outbox.push(...this.removeEverywhere(tenantId, memberId, at, events));
  }

  private removeEverywhere(
    tenantId: string,
    memberId: string,
    at: string,
    events: WriteEvents | undefined,
  ): NewChangeEvent[] {
    const out: NewChangeEvent[] = [];
    for (const id of this.containing(tenantId, memberId, undefined)) {
      const row = this.docs.any(id)!;
      row.version += 1;
      row.lastModified = at;
      this.memberSet(id).delete(memberId);
      out.push(...membershipEvents(events, { tenantId, groupId: id, version: row.version }, [memberId], []));
    }
    return out;
  }

  /** ids of the tenant's groups that have `memberId` as a member (of `type`, if given) */
  private containing(tenantId: string, memberId: string, type: MemberType | undefined): string[] {
    const out: string[] = [];
    for (const row of this.docs.all()) {
      const t = row.tenantId === tenantId ? this.memberSet(row.id).get(memberId) : undefined;
      if (t !== undefined && (type === undefined || t === type)) {
        out.push(row.id);
      }
    }
    return out;
  }

  private memberSet(id: string): Map<string, MemberType> {
    let set = this.members.get(id);
    if (!set) {
      set = new Map();
      this.members.set(id, set);
    }
    return set;
  }

  /** A member as read back: `display` is its current displayName (users: else userName). */
  private async view(tenantId: string, value: string, type: MemberType): Promise<MemberView> {
    let display: unknown;
    if (type === 'Group') {
      display = this.docs.live(tenantId, value)?.resource.displayName;
    } else {
      const user = this.users ? await this.users.findById(tenantId, value) : null;
      const dn = user?.resource.displayName;
      display = typeof dn === 'string' && dn !== '' ? dn : user?.resource.userName;
    }
    return typeof display === 'string' ? { value, type, display } : { value, type };
  }

  private async toStored(row: MemoryRow, withMembers: boolean): Promise<StoredResource> {
    const stored = this.docs.stored(row);
    if (withMembers) {
      const list = [...this.memberSet(row.id).entries()].sort(([a], [b]) => compareCodePoints(a, b));
      if (list.length) {
        const members: MemberView[] = [];
        for (const [value, type] of list) {
          members.push(await this.view(row.tenantId, value, type));
        }
        stored.resource.members = members;
      }
    }
    return stored;
  }
}

/**
 * The groups' documents: the generic in-memory store with the groups' descriptor, whose filter
 * view also holds `members` when the filter reads them.
 */
class GroupDocuments extends InMemoryResourceStore {
  constructor(
    registry: SchemaRegistry,
    private readonly memberSet: (id: string) => Map<string, MemberType>,
  ) {
    super(registry, GROUP_TABLE);
  }

  get resourceType() {
    return this.rt;
  }

  live(tenantId: string, id: string): MemoryRow | undefined {
    return this.row(tenantId, id);
  }

  any(id: string): MemoryRow | undefined {
    return this.rows.get(id);
  }

  all(): IterableIterator<MemoryRow> {
    return this.rows.values();
  }

  stored(row: MemoryRow): StoredResource {
    return toStoredRow(row);
  }

  insert(tenantId: string, group: NewGroup, events?: WriteEvents) {
    return this.createRow(tenantId, group, events);
  }

  change(tenantId: string, id: string, u: GroupUpdate, events?: WriteEvents): MemoryRow {
    return this.updateRow(tenantId, id, u, events);
  }

  /** a page of rows; the sortBy is checked first, as the SQL group store does */
  page(tenantId: string, q: ResourceQuery, usesMembers: boolean) {
    if (q.sortBy) {
      this.sortKey(q.sortBy);
    }
    return this.searchRows(tenantId, q, (row) => this.groupView(row, usesMembers));
  }

  private groupView(row: MemoryRow, withMembers: boolean): ScimJson {
    const view = this.filterView(row);
    if (withMembers) {
      const list = [...this.memberSet(row.id).entries()];
      if (list.length) {
        view.members = list.map(([value, type]) => ({ value, type }));
      }
    }
    return view;
  }
}
