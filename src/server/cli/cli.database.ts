import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseDatabaseUrl } from '../../library';

/** The database as the CLI names it: the SQLite file's absolute path, or the server and database (never the password). */
export function describeDatabase(url: string, fromEnv: boolean): string {
  const db = parseDatabaseUrl(url);
  const source = fromEnv ? '' : ' (DATABASE_URL is not set: the default)';
  if (db.kind === 'sqlite') {
    return `SQLite ${db.file === ':memory:' ? 'in memory' : resolve(db.file!)}${source}`;
  }
  const server = db.kind === 'postgres' ? 'PostgreSQL' : 'MySQL/MariaDB';
  return `${server} ${db.username}@${db.host}:${db.port}/${db.database}${source}`;
}

/**
 * A SQLite file the command may open. A missing one is created (with its folder) only when
 * `create` says so; otherwise the command stops here, before SQLite would create an empty
 * database at a path that may simply be wrong (another working directory, DATABASE_URL unset).
 */
export function checkDatabaseFile(url: string, fromEnv: boolean, create: boolean): void {
  const db = parseDatabaseUrl(url);
  if (db.kind !== 'sqlite' || db.file === ':memory:') {
    return;
  }
  const file = resolve(db.file!);
  if (existsSync(file)) {
    return;
  }
  if (create) {
    mkdirSync(dirname(file), { recursive: true });
    return;
  }
  throw new Error(
    `No SQLite database at ${file}` +
      (fromEnv ? '' : ' (DATABASE_URL is not set: the default sqlite:./data/scim.sqlite, relative to the working directory)') +
      '. Point DATABASE_URL at the server\'s database, start the server once (npm start) or run "migration run" to create it, ' +
      'or add --create to create an empty one there.',
  );
}
