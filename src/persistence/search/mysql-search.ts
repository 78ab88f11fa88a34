import { DataSource, QueryFailedError, QueryRunner } from 'typeorm';
import { ScimError } from '../../core/errors/scim-error';
import { Sql } from '../repositories/sql-transaction';
import { abandoned, SEARCH_RETRY_AFTER_S } from './fair-lanes';

/** MariaDB and MySQL say "stop after N" differently. */
export type MysqlFlavour = 'mariadb' | 'mysql';

const flavours = new WeakMap<DataSource, Promise<MysqlFlavour>>();

/** The server's flavour, asked once per DataSource (`SELECT VERSION()` names MariaDB). */
export function mysqlFlavour(ds: DataSource): Promise<MysqlFlavour> {
  let f = flavours.get(ds);
  if (!f) {
    f = (ds.query('SELECT VERSION() AS v') as Promise<Array<{ v: string }>>).then((rows) =>
      /mariadb/i.test(rows[0]?.v ?? '') ? 'mariadb' : 'mysql',
    );
    // a failure is asked again next time
    f.catch(() => flavours.delete(ds));
    flavours.set(ds, f);
  }
  return f;
}

/**
 * A SELECT that the server stops after `ms` (0: as it is). MariaDB:
 * `SET STATEMENT max_statement_time=<seconds> FOR SELECT ...` (10.1+); MySQL 5.7.8+: the
 * optimizer hint `SELECT /*+ MAX_EXECUTION_TIME(<ms>) *\/ ...`. Other statements are unchanged.
 */
export function withStatementLimit(sql: string, ms: number, flavour: MysqlFlavour): string {
  if (ms <= 0 || !/^\s*select\b/i.test(sql)) {
    return sql;
  }
  if (flavour === 'mariadb') {
    return `SET STATEMENT max_statement_time=${(ms / 1000).toFixed(3)} FOR ${sql}`;
  }
  return sql.replace(/^\s*select\b/i, `SELECT /*+ MAX_EXECUTION_TIME(${Math.floor(ms)}) */`);
}

/** errno of a statement the server stopped: MariaDB max_statement_time, MySQL MAX_EXECUTION_TIME */
const TIMED_OUT = new Set([1969, 3024]);
/** errno of a statement stopped by KILL QUERY */
const INTERRUPTED = 1317;

function errnoOf(e: unknown): number | undefined {
  return e instanceof QueryFailedError
    ? (e as QueryFailedError & { driverError?: { errno?: number } }).driverError?.errno
    : undefined;
}

/**
 * A search that ran out of time is a server-side condition that may pass when the server is
 * less busy: 503 with Retry-After, never a generic 500 (RFC 7644 §3.12 has no code for it; a
 * 400 would tell an IdP not to retry, while the filter budget already refuses with 400 what is
 * known to be too expensive whatever the load).
 */
export function statementTimedOut(ms: number): ScimError {
  return new ScimError(
    503,
    `The search took longer than ${ms} ms and was stopped; retry later, or filter on indexed ` +
      'attributes (id, userName, externalId, displayName) so that it takes less',
    undefined,
    { 'Retry-After': String(SEARCH_RETRY_AFTER_S) },
  );
}

interface PoolConnection {
  readonly threadId: number;
  destroy(): void;
}

/**
 * Runs one search's statements on a pooled connection of its own, each SELECT limited to
 * `timeoutMs`. When `signal` fires (the client went away) while a statement runs, the statement
 * is stopped with `KILL QUERY <thread id>` from another connection, so abandoned searches do not
 * keep holding the pool; that connection is then closed rather than returned to the pool (a
 * KILL that arrives after its statement ended must not stop the next user's statement).
 */
export async function onOwnConnection<T>(
  ds: DataSource,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  fn: (sql: Sql) => Promise<T>,
): Promise<T> {
  const flavour = await mysqlFlavour(ds);
  const qr: QueryRunner = ds.createQueryRunner();
  const connection = (await qr.connect()) as PoolConnection;
  let running = false;
  let killed: Promise<unknown> | undefined;
  const onAbort = () => {
    if (running && !killed) {
      killed = ds.query(`KILL QUERY ${Number(connection.threadId)}`).catch(() => undefined);
    }
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  const sql: Sql = {
    query: async (text, params) => {
      if (signal?.aborted) {
        throw abandoned();
      }
      running = true;
      try {
        const rows: unknown = await qr.query(withStatementLimit(text, timeoutMs, flavour), params);
        if (signal?.aborted) {
          // a killed SLEEP or a cut-short read answers as if nothing happened: nobody wants it
          throw abandoned();
        }
        return rows;
      } catch (e) {
        const errno = errnoOf(e);
        if (errno !== undefined && TIMED_OUT.has(errno)) {
          throw statementTimedOut(timeoutMs);
        }
        if (errno === INTERRUPTED || signal?.aborted) {
          throw abandoned();
        }
        throw e;
      } finally {
        running = false;
      }
    },
  };
  try {
    return await fn(sql);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (killed) {
      await killed;
      connection.destroy();
    }
    await qr.release();
  }
}
