import { DataSource } from 'typeorm';

/**
 * mysql2 (under TypeORM) substitutes `?` parameters on the client, escaping quotes with a
 * backslash. A server whose sql_mode has NO_BACKSLASH_ESCAPES reads `\'` as a backslash and a
 * string's end: a value holding a quote would then break out of its literal (SQL injection, or
 * at best a failed write). So the module refuses to start on such a server.
 */
export function checkSqlMode(sqlMode: string | null | undefined): void {
  const modes = (sqlMode ?? '').toUpperCase().split(',').map((m) => m.trim());
  if (modes.includes('NO_BACKSLASH_ESCAPES')) {
    throw new Error(
      'The MySQL/MariaDB server runs with sql_mode NO_BACKSLASH_ESCAPES, which the mysql2 driver ' +
        "cannot escape parameters for safely. Remove it from the server's sql_mode (my.cnf " +
        "sql_mode, or SET GLOBAL sql_mode = REPLACE(@@GLOBAL.sql_mode, 'NO_BACKSLASH_ESCAPES', ''))" +
        ' and restart.',
    );
  }
}

/** checkSqlMode on a MySQL/MariaDB DataSource's session; nothing on SQLite. */
export async function assertSafeSqlMode(ds: DataSource): Promise<void> {
  const type = ds.options.type;
  if (type !== 'mysql' && type !== 'mariadb') {
    return;
  }
  const rows = (await ds.query('SELECT @@SESSION.sql_mode AS mode')) as Array<{ mode: string }>;
  checkSqlMode(rows[0]?.mode);
}
