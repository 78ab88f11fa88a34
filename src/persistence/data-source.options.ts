import { DataSourceOptions } from 'typeorm';
import { SCIM_ENTITIES } from './entities';
import { SCIM_MIGRATIONS } from './migrations';

export type DatabaseKind = 'sqlite' | 'mysql';

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

/** `sqlite:./data/scim.sqlite`, `sqlite::memory:`, `mysql://user:pass@host:3306/db` (also mariadb://). */
export function parseDatabaseUrl(url: string): ParsedDatabaseUrl {
  if (/^sqlite:/i.test(url)) {
    const file = url.replace(/^sqlite:(\/\/)?/i, '');
    if (!file) {
      throw new Error(`DATABASE_URL "${url}" names no SQLite file (e.g. sqlite:./data/scim.sqlite)`);
    }
    return { kind: 'sqlite', file };
  }
  if (/^(mysql|mariadb):\/\//i.test(url)) {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      throw new Error(`DATABASE_URL "${redact(url)}" is not a valid URL`);
    }
    const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
    if (!database) {
      throw new Error(`DATABASE_URL "${redact(url)}" names no database (mysql://user:pass@host:3306/db)`);
    }
    return {
      kind: 'mysql',
      host: u.hostname || '127.0.0.1',
      port: u.port ? Number(u.port) : 3306,
      username: decodeURIComponent(u.username || 'root'),
      password: decodeURIComponent(u.password),
      database,
    };
  }
  throw new Error(
    `DATABASE_URL "${redact(url)}" is not supported: use sqlite:<file> or mysql://user:pass@host:port/db`,
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
}

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
