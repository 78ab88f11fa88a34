import { ScimError } from '../../core/errors/scim-error';
import { FilterNode } from '../../core/filter/filter.ast';
import { createFilterMatcher, FilterPredicate } from '../../core/filter/filter.evaluator';
import { resolveFilterPath } from '../../core/filter/filter.validator';
import { NewChangeEvent, WriteEvents, documentEvent } from '../../core/ports/change-event';
import { ResourceStore } from '../../core/ports/resource.store';
import {
  NewResource,
  ResourcePage,
  ResourceQuery,
  ResourceUpdate,
  ScimJson,
  StoredResource,
} from '../../core/ports/resource.types';
import { parseAttrPath } from '../../core/schema/attr-path';
import { ResolvedAttribute, SchemaRegistry } from '../../core/schema/schema.registry';
import { ResourceTypeDefinition } from '../../core/schema/schema.types';
import { TableDescriptor, checkedColumns } from '../sql-store/table-descriptor';
import { isObject, jsonCopy, keysetSlice, singularSortKey, sortRows } from './in-memory-store.util';
import { KeyedLock } from './keyed-lock';

export interface MemoryRow {
  /** creation order (the SQL `seq` column) */
  readonly seq: number;
  readonly id: string;
  readonly tenantId: string;
  /** the document, without the attributes the descriptor keeps elsewhere */
  resource: ScimJson;
  passwordHash: string | null;
  version: number;
  readonly created: string;
  lastModified: string;
  /** soft-delete tombstone; null for a live resource */
  deletedAt: string | null;
}

/** A sort key as SQL sees it: NULL, a number (numbers and booleans) or text. */
type SortKey = null | number | string;

/**
 * The one in-memory store, driven by the same table descriptor as the SQL store and giving the
 * same answers (the shared contract tests in test/integration/support/ run on both): tenant
 * scoping, unique columns (case-insensitive where the descriptor keeps a lower-cased copy),
 * globally unique ids, optimistic versions, soft delete with restore, filters evaluated by the
 * core's evaluator and refused where SQL cannot run them, SQL-like sorting and paging.
 * Everything going in or out is a deep copy. For service tests, demos and embedding without a
 * database.
 */
export class InMemoryResourceStore implements ResourceStore {
  protected readonly rows = new Map<string, MemoryRow>();
  protected readonly rt: ResourceTypeDefinition;
  private seq = 0;
  /** Test helper (not part of the port): the change events the writes recorded, in order. */
  readonly outbox: NewChangeEvent[] = [];
  private readonly locks = new KeyedLock();

  constructor(
    protected readonly registry: SchemaRegistry,
    readonly d: TableDescriptor,
  ) {
    this.rt = registry.resourceType(d.resourceType);
  }

  async findById(tenantId: string, id: string): Promise<StoredResource | null> {
    const row = this.row(tenantId, id);
    return row ? toStored(row) : null;
  }

  async findByIds(tenantId: string, ids: readonly string[]): Promise<StoredResource[]> {
    return [...new Set(ids)].flatMap((id) => {
      const row = this.row(tenantId, id);
      return row ? [toStored(row)] : [];
    });
  }

  withWriteLock<T>(tenantId: string, id: string, fn: () => Promise<T>): Promise<T> {
    return this.locks.run(`${tenantId}\u0000${id}`, fn);
  }

  async search(tenantId: string, q: ResourceQuery): Promise<ResourcePage> {
    const { rows, ...page } = this.searchRows(tenantId, q, (row) => this.filterView(row));
    return { ...page, items: rows.map(toStored) };
  }

  /**
   * One page of live rows of the tenant; `view` is what the filter sees of a row (a store with
   * more data, such as a group's members, adds it).
   */
  protected searchRows(
    tenantId: string,
    q: ResourceQuery,
    view: (row: MemoryRow) => ScimJson,
  ): Omit<ResourcePage, 'items'> & { rows: MemoryRow[] } {
    const matches = q.filter ? this.matcher(q.filter) : () => true;
    const hits = [...this.rows.values()].filter(
      (r) => r.tenantId === tenantId && !r.deletedAt && matches(view(r)),
    );
    const total = q.withTotal === false ? undefined : hits.length;
    if (q.keyset) {
      const page = keysetSlice(hits, q.keyset, q.count);
      return {
        total,
        rows: page.rows,
        ...(page.rows.length
          ? { keys: { first: String(page.rows[0].seq), last: String(page.rows[page.rows.length - 1].seq) } }
          : {}),
        hasNext: page.hasNext,
        hasPrevious: page.hasPrevious,
      };
    }
    if (q.count === 0 || hits.length === 0 || q.startIndex > hits.length) {
      return { total, rows: [] };
    }
    const from = Math.max(0, q.startIndex - 1);
    // an unusable sortBy only matters once there is something to sort (as in SQL)
    const key = q.sortBy ? this.sortKey(q.sortBy) : undefined;
    return { total, rows: this.sort(hits, q, key).slice(from, from + q.count) };
  }

