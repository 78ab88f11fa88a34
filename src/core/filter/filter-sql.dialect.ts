/**
 * How MySQL/MariaDB, SQLite and PostgreSQL spell what the filter SQL compiler needs (RFC 7644
 * §3.4.2.2): one dialect object per database, so the compiler never branches on the database
 * itself, and the SQL text they share (LIKE escapes, JSON member paths).
 */

export type SqlDialect = 'mysql' | 'sqlite' | 'postgres';

/** The SQL functions and casts of one database; each takes and returns SQL text. */
export interface FilterSqlDialect {
  /** lower-cases a string expression */
  readonly lower: (expr: string) => string;
  /**
   * true when `lower` folds exactly like JavaScript's toLowerCase (SQLite's scim_lower is
   * JavaScript); MySQL's LOWER() folds some characters otherwise ('İ')
   */
  readonly lowerIsJavaScript: boolean;
  /** the scalar at the member path `keys` of a JSON document, NULL when absent */
  readonly jsonValue: (json: string, keys: readonly string[]) => string;
  /** 1 for JSON true, 0 for JSON false, NULL for anything else (absent, "true", 1) */
  readonly jsonBoolean: (json: string, keys: readonly string[]) => string;
  /** the JSON value at the member path `keys`, scalar or not, NULL when absent */
  readonly jsonExtract: (json: string, keys: readonly string[]) => string;
  /**
   * A text expression to compare with `=`, `<>`, `<`... exactly. MySQL's `utf8mb4_bin` is a
   * PAD SPACE collation (`'a' = 'a '` is true) and JSON values carry the connection's
   * case-insensitive collation, so MySQL compares bytes; SQLite compares exactly already.
   */
  readonly exactText: (expr: string) => string;
  /** A JSON text value to match with LIKE: columns are utf8mb4_bin on MySQL, JSON is not. */
  readonly likeableJson: (expr: string) => string;
  /** false where text cannot hold U+0000 (PostgreSQL): no stored value has one */
  readonly storesNul: boolean;
  /** a JSON value read as a number, for `gt`/`ge`/`lt`/`le` */
  readonly numeric: (expr: string) => string;
  /**
   * The number at the member path `keys`, NULL when absent or not a number: what an
   * integer/decimal attribute is read as (PostgreSQL refuses to cast other text to numeric;
   * MySQL and SQLite read it as jsonValue and cast it where they compare it).
   */
  readonly jsonNumber: (json: string, keys: readonly string[]) => string;
  /**
   * true where the index of a look-up key column (the lower-cased prefix of a multi-valued
   * value, `keyExpr`) serves `LIKE 'prefix%'`: PostgreSQL, whose key columns are in the "C"
   * collation. `sw` then also states the key's prefix, which the index finds the rows by.
   */
  readonly keyServesPrefix: boolean;
}

const MYSQL: FilterSqlDialect = {
  lower: (expr) => `LOWER(${expr})`,
  lowerIsJavaScript: false,
  jsonValue: (json, keys) => `JSON_VALUE(${json}, ${pathLiteral(keys)})`,
  jsonBoolean: (json, keys) => {
    const path = pathLiteral(keys);
    return (
      `(CASE WHEN JSON_CONTAINS(${json}, 'true', ${path}) THEN 1 ` +
      `WHEN JSON_CONTAINS(${json}, 'false', ${path}) THEN 0 END)`
    );
  },
  jsonExtract: (json, keys) => `JSON_EXTRACT(${json}, ${pathLiteral(keys)})`,
  exactText: (expr) => `CAST(${expr} AS BINARY)`,
  likeableJson: (expr) => `${expr} COLLATE utf8mb4_bin`,
  storesNul: true,
  numeric: (expr) => `CAST(${expr} AS DECIMAL(65,10))`,
  jsonNumber: (json, keys) => MYSQL.jsonValue(json, keys),
  keyServesPrefix: false,
};

