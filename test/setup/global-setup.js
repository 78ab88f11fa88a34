/**
 * Checks once, before the e2e/integration suites, that the MariaDB/MySQL server the MySQL runs
 * use is reachable. The MySQL runs are mandatory: set SCIM_TEST_MYSQL=off to skip them
 * explicitly on a machine without MySQL (CI never does).
 */
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');
const mysql = require('mysql2/promise');

/** The compiled server and CLI, for the suites that run them as child processes. */
function build() {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], {
    cwd: join(__dirname, '..', '..'),
    stdio: 'inherit',
  });
}

module.exports = async () => {
  build();
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