  async create(tenantId: string, r: NewResource, events?: WriteEvents): Promise<StoredResource> {
    return toStored(this.createRow(tenantId, r, events).row);
  }

  /** Inserts the resource, or brings back a tombstone it matches (softDelete.restoreBy). */
  protected createRow(tenantId: string, r: NewResource, events?: WriteEvents): { row: MemoryRow; restored: boolean } {
    const values = checkedColumns(this.d, r.resource);
    const tombstone = this.tombstoneFor(tenantId, r.resource);
    if (tombstone) {
      this.checkUnique(tenantId, values, tombstone.id);
      tombstone.deletedAt = null;
      tombstone.resource = this.document(r.resource);
      tombstone.passwordHash = r.passwordHash ?? null;
      tombstone.version += 1;
      tombstone.lastModified = r.created;
      this.record(events, tombstone, true);
      return { row: tombstone, restored: true };
    }
    if (this.rows.has(r.id)) {
      throw ScimError.uniqueness('A resource with this id already exists');
    }
    this.checkUnique(tenantId, values, undefined);
    const row: MemoryRow = {
      seq: ++this.seq,
      id: r.id,
      tenantId,
      resource: this.document(r.resource),
      passwordHash: r.passwordHash ?? null,
      version: 1,
      created: r.created,
      lastModified: r.created,
      deletedAt: null,
    };
    this.rows.set(row.id, row);
    this.record(events, row);
    return { row, restored: false };
  }

  async update(tenantId: string, id: string, u: ResourceUpdate, events?: WriteEvents): Promise<StoredResource> {
    return toStored(this.updateRow(tenantId, id, u, events));
  }

  /** Writes the document (checked against expectedVersion when given) or only bumps the version. */
  protected updateRow(
    tenantId: string,
    id: string,
    u: { resource?: ScimJson; expectedVersion?: number; lastModified: string; passwordHash?: string },
    events?: WriteEvents,
  ): MemoryRow {
    const values = u.resource ? checkedColumns(this.d, u.resource) : undefined;
    const row = this.row(tenantId, id);
    if (!row) {
      throw ScimError.notFound(`${this.d.resourceType} ${id} not found`);
    }
    if (u.expectedVersion !== undefined && row.version !== u.expectedVersion) {
      throw ScimError.preconditionFailed(
        `${this.d.resourceType} ${id} was modified concurrently (version ${row.version}, expected ${u.expectedVersion})`,
      );
    }
    if (u.resource && values) {
      this.checkUnique(tenantId, values, id);
      row.resource = this.document(u.resource);
    }
    row.version += 1;
    row.lastModified = u.lastModified;
    if (u.passwordHash !== undefined) {
      row.passwordHash = u.passwordHash;
    }
    this.record(events, row);
    return row;
  }

