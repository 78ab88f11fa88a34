import { DataSource, QueryRunner } from 'typeorm';
import { SqlFragment } from '../../core/filter/filter-sql.target';
import { ScimError } from '../../core/errors/scim-error';
import { NewChangeEvent, OutboxSignal, WriteEvents, documentEvent } from '../../core/ports/change-event';
import {
  NewResource,
  ResourcePage,
  ResourceQuery,
  ResourceUpdate,
  ScimJson,
  StoredResource,
} from '../../core/ports/resource.types';
import { ResourceStore } from '../../core/ports/resource.store';
import { FilterIndexes, isKeyLookup } from '../../core/filter/filter.cost';
import { SchemaRegistry } from '../../core/schema/schema.registry';
import { appendEvents } from '../repositories/typeorm-outbox.repository';
import { isUnstorableText, isValueTooLong } from '../repositories/sql-dialect';
import { dialectOf, indexPage, isUniqueViolation, keysetPage } from '../repositories/sql.util';
import { Sql, inTransaction, readCommitted, writeTransaction } from '../repositories/sql-transaction';
import { heldRow, holdingRow } from './held-rows';
import { uniqueDetailOf } from './sql-columns';
import { Adoption, RowHooks, SqlRows } from './sql-rows';
import { ExtraMultiValued, ResourceRow, SearchSql, SqlQueries, seqOf } from './sql-query';
import { MAX_ID_LENGTH, TableDescriptor } from './table-descriptor';
import { searchReads } from '../search/search-reads';

export type { ResourceRow } from './sql-query';

/** ids per IN (...) list (SQLite's default bind limit is 999) */
const IN_CHUNK = 500;

/**
 * The one SQL store of resources, on SQLite, MySQL/MariaDB or PostgreSQL, driven by a table
 * descriptor (table-descriptor.ts): Users, Groups' documents and every other resource type.
 * Reads see committed data only (readCommitted); writes run in one transaction with their
 * change events (appended to scim_outbox in the same transaction; `signal` told after commit).
 * Uniqueness clashes are 409 uniqueness, version mismatches 412, never driver errors.
 *
 * Its row writes (`rows`, sql-rows.ts) run inside a caller's transaction, so a store with
 * more tables (a group's members) composes them with its own statements.
 */
export class SqlResourceStore implements ResourceStore {
  readonly q: SqlQueries;
  /** the row writes, inside a caller's transaction */
  readonly rows: SqlRows;
  readonly filterIndexes: FilterIndexes;
  /** the attributes an `eq` finds one row at most of, with an index (SqlQueries.keyAttributes) */
  readonly keys: readonly string[];
  private lockedRead?: (tenantId: string, id: string) => SqlFragment;

  constructor(
    private readonly ds: DataSource,
    registry: SchemaRegistry,
    readonly d: TableDescriptor,
    private readonly signal?: OutboxSignal,
    extraMultiValued?: ExtraMultiValued,
  ) {
    this.q = new SqlQueries(d, dialectOf(ds), registry, registry.resourceType(d.resourceType), extraMultiValued);
    // the hooks are read when called, so that a subclass's overrides apply
    const hooks: RowHooks = {
      check: (r) => this.check(r),
      adopt: (qr, tenantId, r) => this.adopt(qr, tenantId, r),
      assignments: (r) => this.assignments(r),
      removeRow: (qr, row, soft, at) => this.removeRow(qr, row, soft, at),
    };
    this.rows = new SqlRows(this.q, hooks);
    this.filterIndexes = this.q.filterIndexes();
    this.keys = this.q.keyAttributes();
  }

  get resourceType(): string {
    return this.d.resourceType;
  }

  findById(tenantId: string, id: string): Promise<StoredResource | null> {
    return readCommitted(this.ds, async (sql) => {
      const row = await this.rowById(sql, tenantId, id);
      return row ? this.q.toStored(row) : null;
    });
  }

  /**
   * the live row with this id, on `sql` (a read or a transaction; `lock`: FOR UPDATE on MySQL
   * and PostgreSQL), or the one this transaction holds under its row lock (held-rows.ts)
   */
  async rowById(sql: Sql, tenantId: string, id: string, lock = false): Promise<ResourceRow | undefined> {
    const held = heldRow(this.d, tenantId, id);
    if (held !== undefined) {
      return held ?? undefined;
    }
    const s = this.q.byId(tenantId, id, lock);
    // the exact id: a case-insensitive collation would also match it in another letter case
    return ((await sql.query(s.sql, s.params)) as ResourceRow[]).find((r) => r.id === id);
  }

