import { ScimError } from '../../core/errors/scim-error';
import { FilterNode } from '../../core/filter/filter.ast';
import { createFilterMatcher, FilterPredicate } from '../../core/filter/filter.evaluator';
import { NewChangeEvent, WriteEvents, documentEvent } from '../../core/ports/change-event';
import { resolveFilterPath } from '../../core/filter/filter.validator';
import {
  NewResource,
  ResourcePage,
  ResourceQuery,
  ResourceUpdate,
  ScimJson,
  StoredResource,
} from '../../core/ports/resource.types';
import { UserRepository } from '../../core/ports/user.repository';
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

/** longest userName / externalId / displayName the TypeORM repository's indexed columns take */
const MAX_INDEXED_LENGTH = 255;

interface UserRow {
  /** creation order (the TypeORM `seq` column) */
  readonly seq: number;
  readonly id: string;
  readonly tenantId: string;
  resource: ScimJson;
  passwordHash: string | null;
  version: number;
  readonly created: string;
  lastModified: string;
  /** soft-delete tombstone; undefined/null for a live user */
  deletedAt?: string | null;
}

/** A sort key as SQL sees it: NULL, a number (numbers and booleans) or text. */
type SortKey = null | number | string;

/**
 * Users in a Map, for service tests and demos. Behaves like TypeOrmUserRepository (one shared
 * contract test: test/integration/support/user-repository.contract.ts): tenant scoping,
 * case-insensitive userName uniqueness per tenant, globally unique ids, optimistic versions,
 * filters evaluated by the core matcher, SQL-like sorting and paging. Everything going in or out
 * is a deep copy.
 */
export class InMemoryUserRepository implements UserRepository {
  private readonly rows = new Map<string, UserRow>();
  private readonly rt: ResourceTypeDefinition;
  private seq = 0;
  /** Test helper (not part of the port): the change events the writes recorded, in order. */
  readonly outbox: NewChangeEvent[] = [];
  private readonly locks = new KeyedLock();

  constructor(private readonly registry: SchemaRegistry) {
    this.rt = registry.resourceType('User');
  }

  async findById(tenantId: string, id: string): Promise<StoredResource | null> {
    const row = this.row(tenantId, id);
    return row ? toStored(row) : null;
  }

  async findByIds(tenantId: string, ids: readonly string[]): Promise<StoredResource[]> {
    const out: StoredResource[] = [];
    for (const id of new Set(ids)) {
      const row = this.row(tenantId, id);
      if (row) {
        out.push(toStored(row));
      }
    }
    return out;
  }

  withWriteLock<T>(tenantId: string, id: string, fn: () => Promise<T>): Promise<T> {
    return this.locks.run(`${tenantId}\u0000${id}`, fn);
  }

  async search(tenantId: string, q: ResourceQuery): Promise<ResourcePage> {
    const matches = q.filter ? this.matcher(q.filter) : () => true;
    const hits = [...this.rows.values()].filter(
      (r) => r.tenantId === tenantId && !r.deletedAt && matches(filterView(r)),
    );
    const total = q.withTotal === false ? undefined : hits.length;
    if (q.keyset) {
      const page = keysetSlice(hits, q.keyset, q.count);
      return {
        total,
        items: page.rows.map(toStored),
        ...(page.rows.length
          ? { keys: { first: String(page.rows[0].seq), last: String(page.rows[page.rows.length - 1].seq) } }
          : {}),
        hasNext: page.hasNext,
        hasPrevious: page.hasPrevious,
      };
    }
    if (q.count === 0 || hits.length === 0 || q.startIndex > hits.length) {
      return { total, items: [] };
    }
    const sorted = this.sort(hits, q);
    const from = Math.max(0, q.startIndex - 1);
    return { total, items: sorted.slice(from, from + q.count).map(toStored) };
  }

