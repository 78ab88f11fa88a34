/**
 * The start-up refusal of a MySQL server in NO_BACKSLASH_ESCAPES mode (src/persistence/
 * mysql-mode.check.ts), on the real MariaDB: one pooled connection, its session switched into
 * that mode, and the check must refuse it; the server's normal mode passes.
 */
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../../src/library';
import { assertSafeSqlMode } from '../../src/persistence/mysql-mode.check';
import { TEST_DATABASES, TestDatabase, createTestDatabase } from '../support/databases';

const describeMysql = TEST_DATABASES.includes('mysql') ? describe : describe.skip;

describeMysql('MysqlModeCheck on MariaDB', () => {
  let db: TestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('mysql');
    const options = buildDataSourceOptions({ url: db.url, migrationsRun: false });
    ds = new DataSource({ ...options, extra: { connectionLimit: 1 } } as typeof options);
    await ds.initialize();
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it("passes on the server's own sql_mode", async () => {
    await expect(assertSafeSqlMode(ds)).resolves.toBeUndefined();
  });

  it('refuses a session in NO_BACKSLASH_ESCAPES mode', async () => {
    await ds.query("SET SESSION sql_mode = CONCAT(@@SESSION.sql_mode, ',NO_BACKSLASH_ESCAPES')");
    await expect(assertSafeSqlMode(ds)).rejects.toThrow(/NO_BACKSLASH_ESCAPES/);
  });
});
