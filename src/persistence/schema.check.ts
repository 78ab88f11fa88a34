import { DataSource } from 'typeorm';
import { SCIM_MIGRATIONS } from './migrations';
import { dialectOf } from './repositories/sql.util';

/**
 * The history table of the standalone server and of hosts that keep SCIM's migrations apart
 * from their own; the module also looks for its migrations in the DataSource's own table.
 */
export const SCIM_MIGRATIONS_TABLE = 'scim_migrations';

/** What a host or an operator does about a missing migration. */
const HOW_TO_MIGRATE =
  "Apply them before the module starts: in a host, spread scimTypeOrmOptions({ type }) into the DataSource's " +
  'options with migrationsRun: true, or run SCIM_MIGRATIONS in your deploy step (docs/host-integration.md, ' +
  "Migrations); for the standalone server, start it with MIGRATIONS_RUN=true or run 'npm run -s cli -- migration run'.";

/** What a host adds to a SQLite DataSource. */
const HOW_TO_PREPARE =
  "Add prepareDatabase: prepareSqlite to the DataSource's options (or spread scimTypeOrmOptions({ type: " +
  "'better-sqlite3' }), which does)";

/** The names TypeORM records for the module's migrations, oldest first. */
export function scimMigrationNames(): string[] {
  return SCIM_MIGRATIONS.map((M) => (new M() as { name?: string }).name ?? M.name);
}

/** The migration names recorded in `table` (none when the table does not exist). */
async function recordedIn(ds: DataSource, table: string): Promise<string[]> {
  const path = ds.driver.buildTableName(
    table,
    (ds.driver.options as { schema?: string }).schema,
    ds.driver.database,
  );
  const qr = ds.createQueryRunner();
  try {
    if (!(await qr.hasTable(path))) {
      return [];
    }
    const rows = await ds.createQueryBuilder(qr).select().from(path, 'm').getRawMany<{ name: string }>();
    return rows.map((r) => r.name);
  } finally {
    await qr.release();
  }
}

/** The history tables looked in: the DataSource's own and `scim_migrations`. */
export function migrationTables(ds: DataSource): string[] {
  return [...new Set([ds.options.migrationsTableName ?? 'migrations', SCIM_MIGRATIONS_TABLE])];
}

/** The module's migrations recorded in none of the history tables, oldest first. */
export async function pendingScimMigrations(ds: DataSource): Promise<string[]> {
  const applied = new Set<string>();
  for (const table of migrationTables(ds)) {
    for (const name of await recordedIn(ds, table)) {
      applied.add(name);
    }
  }
  return scimMigrationNames().filter((n) => !applied.has(n));
}

/**
 * Refuses a database the module's migrations were not (all) applied to: without this a host
 * starts, logs that it did, then fails every SCIM request with "no such table". A migration
 * the database has and this version does not know (a newer instance migrated it) is fine. A
 * DataSource that synchronizes its tables from the entities (tests only) and
 * has no history to look at.
 */
export async function assertScimMigrationsApplied(ds: DataSource): Promise<void> {
  if (ds.options.synchronize === true) {
    return;
  }
  const pending = await pendingScimMigrations(ds);
  if (pending.length === 0) {
    return;
  }
  const total = SCIM_MIGRATIONS.length;
  const state =
    pending.length === total
      ? `none of its ${total} migrations has been applied to this database`
      : `${pending.length} of its ${total} migrations are pending on this database (${pending.join(', ')})`;
  throw new Error(
    `ScimModule cannot start: ${state} (looked in the history tables ${migrationTables(ds)
      .map((t) => `"${t}"`)
      .join(' and ')}). ${HOW_TO_MIGRATE}`,
  );
}

/**
 * Refuses a SQLite connection that lacks what the filter compiler relies on: scim_lower()
 * (JavaScript's Unicode lower-casing, so that caseExact=false compares as on MySQL), a
 * case-sensitive LIKE (MySQL columns are utf8mb4_bin: `externalId sw "ABC"` must not match
 * "abcDEF") and foreign keys (memberships cascade). prepareSqlite sets all three.
 */
export async function assertSqlitePrepared(ds: DataSource): Promise<void> {
  if (dialectOf(ds) !== 'sqlite') {
    return;
  }
  if (ds.options.type !== 'better-sqlite3') {
    throw new Error(
      `ScimModule runs on SQLite through the better-sqlite3 driver only (this DataSource's type is ` +
        `"${ds.options.type}"): use type 'better-sqlite3'. ${HOW_TO_PREPARE}.`,
    );
  }
  let probe: { lowered: unknown; insensitive: unknown };
  try {
    [probe] = (await ds.query(
      "SELECT scim_lower('ÄB') AS lowered, ('abcDEF' LIKE 'ABC%') AS insensitive",
    )) as Array<typeof probe>;
  } catch (e) {
    if (/no such function/i.test(e instanceof Error ? e.message : String(e))) {
      throw new Error(
        `ScimModule cannot start: this SQLite connection was not prepared for it (the scim_lower() ` +
          `function is missing). ${HOW_TO_PREPARE}.`,
      );
    }
    throw e;
  }
  if (probe.lowered !== 'äb') {
    throw new Error(
      `ScimModule cannot start: scim_lower() on this SQLite connection is not the one prepareSqlite ` +
        `registers. ${HOW_TO_PREPARE}.`,
    );
  }
  if (Number(probe.insensitive) !== 0) {
    throw new Error(
      'ScimModule cannot start: LIKE is case-insensitive on this SQLite connection (PRAGMA ' +
        'case_sensitive_like is off), so a filter such as externalId sw "ABC" would match "abcDEF". ' +
        `${HOW_TO_PREPARE}.`,
    );
  }
  const [fk] = (await ds.query('PRAGMA foreign_keys')) as Array<{ foreign_keys: unknown }>;
  if (Number(fk?.foreign_keys) !== 1) {
    throw new Error(
      'ScimModule cannot start: foreign keys are off on this SQLite connection (PRAGMA foreign_keys). ' +
        `${HOW_TO_PREPARE}.`,
    );
  }
}
