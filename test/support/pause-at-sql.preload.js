/**
 * Test-only: loaded into a server process with `node --require` (NODE_OPTIONS, see
 * test/e2e/bulk-atomic.e2e-spec.ts), never part of the module or the server. When
 * SCIM_TEST_PAUSE_AT_SQL is set (a regular expression over "<sql>\n<JSON params>"), the first
 * statement that matches runs and then never returns: the transaction it belongs to stays
 * open, and the process prints SCIM_TEST_PAUSED so that the test can kill it (SIGKILL) at
 * exactly that point. Without the variable it changes nothing.
 */
const { writeSync } = require('node:fs');

const pattern = process.env.SCIM_TEST_PAUSE_AT_SQL;
if (pattern) {
  const re = new RegExp(pattern, 's');
  let paused = false;
  const runners = [
    ['typeorm/driver/better-sqlite3/BetterSqlite3QueryRunner', 'BetterSqlite3QueryRunner'],
    ['typeorm/driver/mysql/MysqlQueryRunner', 'MysqlQueryRunner'],
    ['typeorm/driver/postgres/PostgresQueryRunner', 'PostgresQueryRunner'],
  ];
  for (const [path, name] of runners) {
    const proto = require(path)[name].prototype;
    const query = proto.query;
    proto.query = async function (sql, params, ...rest) {
      const result = await query.call(this, sql, params, ...rest);
      if (!paused && re.test(`${sql}\n${JSON.stringify(params ?? [])}`)) {
        paused = true;
        writeSync(1, 'SCIM_TEST_PAUSED\n');
        await new Promise(() => undefined);
      }
      return result;
    };
  }
}
