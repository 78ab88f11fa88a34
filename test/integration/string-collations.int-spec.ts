/**
 * The NoPadStrings migration (src/persistence/migrations/1763980000000-NoPadStrings.ts) on the
 * real databases: after the migrations, every string column the entities declare compares
 * exactly on MariaDB (a NO PAD binary collation: trailing spaces count), as SQLite's BINARY
 * and PostgreSQL's "C" do; down() gives the columns and the foreign keys back as they were, and
 * up() again.
 */
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { SCIM_TABLES as NO_PAD_TABLES } from '../../src/persistence/migrations/1763980000000-NoPadStrings';
import { CATALOGUE_TABLES } from '../../src/persistence/migrations/1763987000000-TenantCatalogue';
import { TypeOrmTenantRepository } from '../../src/persistence/repositories/typeorm-tenant.repository';
import { TEST_DATABASES } from '../support/databases';
import { TypeOrmStore, openTypeOrmStore } from './support/typeorm-store';

const NO_PAD = ['utf8mb4_nopad_bin', 'utf8mb4_0900_bin'];
/** the tables NoPadStrings converts, and those later migrations create with its collation */
/** the tables the OAuth migrations create after NoPadStrings (NO PAD from the start) */
const OAUTH_TABLES = ['scim_oauth_clients', 'scim_oauth_client_secrets', 'scim_oauth_signing_keys', 'scim_oauth_assertion_jtis'];
/** the tables created after NoPadStrings, gone once it is undone */
const LATER_TABLES = [...CATALOGUE_TABLES, ...OAUTH_TABLES];
const SCIM_TABLES = [...NO_PAD_TABLES, ...LATER_TABLES];

/** undoes the migrations after NoPadStrings (they create their tables NO PAD), then NoPadStrings itself */
async function undoNoPad(ds: DataSource): Promise<number> {
  const names = ds.migrations.map((m) => m.name);
  const later = names.length - 1 - names.indexOf('NoPadStrings1763980000000');
  for (let i = 0; i <= later; i++) {
    await ds.undoLastMigration();
  }
  return later;
}

interface ColumnRow {
  table: string;
  column: string;
  collation: string;
}

/** every column of the module's tables that has a collation (MySQL/MariaDB) */
async function stringColumns(ds: DataSource): Promise<ColumnRow[]> {
  return (await ds.query(
    `SELECT TABLE_NAME AS \`table\`, COLUMN_NAME AS \`column\`, COLLATION_NAME AS collation
       FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = DATABASE() AND COLLATION_NAME IS NOT NULL AND TABLE_NAME IN (?)
      ORDER BY TABLE_NAME, COLUMN_NAME`,
    [SCIM_TABLES],
  )) as ColumnRow[];
}

async function tableCollations(ds: DataSource): Promise<string[]> {
  const rows = (await ds.query(
    `SELECT DISTINCT TABLE_COLLATION AS c FROM information_schema.TABLES
      WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN (?)`,
    [SCIM_TABLES],
  )) as Array<{ c: string }>;
  return rows.map((r) => r.c);
}

async function foreignKeys(ds: DataSource): Promise<string[]> {
  const rows = (await ds.query(
    `SELECT CONCAT(TABLE_NAME, '.', CONSTRAINT_NAME, ' -> ', REFERENCED_TABLE_NAME, ' ', DELETE_RULE) AS fk
       FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()`,
  )) as Array<{ fk: string }>;
  return rows.map((r) => r.fk).sort();
}

/** the (table.column) of every string column the entities declare */
function entityStringColumns(ds: DataSource): string[] {
  return ds.entityMetadatas
    .flatMap((m) =>
      m.columns
        .filter((c) => /char|text/i.test(String(c.type)))
        .map((c) => `${m.tableName}.${c.databaseName}`),
    )
    .sort();
}

