import { MigrationInterface, QueryRunner, TableForeignKey } from 'typeorm';

/**
 * Every string column of the module's tables compares exactly on MySQL/MariaDB, as on SQLite.
 *
 * The columns were utf8mb4_bin: exact for case and accents, but a PAD SPACE collation, so
 * `'bob' = 'bob '` is true there. A userName, externalId, id or tenant slug with trailing spaces
 * then clashed with (409), looked up (`GET /Users/{id}%20`) or restored the tombstone of the
 * value without them, where SQLite (BINARY: memcmp) tells them apart. A NO PAD binary collation
 * compares code points and nothing else: utf8mb4_nopad_bin on MariaDB (10.2+), utf8mb4_0900_bin
 * on MySQL 8.0.17+. Case-insensitive look-ups are unchanged: they compare the lower-cased shadow
 * columns (`*_ci`, `value_key`), which are exact as well.
 *
 * Each table is converted whole (`CONVERT TO`), which also makes NO PAD the table's default for
 * any column added later. MariaDB refuses to change a column a foreign key uses, even with
 * foreign_key_checks off, so the foreign keys on string columns (`tenant_id` -> scim_tenants.id)
 * are dropped first and created again after. Converting rebuilds each table: on a large
 * database, run it in a maintenance window. A server without a NO PAD collation (MySQL 5.7,
 * MariaDB before 10.2) cannot give the same answers as SQLite: the migration fails with that
 * reason rather than leave the difference.
 *
 * down() converts back to utf8mb4_bin; it fails with a duplicate key if rows now differ only by
 * trailing spaces (remove one of each first). SQLite: nothing to do either way.
 */
export class NoPadStrings1763980000000 implements MigrationInterface {
  name = 'NoPadStrings1763980000000';

  async up(q: QueryRunner): Promise<void> {
    const collation = await exactCollation(q);
    if (collation !== undefined) {
      await convertTables(q, collation);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    if (!isMysql(q)) {
      return;
    }
    await convertTables(q, LEGACY_COLLATION);
    // the tables' own default goes back to the database's, as when they were created
    const [{ charset, collation }] = (await q.query(
      'SELECT DEFAULT_CHARACTER_SET_NAME AS charset, DEFAULT_COLLATION_NAME AS collation ' +
        'FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = DATABASE()',
    )) as Array<{ charset: string; collation: string }>;
    for (const table of SCIM_TABLES) {
      await q.query(`ALTER TABLE \`${table}\` DEFAULT CHARACTER SET ${charset} COLLATE ${collation}`);
    }
  }
}

/** The module's tables (not scim_migrations: TypeORM's own, compared in JavaScript). */
export const SCIM_TABLES = [
  'scim_tenants',
  'scim_tokens',
  'scim_role_mappings',
  'scim_users',
  'scim_user_values',
  'scim_groups',
  'scim_group_members',
  'scim_resources',
  'scim_resource_values',
  'scim_outbox',
  'scim_audit',
  'scim_rate_limits',
] as const;

/** what the string columns were before this migration (PAD SPACE) */
const LEGACY_COLLATION = 'utf8mb4_bin';

/** the NO PAD binary collations, MariaDB's first */
const NO_PAD_BINARY = ['utf8mb4_nopad_bin', 'utf8mb4_0900_bin'];

function isMysql(q: QueryRunner): boolean {
  return q.connection.options.type === 'mysql' || q.connection.options.type === 'mariadb';
}

/**
 * The collation that compares utf8mb4 strings exactly, trailing spaces included, on this
 * MySQL/MariaDB server; undefined on SQLite (BINARY is exact already). Migrations after this
 * one give new string columns this collation (`columnKit(q, await exactCollation(q))`).
 */
export async function exactCollation(q: QueryRunner): Promise<string | undefined> {
  if (!isMysql(q)) {
    return undefined;
  }
  const rows = (await q.query(
    `SELECT COLLATION_NAME AS name FROM information_schema.COLLATIONS WHERE COLLATION_NAME IN (?, ?)`,
    NO_PAD_BINARY,
  )) as Array<{ name: string }>;
  const found = NO_PAD_BINARY.find((c) => rows.some((r) => r.name === c));
  if (!found) {
    const [{ version }] = (await q.query('SELECT VERSION() AS version')) as Array<{ version: string }>;
    throw new Error(
      `The database server (${version}) has no NO PAD binary collation (${NO_PAD_BINARY.join(' or ')}): ` +
        "it would treat 'bob' and 'bob ' as one value where SQLite does not. " +
        'Use MariaDB 10.2 or later, or MySQL 8.0.17 or later.',
    );
  }
  return found;
}

/** Converts every string column of SCIM_TABLES to `collation`, around their string foreign keys. */
async function convertTables(q: QueryRunner, collation: string): Promise<void> {
  const dropped: Array<{ table: string; fk: TableForeignKey }> = [];
  for (const table of SCIM_TABLES) {
    const t = (await q.getTable(table))!;
    for (const fk of t.foreignKeys) {
      const onString = fk.columnNames.some((name) => /char|text/i.test(t.findColumnByName(name)?.type ?? ''));
      if (onString) {
        dropped.push({ table, fk });
      }
    }
  }
  for (const { table, fk } of dropped) {
    await q.dropForeignKey(table, fk);
  }
  for (const table of SCIM_TABLES) {
    await q.query(`ALTER TABLE \`${table}\` CONVERT TO CHARACTER SET utf8mb4 COLLATE ${collation}`);
  }
  for (const { table, fk } of dropped) {
    await q.createForeignKey(table, fk);
  }
}