  async create(tenantId: string, user: NewResource, events?: WriteEvents): Promise<StoredResource> {
    const userName = checkIndexedValues(user.resource);
    const externalId = typeof user.resource.externalId === 'string' ? user.resource.externalId : null;
    const tombstone = [...this.rows.values()]
      .filter(
        (r) =>
          r.tenantId === tenantId &&
          r.deletedAt &&
          ((r.resource.userName as string).toLowerCase() === userName.toLowerCase() ||
            (externalId !== null && r.resource.externalId === externalId)),
      )
      .sort((a, b) => b.seq - a.seq)[0];
    if (tombstone) {
      if (this.userNameTaken(tenantId, userName, tombstone.id)) {
        throw uniqueness(userName);
      }
      tombstone.deletedAt = null;
      tombstone.resource = jsonCopy(user.resource);
      tombstone.passwordHash = user.passwordHash ?? null;
      tombstone.version += 1;
      tombstone.lastModified = user.created;
      this.record(events, tombstone, true);
      return toStored(tombstone);
    }
    if (this.rows.has(user.id) || this.userNameTaken(tenantId, userName, undefined)) {
      throw uniqueness(userName);
    }
    const row: UserRow = {
      seq: ++this.seq,
      id: user.id,
      tenantId,
      resource: jsonCopy(user.resource),
      passwordHash: user.passwordHash ?? null,
      version: 1,
      created: user.created,
      lastModified: user.created,
    };
    this.rows.set(row.id, row);
    this.record(events, row);
    return toStored(row);
  }

  async update(
    tenantId: string,
    id: string,
    u: ResourceUpdate,
    events?: WriteEvents,
  ): Promise<StoredResource> {
    const userName = checkIndexedValues(u.resource);
    const row = this.row(tenantId, id);
    if (!row) {
      throw ScimError.notFound(`User ${id} not found`);
    }
    if (row.version !== u.expectedVersion) {
      throw ScimError.preconditionFailed(
        `User ${id} was modified concurrently (version ${row.version}, expected ${u.expectedVersion})`,
      );
    }
    if (this.userNameTaken(tenantId, userName, id)) {
      throw uniqueness(userName);
    }
    row.resource = jsonCopy(u.resource);
    row.version += 1;
    row.lastModified = u.lastModified;
    if (u.passwordHash !== undefined) {
      row.passwordHash = u.passwordHash;
    }
    this.record(events, row);
    return toStored(row);
  }

  async delete(
    tenantId: string,
    id: string,
    soft?: { at: string },
    events?: WriteEvents,
  ): Promise<boolean> {
    const row = this.row(tenantId, id);
    if (!row) {
      return false;
    }
    if (soft) {
      row.deletedAt = soft.at;
      row.version += 1;
      row.lastModified = soft.at;
    } else {
      this.rows.delete(id);
    }
    this.record(events, row);
    return true;
  }

  /** the write's change event, as TypeOrmUserRepository appends it to scim_outbox */
  private record(events: WriteEvents | undefined, row: UserRow, restored = false): void {
    this.outbox.push(
      ...documentEvent(events, {
        tenantId: row.tenantId,
        resourceType: 'User',
        resourceId: row.id,
        version: row.version,
        restored,
      }),
    );
  }

  /** Test helper (not part of the port): the stored password hash, or null. */
  passwordHashOf(tenantId: string, id: string): string | null | undefined {
    return this.row(tenantId, id)?.passwordHash;
  }

  /** Test helper (not part of the port): a deep copy of every stored row, for assertions. */
  dump(): Array<StoredResource & { passwordHash: string | null }> {
    return [...this.rows.values()].map((r) => ({ ...toStored(r), passwordHash: r.passwordHash }));
  }

  /** a live (not soft-deleted) row of the tenant */
  private row(tenantId: string, id: string): UserRow | undefined {
    const row = this.rows.get(id);
    return row && row.tenantId === tenantId && !row.deletedAt ? row : undefined;
  }

  private userNameTaken(tenantId: string, userName: string, self: string | undefined): boolean {
    const key = userName.toLowerCase();
    for (const r of this.rows.values()) {
      if (
        r.tenantId === tenantId &&
        r.id !== self &&
        (r.resource.userName as string).toLowerCase() === key
      ) {
        return true;
      }
    }
    return false;
  }

  private matcher(filter: FilterNode): FilterPredicate {
    this.checkStorable(filter);
    return createFilterMatcher(filter, this.registry, this.rt);
  }