  findByIds(tenantId: string, ids: readonly string[]): Promise<StoredResource[]> {
    const unique = [...new Set(ids)].filter((id) => typeof id === 'string' && id.length <= MAX_ID_LENGTH);
    const wanted = new Set(unique);
    return readCommitted(this.ds, async (sql) => {
      const out: StoredResource[] = [];
      const live = this.q.live(tenantId);
      for (let i = 0; i < unique.length; i += IN_CHUNK) {
        const chunk = unique.slice(i, i + IN_CHUNK);
        const rows = (await sql.query(
          `${this.q.select} WHERE ${live.sql} AND r.${this.q.k.id} IN (${chunk.map(() => '?').join(', ')})`,
          [...live.params, ...chunk],
        )) as ResourceRow[];
        out.push(...rows.filter((r) => wanted.has(r.id)).map((r) => this.q.toStored(r)));
      }
      return out;
    });
  }

  /**
   * RFC 7644 §3.14 writes without If-Match: `fn` runs in a write transaction holding the
   * resource's row (FOR UPDATE on MySQL, which makes every other writer of the row wait, in this
   * process or another; SQLite's write transaction holds the whole database). The row is read
   * once, as it is locked: `fn`'s reads of it and the store's write take it from there.
   */
  withWriteLock<T>(tenantId: string, id: string, fn: () => Promise<T>): Promise<T> {
    return inTransaction(this.ds, async (qr) => {
      let row: ResourceRow | undefined;
      if (this.lockedRead) {
        const s = this.lockedRead(tenantId, id);
        row = ((await qr.query(s.sql, s.params)) as ResourceRow[]).find((r) => r.id === id);
      } else {
        row = await this.rowById(qr, tenantId, id, true);
      }
      return holdingRow(this.d, tenantId, id, row ?? null, fn);
    });
  }

  /**
   * The statement withWriteLock reads the row with instead of `q.byId(…, true)`: the same row
   * locked the same way, with more columns that other stores answer from while it is held (a
   * user's groups, read by the group store in the same statement).
   */
  readWhenLocking(read: (tenantId: string, id: string) => SqlFragment): void {
    this.lockedRead = read;
  }

  /** every statement of one search sees committed data (readForSearch) */
  async search(tenantId: string, query: ResourceQuery): Promise<ResourcePage> {
    this.checkPaging(query);
    const statements = this.q.searchSql(tenantId, query);
    return this.readForSearch(
      tenantId,
      query,
      async (sql) => (await this.searchIn(sql, statements, query)).page,
    );
  }

  /**
   * Runs the statements of a search. A look-up by a unique key (`userName eq`, `id eq`, ANDed
   * with anything: at most one row) runs at once, as a read by id does; any other search takes
   * its turn among the searches of every tenant (search-reads.ts: off the event loop on SQLite,
   * time-limited and killed when its client leaves on MySQL). Measured on SQLite: a key look-up
   * on the event loop costs ~0.03 ms, while a turn on a worker costs a round trip of the event
   * loop, and one tenant's turns are taken one at a time.
   */
  readForSearch<T>(tenantId: string, query: ResourceQuery, fn: (sql: Sql) => Promise<T>): Promise<T> {
    if (query.filter && isKeyLookup(query.filter, this.keys)) {
      return readCommitted(this.ds, fn);
    }
    return searchReads(this.ds).run(tenantId, query.signal, fn);
  }

  /**
   * The statements `search` runs. Public so that tests can EXPLAIN the exact SQL
   * (test/integration/filter-explain.int-spec.ts).
   */
  buildSearchSql(tenantId: string, query: ResourceQuery): SearchSql {
    return this.q.searchSql(tenantId, query);
  }

  /** RFC 9865 cursors are keyset positions on the auto-increment key: 400 on a table without one. */
  checkPaging(q: ResourceQuery): void {
    if (q.keyset && !this.q.k.seq) {
      throw ScimError.invalidValue(
        `Cursor paging is not supported for ${this.q.rt.name} on this server: page with startIndex and count`,
      );
    }
  }

  /** One page of a search on `sql`, with the rows (a store with more tables reads theirs). */
  async searchIn(
    sql: Sql,
    statements: SearchSql,
    q: ResourceQuery,
  ): Promise<{ page: ResourcePage; rows: ResourceRow[] }> {
    const countRows = async () =>
      Number(((await sql.query(statements.count.sql, statements.count.params)) as { n: number | string }[])[0].n);
    if (!q.keyset && q.withTotal !== false) {
      const { total, rows } = await indexPage<ResourceRow>(q, countRows, async () => {
        let page;
        try {
          page = statements.page();
        } catch (e) {
          // an unusable sortBy only matters once there is something to sort
          if ((await countRows()) === 0) {
            return [];
          }
          throw e;
        }
        return sql.query(page.sql, page.params) as Promise<ResourceRow[]>;
      });
      return { page: { total, items: rows.map((r) => this.q.toStored(r)) }, rows };
    }
    const total = q.withTotal === false ? undefined : await countRows();
    if (!q.keyset) {
      throw new Error('index paging needs the total');
    }
    const page = await keysetPage<ResourceRow>(
      async (text, params) => (await sql.query(text, params)) as ResourceRow[],
      this.q.select,
      statements.where,
      q.keyset,
      q.count,
      this.q.k.seq,
    );
    const rows = page.rows;
    return {
      page: {
        total,
        items: rows.map((r) => this.q.toStored(r)),
        ...(rows.length
          ? { keys: { first: seqOf(rows[0]), last: seqOf(rows[rows.length - 1]) } }
          : {}),
        hasNext: page.hasNext,
        hasPrevious: page.hasPrevious,
      },
      rows,
    };
  }

