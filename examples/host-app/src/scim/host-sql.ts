import { DataSource, EntityManager, QueryFailedError, QueryRunner } from 'typeorm';
import { OutboxSignal, dialectOf, inTransaction } from '../scim-nest';

/** rows per IN (...) list */
export const IN_CHUNK = 500;

/** anything that runs parameterized SQL: the DataSource, an EntityManager or a QueryRunner */
export interface Sql {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/**
 * A read. On SQLite every caller shares one connection, so reads join the module's queue of
 * transactions (inTransaction) and never see another caller's uncommitted writes; on MySQL
 * they go to the pool.
 */
export function read<T>(ds: DataSource, fn: (m: EntityManager) => Promise<T>): Promise<T> {
  return dialectOf(ds) === 'sqlite' ? inTransaction(ds, (qr) => fn(qr.manager)) : fn(ds.manager);
}

/** attempts of a MySQL transaction that InnoDB chose as a deadlock victim (errno 1213) */
const DEADLOCK_ATTEMPTS = 3;

/**
 * A write transaction in the module's queue (inTransaction: SQLite has one connection), run
 * again when MySQL picks it as a deadlock victim (two writers locking a team and a user in
 * opposite orders).
 */
export async function transaction<T>(
  ds: DataSource,
  signal: OutboxSignal,
  fn: (qr: QueryRunner) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      const out = await inTransaction(ds, fn);
      // the change events committed with it: the dispatcher delivers them now, not at its next poll
      signal.written();
      return out;
    } catch (e) {
      const errno = (e as QueryFailedError & { driverError?: { errno?: number } }).driverError
        ?.errno;
      if (attempt >= DEADLOCK_ATTEMPTS || !(e instanceof QueryFailedError) || errno !== 1213) {
        throw e;
      }
    }
  }
}

/** How the host's datetime(3) columns are written in raw SQL on both databases (UTC). */
export function sqlTime(iso: string): string {
  return new Date(iso).toISOString().replace('T', ' ').replace('Z', '');
}

/**
 * SQLite returns `YYYY-MM-DD HH:MM:SS.SSS` in UTC (how TypeORM and sqlTime write it), MySQL a
 * Date; an ISO-8601 string passes through.
 */
export function toDate(v: Date | string): Date {
  if (v instanceof Date) {
    return v;
  }
  return new Date(v.includes('T') ? v : `${v.replace(' ', 'T')}Z`);
}

/** booleans as raw queries return them: 1/0 (both drivers), '1' or true */
export function isTrue(v: unknown): boolean {
  return v === true || Number(v) === 1;
}

export function placeholders(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ');
}

export function chunks<T>(items: readonly T[], size = IN_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    out.push(items.slice(i, i + size));
  }
  return out;
}

/** rows an UPDATE/DELETE run with `qr.query(sql, params, true)` touched */
export function affected(result: unknown): number {
  return Number((result as { affected?: number | null }).affected ?? 0);
}

export function isUniqueViolation(e: unknown): boolean {
  const d = (e as QueryFailedError & { driverError?: { errno?: number; code?: string } })
    .driverError;
  return (
    e instanceof QueryFailedError &&
    (d?.errno === 1062 ||
      d?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
      d?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
  );
}