  /**
   * The TypeORM repository keeps only the core schema's writable multi-valued attributes in
   * child rows; a filter on any other multi-valued attribute (readOnly `groups`, or one of an
   * extension) is invalidFilter there, so it is here too.
   */
  private checkStorable(node: FilterNode): void {
    switch (node.kind) {
      case 'and':
      case 'or':
        this.checkStorable(node.left);
        this.checkStorable(node.right);
        return;
      case 'not':
        this.checkStorable(node.filter);
        return;
      case 'valuePath':
      case 'present':
      case 'compare': {
        const r = resolveFilterPath(this.registry, this.rt, node.path);
        if (r.attribute.multiValued && (r.extension || r.attribute.mutability === 'readOnly')) {
          throw ScimError.invalidFilter(`Attribute "${r.attribute.name}" cannot be filtered`);
        }
      }
    }
  }

  /** ORDER BY as TypeOrmUserRepository writes it: nulls last ascending, ties in creation order. */
  private sort(rows: UserRow[], q: ResourceQuery): UserRow[] {
    const desc = q.sortOrder === 'descending';
    if (!q.sortBy) {
      return [...rows].sort((a, b) => (desc ? b.seq - a.seq : a.seq - b.seq));
    }
    const key = this.sortKey(q.sortBy);
    const keyed = rows.map((row) => ({ row, key: key(filterView(row)) }));
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
      throw ScimError.invalidValue(`sortBy "${sortBy}" is not an attribute of User`);
    }
    if (
      resolved.attribute.multiValued &&
      !resolved.extension &&
      resolved.attribute.mutability !== 'readOnly' &&
      resolved.attribute.type === 'complex'
    ) {
      // RFC 7644 §3.4.2.3: a multi-valued attribute sorts by its primary (else first) value
      if (resolved.subAttribute && resolved.subAttribute.name !== 'value') {
        throw ScimError.invalidValue(`sortBy on "${resolved.attribute.name}" sorts by its primary value`);
      }
      const valueDef = resolved.attribute.subAttributes?.find((s) => s.name === 'value');
      if (!valueDef) {
        throw ScimError.invalidValue(`sortBy "${resolved.attribute.name}" has no value to sort by`);
      }
      return (view) => {
        const list = view[resolved.attribute.name];
        if (!Array.isArray(list) || !list.length) {
          return null;
        }
        const el = (list.find((e) => isObject(e) && e.primary === true) ?? list[0]) as ScimJson;
        const v = isObject(el) ? el.value : undefined;
        return typeof v === 'string' ? (valueDef.caseExact ? v : v.toLowerCase()) : null;
      };
    }
    const def = resolved.subAttribute ?? resolved.attribute;
    if (resolved.attribute.multiValued || def.type === 'complex') {
      throw ScimError.invalidValue(`sortBy "${sortBy}" must name a singular attribute`);
    }
    return singularSortKey(resolved);
  }
}

/**
 * What filters and sortBy see: the document plus the server-managed id and meta (as rendered,
 * but without `location`, which depends on the request's base URL).
 */
function filterView(row: UserRow): ScimJson {
  return {
    ...row.resource,
    id: row.id,
    meta: {
      resourceType: 'User',
      created: row.created,
      lastModified: row.lastModified,
      version: `W/"${row.version}"`,
    },
  };
}


/** The checks TypeOrmUserRepository makes before writing its indexed columns. */
function checkIndexedValues(resource: ScimJson): string {
  const userName = resource.userName;
  if (typeof userName !== 'string' || userName.length === 0) {
    throw ScimError.invalidValue('userName is required');
  }
  for (const name of ['userName', 'externalId', 'displayName'] as const) {
    const v = resource[name];
    if (typeof v === 'string' && [...v].length > MAX_INDEXED_LENGTH) {
      throw ScimError.invalidValue(`${name} is longer than ${MAX_INDEXED_LENGTH} characters`);
    }
  }
  return userName;
}

function uniqueness(userName: string): ScimError {
  return ScimError.uniqueness(`userName "${userName}" is already in use in this tenant`);
}

function toStored(row: UserRow): StoredResource {
  return {
    id: row.id,
    tenantId: row.tenantId,
    resource: jsonCopy(row.resource),
    version: row.version,
    created: row.created,
    lastModified: row.lastModified,
  };
}
