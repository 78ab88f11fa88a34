/**
 * Several replicas started at once on one empty database with MIGRATIONS_RUN=true: every one
 * becomes ready and the migrations are applied once (a database lock serialises them: GET_LOCK
 * on MariaDB, BEGIN EXCLUSIVE on SQLite, an advisory lock on PostgreSQL).
 */
import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import { Client } from 'pg';
import { SCIM_MIGRATIONS } from '../../src/library';
import { DatabaseKind, TEST_DATABASES, TestDatabase, createTestDatabase } from '../support/databases';
import { ServerProcess } from '../support/server-process';

const INSTANCES = 3;

/** the names recorded in scim_migrations, one per applied migration */
async function appliedMigrations(db: TestDatabase): Promise<string[]> {
  if (db.kind === 'sqlite') {
    const conn = new Database(db.url.replace(/^sqlite:/, ''), { readonly: true });
    try {
      return (conn.prepare('SELECT name FROM scim_migrations').all() as Array<{ name: string }>).map((r) => r.name);
    } finally {
      conn.close();
    }
  }
  if (db.kind === 'postgres') {
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      return (await client.query('SELECT name FROM scim_migrations')).rows.map((r: { name: string }) => r.name);
    } finally {
      await client.end();
    }
  }
  const conn = await mysql.createConnection({ uri: db.url });
  try {
    const [rows] = await conn.query('SELECT name FROM scim_migrations');
    return (rows as Array<{ name: string }>).map((r) => r.name);
  } finally {
    await conn.end();
  }
}

describe.each(TEST_DATABASES)('%s: three instances started together on an empty database', (kind: DatabaseKind) => {
  let db: TestDatabase;
  const servers: ServerProcess[] = [];

  beforeAll(async () => {
    db = await createTestDatabase(kind);
  });

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await db?.drop();
  });

  it('all become ready and the migrations are applied once', async () => {
    const started = await Promise.allSettled(
      Array.from({ length: INSTANCES }, () => ServerProcess.start(db.url, { MIGRATIONS_RUN: 'true' })),
    );
    for (const s of started) {
      if (s.status === 'fulfilled') {
        servers.push(s.value);
      }
    }
    expect(started.map((s) => (s.status === 'rejected' ? String(s.reason) : 'ready'))).toEqual(
      Array.from({ length: INSTANCES }, () => 'ready'),
    );
    for (const s of servers) {
      const ready = await fetch(`${new URL(s.baseUrl).origin}/health/ready`);
      expect(ready.status).toBe(200);
    }
    // none failed its first try and started only on a retry (TypeOrmModule retries a failed start)
    for (const s of servers) {
      expect(s.stdout).not.toMatch(/failed, error|Unable to connect to the database|already exists|SQLITE_BUSY/);
    }
    const applied = await appliedMigrations(db);
    expect(applied.sort()).toEqual(SCIM_MIGRATIONS.map((m) => m.name).sort());
  }, 90_000);
});