const SQLITE: FilterSqlDialect = {
  lower: (expr) => `scim_lower(${expr})`,
  lowerIsJavaScript: true,
  jsonValue: (json, keys) => `json_extract(${json}, ${pathLiteral(keys)})`,
  jsonBoolean: (json, keys) =>
    `(CASE json_type(${json}, ${pathLiteral(keys)}) WHEN 'true' THEN 1 WHEN 'false' THEN 0 END)`,
  jsonExtract: (json, keys) => `json_extract(${json}, ${pathLiteral(keys)})`,
  exactText: (expr) => expr,
  likeableJson: (expr) => expr,
  storesNul: true,
  numeric: (expr) => `CAST(${expr} AS REAL)`,
  jsonNumber: (json, keys) => SQLITE.jsonValue(json, keys),
  keyServesPrefix: false,
};

/**
 * PostgreSQL: the document is jsonb (a text document is cast, a no-op on jsonb) read with `#>`
 * and `#>>`; text compares in the "C" collation (code points, trailing spaces count, as on the
 * other two), which the string columns have and JSON text is given. LOWER() folds with ICU's
 * root locale (full Unicode, like JavaScript; "C" would fold ASCII only).
 */
const POSTGRES: FilterSqlDialect = {
  lower: (expr) => `(LOWER((${expr}) COLLATE "und-x-icu") COLLATE "C")`,
  lowerIsJavaScript: false,
  jsonValue: (json, keys) => `((${pgJson(json)} #>> ${pgPathLiteral(keys)}) COLLATE "C")`,
  jsonBoolean: (json, keys) =>
    `(CASE (${pgJson(json)} #> ${pgPathLiteral(keys)}) WHEN 'true'::jsonb THEN 1 WHEN 'false'::jsonb THEN 0 END)`,
  // JSON null reads as absent, as SQLite's json_extract answers it
  jsonExtract: (json, keys) => `NULLIF(${pgJson(json)} #> ${pgPathLiteral(keys)}, 'null'::jsonb)`,
  exactText: (expr) => expr,
  likeableJson: (expr) => expr,
  storesNul: false,
  numeric: (expr) => expr,
  jsonNumber: (json, keys) => {
    const at = `(${pgJson(json)} #> ${pgPathLiteral(keys)})`;
    return `(CASE jsonb_typeof(${at}) WHEN 'number' THEN (${at} #>> '{}')::numeric END)`;
  },
  keyServesPrefix: true,
};

export const FILTER_SQL_DIALECTS: Readonly<Record<SqlDialect, FilterSqlDialect>> = {
  mysql: MYSQL,
  sqlite: SQLITE,
  postgres: POSTGRES,
};

/** JSON path for a member, quoting it so URNs (with ':' and '.') are safe. */
export function jsonMemberPath(keys: readonly string[]): string {
  return '$' + keys.map((k) => '.' + JSON.stringify(k)).join('');
}

/** A document expression as jsonb (`::jsonb` is a no-op on a jsonb column; `NULL` stays NULL). */
function pgJson(json: string): string {
  return /^[\w.]+$/.test(json) ? `${json}::jsonb` : `(${json})::jsonb`;
}

/**
 * The PostgreSQL path of `keys` (`#>`, `#>>`) as a SQL string literal: a text[] literal whose
 * elements are double-quoted, so URNs with ':' and '.' stay one member.
 */
export function pgPathLiteral(keys: readonly string[]): string {
  const array = `{${keys.map((k) => `"${k.replace(/["\\]/g, (c) => '\\' + c)}"`).join(',')}}`;
  return `'${array.replace(/'/g, "''")}'`;
}

/** The JSON path of `keys` as a SQL string literal. */
function pathLiteral(keys: readonly string[]): string {
  return `'${jsonMemberPath(keys).replace(/'/g, "''")}'`;
}

/** The escape character of every LIKE pattern, the same on every database. */
export const LIKE_ESCAPE = '!';

/** `s` as a LIKE pattern that matches only itself: `%`, `_` and the escape are escaped. */
export function escapeLike(s: string): string {
  return s.replace(/[!%_]/g, (c) => LIKE_ESCAPE + c);
}
