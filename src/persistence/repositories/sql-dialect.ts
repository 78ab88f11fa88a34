/**
 * What the stores and repositories write differently on SQLite, MySQL/MariaDB and PostgreSQL:
 * one object per database, so no statement branches on the database itself. The filter
 * compiler's differences are core/filter/filter-sql.dialect.ts (`filter` here); transactions,
 * locks and retries are sql-transaction.ts, which asks `driverErrorOf` what an error means.
 */
import { DataSource, QueryFailedError, QueryRunner } from 'typeorm';
import { FILTER_SQL_DIALECTS, FilterSqlDialect, SqlDialect } from '../../core/filter/filter-sql.dialect';

export interface StoreDialect {
  readonly kind: SqlDialect;
  readonly filter: FilterSqlDialect;
  /** The statement as the driver takes it: `?` placeholders, PostgreSQL's `$1, $2...`. */
  readonly statement: (sql: string) => string;
  /** appended to a SELECT that locks its rows for writing ('': a SQLite write holds the database) */
  readonly forUpdate: string;
  /**
   * Appended to the outbox claim's SELECT of candidates (alias `o`): PostgreSQL locks them and
   * skips the rows another claim holds; MySQL's UPDATE re-check decides races without locking
   * the rows writers insert next to; SQLite claims serialise.
   */
  readonly claimLock: string;
  /** `INSERT INTO <table> <rest>` that skips a row whose unique key exists already */
  readonly insertIgnore: (table: string, rest: string) => string;
  /**
   * DELETE of at most `?` rows of `table` matching `where`, `order` first: parameters are the
   * where's, then the limit. `key` names the rows (default: SQLite's rowid, PostgreSQL's ctid).
   */
  readonly boundedDelete: (table: string, where: string, order?: string, key?: string) => string;
  /** the same value, no index term (`+x` on SQLite and MySQL) */
  readonly noIndex: (expr: string) => string;
  /** a join that keeps the left side (a recursive walk's few rows) as the outer loop */
  readonly crossJoin: string;
  /** a string literal that compares as the text columns do */
  readonly textLiteral: (s: string) => string;
  /** concatenated text that compares as the text columns do */
  readonly concat: (...parts: string[]) => string;
  /** a number of the JSON document, for ORDER BY (a JSON text sorts as text) */
  readonly sortNumber: (json: string, keys: readonly string[]) => string;
  /** appended to an INSERT whose auto-increment key insertId reads ('' where the driver tells it) */
  readonly returning: (seq: string) => string;
}

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

const MYSQL: StoreDialect = {
  kind: 'mysql',
  filter: FILTER_SQL_DIALECTS.mysql,
  statement: (sql) => sql,
  forUpdate: ' FOR UPDATE',
  claimLock: '',
  insertIgnore: (table, rest) => `INSERT IGNORE INTO ${table} ${rest}`,
  boundedDelete: (table, where, order) =>
    `DELETE FROM ${table} WHERE ${where}${order ? ` ORDER BY ${order}` : ''} LIMIT ?`,
  noIndex: (expr) => `+${expr}`,
  crossJoin: 'CROSS JOIN',
  // the connection's collation is case-insensitive: literals carry the columns' binary one
  textLiteral: (s) => `(_utf8mb4${quote(s)} COLLATE utf8mb4_bin)`,
  concat: (...parts) => `(CONCAT(${parts.join(', ')}) COLLATE utf8mb4_bin)`,
  sortNumber: (json, keys) =>
    FILTER_SQL_DIALECTS.mysql.numeric(FILTER_SQL_DIALECTS.mysql.jsonValue(json, keys)),
  returning: () => '',
};

const SQLITE: StoreDialect = {
  kind: 'sqlite',
  filter: FILTER_SQL_DIALECTS.sqlite,
  statement: (sql) => sql,
  forUpdate: '',
  claimLock: '',
  insertIgnore: (table, rest) => `INSERT OR IGNORE INTO ${table} ${rest}`,
  boundedDelete: (table, where, order, key = 'rowid') =>
    `DELETE FROM ${table} WHERE ${key} IN (SELECT ${key} FROM ${table} WHERE ${where}` +
    `${order ? ` ORDER BY ${order}` : ''} LIMIT ?)`,
  noIndex: (expr) => `+${expr}`,
  crossJoin: 'CROSS JOIN',
  textLiteral: quote,
  concat: (...parts) => `(${parts.join(' || ')})`,
  // json_extract answers a number already
  sortNumber: (json, keys) => FILTER_SQL_DIALECTS.sqlite.jsonValue(json, keys),
  returning: () => '',
};