describe.each(TEST_DATABASES)('NoPadStrings migration on %s', (kind) => {
  let store: TypeOrmStore;

  beforeEach(async () => {
    store = await openTypeOrmStore(kind);
  });
  afterEach(async () => {
    await store?.close();
  });

  it('keeps values that differ only by trailing spaces or a tab apart in unique keys and look-ups', async () => {
    const tenants = new TypeOrmTenantRepository(store.ds);
    const slugs = ['acme', 'acme ', 'acme  ', 'acme\t'];
    for (const slug of slugs) {
      await tenants.create({ id: randomUUID(), slug, createdAt: '2024-01-01T00:00:00.000Z' });
    }
    for (const slug of slugs) {
      expect((await tenants.findBySlug(slug))?.slug).toBe(slug);
    }
    expect(await tenants.findBySlug('acme   ')).toBeNull();
  });

  if (kind === 'mysql') {
    it('gives every string column of every entity a NO PAD binary collation', async () => {
      const columns = await stringColumns(store.ds);
      const nopad = columns.filter((c) => NO_PAD.includes(c.collation));
      expect(columns.filter((c) => !NO_PAD.includes(c.collation))).toEqual([]);
      expect(new Set(columns.map((c) => c.collation)).size).toBe(1);
      const covered = new Set(nopad.map((c) => `${c.table}.${c.column}`));
      const scimEntityColumns = entityStringColumns(store.ds).filter((c) => c.startsWith('scim_'));
      expect(scimEntityColumns.length).toBeGreaterThan(50);
      expect(scimEntityColumns.filter((c) => !covered.has(c))).toEqual([]);
      // a column added later without a collation gets the table's: NO PAD as well
      expect((await tableCollations(store.ds)).every((c) => NO_PAD.includes(c))).toBe(true);
    });

    it('down() gives back utf8mb4_bin and the same foreign keys; up() converts again', async () => {
      const { ds } = store;
      const before = await foreignKeys(ds);
      expect(before.some((fk) => fk.includes('-> scim_tenants CASCADE'))).toBe(true);
      await undoNoPad(ds);
      expect(new Set((await stringColumns(ds)).map((c) => c.collation))).toEqual(new Set(['utf8mb4_bin']));
      expect(await foreignKeys(ds)).toEqual(before.filter((fk) => !LATER_TABLES.some((t) => fk.startsWith(`${t}.`))));
      const [{ c }] = (await ds.query(
        'SELECT DEFAULT_COLLATION_NAME AS c FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = DATABASE()',
      )) as Array<{ c: string }>;
      expect(await tableCollations(ds)).toEqual([c]);
      await ds.runMigrations();
      expect((await stringColumns(ds)).every((col) => NO_PAD.includes(col.collation))).toBe(true);
      expect(await foreignKeys(ds)).toEqual(before);
    });
  } else if (kind === 'postgres') {
    it('gives every string column of every entity the "C" collation; documents are jsonb', async () => {
      const columns = (await store.ds.query(
        `SELECT table_name AS "table", column_name AS "column", collation_name AS collation,
                data_type AS type
           FROM information_schema.columns
          WHERE table_schema = current_schema() AND table_name LIKE 'scim\\_%'
            AND table_name <> 'scim_migrations'
            AND data_type IN ('character varying', 'text', 'jsonb')`,
      )) as Array<ColumnRow & { type: string }>;
      const strings = columns.filter((c) => c.type !== 'jsonb');
      expect(strings.filter((c) => c.collation !== 'C')).toEqual([]);
      const covered = new Set(columns.map((c) => `${c.table}.${c.column}`));
      const scimEntityColumns = entityStringColumns(store.ds).filter((c) => c.startsWith('scim_'));
      expect(scimEntityColumns.length).toBeGreaterThan(50);
      expect(scimEntityColumns.filter((c) => !covered.has(c))).toEqual([]);
      expect(
        columns
          .filter((c) => c.type === 'jsonb')
          .map((c) => `${c.table}.${c.column}`)
          .sort(),
      ).toEqual([
        'scim_groups.doc',
        'scim_resource_values.item',
        'scim_resources.doc',
        'scim_user_values.item',
        'scim_users.doc',
      ]);
    });

    it('undoes every migration, then applies them again to the same schema', async () => {
      const { ds } = store;
      const schema = () =>
        ds.query(
          `SELECT table_name, column_name, data_type, collation_name, is_nullable
             FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name LIKE 'scim\\_%'
              AND table_name <> 'scim_migrations'
            ORDER BY table_name, column_name`,
        );
      const before = await schema();
      for (let i = 0; i < ds.migrations.length; i++) {
        await ds.undoLastMigration();
      }
      expect(await schema()).toEqual([]);
      await ds.runMigrations();
      expect(await schema()).toEqual(before);
    });
  } else {
    it('changes nothing on SQLite, up or down', async () => {
      const { ds } = store;
      const schema = () => ds.query("SELECT name, sql FROM sqlite_master WHERE name LIKE 'scim\\_%' ESCAPE '\\' ORDER BY name");
      const later = await undoNoPad(ds);
      await ds.runMigrations();
      const before = await schema();
      for (let i = 0; i < later; i++) {
        await ds.undoLastMigration();
      }
      const withoutLater = await schema();
      await ds.undoLastMigration();
      expect(await schema()).toEqual(withoutLater);
      await ds.runMigrations();
      expect(await schema()).toEqual(before);
    });
  }
});
