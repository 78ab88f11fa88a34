import { DataSource, QueryFailedError, QueryRunner } from 'typeorm';
import { storeDialectOf } from '../repositories/sql-dialect';
import { Sql } from '../repositories/sql-transaction';
import { abandoned } from './fair-lanes';
import { statementTimedOut } from './mysql-search';

/** SQLSTATE of a statement PostgreSQL cancelled: statement_timeout or pg_cancel_backend */
const QUERY_CANCELED = '57014';

interface PgConnection {
  readonly processID: number;
}

/** A query runner's own release that drops the connection instead of pooling it */
interface PostgresRunner extends QueryRunner {
  releasePostgresConnection?(err?: Error): Promise<void>;
}

function cancelled(e: unknown): boolean {
  return (
    e instanceof QueryFailedError &&
    (e as QueryFailedError & { driverError?: { code?: string } }).driverError?.code === QUERY_CANCELED
  );
}

/**
 * PostgreSQL's onOwnConnection (mysql-search.ts): one search's statements on a pooled
 * connection of its own, each stopped by the server after `timeoutMs` (the session's
 * statement_timeout, set for the search and reset after it: 503 with Retry-After). When
 * `signal` fires while a statement runs, the statement is cancelled with pg_cancel_backend from
 * another connection, and this connection is then dropped rather than returned to the pool (a
 * cancel that arrives after its statement ended must not stop the next user's statement).
 */
export async function onOwnPostgresConnection<T>(
  ds: DataSource,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  fn: (sql: Sql) => Promise<T>,
): Promise<T> {
  const d = storeDialectOf(ds);
  const qr = ds.createQueryRunner() as PostgresRunner;
  const connection = (await qr.connect()) as PgConnection;
  let running = false;
  let killed: Promise<unknown> | undefined;
  const onAbort = () => {
    if (running && !killed) {
      killed = ds.query('SELECT pg_cancel_backend($1)', [connection.processID]).catch(() => undefined);
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
        const rows: unknown = await qr.query(d.statement(text), params);
        if (signal?.aborted) {
          throw abandoned();
        }
        return rows;
      } catch (e) {
        if (signal?.aborted) {
          throw abandoned();
        }
        if (cancelled(e)) {
          throw statementTimedOut(timeoutMs);
        }
        throw e;
      } finally {
        running = false;
      }
    },
  };
  try {
    await qr.query(`SET statement_timeout = ${Math.max(0, Math.floor(timeoutMs))}`);
    return await fn(sql);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (killed) {
      await killed;
      await (qr.releasePostgresConnection?.(new Error('search cancelled')) ?? qr.release());
    } else {
      // back to the connection's own default (the DataSource's statement_timeout)
      await qr.query('RESET statement_timeout').catch(() => undefined);
      await qr.release();
    }
  }
}
