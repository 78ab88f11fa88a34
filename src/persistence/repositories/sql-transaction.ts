import { AsyncLocalStorage } from 'node:async_hooks';
import { DataSource, QueryRunner } from 'typeorm';
import { OutboxSignal, WriteEvents } from '../../core/ports/change-event';
import { isRetryableConflict, storeDialectOf, withDialect } from './sql-dialect';
import { sqliteReader } from './sqlite-reader';

/** anything that runs parameterized SQL: the DataSource (pooled) or a transaction's runner */
export interface Sql {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/**
 * attempts of a transaction the database rolled back to break a conflict (an InnoDB deadlock
 * victim, a PostgreSQL deadlock or serialization failure: isRetryableConflict)
 */
const DEADLOCK_ATTEMPTS = 3;

/** The transaction open in the current async context on one DataSource. */
interface Scope {
  readonly qr: QueryRunner;
  /** false once committed or rolled back: a timer started inside must not reuse the runner */
  open: boolean;
  readonly afterCommit: (() => void)[];
  /** what collectUntilCommit gathered, by key, and the writes of it run before COMMIT */
  readonly collected: Map<object, unknown[]>;
  readonly beforeCommit: (() => Promise<unknown>)[];
}

/**
 * The open transaction of each DataSource in this async context. A store call made while one
 * is open (a read-change-write under withWriteLock, a repository called from another one's
 * transaction, every write of a unit of work: typeorm-unit-of-work.ts) runs in it, and its
 * change events and after-commit callbacks go with that transaction: on SQLite there is one connection, so queueing behind the open
 * transaction would wait for itself; on MySQL a second pooled connection would not see the
 * transaction's rows and could wait for its locks.
 */
const scopes = new AsyncLocalStorage<ReadonlyMap<DataSource, Scope>>();

/**
 * The tail of the queue of transactions per SQLite DataSource. better-sqlite3 has one
 * connection and TypeORM hands every caller the same query runner, so two overlapping
 * transactions would nest ("cannot start a transaction within a transaction"): they are run
 * one after another instead. MySQL transactions run concurrently on pooled connections.
 */
const sqliteQueues = new WeakMap<DataSource, Promise<unknown>>();

function isSqlite(ds: DataSource): boolean {
  return storeDialectOf(ds).kind === 'sqlite';
}

/** The transaction open on `ds` in this async context, if any. */
function openScope(ds: DataSource): Scope | undefined {
  const scope = scopes.getStore()?.get(ds);
  return scope?.open ? scope : undefined;
}

/** The transaction open on `ds` in this async context, to run a read in it; undefined if none. */
export function openTransaction(ds: DataSource): Sql | undefined {
  return openScope(ds)?.qr;
}

/**
 * Runs `fn` in one write transaction on its own query runner (a pooled connection on MySQL and
 * PostgreSQL), or in the transaction already open on `ds` in this async context. A deadlock
 * victim (or a PostgreSQL serialization failure) is rolled back by the database and run again
 * from the start (only the outermost transaction can).
 */
export async function inTransaction<T>(ds: DataSource, fn: (qr: QueryRunner) => Promise<T>): Promise<T> {
  const open = openScope(ds);
  if (open) {
    return fn(open.qr);
  }
  if (isSqlite(ds)) {
    return queued(ds, () => runTransaction(ds, 'BEGIN IMMEDIATE', fn));
  }
  for (let attempt = 1; ; attempt++) {
    try {
      return await runTransaction(ds, 'START TRANSACTION', fn);
    } catch (e) {
      if (attempt >= DEADLOCK_ATTEMPTS || !isRetryableConflict(e)) {
        throw e;
      }
    }
  }
}

/**
 * Reads that see committed data only. On SQLite every write shares one connection, so a plain
 * query there could see another caller's uncommitted (and maybe later rolled back) writes:
 * reads go to a read-only connection of their own (sqliteReader; WAL shows it committed data
 * only, and it never waits for the writers), or, for an in-memory database, take their turn
 * in the writers' queue in a deferred transaction. On MySQL and PostgreSQL they go to the
 * pool. Inside an open transaction they run in it (and see its own writes).
 */
export function readCommitted<T>(ds: DataSource, fn: (sql: Sql) => Promise<T>): Promise<T> {
  const open = openScope(ds);
  if (open) {
    return fn(open.qr);
  }
  const d = storeDialectOf(ds);
  if (d.kind !== 'sqlite') {
    return fn({ query: (sql, params) => ds.query(d.statement(sql), params) });
  }
  const reader = sqliteReader(ds);
  return reader ? fn(reader) : queued(ds, () => runTransaction(ds, 'BEGIN', fn));
}

/**
 * A write transaction that may append change events to the outbox: `signal` is told once it
 * committed (the dispatcher must not look for events it cannot read yet), and only when the
 * write carried events.
 */
export function writeTransaction<T>(
  ds: DataSource,
  signal: OutboxSignal | undefined,
  events: WriteEvents | undefined,
  fn: (qr: QueryRunner) => Promise<T>,
): Promise<T> {
  return inTransaction(ds, async (qr) => {
    const result = await fn(qr);
    if (events && signal) {
      afterCommit(ds, () => signal.written());
    }
    return result;
  });
}

/**
 * `cb` once the transaction open on `ds` in this async context committed (at once when none
 * is open), e.g. waking the outbox relay only for events it can already read.
 */
export function afterCommit(ds: DataSource, cb: () => void): void {
  const open = openScope(ds);
  if (open) {
    open.afterCommit.push(cb);
  } else {
    cb();
  }
}

/**
 * The list that the transaction running on `qr` (opened here: inTransaction) collects items of
 * one kind in (`key`), written by `flush` as its last statement(s) before COMMIT, so that a
 * transaction of several writes writes them at once (e.g. all of its change events in one
 * INSERT). A failing `flush` rolls the transaction back. Undefined when `qr` runs no such
 * transaction in this async context: the caller then writes at once.
 */
export function collectUntilCommit<T>(
  qr: QueryRunner,
  key: object,
  flush: (qr: QueryRunner, items: readonly T[]) => Promise<unknown>,
): T[] | undefined {
  const scope = openScope(qr.connection);
  if (!scope || scope.qr !== qr) {
    return undefined;
  }
  let items = scope.collected.get(key) as T[] | undefined;
  if (!items) {
    const list: T[] = [];
    items = list;
    scope.collected.set(key, list);
    scope.beforeCommit.push(() => flush(qr, list));
  }
  return items;
}

function queued<T>(ds: DataSource, run: () => Promise<T>): Promise<T> {
  const previous = sqliteQueues.get(ds) ?? Promise.resolve();
  const next = previous.then(run, run);
  sqliteQueues.set(
    ds,
    next.catch(() => undefined),
  );
  return next;
}

/**
 * One transaction in a new scope. SQLite write transactions start IMMEDIATE: they take the
 * write lock up front, so a second process (another server instance on the same file, the CLI)
 * waits busy_timeout for it instead of failing with SQLITE_BUSY when a read transaction tries
 * to upgrade; reads start deferred and never block another process's writer.
 */
async function runTransaction<T>(
  ds: DataSource,
  begin: 'BEGIN IMMEDIATE' | 'BEGIN' | 'START TRANSACTION',
  fn: (qr: QueryRunner) => Promise<T>,
): Promise<T> {
  const qr = ds.createQueryRunner();
  await qr.connect();
  // the module's statements take `?` placeholders on every database (withDialect)
  const scope: Scope = {
    qr: withDialect(qr, storeDialectOf(ds)),
    open: true,
    afterCommit: [],
    collected: new Map(),
    beforeCommit: [],
  };
  const parent = scopes.getStore();
  const inScope = new Map(parent ?? []).set(ds, scope);
  const sqlite = begin !== 'START TRANSACTION';
  try {
    await (sqlite ? qr.query(begin) : qr.startTransaction());
    let result: T;
    try {
      result = await scopes.run(inScope, async () => {
        const out = await fn(scope.qr);
        for (const write of scope.beforeCommit) {
          await write();
        }
        return out;
      });
      scope.open = false;
      await (sqlite ? qr.query('COMMIT') : qr.commitTransaction());
    } catch (e) {
      scope.open = false;
      if (sqlite) {
        await qr.query('ROLLBACK').catch(() => undefined);
      } else if (qr.isTransactionActive) {
        await qr.rollbackTransaction();
      }
      throw e;
    }
    for (const cb of scope.afterCommit) {
      cb();
    }
    return result;
  } finally {
    if (!sqlite) {
      await qr.release();
    }
  }
}