  async create(tenantId: string, r: NewResource, events?: WriteEvents): Promise<StoredResource> {
    return this.write(r.resource, events, async (qr) => {
      const w = await this.rows.createIn(qr, tenantId, r);
      return { result: w.stored, events: this.eventOf(events, w.stored, w.restored) };
    });
  }

  async update(tenantId: string, id: string, u: ResourceUpdate, events?: WriteEvents): Promise<StoredResource> {
    return this.write(u.resource, events, async (qr) => {
      const w = await this.rows.updateIn(qr, tenantId, id, u);
      return { result: w.stored, events: this.eventOf(events, w.stored) };
    });
  }

  async delete(tenantId: string, id: string, soft?: { at: string }, events?: WriteEvents): Promise<boolean> {
    const at = soft?.at ?? events?.origin.at ?? new Date().toISOString();
    return writeTransaction(this.ds, this.signal, events, async (qr) => {
      const gone = await this.rows.deleteIn(qr, tenantId, id, soft, at);
      if (!gone) {
        return false;
      }
      await appendEvents(
        qr,
        documentEvent(events, { tenantId, resourceType: this.d.resourceType, resourceId: id, version: gone.version }),
      );
      return true;
    });
  }

  /**
   * Runs `fn` in one write transaction with the change events it returns, mapping unique-key
   * violations to 409 uniqueness naming the attribute.
   */
  async write<T>(
    resource: ScimJson | undefined,
    events: WriteEvents | undefined,
    fn: (qr: QueryRunner) => Promise<{ result: T; events: NewChangeEvent[] }>,
  ): Promise<T> {
    try {
      return await writeTransaction(this.ds, this.signal, events, async (qr) => {
        const out = await fn(qr);
        await appendEvents(qr, out.events);
        return out.result;
      });
    } catch (e) {
      throw this.mapWriteError(e, resource ?? {});
    }
  }

  eventOf(events: WriteEvents | undefined, stored: StoredResource, restored = false): NewChangeEvent[] {
    return documentEvent(events, {
      tenantId: stored.tenantId,
      resourceType: this.d.resourceType,
      resourceId: stored.id,
      version: stored.version,
      restored,
    });
  }

  // --- Hooks: a host's table policies, overridden by a subclass (RowHooks) -----------------

  /** Checks a resource before it is written; the default takes what the descriptor checks. */
  protected check(_resource: ScimJson): void {}

  /**
   * The row a create takes over instead of inserting one: by default a tombstone of the tenant
   * matching `softDelete.restoreBy` (restored with its id). A host may link an account of its
   * own here (`restore: false`: the row takes the new SCIM id and the tenant), or refuse (409).
   */
  protected async adopt(qr: QueryRunner, tenantId: string, r: NewResource): Promise<Adoption | undefined> {
    const row = this.d.softDelete ? await this.rows.findTombstone(qr, tenantId, r.resource) : undefined;
    return row ? { row, restore: true } : undefined;
  }

  /** Assignments an UPDATE of the row's columns makes before them (they see the old values). */
  protected assignments(_resource: ScimJson): SqlFragment[] {
    return [];
  }

  /**
   * Removes the live row (RFC 7644 §3.6: it answers 404 from then on) and answers the version
   * its event carries, or undefined when it was already gone. By default a tombstone when
   * `soft` and the descriptor keeps them, else DELETE; a host may deactivate instead.
   */
  protected removeRow(qr: QueryRunner, row: ResourceRow, soft: { at: string } | undefined, _at: string): Promise<number | undefined> {
    return this.rows.remove(qr, row, soft);
  }

  mapWriteError(e: unknown, resource: ScimJson): unknown {
    if (isUniqueViolation(e)) {
      const detail = uniqueDetailOf(this.d, e instanceof Error ? e.message : '', resource);
      return ScimError.uniqueness(detail ?? 'A resource with this id already exists');
    }
    if (isValueTooLong(e)) {
      // a value the descriptor's checks did not foresee
      return ScimError.invalidValue('A value is longer than its column allows');
    }
    if (isUnstorableText(e)) {
      return ScimError.invalidValue('A value holds U+0000, which this database (PostgreSQL) cannot store');
    }
    return e;
  }
}

