import { createHash } from 'node:crypto';
import { DataSource, Migration, QueryRunner } from 'typeorm';

/** How long a start-up waits for another instance's migrations before giving up. */
export const DEFAULT_MIGRATION_LOCK_TIMEOUT_MS = 120_000;

/** the SQLite error of a lock another connection holds past busy_timeout */
const SQLITE_BUSY = /SQLITE_BUSY|database is locked/i;

export class MigrationLockError extends Error {}

/**
 * Runs the pending migrations while holding a database-wide lock, so that several instances
 * started together on one empty database apply them once: the first takes the lock and
 * migrates, the others wait, then find nothing pending.
 * - MySQL/MariaDB: GET_LOCK on one dedicated connection (named after the schema, since the
 *   lock is server-wide), RELEASE_LOCK after; each migration keeps its own transaction.
 * - SQLite: BEGIN EXCLUSIVE on the DataSource's single connection; every migration runs in
 *   that one transaction (SQLite DDL is transactional), so a failure leaves nothing applied.
 * - PostgreSQL: a session advisory lock (pg_try_advisory_lock, retried until the timeout) on
 *   one dedicated connection, keyed by the schema (advisory locks are per database already);
 *   the migrations run in one transaction (PostgreSQL DDL is transactional too).
 */
export async function runMigrationsLocked(
  ds: DataSource,
  timeoutMs = DEFAULT_MIGRATION_LOCK_TIMEOUT_MS,
): Promise<Migration[]> {
  const type = ds.options.type;
  if (type === 'mysql' || type === 'mariadb') {
    return withMysqlLock(ds, timeoutMs, () => ds.runMigrations({ transaction: 'each' }));
  }
  if (type === 'better-sqlite3') {
    return withSqliteExclusive(ds, timeoutMs, () => ds.runMigrations({ transaction: 'none' }));
  }
  if (type === 'postgres') {
    return withPostgresAdvisoryLock(ds, timeoutMs, () => ds.runMigrations({ transaction: 'all' }));
  }
  return ds.runMigrations({ transaction: 'each' });
}

/** `scim_migrations.<schema>`, hashed when longer than MySQL's 64-character lock names. */
export function mysqlLockName(schema: string): string {
  const name = `scim_migrations.${schema}`;
  return name.length <= 64
    ? name
    : `scim_migrations.${createHash('sha256').update(schema).digest('hex').slice(0, 40)}`;
}

async function withMysqlLock<T>(ds: DataSource, timeoutMs: number, work: () => Promise<T>): Promise<T> {
  const qr = ds.createQueryRunner();
  await qr.connect();
  try {
    const [{ schema }] = (await qr.query('SELECT DATABASE() AS `schema`')) as Array<{ schema: string }>;
    const name = mysqlLockName(schema);
    // GET_LOCK: 1 = acquired, 0 = timed out (whole seconds), NULL = error
    const [{ got }] = (await qr.query('SELECT GET_LOCK(?, ?) AS got', [
      name,
      Math.max(1, Math.ceil(timeoutMs / 1000)),
    ])) as Array<{ got: number | string | null }>;
    if (Number(got) !== 1) {
      throw new MigrationLockError(
        `Timed out after ${timeoutMs} ms waiting for the migration lock "${name}" (another instance is migrating)`,
      );
    }
    try {
      return await work();
    } finally {
      await qr.query('SELECT RELEASE_LOCK(?)', [name]);
    }
  } finally {
    await qr.release();
  }
}

/**
 * The advisory lock key of `scim_migrations.<schema>`: the first 63 bits of its SHA-256, as
 * the decimal text of a bigint.
 */
export function postgresLockKey(schema: string): string {
  const hash = createHash('sha256').update(`scim_migrations.${schema}`).digest();
  return (hash.readBigUInt64BE(0) >> 1n).toString();
}

async function withPostgresAdvisoryLock<T>(ds: DataSource, timeoutMs: number, work: () => Promise<T>): Promise<T> {
  const qr = ds.createQueryRunner();
  await qr.connect();
  try {
    const [{ schema }] = (await qr.query('SELECT current_schema() AS schema')) as Array<{ schema: string }>;
    const key = postgresLockKey(schema);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rows = (await qr.query('SELECT pg_try_advisory_lock($1::bigint) AS got', [key])) as Array<{ got: boolean }>;
      if (rows[0].got) {
        break;
      }
      if (Date.now() >= deadline) {
        throw new MigrationLockError(
          `Timed out after ${timeoutMs} ms waiting for the migration lock of schema "${schema}" (another instance is migrating)`,
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    try {
      return await work();
    } finally {
      await qr.query('SELECT pg_advisory_unlock($1::bigint)', [key]);
    }
  } finally {
    await qr.release();
  }
}

async function withSqliteExclusive<T>(ds: DataSource, timeoutMs: number, work: () => Promise<T>): Promise<T> {
  const qr = ds.createQueryRunner();
  await beginExclusive(qr, timeoutMs);
  try {
    const result = await work();
    await qr.query('COMMIT');
    return result;
  } catch (e) {
    await qr.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

/** BEGIN EXCLUSIVE, retried while another process holds the lock (each try waits busy_timeout). */
async function beginExclusive(qr: QueryRunner, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await qr.query('BEGIN EXCLUSIVE');
      return;
    } catch (e) {
      if (!SQLITE_BUSY.test(String((e as Error).message)) || Date.now() >= deadline) {
        throw e instanceof Error && SQLITE_BUSY.test(e.message)
          ? new MigrationLockError(`Timed out after ${timeoutMs} ms waiting for the SQLite migration lock`)
          : e;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
