/**
 * How MySQL/MariaDB and SQLite spell what the filter SQL compiler needs (RFC 7644 §3.4.2.2):
 * one dialect object per database, so the compiler never branches on the database itself,
 * and the SQL text both share (LIKE escapes, JSON member paths).
 */

export type SqlDialect = 'mysql' | 'sqlite';

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
  /** a JSON value read as a number, for `gt`/`ge`/`lt`/`le` */
  readonly numeric: (expr: string) => string;
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
  numeric: (expr) => `CAST(${expr} AS DECIMAL(65,10))`,
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
  numeric: (expr) => `CAST(${expr} AS REAL)`,
};

export const FILTER_SQL_DIALECTS: Readonly<Record<SqlDialect, FilterSqlDialect>> = {
  mysql: MYSQL,
  sqlite: SQLITE,
};

/** JSON path for a member, quoting it so URNs (with ':' and '.') are safe. */
export function jsonMemberPath(keys: readonly string[]): string {
  return '$' + keys.map((k) => '.' + JSON.stringify(k)).join('');
}

/** The JSON path of `keys` as a SQL string literal. */
function pathLiteral(keys: readonly string[]): string {
  return `'${jsonMemberPath(keys).replace(/'/g, "''")}'`;
}

/** The escape character of every LIKE pattern, the same on both databases. */
export const LIKE_ESCAPE = '!';

/** `s` as a LIKE pattern that matches only itself: `%`, `_` and the escape are escaped. */
export function escapeLike(s: string): string {
  return s.replace(/[!%_]/g, (c) => LIKE_ESCAPE + c);
}
