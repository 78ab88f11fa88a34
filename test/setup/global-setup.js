/**
 * Checks once, before the e2e/integration suites, that the MariaDB/MySQL and PostgreSQL servers
 * the MySQL and PostgreSQL runs use are reachable. Both runs are mandatory: set
 * SCIM_TEST_MYSQL=off or SCIM_TEST_PG=off to skip one explicitly on a machine without that
 * server (CI never does).
 */
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');
const mysql = require('mysql2/promise');
const { Client } = require('pg');

/** The compiled server and CLI, for the suites that run them as child processes. */
function build() {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], {
    cwd: join(__dirname, '..', '..'),
    stdio: 'inherit',
  });
}

module.exports = async () => {
  build();
  await checkPostgres();
  if (process.env.SCIM_TEST_MYSQL === 'off') {
    process.stderr.write('\n[scim-nest] SCIM_TEST_MYSQL=off: the MySQL runs are skipped\n');
    return;
  }
  const url = process.env.SCIM_TEST_MYSQL_URL || 'mysql://root@127.0.0.1:3306/test';
  try {
    const conn = await mysql.createConnection({ uri: url, connectTimeout: 5000 });
    await conn.query('SELECT 1');
    await conn.end();
  } catch (e) {
    throw new Error(
      `MySQL/MariaDB is not reachable at ${url.replace(/:[^:@/]*@/, ':***@')} (${e.message}). ` +
        'Start it (see README "Running the tests") or set SCIM_TEST_MYSQL=off to skip the MySQL runs.',
    );
  }
};

async function checkPostgres() {
  if (process.env.SCIM_TEST_PG === 'off') {
    process.stderr.write('\n[scim-nest] SCIM_TEST_PG=off: the PostgreSQL runs are skipped\n');
    return;
  }
  const url = process.env.SCIM_TEST_PG_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (e) {
    throw new Error(
      `PostgreSQL is not reachable at ${url.replace(/:[^:@/]*@/, ':***@')} (${e.message}). ` +
        'Start it (see README "Running the tests") or set SCIM_TEST_PG=off to skip the PostgreSQL runs.',
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}
