import { DataSource } from 'typeorm';
import { SqlDialect } from '../../core/filter/filter-sql.dialect';
import { ColumnRef } from '../../core/filter/filter-sql.target';
import { STORE_DIALECTS, storeDialectOf } from './sql-dialect';
import { inTransaction } from './sql-transaction';

// the transaction mechanism (one queue per SQLite DataSource, row locks) has its own file
export { inTransaction } from './sql-transaction';
export { dialectOf, isUniqueViolation } from './sql-dialect';

/**
 * One statement on the DataSource's pool (outside any transaction), as the dialect's driver
 * takes it: the rows of a SELECT.
 */
export function query(ds: DataSource, sql: string, params: unknown[] = []): Promise<unknown> {
  return ds.query(storeDialectOf(ds).statement(sql), params);
}

/** Runs one statement and returns the structured result (affected rows, insert id). */
export async function execute(
  ds: DataSource,
  sql: string,
  params: unknown[],
): Promise<{ affected?: number | null; raw?: unknown }> {
  const d = storeDialectOf(ds);
  if (d.kind === 'sqlite') {
    // on the one SQLite connection a write must not land inside another caller's transaction
    return inTransaction(ds, (qr) => qr.query(sql, params, true) as Promise<{ affected?: number }>);
  }
  const qr = ds.createQueryRunner();
  try {
    return (await qr.query(d.statement(sql), params, true)) as { affected?: number | null; raw?: unknown };
  } finally {
    await qr.release();
  }
}

/** Rows affected by an INSERT/UPDATE/DELETE run with useStructuredResult. */
export function affected(res: { affected?: number | null }): number {
  return res.affected ?? 0;
}

/**
 * Auto-increment id of an INSERT run with useStructuredResult: SQLite's rowid, MySQL's
 * insertId, the `insert_id` PostgreSQL returns (StoreDialect.returning).
 */
export function insertId(res: { raw?: unknown }): string {
  const raw = res.raw as unknown;
  if (typeof raw === 'number' || typeof raw === 'bigint' || typeof raw === 'string') {
    return String(raw);
  }
  const id = Array.isArray(raw)
    ? (raw[0] as { insert_id?: number | string } | undefined)?.insert_id
    : (raw as { insertId?: number | string } | undefined)?.insertId;
  if (id === undefined) {
    throw new Error('The database returned no insert id');
  }
  return String(id);
}

/** Multi-row INSERT ... VALUES (?, ?), (?, ?) split into chunks under the bind limits. */
export async function insertRows(
  qr: { query(sql: string, params?: unknown[]): Promise<unknown> },
  table: string,
  columns: readonly string[],
  rows: readonly unknown[][],
): Promise<void> {
  const perChunk = Math.max(1, Math.floor(900 / columns.length));
  for (let i = 0; i < rows.length; i += perChunk) {
    const chunk = rows.slice(i, i + perChunk);
    const tuple = `(${columns.map(() => '?').join(', ')})`;
    await qr.query(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${chunk.map(() => tuple).join(', ')}`,
      chunk.flat(),
    );
  }
}

/**
 * One page in creation order by the auto-increment key (RFC 9865 cursor paging): `seq > after`
 * ascending, or `seq < before` descending then reversed, one row more than asked to know
 * whether another page exists. Costs the page, at any depth, through the primary key. `seq`
 * is the table's auto-increment column; the rows carry it as `row_key`.
 */
export async function keysetPage<R>(
  query: (sql: string, params: unknown[]) => Promise<R[]>,
  select: string,
  where: { sql: string; params: unknown[] },
  keyset: { after?: string; before?: string },
  count: number,
  seq = 'seq',
): Promise<{ rows: R[]; hasNext: boolean; hasPrevious: boolean }> {
  if (count === 0) {
    return { rows: [], hasNext: false, hasPrevious: false };
  }
  if (keyset.before !== undefined) {
    const rows = await query(
      `${select} WHERE ${where.sql} AND r.${seq} < ? ORDER BY r.${seq} DESC LIMIT ?`,
      [...where.params, keyset.before, count + 1],
    );
    const hasPrevious = rows.length > count;
    return { rows: rows.slice(0, count).reverse(), hasNext: true, hasPrevious };
  }
  const after = keyset.after !== undefined ? ` AND r.${seq} > ?` : '';
  const rows = await query(`${select} WHERE ${where.sql}${after} ORDER BY r.${seq} ASC LIMIT ?`, [
    ...where.params,
    ...(keyset.after !== undefined ? [keyset.after] : []),
    count + 1,
  ]);
  return {
    rows: rows.slice(0, count),
    hasNext: rows.length > count,
    hasPrevious: keyset.after !== undefined,
  };
}

/**
 * meta.* as columns of a resource table `r` (created, last_modified, version): meta.version as
 * rendered (W/"<version>"), meta.resourceType a literal. Text expressions compare as the text
 * columns do (StoreDialect.textLiteral, concat).
 */
export function metaColumn(
  sub: string,
  resourceType: string,
  dialect: SqlDialect,
  columns: { created: string; modified: string; version: string } = {
    created: 'created',
    modified: 'last_modified',
    version: 'version',
  },
): ColumnRef | undefined {
  const d = STORE_DIALECTS[dialect];
  switch (sub) {
    case 'created':
      return { expr: `r.${columns.created}` };
    case 'lastModified':
      return { expr: `r.${columns.modified}` };
    case 'resourceType':
      // a name from the server's own resource type definitions; quoted as a literal all the same
      return { expr: d.textLiteral(resourceType) };
    case 'version':
      return { expr: d.concat(`'W/"'`, `r.${columns.version}`, `'"'`) };
    default:
      return undefined;
  }
}

/**
 * Index paging (RFC 7644 §3.4.2.4) with the COUNT only when the page cannot tell the total: a
 * page shorter than `count` that has rows, or that starts at the first match, ends the result
 * set, so total = offset + rows. A look-up such as `userName eq` (one row) costs one statement,
 * not two. Both statements run as before otherwise (a full page, or a page past the end).
 */
export async function indexPage<R>(
  q: { readonly startIndex: number; readonly count: number },
  count: () => Promise<number>,
  page: () => Promise<R[]>,
): Promise<{ total: number; rows: R[] }> {
  if (q.count === 0) {
    return { total: await count(), rows: [] };
  }
  const rows = await page();
  const offset = Math.max(0, q.startIndex - 1);
  if (rows.length < q.count && (rows.length > 0 || offset === 0)) {
    return { total: offset + rows.length, rows };
  }
  return { total: await count(), rows };
}
