/**
 * One leaf of a filter (a comparison or `pr`, RFC 7644 §3.4.2.2) on one value expression, as
 * SQL: the operators, the literal checked against the attribute type, case-insensitive and
 * exact text. filter-sql.compiler.ts finds the expression and lists the semantics both follow.
 */
import { ScimError } from '../errors/scim-error';
import { AttributeType } from '../schema/schema.types';
import { CompareOp, FilterNode, FilterValue } from './filter.ast';
import { escapeLike, FilterSqlDialect, LIKE_ESCAPE } from './filter-sql.dialect';
import { lookupKey, normalizeDateTime, SqlFragment } from './filter-sql.target';

/** A value expression with the SQL for reading it and how it compares. */
export interface Operand {
  /** raw value expression (NULL when the attribute is absent) */
  readonly expr: string;
  /** lower-cased expression (ci string attributes) */
  readonly ciExpr: string;
  readonly type: AttributeType;
  readonly caseExact: boolean;
  /** read from JSON (MySQL: needs an explicit binary collation for LIKE; never indexed) */
  readonly json: boolean;
  readonly keyExpr?: string;
  readonly keyLength?: number;
}

export type Leaf = Extract<FilterNode, { kind: 'compare' | 'present' }>;

/**
 * The expression to compare with `=`, `<>`, `<`...: text exactly (FilterSqlDialect.exactText).
 * dateTime values are fixed-width canonical text (no padding issue), so they keep the plain
 * column and its range index.
 */
function exact(expr: string, o: Operand, d: FilterSqlDialect): string {
  return isText(o.type) && o.type !== 'dateTime' ? d.exactText(expr) : expr;
}

/** The expression to match with LIKE (FilterSqlDialect.likeableJson for JSON values). */
function likeable(expr: string, o: Operand, d: FilterSqlDialect): string {
  return o.json ? d.likeableJson(expr) : expr;
}

export function presentSql(o: Operand, d: FilterSqlDialect): SqlFragment {
  return isText(o.type)
    ? { sql: `(${o.expr} IS NOT NULL AND ${exact(o.expr, o, d)} <> '')`, params: [] }
    : { sql: `(${o.expr} IS NOT NULL)`, params: [] };
}

