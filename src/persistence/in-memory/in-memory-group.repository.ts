import { ScimError } from '../../core/errors/scim-error';
import { FilterNode } from '../../core/filter/filter.ast';
import { createFilterMatcher, FilterPredicate } from '../../core/filter/filter.evaluator';
import {
  NewChangeEvent,
  WriteEvents,
  documentEvent,
  membershipEvents,
} from '../../core/ports/change-event';
import { resolveFilterPath, validateFilter } from '../../core/filter/filter.validator';
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
import {
  compareCodePoints,
  compareKeys,
  isObject,
  jsonCopy,
  keysetSlice,
  readPath,
  singularSortKey,
} from './in-memory-store.util';
import { KeyedLock } from './keyed-lock';

/** same limits as TypeOrmGroupRepository (varchar(255) columns, varchar(36) member ids) */
const MAX_INDEXED_LENGTH = 255;
const MAX_MEMBER_ID_LENGTH = 36;

/** What the repository needs to know of users: whether one exists, and its display. */
export interface GroupMemberUserLookup {
  findById(tenantId: string, id: string): Promise<StoredResource | null>;
}

interface GroupRow {
  /** creation order (the TypeORM `seq` column) */
  readonly seq: number;
  readonly id: string;
  readonly tenantId: string;
  /** the document without `members` */
  resource: ScimJson;
  version: number;
  readonly created: string;
  lastModified: string;
}

/** A sort key as SQL sees it: NULL, a number (numbers and booleans) or text. */
type SortKey = null | number | string;

/**
 * Groups in Maps, for service tests and demos. Behaves like TypeOrmGroupRepository (one shared
 * contract test: test/integration/support/group-repository.contract.ts): tenant scoping,
 * displayName unique per tenant case-insensitively (docs/idp/quirks.md #12), optimistic
 * versions, membership kept apart from the document (`members` is a Map per group, read only
 * when asked for: docs/idp/quirks.md #6), idempotent adds (#24) and removes (#14), filters
 * evaluated by the core matcher, SQL-like sorting and paging. Everything going in or out is a
 * deep copy.
 *
 * `users` (optional, e.g. an InMemoryUserRepository) is how the repository sees users:
 * `resolveMembers` reports an id as a User only if `users.findById` finds it in the tenant, and a
 * User member's `display` is that user's displayName (else userName). Without it no id resolves
 * as a User and User members have no `display`.
 */
export class InMemoryGroupRepository implements GroupRepository {
  private readonly rows = new Map<string, GroupRow>();
  /** group id -> member id -> member type, in insertion order */
  private readonly members = new Map<string, Map<string, MemberType>>();
  private readonly rt: ResourceTypeDefinition;
  private seq = 0;
  /** Test helper (not part of the port): how often membership was read. */
  memberReads = 0;
  /** Test helper (not part of the port): the change events the writes recorded, in order. */
  readonly outbox: NewChangeEvent[] = [];
  private readonly locks = new KeyedLock();

  constructor(
    private readonly registry: SchemaRegistry,
    private readonly users?: GroupMemberUserLookup,
  ) {
    this.rt = registry.resourceType('Group');
  }

  async findById(
    tenantId: string,
    id: string,
    withMembers: boolean,
  ): Promise<StoredResource | null> {
    const row = this.row(tenantId, id);
    if (row && withMembers) {
      this.memberReads++;
    }
    return row ? this.toStored(row, withMembers) : null;
  }

  withWriteLock<T>(tenantId: string, id: string, fn: () => Promise<T>): Promise<T> {
    return this.locks.run(`${tenantId}\u0000${id}`, fn);
  }