  async delete(tenantId: string, id: string, soft?: { at: string }, events?: WriteEvents): Promise<boolean> {
    const row = this.row(tenantId, id);
    if (!row) {
      return false;
    }
    if (soft && this.d.softDelete) {
      row.deletedAt = soft.at;
      row.version += 1;
      row.lastModified = soft.at;
    } else {
      this.rows.delete(id);
    }
    this.record(events, row);
    return true;
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
  protected row(tenantId: string, id: string): MemoryRow | undefined {
    const row = this.rows.get(id);
    return row && row.tenantId === tenantId && !row.deletedAt ? row : undefined;
  }

  /** the write's change event, as the SQL store appends it to scim_outbox */
  protected record(events: WriteEvents | undefined, row: MemoryRow, restored = false): void {
    this.outbox.push(
      ...documentEvent(events, {
        tenantId: row.tenantId,
        resourceType: this.d.resourceType,
        resourceId: row.id,
        version: row.version,
        restored,
      }),
    );
  }

  /**
   * What filters and sortBy see: the document plus the server-managed id and meta (as
   * rendered, but without `location`, which depends on the request's base URL).
   */
  protected filterView(row: MemoryRow): ScimJson {
    return {
      ...row.resource,
      id: row.id,
      meta: {
        resourceType: this.d.resourceType,
        created: row.created,
        lastModified: row.lastModified,
        version: `W/"${row.version}"`,
      },
    };
  }

  private document(resource: ScimJson): ScimJson {
    const copy = jsonCopy(resource);
    for (const k of this.d.notInDocument ?? []) {
      delete copy[k];
    }
    return copy;
  }

  /** A unique column's value held by another row of the tenant (tombstones included, as in SQL). */
  private checkUnique(tenantId: string, values: ReturnType<typeof checkedColumns>, self: string | undefined): void {
    for (const { c, value } of values) {
      if (!c.unique || typeof value !== 'string') {
        continue;
      }
      const key = c.ciColumn ? value.toLowerCase() : value;
      for (const r of this.rows.values()) {
        const other = r.resource[c.attribute];
        if (r.tenantId === tenantId && r.id !== self && typeof other === 'string') {
          if ((c.ciColumn ? other.toLowerCase() : other) === key) {
            throw ScimError.uniqueness(`${c.attribute} "${value}" is already in use in this tenant`);
          }
        }
      }
    }
  }

  private tombstoneFor(tenantId: string, resource: ScimJson): MemoryRow | undefined {
    if (!this.d.softDelete) {
      return undefined;
    }
    const same = (row: MemoryRow, attribute: string): boolean => {
      const c = this.d.columns.find((x) => x.attribute === attribute);
      const a = row.resource[attribute];
      const b = resource[attribute];
      if (!c || typeof a !== 'string' || typeof b !== 'string') {
        return false;
      }
      return c.ciColumn ? a.toLowerCase() === b.toLowerCase() : a === b;
    };
    return [...this.rows.values()]
      .filter((r) => r.tenantId === tenantId && r.deletedAt && this.d.softDelete!.restoreBy.some((a) => same(r, a)))
      .sort((a, b) => b.seq - a.seq)[0];
  }

  /** the multi-valued attributes the SQL store keeps as child rows, so filters and sorts reach */
  private isStoredMultiValued(r: ResolvedAttribute): boolean {
    return (
      this.d.valuesTable !== undefined &&
      !r.extension &&
      r.attribute.multiValued &&
      r.attribute.type === 'complex' &&
      r.attribute.mutability !== 'readOnly'
    );
  }

  private matcher(filter: FilterNode): FilterPredicate {
    this.checkStorable(filter);
    return createFilterMatcher(filter, this.registry, this.rt);
  }

  /**
   * The SQL store keeps only the descriptor's child rows of multi-valued attributes; a filter
   * on any other multi-valued attribute is invalidFilter there, so it is here too (a store
   * with more tables, a group's members, checks its own first).
   */
  protected checkStorable(node: FilterNode): void {
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
        if (r.attribute.multiValued && !this.isStoredMultiValued(r) && !this.d.notInDocument?.includes(r.attribute.name)) {
          throw ScimError.invalidFilter(`Attribute "${r.attribute.name}" cannot be filtered`);
        }
      }
    }
  }

  /** ORDER BY as the SQL store writes it: nulls last ascending, ties in creation order. */
  protected sort(rows: MemoryRow[], q: ResourceQuery, key: ((view: ScimJson) => SortKey) | undefined): MemoryRow[] {
    return sortRows(rows, q.sortOrder === 'descending', key && ((row) => key(this.filterView(row))));
  }

  protected sortKey(sortBy: string): (view: ScimJson) => SortKey {
    const path = parseAttrPath(sortBy);
    const resolved = path ? this.registry.resolve(this.rt, path) : undefined;
    if (!resolved) {
      throw ScimError.invalidValue(`sortBy "${sortBy}" is not an attribute of ${this.rt.name}`);
    }
    if (this.isStoredMultiValued(resolved)) {
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

export function toStored(row: MemoryRow): StoredResource {
  return {
    id: row.id,
    tenantId: row.tenantId,
    resource: jsonCopy(row.resource),
    version: row.version,
    created: row.created,
    lastModified: row.lastModified,
  };
}
