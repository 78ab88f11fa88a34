import { DataSourceOptions, EntitySchema } from 'typeorm';
import { SCIM_ENTITIES } from './entities';
import { SCIM_MIGRATIONS } from './migrations';
import { SCIM_MIGRATIONS_TABLE } from './schema.check';

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

/** The database drivers the module runs on. */
export type ScimDatabaseType = 'better-sqlite3' | 'mysql' | 'mariadb' | 'postgres';

type EntityItem = Function | string | EntitySchema;
type MigrationItem = Function | string;
type Prepare = (db: never) => void | Promise<void>;

export interface ScimTypeOrmOptionsInput {
  /** the DataSource's `type` */
  readonly type: ScimDatabaseType;
  /** the host's own entities, listed before the module's */
  readonly entities?: DataSourceOptions['entities'];
  /** the host's own migrations, run with the module's in timestamp order */
  readonly migrations?: DataSourceOptions['migrations'];
  /** better-sqlite3: the host's own preparation of each connection, run before prepareSqlite */
  readonly prepareDatabase?: Prepare;
}

/** What scimTypeOrmOptions returns, to spread into the host's DataSource options. */
export interface ScimTypeOrmOptions {
  readonly entities: EntityItem[];
  readonly migrations: MigrationItem[];
  /** better-sqlite3 only */
  readonly prepareDatabase?: (db: Parameters<typeof prepareSqlite>[0]) => void | Promise<void>;
}

const listOf = <T>(l: T[] | Record<string, T> | undefined): T[] =>
  l === undefined ? [] : Array.isArray(l) ? l : Object.values(l);

/**
 * The TypeORM options the module needs on a host's DataSource: its entities and migrations
 * beside the host's own, and on SQLite the connection preparation (prepareSqlite). Spread into
 * `TypeOrmModule.forRoot(Async)` with `migrationsRun: true`, the module's tables are there (and
 * up to date) before it starts; without them the module refuses to start.
 */
export function scimTypeOrmOptions(o: ScimTypeOrmOptionsInput): ScimTypeOrmOptions {
  const types: readonly string[] = ['better-sqlite3', 'mysql', 'mariadb', 'postgres'] satisfies ScimDatabaseType[];
  if (!types.includes(o?.type)) {
    throw new Error(
      `scimTypeOrmOptions: type must be one of ${types.map((t) => `'${t}'`).join(', ')} (got ${JSON.stringify(o?.type)})`,
    );
  }
  const common = {
    entities: [...listOf<EntityItem>(o.entities), ...SCIM_ENTITIES],
    migrations: [...listOf<MigrationItem>(o.migrations), ...SCIM_MIGRATIONS],
  };
  if (o.type !== 'better-sqlite3') {
    return common;
  }
  const own = o.prepareDatabase as ((db: unknown) => void | Promise<void>) | undefined;
  return {
    ...common,
    prepareDatabase: own
      ? async (db) => {
          await own(db);
          prepareSqlite(db);
        }
      : prepareSqlite,
  };
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

/**
 * The driver settings of a DATABASE_URL, as the module needs its connection: the database and
 * credentials, and on MySQL/MariaDB UTC times, utf8mb4 and BIGINTs as strings. Nothing of the
 * module's own (entities, migrations, pool, SQLite preparation): a host adds those, through
 * scimTypeOrmOptions, to a connection it describes itself or takes from here.
 */
export function connectionOptionsOf(url: string) {
  const db = parseDatabaseUrl(url);
  if (db.kind === 'sqlite') {
    return { type: 'better-sqlite3', database: db.file! } as const;
  }
  const server = { host: db.host, port: db.port, username: db.username, password: db.password, database: db.database };
  if (db.kind === 'postgres') {
    return { type: 'postgres', ...server } as const;
  }
  return {
    type: 'mysql',
    ...server,
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
    supportBigNumbers: true,
    bigNumberStrings: true,
  } as const;
}

export function buildDataSourceOptions(o: DataSourceBuildOptions): DataSourceOptions {
  const connection = connectionOptionsOf(o.url);
  const common = {
    entities: [...SCIM_ENTITIES, ...((o.entities as []) ?? [])],
    migrations: SCIM_MIGRATIONS,
    migrationsTableName: SCIM_MIGRATIONS_TABLE,
    migrationsRun: o.migrationsRun ?? false,
    synchronize: false,
    logging: o.logging ?? false,
  };
  switch (connection.type) {
    case 'better-sqlite3':
      return { ...common, ...connection, prepareDatabase: prepareSqlite } as DataSourceOptions;
    case 'postgres':
      return {
        ...common,
        ...connection,
        extra: {
          max: 20,
          statement_timeout: o.statementTimeoutMs ?? DEFAULT_PG_STATEMENT_TIMEOUT_MS,
        },
      } as DataSourceOptions;
    default:
      return { ...common, ...connection, extra: { connectionLimit: 20 } } as DataSourceOptions;
  }
}