const POSTGRES: StoreDialect = {
  kind: 'postgres',
  filter: FILTER_SQL_DIALECTS.postgres,
  statement: (sql) => positionalParameters(sql),
  forUpdate: ' FOR UPDATE',
  claimLock: ' FOR UPDATE OF o SKIP LOCKED',
  insertIgnore: (table, rest) => `INSERT INTO ${table} ${rest} ON CONFLICT DO NOTHING`,
  boundedDelete: (table, where, order, key = 'ctid') =>
    `DELETE FROM ${table} WHERE ${key} = ANY(ARRAY(SELECT ${key} FROM ${table} WHERE ${where}` +
    `${order ? ` ORDER BY ${order}` : ''} LIMIT ?))`,
  // `+` applies to numbers only; concatenating '' keeps NULL and hides the column from indexes
  noIndex: (expr) => `(${expr} || '')`,
  // PostgreSQL has no CROSS JOIN ... ON; its planner orders joins by cost
  crossJoin: 'JOIN',
  textLiteral: (s) => `(${quote(s)} COLLATE "C")`,
  concat: (...parts) => `((${parts.join(' || ')}) COLLATE "C")`,
  sortNumber: (json, keys) => FILTER_SQL_DIALECTS.postgres.jsonNumber(json, keys),
  returning: (seq) => ` RETURNING ${seq} AS insert_id`,
};

export const STORE_DIALECTS: Readonly<Record<SqlDialect, StoreDialect>> = {
  mysql: MYSQL,
  sqlite: SQLITE,
  postgres: POSTGRES,
};

/** The dialect of a DataSource, from its TypeORM driver type. */
export function dialectOf(ds: DataSource): SqlDialect {
  switch (ds.options.type) {
    case 'mysql':
    case 'mariadb':
      return 'mysql';
    case 'postgres':
      return 'postgres';
    default:
      return 'sqlite';
  }
}

export function storeDialectOf(ds: DataSource): StoreDialect {
  return STORE_DIALECTS[dialectOf(ds)];
}

/**
 * `?` placeholders as PostgreSQL's `$1, $2...`, in order. Quoted text is left alone: string
 * literals ('it''s ?'), quoted identifiers, dollar-quoted bodies and comments.
 */
export function positionalParameters(sql: string): string {
  let out = '';
  let n = 0;
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    let end = i + 1;
    if (c === "'" || c === '"') {
      end = sql.indexOf(c, i + 1);
      while (end !== -1 && sql[end + 1] === c) {
        end = sql.indexOf(c, end + 2);
      }
      end = end === -1 ? sql.length : end + 1;
    } else if (c === '-' && sql[i + 1] === '-') {
      end = sql.indexOf('\n', i);
      end = end === -1 ? sql.length : end;
    } else if (c === '/' && sql[i + 1] === '*') {
      end = sql.indexOf('*/', i + 2);
      end = end === -1 ? sql.length : end + 2;
    } else if (c === '$' && /^\$(?:[A-Za-z_]\w*)?\$/.test(sql.slice(i))) {
      const tag = /^\$(?:[A-Za-z_]\w*)?\$/.exec(sql.slice(i))![0];
      end = sql.indexOf(tag, i + tag.length);
      end = end === -1 ? sql.length : end + tag.length;
    } else if (c === '?') {
      out += `$${++n}`;
      i++;
      continue;
    }
    out += sql.slice(i, end);
    i = end;
  }
  return out;
}

/**
 * A query runner that takes `?` placeholders on PostgreSQL (the module's statements are
 * written with them); the runner itself elsewhere. Every other member is the runner's own.
 */
export function withDialect(qr: QueryRunner, d: StoreDialect): QueryRunner {
  if (d.kind !== 'postgres') {
    return qr;
  }
  return new Proxy(qr, {
    get(target, prop) {
      if (prop === 'query') {
        return (sql: string, params?: unknown[], structured?: boolean) =>
          target.query(d.statement(sql), params, structured as true);
      }
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

/** The driver's error under a TypeORM QueryFailedError: MySQL errno, SQLite code, SQLSTATE. */
export function driverErrorOf(e: unknown): { errno?: number; code?: string } | undefined {
  if (!(e instanceof QueryFailedError)) {
    return undefined;
  }
  return (e as QueryFailedError & { driverError?: { errno?: number; code?: string } }).driverError;
}

/** A unique-key violation: MySQL 1062, SQLite UNIQUE / PRIMARY KEY, PostgreSQL 23505. */
export function isUniqueViolation(e: unknown): boolean {
  const d = driverErrorOf(e);
  return (
    d?.errno === 1062 ||
    d?.code === 'ER_DUP_ENTRY' ||
    d?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    d?.code === '23505'
  );
}

/**
 * A transaction the database rolled back to break a conflict, to run again from the start:
 * an InnoDB deadlock victim (1213), a PostgreSQL deadlock (40P01) or serialization failure (40001).
 */
export function isRetryableConflict(e: unknown): boolean {
  const d = driverErrorOf(e);
  return d?.errno === 1213 || d?.code === '40P01' || d?.code === '40001';
}

/** A value longer than its column allows: MySQL 1406, PostgreSQL 22001. */
export function isValueTooLong(e: unknown): boolean {
  const d = driverErrorOf(e);
  return d?.errno === 1406 || d?.code === '22001';
}

/** Text PostgreSQL cannot hold: U+0000 in a text column (22021) or in jsonb (22P05). */
export function isUnstorableText(e: unknown): boolean {
  const d = driverErrorOf(e);
  return d?.code === '22021' || d?.code === '22P05';
}
