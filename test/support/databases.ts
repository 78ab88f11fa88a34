import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { Client } from 'pg';

/**
 * One real database per test file: a fresh SQLite file, or a fresh MariaDB/MySQL or
 * PostgreSQL database.
 */
export interface TestDatabase {
  readonly kind: 'sqlite' | 'mysql' | 'postgres';
  readonly url: string;
  drop(): Promise<void>;
}

export type DatabaseKind = TestDatabase['kind'];

/**
 * The databases every e2e/integration suite runs against: SQLite, MySQL unless
 * SCIM_TEST_MYSQL=off, PostgreSQL unless SCIM_TEST_PG=off.
 */
export const TEST_DATABASES: DatabaseKind[] = [
  'sqlite',
  ...(process.env.SCIM_TEST_MYSQL === 'off' ? [] : (['mysql'] as const)),
  ...(process.env.SCIM_TEST_PG === 'off' ? [] : (['postgres'] as const)),
];

const MYSQL_URL = process.env.SCIM_TEST_MYSQL_URL || 'mysql://root@127.0.0.1:3306/test';
const PG_URL = process.env.SCIM_TEST_PG_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

/** Runs `sql` on the PostgreSQL server's maintenance database (SCIM_TEST_PG_URL). */
async function pgAdmin(sql: string): Promise<void> {
  const c = new Client({ connectionString: PG_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

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
  if (kind === 'postgres') {
    await pgAdmin(`CREATE DATABASE ${name}`);
    const u = new URL(PG_URL);
    u.pathname = `/${name}`;
    return {
      kind,
      url: u.toString(),
      // FORCE: a suite that failed may have left connections open
      drop: () => pgAdmin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
    };
  }
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