  async search(tenantId: string, q: ResourceQuery, withMembers: boolean): Promise<ResourcePage> {
    const filter = q.filter ? this.matcher(q.filter) : undefined;
    const key = q.sortBy ? this.sortKey(q.sortBy) : undefined;
    if (filter?.usesMembers) {
      this.memberReads++;
    }
    const hits = [...this.rows.values()].filter(
      (r) =>
        r.tenantId === tenantId &&
        (!filter || filter.matches(this.filterView(r, filter.usesMembers))),
    );
    const total = q.withTotal === false ? undefined : hits.length;
    let page: typeof hits;
    let keysetInfo: Pick<ResourcePage, 'keys' | 'hasNext' | 'hasPrevious'> = {};
    if (q.keyset) {
      const slice = keysetSlice(hits, q.keyset, q.count);
      page = slice.rows;
      keysetInfo = {
        ...(page.length ? { keys: { first: String(page[0].seq), last: String(page[page.length - 1].seq) } } : {}),
        hasNext: slice.hasNext,
        hasPrevious: slice.hasPrevious,
      };
    } else {
      if (q.count === 0 || hits.length === 0 || q.startIndex > hits.length) {
        return { total, items: [] };
      }
      const sorted = this.sort(hits, q, key);
      const from = Math.max(0, q.startIndex - 1);
      page = sorted.slice(from, from + q.count);
    }
    if (withMembers) {
      // one read of the membership for the whole page, as the SQL repository does
      this.memberReads++;
    }
    const items: StoredResource[] = [];
    for (const r of page) {
      items.push(await this.toStored(r, withMembers));
    }
    return { total, items, ...keysetInfo };
  }

  async create(tenantId: string, group: NewGroup, events?: WriteEvents): Promise<StoredResource> {
    const displayName = checkIndexedValues(group.resource);
    const members = uniqueMembers(group.members);
    if (this.rows.has(group.id)) {
      throw ScimError.uniqueness('A resource with this id already exists');
    }
    if (this.displayNameTaken(tenantId, displayName, undefined)) {
      throw uniqueness(displayName);
    }
    const row: GroupRow = {
      seq: ++this.seq,
      id: group.id,
      tenantId,
      resource: documentOf(group.resource),
      version: 1,
      created: group.created,
      lastModified: group.created,
    };
    this.rows.set(row.id, row);
    this.members.set(row.id, new Map(members.map((m) => [m.value, m.type])));
    this.outbox.push(
      ...documentEvent(events, { tenantId, resourceType: 'Group', resourceId: row.id, version: 1 }),
      ...membershipEvents(
        events,
        { tenantId, groupId: row.id, version: 1 },
        [],
        members.map((m) => m.value),
      ),
    );
    return this.toStored(row, false);
  }

  async update(
    tenantId: string,
    id: string,
    u: GroupUpdate,
    events?: WriteEvents,
  ): Promise<StoredResource> {
    const displayName = u.resource === undefined ? undefined : checkIndexedValues(u.resource);
    const delta = u.members ? checkDelta(u.members) : undefined;
    const row = this.row(tenantId, id);
    if (!row) {
      throw ScimError.notFound(`Group ${id} not found`);
    }
    if (u.resource !== undefined && u.expectedVersion === undefined) {
      throw new Error('GroupUpdate: a document change needs expectedVersion');
    }
    if (u.expectedVersion !== undefined && row.version !== u.expectedVersion) {
      throw ScimError.preconditionFailed(
        `Group ${id} was modified concurrently ` +
          `(version ${row.version}, expected ${u.expectedVersion})`,
      );
    }
    if (u.resource !== undefined && displayName !== undefined) {
      if (this.displayNameTaken(tenantId, displayName, id)) {
        throw uniqueness(displayName);
      }
      row.resource = documentOf(u.resource);
    }
    row.version += 1;
    row.lastModified = u.lastModified;
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
    this.outbox.push(
      ...documentEvent(events, {
        tenantId,
        resourceType: 'Group',
        resourceId: id,
        version: row.version,
      }),
      ...membershipEvents(events, { tenantId, groupId: id, version: row.version }, removed, added),
    );
    return this.toStored(row, false);
  }