export function predicateSql(node: Leaf, o: Operand, d: FilterSqlDialect): SqlFragment {
  if (node.kind === 'present') {
    return presentSql(o, d);
  }
  const { op } = node;
  const value = coerce(node.value, o, op);
  if (value === null) {
    // `eq null` is `not pr`, `ne null` is `pr` (filter.evaluator.ts rule 3)
    const present = presentSql(o, d);
    if (op === 'eq') {
      return { sql: `(NOT ${present.sql})`, params: [] };
    }
    if (op === 'ne') {
      return present;
    }
    throw ScimError.invalidFilter(`Operator "${op}" cannot compare with null`);
  }
  const ci = (o.type === 'string' || o.type === 'reference') && !o.caseExact;
  const lhs = ci ? o.ciExpr : o.expr;
  // MySQL and PostgreSQL lower-case a JSON value in SQL, whose Unicode folding need not be
  // JavaScript's ('İ'): fold the literal the same way there. Shadow columns hold JS-folded values.
  const sqlFolds = ci && o.json && !d.lowerIsJavaScript && typeof value === 'string';
  const ph = sqlFolds ? d.lower('?') : '?';
  const v = ci && typeof value === 'string' && !sqlFolds ? value.toLowerCase() : value;
  const exactLhs = exact(lhs, o, d);
  if (!d.storesNul && typeof value === 'string' && value.includes('\u0000')) {
    // PostgreSQL text cannot hold U+0000, so no stored value has one: `eq` matches nothing,
    // `ne` everything; an order or a pattern with it has no meaning there
    if (op === 'eq' || op === 'ne') {
      return { sql: op === 'eq' ? '(1 = 0)' : '(1 = 1)', params: [] };
    }
    throw ScimError.invalidFilter(`The value of operator "${op}" cannot contain U+0000`);
  }
  switch (op) {
    case 'eq':
      if (o.keyExpr && o.keyLength && typeof value === 'string') {
        // the key column is non-NULL whenever the value is (FilterSqlTarget contract)
        return {
          sql: `(${lhs} IS NOT NULL AND ${o.keyExpr} = ? AND ${exactLhs} = ?)`,
          params: [lookupKey(value, o.keyLength), v],
        };
      }
      if (exactLhs !== lhs && !o.json) {
        // plain `=` for the index, the binary one for the exact answer
        return { sql: `(${lhs} IS NOT NULL AND ${lhs} = ? AND ${exactLhs} = ?)`, params: [v, v] };
      }
      return { sql: `(${lhs} IS NOT NULL AND ${exactLhs} = ${ph})`, params: [v] };
    case 'ne':
      return { sql: `(${lhs} IS NULL OR ${exactLhs} <> ${ph})`, params: [v] };
    case 'co':
    case 'sw':
    case 'ew': {
      if (!(o.type === 'string' || o.type === 'reference') || typeof v !== 'string') {
        throw ScimError.invalidFilter(`Operator "${op}" applies to strings only`);
      }
      if (v.includes('\u0000')) {
        // SQLite's LIKE stops at U+0000, so `co "\u0000"` would match every value
        throw ScimError.invalidFilter(`The value of operator "${op}" cannot contain U+0000`);
      }
      const e = escapeLike(v);
      const pattern = op === 'co' ? `%${e}%` : op === 'sw' ? `${e}%` : `%${e}`;
      const like = `${likeable(lhs, o, d)} LIKE ${ph} ESCAPE '${LIKE_ESCAPE}'`;
      if (op === 'sw' && ci && !o.json && o.keyExpr && o.keyLength && d.keyServesPrefix) {
        // the key is the lower-cased value's first keyLength code points: a value that starts
        // with the lower-cased literal has a key that starts with the literal's key
        const key = `${escapeLike(lookupKey(value as string, o.keyLength))}%`;
        return {
          sql: `(${lhs} IS NOT NULL AND ${o.keyExpr} LIKE ? ESCAPE '${LIKE_ESCAPE}' AND ${like})`,
          params: [key, pattern],
        };
      }
      return { sql: `(${lhs} IS NOT NULL AND ${like})`, params: [pattern] };
    }
    case 'gt':
    case 'ge':
    case 'lt':
    case 'le': {
      if (o.type === 'boolean' || o.type === 'binary') {
        throw ScimError.invalidFilter(`Operator "${op}" does not apply to ${o.type} attributes`);
      }
      const sqlOp = { gt: '>', ge: '>=', lt: '<', le: '<=' }[op];
      const l = o.json && isNumeric(o.type) ? d.numeric(lhs) : exactLhs;
      return { sql: `(${lhs} IS NOT NULL AND ${l} ${sqlOp} ${ph})`, params: [v] };
    }
  }
}

/** Checks the literal against the attribute type and converts it to the stored form. */
function coerce(value: FilterValue, o: Operand, op: CompareOp): string | number | null {
  if (value === null) {
    return null;
  }
  switch (o.type) {
    case 'boolean': {
      const b =
        typeof value === 'boolean'
          ? value
          : typeof value === 'string' && /^(true|false)$/i.test(value)
            ? value.toLowerCase() === 'true'
            : undefined;
      if (b === undefined) {
        throw ScimError.invalidFilter(`Expected a boolean for operator "${op}"`);
      }
      if (op !== 'eq' && op !== 'ne') {
        throw ScimError.invalidFilter(`Operator "${op}" does not apply to boolean attributes`);
      }
      return b ? 1 : 0;
    }
    case 'integer':
    case 'decimal':
      if (typeof value !== 'number') {
        throw ScimError.invalidFilter(`Expected a number for operator "${op}"`);
      }
      return value;
    case 'dateTime':
      if (typeof value !== 'string') {
        throw ScimError.invalidFilter(`Expected a dateTime string for operator "${op}"`);
      }
      if (op === 'co' || op === 'sw' || op === 'ew') {
        throw ScimError.invalidFilter(`Operator "${op}" does not apply to dateTime attributes`);
      }
      return normalizeDateTime(value);
    default:
      if (typeof value !== 'string') {
        throw ScimError.invalidFilter(`Expected a string for operator "${op}"`);
      }
      return value;
  }
}

function isText(t: AttributeType): boolean {
  return t === 'string' || t === 'reference' || t === 'binary' || t === 'dateTime';
}

function isNumeric(t: AttributeType): boolean {
  return t === 'integer' || t === 'decimal';
}
