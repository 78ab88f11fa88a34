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
import { columnValues, documentOf, uniqueAttributeOf, writeValues } from './sql-columns';
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

/** A write of the document inside a transaction: the stored result and the row's key. */
export interface RowWrite {
  readonly stored: StoredResource;
  readonly seq: string;
  /** create only: a tombstone was brought back */
  readonly restored?: boolean;
}

/** What updateIn changes: the document (checked against expectedVersion) or only the version. */
export interface RowUpdate {
  readonly resource?: ScimJson;
  readonly expectedVersion?: number;
  readonly lastModified: string;
  readonly passwordHash?: string;
}

/**
 * The one SQL store of resources, on SQLite or MySQL/MariaDB, driven by a table descriptor
 * (table-descriptor.ts): Users, Groups' documents and every other resource type. Reads see
 * committed data only (readCommitted); writes run in one transaction with their change events
 * (appended to scim_outbox in the same transaction; `signal` told after commit). Uniqueness
 * clashes are 409 uniqueness, version mismatches 412, never driver errors.
 *
 * The `...In` methods run inside a caller's transaction, so a store with more tables (a
 * group's members) composes them with its own statements.
 */
export class SqlResourceStore implements ResourceStore {
  readonly q: SqlQueries;

  constructor(
    private readonly ds: DataSource,
    registry: SchemaRegistry,
    readonly d: TableDescriptor,
    private readonly signal?: OutboxSignal,
    extraMultiValued?: ExtraMultiValued,
  ) {
    this.q = new SqlQueries(d, dialectOf(ds), registry, registry.resourceType(d.resourceType), extraMultiValued);
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
      const w = await this.createIn(qr, tenantId, r);
      return { result: w.stored, events: this.eventOf(events, w.stored, w.restored) };
    });
  }

  async update(tenantId: string, id: string, u: ResourceUpdate, events?: WriteEvents): Promise<StoredResource> {
    return this.write(u.resource, events, async (qr) => {
      const w = await this.updateIn(qr, tenantId, id, u);
      return { result: w.stored, events: this.eventOf(events, w.stored) };
    });
  }

  async delete(tenantId: string, id: string, soft?: { at: string }, events?: WriteEvents): Promise<boolean> {
    return writeTransaction(this.ds, this.signal, events, async (qr) => {
      const gone = await this.deleteIn(qr, tenantId, id, soft);
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

  /** Inserts the resource, or brings back a tombstone it matches (softDelete.restoreBy). */
  async createIn(qr: QueryRunner, tenantId: string, r: NewResource): Promise<RowWrite> {
    const cols = columnValues(this.d, r.resource);
    const kept = documentOf(this.d, r.resource);
    const doc = JSON.stringify(kept);
    const tombstone = this.d.softDelete ? await this.findTombstone(qr, tenantId, r.resource) : undefined;
    if (tombstone) {
      const version = Number(tombstone.version) + 1;
      await this.setRow(qr, tombstone.seq, cols, doc, r.created, r.passwordHash ?? null, {
        version,
        revive: true,
      });
      await this.writeValues(qr, tenantId, String(tombstone.seq), r.resource, JSON.parse(tombstone.doc) as ScimJson);
      const stored = this.stored(tenantId, tombstone.id, kept, version, tombstone.created, r.created);
      return { stored, seq: String(tombstone.seq), restored: true };
    }
    const names = ['id', 'tenant_id', ...(this.d.typeColumn ? [this.d.typeColumn] : []), ...cols.names, 'doc'];
    const values = [r.id, tenantId, ...(this.d.typeColumn ? [this.d.resourceType] : []), ...cols.values, doc];
    if (this.d.passwordColumn) {
      names.push(this.d.passwordColumn);
      values.push(r.passwordHash ?? null);
    }
    names.push('version', 'created', 'last_modified');
    values.push(1, r.created, r.created);
    const res = await qr.query(
      `INSERT INTO ${this.d.table} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`,
      values,
      true,
    );
    const seq = insertId(res);
    await this.writeValues(qr, tenantId, seq, r.resource, undefined);
    return { stored: this.stored(tenantId, r.id, kept, 1, r.created, r.created), seq };
  }

  /**
   * Locks the live row (MySQL FOR UPDATE; SQLite transactions are queued), checks the version
   * when `expectedVersion` is given, writes the document (or, without one, only bumps the
   * version) and returns the new state.
   */
  async updateIn(qr: QueryRunner, tenantId: string, id: string, u: RowUpdate): Promise<RowWrite> {
    const cols = u.resource ? columnValues(this.d, u.resource) : undefined;
    const s = this.q.byId(tenantId, id, 'r.seq, r.id, r.tenant_id, r.doc, r.version, r.created, r.last_modified', true);
    const row = ((await qr.query(s.sql, s.params)) as ResourceRow[])[0];
    if (!row) {
      throw ScimError.notFound(`${this.d.resourceType} ${id} not found`);
    }
    if (u.expectedVersion !== undefined && Number(row.version) !== u.expectedVersion) {
      throw ScimError.preconditionFailed(
        `${this.d.resourceType} ${id} was modified concurrently (version ${row.version}, expected ${u.expectedVersion})`,
      );
    }
    const version = Number(row.version) + 1;
    if (!u.resource || !cols) {
      await qr.query(`UPDATE ${this.d.table} SET version = ?, last_modified = ? WHERE seq = ?`, [
        version,
        u.lastModified,
        row.seq,
      ]);
      return { stored: this.stored(tenantId, id, row.doc, version, row.created, u.lastModified), seq: String(row.seq) };
    }
    const kept = documentOf(this.d, u.resource);
    const doc = JSON.stringify(kept);
    const res = await this.setRow(qr, row.seq, cols, doc, u.lastModified, u.passwordHash, {
      version,
      expected: Number(row.version),
    });
    if (affected(res) !== 1) {
      throw ScimError.preconditionFailed(`${this.d.resourceType} ${id} was modified concurrently`);
    }
    await this.writeValues(qr, tenantId, String(row.seq), u.resource, JSON.parse(row.doc) as ScimJson);
    return { stored: this.stored(tenantId, id, kept, version, row.created, u.lastModified), seq: String(row.seq) };
  }

  /**
   * Deletes the live row (or leaves a tombstone, RFC 7644 §3.6: it then answers 404 like a
   * deleted one): its key and the version its event carries (a soft delete bumps it).
   */
  async deleteIn(
    qr: QueryRunner,
    tenantId: string,
    id: string,
    soft?: { at: string },
  ): Promise<{ seq: string; version: number } | undefined> {
    const s = this.q.byId(tenantId, id, 'r.seq, r.version', true);
    const row = ((await qr.query(s.sql, s.params)) as Pick<ResourceRow, 'seq' | 'version'>[])[0];
    if (!row) {
      return undefined;
    }
    const res =
      soft && this.d.softDelete
        ? await qr.query(
            `UPDATE ${this.d.table} SET deleted_at = ?, version = version + 1, last_modified = ?
             WHERE seq = ? AND deleted_at IS NULL`,
            [soft.at, soft.at, row.seq],
            true,
          )
        : await qr.query(`DELETE FROM ${this.d.table} WHERE seq = ?`, [row.seq], true);
    if (affected(res as { affected?: number }) === 0) {
      return undefined;
    }
    return { seq: String(row.seq), version: Number(row.version) + (soft && this.d.softDelete ? 1 : 0) };
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

  private async setRow(
    qr: QueryRunner,
    seq: string | number,
    cols: { names: readonly string[]; values: readonly unknown[] },
    doc: string,
    lastModified: string,
    passwordHash: string | null | undefined,
    opts: { version: number; expected?: number; revive?: boolean },
  ) {
    const sets = [...cols.names.map((n) => `${n} = ?`), 'doc = ?', 'version = ?', 'last_modified = ?'];
    const params: unknown[] = [...cols.values, doc, opts.version, lastModified];
    if (this.d.passwordColumn && passwordHash !== undefined) {
      sets.push(`${this.d.passwordColumn} = ?`);
      params.push(passwordHash);
    }
    if (opts.revive) {
      sets.push('deleted_at = NULL');
    }
    const versionCheck = opts.expected !== undefined ? ' AND version = ?' : '';
    return qr.query(
      `UPDATE ${this.d.table} SET ${sets.join(', ')} WHERE seq = ?${versionCheck}`,
      [...params, seq, ...(opts.expected !== undefined ? [opts.expected] : [])],
      true,
    );
  }

  /**
   * The most recent tombstone of the tenant matching one of the restore attributes. One
   * look-up per attribute, each on its own index (an OR with ORDER BY let SQLite walk the
   * whole tenant by seq on every create).
   */
  private async findTombstone(qr: QueryRunner, tenantId: string, resource: ScimJson): Promise<ResourceRow | undefined> {
    const parts: string[] = [];
    const params: unknown[] = [];
    for (const attribute of this.d.softDelete!.restoreBy) {
      const c = this.d.columns.find((x) => x.attribute === attribute);
      const value = resource[attribute];
      if (!c || typeof value !== 'string') {
        continue;
      }
      // compared as the unique index compares: lower-cased where a ci column exists
      const col = c.ciColumn ?? c.column!;
      const key = c.ciColumn ? value.toLowerCase() : value;
      parts.push(`${this.q.select} WHERE r.tenant_id = ? AND r.${col} = ? AND r.deleted_at IS NOT NULL`);
      params.push(tenantId, key);
    }
    if (!parts.length) {
      return undefined;
    }
    const rows = (await qr.query(parts.join(' UNION ALL '), params)) as ResourceRow[];
    return rows.sort((a, b) => Number(b.seq) - Number(a.seq))[0];
  }

  private writeValues(
    qr: Sql,
    tenantId: string,
    seq: string,
    resource: ScimJson,
    previous: ScimJson | undefined,
  ): Promise<void> {
    if (!this.d.valuesTable) {
      return Promise.resolve();
    }
    return writeValues(qr, this.d.valuesTable, this.q.multiAttributes, tenantId, seq, resource, previous);
  }

  private stored(
    tenantId: string,
    id: string,
    doc: ScimJson | string,
    version: number,
    created: string,
    lastModified: string,
  ): StoredResource {
    const resource = typeof doc === 'string' ? (JSON.parse(doc) as ScimJson) : doc;
    return { id, tenantId, resource, version, created, lastModified };
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
