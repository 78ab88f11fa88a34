import { DataSource } from 'typeorm';
import { dialectOf } from '../repositories/sql.util';
import { openTransaction, readCommitted, Sql } from '../repositories/sql-transaction';
import { abandoned, FairLanes } from './fair-lanes';
import { onOwnConnection } from './mysql-search';
import { onOwnPostgresConnection } from './postgres-search';
import { SqliteSearchWorkers } from './sqlite-search-workers';

/** How searches are run; the module passes its options (ScimModuleOptions.statementTimeoutMs). */
export interface SearchReadOptions {
  /** longest a search's SELECT may run on MySQL/MariaDB and PostgreSQL (ms; 0: no limit). Default 10 s */
  readonly statementTimeoutMs?: number;
}

export const DEFAULT_STATEMENT_TIMEOUT_MS = 10_000;
/**
 * SQLite: worker threads running searches, each with its own read-only connection. Two: one
 * tenant's searches run on one of them at most (perTenant), so another tenant always finds the
 * other; both yield the CPU to the event loop (sqlite-search-workers.ts: a lower priority).
 */
const SQLITE_WORKERS = 2;
const SQLITE_SEARCHES_PER_TENANT = 1;
/**
 * MySQL: searches on connections at once, of the pool's 20 (the rest serve reads by id and
 * writes), and of one tenant: one scan at a time is all one tenant takes of the server's cores
 * (measured on a 2-core machine beside MariaDB: with 2 or 4 at a time, the other tenants' reads
 * by id took up to 2x longer).
 */
const MYSQL_SEARCH_SLOTS = 8;
const MYSQL_SEARCHES_PER_TENANT = 1;

/**
 * The statements of searches (RFC 7644 §3.4.2), kept from starving other tenants:
 * - each runs in a turn of the fair lanes (fair-lanes.ts): a tenant runs one search at a time
 *   (one of the two SQLite workers, one of the eight MySQL slots), and a freed turn goes to the
 *   next tenant in turn;
 * - on SQLite, on a worker thread with a read-only connection of its own (sqlite-search-workers.ts),
 *   so that a long scan never blocks the event loop (a read by id, a write, another tenant's
 *   request); an in-memory database has no second connection and keeps its reads queued on the
 *   one connection (readCommitted);
 * - on MySQL/MariaDB, on a pooled connection of its own, each SELECT stopped by the server after
 *   `statementTimeoutMs` (503 with Retry-After), and stopped with KILL QUERY when the client goes
 *   away (mysql-search.ts); on PostgreSQL the same with statement_timeout and pg_cancel_backend
 *   (postgres-search.ts).
 * A search whose client went away is dropped from the queue, and stops before its next statement.
 * Reads by id and writes do not take turns: they are short and bounded by their keys.
 */
export class SearchReads {
  private readonly lanes: FairLanes;
  private readonly workers: SqliteSearchWorkers | undefined;
  private timeoutMs = DEFAULT_STATEMENT_TIMEOUT_MS;

  constructor(
    private readonly ds: DataSource,
    options: SearchReadOptions = {},
  ) {
    this.configure(options);
    const sqlite = dialectOf(ds) === 'sqlite';
    const slots = sqlite ? SQLITE_WORKERS : MYSQL_SEARCH_SLOTS;
    this.lanes = new FairLanes({
      slots,
      perTenant: sqlite ? SQLITE_SEARCHES_PER_TENANT : MYSQL_SEARCHES_PER_TENANT,
      // a turn waits at most what a statement may take (10 s on SQLite, which has no limit)
      maxWaitMs: Math.max(this.timeoutMs, DEFAULT_STATEMENT_TIMEOUT_MS),
      maxQueuedPerTenant: 64,
    });
    this.workers = sqlite ? sqliteWorkers(ds, slots) : undefined;
  }

  configure(options: SearchReadOptions): void {
    const ms = options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
    if (!Number.isInteger(ms) || ms < 0) {
      throw new Error('statementTimeoutMs must be a non-negative integer (ms; 0: no limit)');
    }
    this.timeoutMs = ms;
  }

  /**
   * Runs the statements of one search of `tenantId` (`fn`, which may run several: COUNT, the
   * page, a group's members) in its turn. Inside an open transaction they run in it, at once.
   */
  run<T>(tenantId: string, signal: AbortSignal | undefined, fn: (sql: Sql) => Promise<T>): Promise<T> {
    const open = openTransaction(this.ds);
    if (open) {
      return fn(open);
    }
    return this.lanes.run(tenantId, signal, (slot) => {
      if (this.workers) {
        return fn(checked(this.workers.reader(slot), signal));
      }
      switch (dialectOf(this.ds)) {
        case 'sqlite':
          return readCommitted(this.ds, (sql) => fn(checked(sql, signal)));
        case 'postgres':
          return onOwnPostgresConnection(this.ds, this.timeoutMs, signal, fn);
        case 'mysql':
          return onOwnConnection(this.ds, this.timeoutMs, signal, fn);
      }
    });
  }

  /** searches running and waiting for their turn now (all tenants) */
  get load(): { running: number; waiting: number } {
    return { running: this.lanes.busy, waiting: this.lanes.waiting };
  }

  close(): Promise<void> {
    return this.workers?.close() ?? Promise.resolve();
  }
}

/** `sql` that refuses to start a statement once the client went away */
function checked(sql: Sql, signal: AbortSignal | undefined): Sql {
  if (!signal) {
    return sql;
  }
  return {
    query: (text, params) => (signal.aborted ? Promise.reject(abandoned()) : sql.query(text, params)),
  };
}

/** The workers of a SQLite file database; undefined for an in-memory one. */
function sqliteWorkers(ds: DataSource, count: number): SqliteSearchWorkers | undefined {
  const file = (ds.options as { database?: unknown }).database;
  if (typeof file !== 'string' || file === '' || file === ':memory:' || file.startsWith('file:')) {
    return undefined;
  }
  let driver: string;
  try {
    driver = require.resolve('better-sqlite3');
  } catch {
    return undefined;
  }
  return new SqliteSearchWorkers(ds, file, driver, count);
}

const reads = new WeakMap<DataSource, SearchReads>();

/**
 * The SearchReads of a DataSource, made on first use and closed with the DataSource; `options`
 * (the module's, at boot) configure it.
 */
export function searchReads(ds: DataSource, options?: SearchReadOptions): SearchReads {
  let r = reads.get(ds);
  if (r && options) {
    r.configure(options);
  }
  if (!r) {
    r = new SearchReads(ds, options);
    reads.set(ds, r);
    const made = r;
    const destroy = ds.destroy.bind(ds);
    ds.destroy = async () => {
      if (reads.get(ds) === made) {
        reads.delete(ds);
      }
      await made.close();
      return destroy();
    };
  }
  return r;
}
