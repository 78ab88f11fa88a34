import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';

/** One real database per test file: a fresh SQLite file, or a fresh MariaDB/MySQL database. */
export interface TestDatabase {
  readonly kind: 'sqlite' | 'mysql';
  readonly url: string;
  drop(): Promise<void>;
}

export type DatabaseKind = TestDatabase['kind'];

/** The databases every e2e/integration suite runs against (MySQL unless SCIM_TEST_MYSQL=off). */
export const TEST_DATABASES: DatabaseKind[] =
  process.env.SCIM_TEST_MYSQL === 'off' ? ['sqlite'] : ['sqlite', 'mysql'];

const MYSQL_URL = process.env.SCIM_TEST_MYSQL_URL || 'mysql://root@127.0.0.1:3306/test';

export async function createTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  const suffix = randomBytes(6).toString('hex');
  if (kind === 'sqlite') {
    const file = join(tmpdir(), `scim-test-${suffix}.sqlite`);
    return {
      kind,
      url: `sqlite:${file}`,
      drop: async () => {
        for (const f of [file, `${file}-wal`, `${file}-shm`]) {
          rmSync(f, { force: true });
        }
      },
    };
  }
  const name = `scim_test_${suffix}`;
  const admin = await mysql.createConnection({ uri: MYSQL_URL });
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  const u = new URL(MYSQL_URL);
  u.pathname = `/${name}`;
  return {
    kind,
    url: u.toString(),
    drop: async () => {
      const c = await mysql.createConnection({ uri: MYSQL_URL });
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    },
  };
}
