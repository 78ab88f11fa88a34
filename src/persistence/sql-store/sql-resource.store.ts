import { DataSource, QueryRunner } from 'typeorm';
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
import { SchemaRegistry } from '../../core/schema/schema.registry';
import { appendEvents } from '../repositories/typeorm-outbox.repository';
import { affected, dialectOf, indexPage, insertId, isUniqueViolation, keysetPage } from '../repositories/sql.util';
import { Sql, readCommitted, withRowLock, writeTransaction } from '../repositories/sql-transaction';
import { uniqueAttributeOf } from './sql-columns';
import { SqlRows } from './sql-rows';
import { ExtraMultiValued, SearchSql, SqlQueries } from './sql-query';
import { MAX_ID_LENGTH, TableDescriptor } from './table-descriptor';

/** A resource row as every descriptor-driven table has it. */
export interface ResourceRow {
  seq: string | number;
  id: string;
  tenant_id: string;
  doc: string;
  version: number | string;
  created: string;
  last_modified: string;
}

/** ids per IN (...) list (SQLite's default bind limit is 999) */
const IN_CHUNK = 500;

/**
 * The one SQL store of resources, on SQLite or MySQL/MariaDB, driven by a table descriptor
 * (table-descriptor.ts): Users, Groups' documents and every other resource type. Reads see
 * committed data only (readCommitted); writes run in one transaction with their change events
 * (appended to scim_outbox in the same transaction; `signal` told after commit). Uniqueness
 * clashes are 409 uniqueness, version mismatches 412, never driver errors.
 *
 * Its row writes (`rows`, sql-rows.ts) run inside a caller's transaction, so a store with
 * more tables (a group's members) composes them with its own statements.
 */
export class SqlResourceStore implements ResourceStore {
  readonly q: SqlQueries;
  /** the row writes, inside a caller's transaction */
  readonly rows: SqlRows;

  constructor(
    private readonly ds: DataSource,
    registry: SchemaRegistry,
    readonly d: TableDescriptor,
    private readonly signal?: OutboxSignal,
    extraMultiValued?: ExtraMultiValued,
  ) {
    this.q = new SqlQueries(d, dialectOf(ds), registry, registry.resourceType(d.resourceType), extraMultiValued);
    this.rows = new SqlRows(this.q);
  }

  get resourceType(): string {
    return this.d.resourceType;
  }

  findById(tenantId: string, id: string): Promise<StoredResource | null> {
    return readCommitted(this.ds, async (sql) => {
      const row = await this.rowById(sql, tenantId, id);
      return row ? toStored(row) : null;
    });
  }

  /** the live row with this id, on `sql` (a read or a transaction) */
  async rowById(sql: Sql, tenantId: string, id: string): Promise<ResourceRow | undefined> {
    const s = this.q.byId(tenantId, id, 'r.seq, r.id, r.tenant_id, r.doc, r.version, r.created, r.last_modified', false);
    return ((await sql.query(s.sql, s.params)) as ResourceRow[])[0];
  }

  findByIds(tenantId: string, ids: readonly string[]): Promise<StoredResource[]> {
    const unique = [...new Set(ids)].filter((id) => typeof id === 'string' && id.length <= MAX_ID_LENGTH);
    return readCommitted(this.ds, async (sql) => {
      const out: StoredResource[] = [];
      const live = this.q.live(tenantId);
      for (let i = 0; i < unique.length; i += IN_CHUNK) {
        const chunk = unique.slice(i, i + IN_CHUNK);
        const rows = (await sql.query(
          `${this.q.select} WHERE ${live.sql} AND r.id IN (${chunk.map(() => '?').join(', ')})`,
          [...live.params, ...chunk],
        )) as ResourceRow[];
        out.push(...rows.map(toStored));
      }
      return out;
    });
  }

  /** RFC 7644 §3.14 writes without If-Match: the resource's row is locked (sql-transaction.ts) */
  withWriteLock<T>(tenantId: string, id: string, fn: () => Promise<T>): Promise<T> {
    return withRowLock(this.ds, `SELECT r.seq FROM ${this.d.table} r WHERE r.id = ? AND r.tenant_id = ?`, [id, tenantId], fn);
  }

  /** every statement of one search sees committed data, and the same data (readCommitted) */
  async search(tenantId: string, query: ResourceQuery): Promise<ResourcePage> {
    const statements = this.q.searchSql(tenantId, query);
    return readCommitted(this.ds, async (sql) => (await this.searchIn(sql, statements, query)).page);
  }

  /**
   * The statements `search` runs. Public so that tests can EXPLAIN the exact SQL
   * (test/integration/filter-explain.int-spec.ts).
   */
  buildSearchSql(tenantId: string, query: ResourceQuery): SearchSql {
    return this.q.searchSql(tenantId, query);
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
      return { page: { total, items: rows.map(toStored) }, rows };
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
    );
    const rows = page.rows;
    return {
      page: {
        total,
        items: rows.map(toStored),
        ...(rows.length ? { keys: { first: String(rows[0].seq), last: String(rows[rows.length - 1].seq) } } : {}),
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
    return writeTransaction(this.ds, this.signal, events, async (qr) => {
      const gone = await this.rows.deleteIn(qr, tenantId, id, soft);
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

  mapWriteError(e: unknown, resource: ScimJson): unknown {
    if (isUniqueViolation(e)) {
      const msg = e instanceof Error ? e.message : '';
      const what = uniqueAttributeOf(this.d, msg, resource);
      return what
        ? ScimError.uniqueness(`${what} is already in use in this tenant`)
        : ScimError.uniqueness('A resource with this id already exists');
    }
    const errno = (e as { driverError?: { errno?: number } })?.driverError?.errno;
    if (errno === 1406) {
      // ER_DATA_TOO_LONG: a value the descriptor's checks did not foresee
      return ScimError.invalidValue('A value is longer than its column allows');
    }
    return e;
  }
}

export function toStored(row: ResourceRow): StoredResource {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    resource: JSON.parse(row.doc) as ScimJson,
    version: Number(row.version),
    created: row.created,
    lastModified: row.last_modified,
  };
}
