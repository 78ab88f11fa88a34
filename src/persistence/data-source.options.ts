import { DataSourceOptions } from 'typeorm';
import { SCIM_ENTITIES } from './entities';
import { SCIM_MIGRATIONS } from './migrations';

export type DatabaseKind = 'sqlite' | 'mysql' | 'postgres';

export interface ParsedDatabaseUrl {
  kind: DatabaseKind;
  /** sqlite: file path (or ':memory:') */
  file?: string;
  host?: string;
  port?: number;
  username?: string;
  password?: string;
  database?: string;
}

/** the server URLs: scheme -> kind and default port */
const SERVER_SCHEMES: Record<string, { kind: 'mysql' | 'postgres'; port: number; user: string }> = {
  mysql: { kind: 'mysql', port: 3306, user: 'root' },
  mariadb: { kind: 'mysql', port: 3306, user: 'root' },
  postgres: { kind: 'postgres', port: 5432, user: 'postgres' },
  postgresql: { kind: 'postgres', port: 5432, user: 'postgres' },
};

/**
 * `sqlite:./data/scim.sqlite`, `sqlite::memory:`, `mysql://user:pass@host:3306/db` (also
 * mariadb://), `postgres://user:pass@host:5432/db` (also postgresql://).
 */
export function parseDatabaseUrl(url: string): ParsedDatabaseUrl {
  if (/^sqlite:/i.test(url)) {
    const file = url.replace(/^sqlite:(\/\/)?/i, '');
    if (!file) {
      throw new Error(`DATABASE_URL "${url}" names no SQLite file (e.g. sqlite:./data/scim.sqlite)`);
    }
    return { kind: 'sqlite', file };
  }
  const scheme = /^([a-z]+):\/\//i.exec(url)?.[1].toLowerCase();
  const server =
    scheme !== undefined && Object.hasOwn(SERVER_SCHEMES, scheme) ? SERVER_SCHEMES[scheme] : undefined;
  if (server) {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      throw new Error(`DATABASE_URL "${redact(url)}" is not a valid URL`);
    }
    const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
    if (!database) {
      throw new Error(
        `DATABASE_URL "${redact(url)}" names no database (${scheme}://user:pass@host:${server.port}/db)`,
      );
    }
    return {
      kind: server.kind,
      host: u.hostname || '127.0.0.1',
      port: u.port ? Number(u.port) : server.port,
      username: decodeURIComponent(u.username || server.user),
      password: decodeURIComponent(u.password),
      database,
    };
  }
  throw new Error(
    `DATABASE_URL "${redact(url)}" is not supported: use sqlite:<file>, mysql://user:pass@host:port/db ` +
      'or postgres://user:pass@host:port/db',
  );
}

export function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):([^@]*)@/, '//$1:***@');
}

/**
 * Registers what the SQL compiler needs on every SQLite connection: Unicode lower-casing
 * identical to JavaScript's, case-sensitive LIKE (MySQL columns are utf8mb4_bin), WAL, FKs.
 */
export function prepareSqlite(db: {
  function: (name: string, opts: object, fn: (v: unknown) => unknown) => unknown;
  pragma: (s: string) => unknown;
}): void {
  db.function('scim_lower', { deterministic: true }, (v: unknown) =>
    typeof v === 'string' ? v.toLowerCase() : v,
  );
  db.pragma('case_sensitive_like = ON');
  db.pragma('foreign_keys = ON');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
}

export interface DataSourceBuildOptions {
  url: string;
  migrationsRun?: boolean;
  logging?: boolean;
  /** extra entities (e.g. a host app's own) */
  entities?: DataSourceOptions['entities'];
  /**
   * PostgreSQL: the server cancels a statement running longer (statement_timeout), so a
   * runaway query cannot hold a connection; default DEFAULT_PG_STATEMENT_TIMEOUT_MS, 0 = none.
   */
  statementTimeoutMs?: number;
}

/** PostgreSQL's statement_timeout unless the options say otherwise */
export const DEFAULT_PG_STATEMENT_TIMEOUT_MS = 30_000;

export function buildDataSourceOptions(o: DataSourceBuildOptions): DataSourceOptions {
  const db = parseDatabaseUrl(o.url);
  const common = {
    entities: [...SCIM_ENTITIES, ...((o.entities as []) ?? [])],
    migrations: SCIM_MIGRATIONS,
    migrationsTableName: 'scim_migrations',
    migrationsRun: o.migrationsRun ?? false,
    synchronize: false,
    logging: o.logging ?? false,
  };
  if (db.kind === 'sqlite') {
    return {
      ...common,
      type: 'better-sqlite3',
      database: db.file!,
      prepareDatabase: prepareSqlite,
    } as DataSourceOptions;
  }
  if (db.kind === 'postgres') {
    return {
      ...common,
      type: 'postgres',
      host: db.host,
      port: db.port,
      username: db.username,
      password: db.password,
      database: db.database,
      extra: {
        max: 20,
        statement_timeout: o.statementTimeoutMs ?? DEFAULT_PG_STATEMENT_TIMEOUT_MS,
      },
    } as DataSourceOptions;
  }
  return {
    ...common,
    type: 'mysql',
    host: db.host,
    port: db.port,
    username: db.username,
    password: db.password,
    database: db.database,
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
    supportBigNumbers: true,
    bigNumberStrings: true,
    extra: { connectionLimit: 20 },
  } as DataSourceOptions;
}