  async delete(tenantId: string, id: string, events?: WriteEvents): Promise<boolean> {
    const row = this.row(tenantId, id);
    if (!row) {
      return false;
    }
    // the port gives no timestamp: the groups that contained this one get "now"
    const at = events?.origin.at ?? new Date().toISOString();
    const parents = this.removeEverywhere(tenantId, id, at, events);
    this.rows.delete(id);
    this.members.delete(id);
    this.outbox.push(
      ...documentEvent(events, {
        tenantId,
        resourceType: 'Group',
        resourceId: id,
        version: row.version,
      }),
      ...parents,
    );
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
    if (!this.row(tenantId, id)) {
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
      if (this.row(tenantId, id)) {
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
    if (!this.row(tenantId, memberGroupId)) {
      return false;
    }
    const seen = new Set<string>([memberGroupId]);
    const queue = [memberGroupId];
    while (queue.length) {
      const current = queue.shift()!;
      for (const [value, type] of this.memberSet(current)) {
        if (type !== 'Group' || seen.has(value) || !this.row(tenantId, value)) {
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
      .map((id) => this.rows.get(id)!)
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
      const row = this.rows.get(id)!;
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
    for (const row of this.rows.values()) {
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

  private row(tenantId: string, id: string): GroupRow | undefined {
    const row = this.rows.get(id);
    return row && row.tenantId === tenantId ? row : undefined;
  }

  private displayNameTaken(
    tenantId: string,
    displayName: string,
    self: string | undefined,
  ): boolean {
    const key = displayName.toLowerCase();
    for (const r of this.rows.values()) {
      if (
        r.tenantId === tenantId &&
        r.id !== self &&
        (r.resource.displayName as string).toLowerCase() === key
      ) {
        return true;
      }
    }
    return false;
  }

  /** A member as read back: `display` is its current displayName (users: else userName). */
  private async view(tenantId: string, value: string, type: MemberType): Promise<MemberView> {
    let display: unknown;
    if (type === 'Group') {
      display = this.row(tenantId, value)?.resource.displayName;
    } else {
      const user = this.users ? await this.users.findById(tenantId, value) : null;
      const dn = user?.resource.displayName;
      display = typeof dn === 'string' && dn !== '' ? dn : user?.resource.userName;
    }
    return typeof display === 'string' ? { value, type, display } : { value, type };
  }

  private async toStored(row: GroupRow, withMembers: boolean): Promise<StoredResource> {
    const resource = jsonCopy(row.resource);
    if (withMembers) {
      const list = [...this.memberSet(row.id).entries()].sort(([a], [b]) =>
        compareCodePoints(a, b),
      );
      if (list.length) {
        const members: MemberView[] = [];
        for (const [value, type] of list) {
          members.push(await this.view(row.tenantId, value, type));
        }
        resource.members = members;
      }
    }
    return {
      id: row.id,
      tenantId: row.tenantId,
      resource,
      version: row.version,
      created: row.created,
      lastModified: row.lastModified,
    };
  }

  /** What filters see: the document, id, meta and (only if the filter needs them) members. */
  private filterView(row: GroupRow, withMembers: boolean): ScimJson {
    const view: ScimJson = {
      ...row.resource,
      id: row.id,
      meta: { resourceType: 'Group', created: row.created, lastModified: row.lastModified },
    };
    if (withMembers) {
      const list = [...this.memberSet(row.id).entries()];
      if (list.length) {
        view.members = list.map(([value, type]) => ({ value, type }));
      }
    }
    return view;
  }

  private matcher(filter: FilterNode): { matches: FilterPredicate; usesMembers: boolean } {
    const normalized = validateFilter(filter, this.registry, this.rt);
    const usesMembers = this.checkStorable(normalized, false);
    return { matches: createFilterMatcher(normalized, this.registry, this.rt), usesMembers };
  }

  /**
   * TypeOrmGroupRepository stores `members.value` and `members.type` only: `display` is
   * computed on read and `$ref` is never stored, so a filter on them is invalidFilter there,
   * and here too. Returns whether the filter reads `members` at all.
   */
  private checkStorable(node: FilterNode, insideMembers: boolean): boolean {
    switch (node.kind) {
      case 'and':
      case 'or': {
        const l = this.checkStorable(node.left, insideMembers);
        return this.checkStorable(node.right, insideMembers) || l;
      }
      case 'not':
        return this.checkStorable(node.filter, insideMembers);
      case 'valuePath': {
        const r = resolveFilterPath(this.registry, this.rt, node.path);
        const members = !r.extension && r.attribute.name === 'members';
        return this.checkStorable(node.filter, members) || members;
      }
      case 'present':
      case 'compare': {
        if (insideMembers) {
          checkMemberSub(node.path.attr);
          return true;
        }
        const r = resolveFilterPath(this.registry, this.rt, node.path);
        if (!r.extension && r.attribute.name === 'members') {
          if (r.subAttribute) {
            checkMemberSub(r.subAttribute.name);
          }
          return true;
        }
        return false;
      }
    }
  }

  /** ORDER BY as TypeOrmGroupRepository writes it: nulls last ascending, ties in creation order. */
  private sort(rows: GroupRow[], q: ResourceQuery, key: ((v: ScimJson) => SortKey) | undefined) {
    const desc = q.sortOrder === 'descending';
    if (!key) {
      return [...rows].sort((a, b) => (desc ? b.seq - a.seq : a.seq - b.seq));
    }
    const keyed = rows.map((row) => ({ row, key: key(this.filterView(row, false)) }));
    keyed.sort((a, b) => {
      const byNull = Number(a.key === null) - Number(b.key === null);
      if (byNull !== 0) {
        return desc ? -byNull : byNull;
      }
      const byValue = a.key === null || b.key === null ? 0 : compareKeys(a.key, b.key);
      if (byValue !== 0) {
        return desc ? -byValue : byValue;
      }
      return a.row.seq - b.row.seq;
    });
    return keyed.map((k) => k.row);
  }

  private sortKey(sortBy: string): (view: ScimJson) => SortKey {
    const path = parseAttrPath(sortBy);
    const resolved = path ? this.registry.resolve(this.rt, path) : undefined;
    if (!resolved) {
      throw ScimError.invalidValue(`sortBy "${sortBy}" is not an attribute of Group`);
    }
    const def = resolved.subAttribute ?? resolved.attribute;
    if (resolved.attribute.multiValued || def.type === 'complex') {
      throw ScimError.invalidValue(`sortBy "${sortBy}" must name a singular attribute`);
    }
    return singularSortKey(resolved);
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


/** The checks TypeOrmGroupRepository makes before writing its indexed columns. */
function checkIndexedValues(resource: ScimJson): string {
  const displayName = resource.displayName;
  if (typeof displayName !== 'string' || displayName.length === 0) {
    throw ScimError.invalidValue('displayName is required');
  }
  for (const name of ['displayName', 'externalId'] as const) {
    const v = resource[name];
    if (typeof v === 'string' && [...v].length > MAX_INDEXED_LENGTH) {
      throw ScimError.invalidValue(`${name} is longer than ${MAX_INDEXED_LENGTH} characters`);
    }
  }
  return displayName;
}

function uniqueMembers(members: readonly MemberRef[]): MemberRef[] {
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

function checkDelta(d: MemberDelta): {
  replaceAll?: MemberRef[];
  add: MemberRef[];
  remove: string[];
  removeAll: boolean;
} {
  return {
    ...(d.replaceAll ? { replaceAll: uniqueMembers(d.replaceAll) } : {}),
    add: uniqueMembers(d.add),
    remove: [...new Set(d.remove)],
    removeAll: d.removeAll,
  };
}

/** The stored document: a deep copy of the resource without `members`. */
function documentOf(resource: ScimJson): ScimJson {
  const { members: _members, ...rest } = resource;
  return jsonCopy(rest);
}

function uniqueness(displayName: string): ScimError {
  return ScimError.uniqueness(`displayName "${displayName}" is already in use in this tenant`);
}
