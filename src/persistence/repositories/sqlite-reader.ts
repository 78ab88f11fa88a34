import { DataSource, QueryFailedError } from 'typeorm';

/** What a read needs of a connection (the shape of a TypeORM query runner's `query`). */
export interface SqlReader {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

interface Statement {
  readonly reader: boolean;
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): { changes: number };
}

interface Connection {
  prepare(sql: string): Statement;
  function(name: string, opts: object, fn: (v: unknown) => unknown): unknown;
  pragma(s: string): unknown;
  close(): unknown;
}

type ConnectionFactory = new (file: string, opts: object) => Connection;

/** the read-only connection of each SQLite DataSource, opened on first use */
const readers = new WeakMap<DataSource, SqlReader | null>();

/** prepared statements kept per reader (SCIM issues a bounded set of query shapes) */
const MAX_STATEMENTS = 500;

/**
 * A second, read-only connection to a SQLite file. In WAL mode a reader on its own connection
 * sees only committed data, whatever the writer connection has in flight, and never waits for
 * it: so reads need neither the writers' queue nor a transaction of their own. Every statement
 * sees the latest committed state, as a MySQL read on the pool does.
 *
 * Null (the caller queues reads on the one connection instead) for an in-memory database,
 * whose second connection would be another database.
 */
export function sqliteReader(ds: DataSource): SqlReader | null {
  const known = readers.get(ds);
  if (known !== undefined) {
    return known;
  }
  const file = (ds.options as { database?: unknown }).database;
  const open = (ds.driver as unknown as { sqlite?: ConnectionFactory }).sqlite;
  if (typeof file !== 'string' || file === '' || file === ':memory:' || file.startsWith('file:') || !open) {
    readers.set(ds, null);
    return null;
  }
  const db = new open(file, { readonly: true, fileMustExist: true, timeout: 5000 });
  // the functions and LIKE semantics the filter compiler relies on (as prepareSqlite sets them)
  db.function('scim_lower', { deterministic: true }, (v: unknown) =>
    typeof v === 'string' ? v.toLowerCase() : v,
  );
  db.pragma('case_sensitive_like = ON');
  const statements = new Map<string, Statement>();
  const reader: SqlReader = {
    query: (sql, params = []) => {
      const bound = params.map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : p));
      // the DataSource's query log (and whoever observes it) sees these reads as its own
      ds.logger.logQuery(sql, bound);
      try {
        let stmt = statements.get(sql);
        if (!stmt) {
          if (statements.size >= MAX_STATEMENTS) {
            statements.clear();
          }
          stmt = db.prepare(sql);
          statements.set(sql, stmt);
        }
        return Promise.resolve(stmt.reader ? stmt.all(...bound) : stmt.run(...bound));
      } catch (e) {
        return Promise.reject(new QueryFailedError(sql, bound, e as Error));
      }
    },
  };
  readers.set(ds, reader);
  // closed with its DataSource
  const destroy = ds.destroy.bind(ds);
  ds.destroy = async () => {
    readers.delete(ds);
    db.close();
    return destroy();
  };
  return reader;
}
