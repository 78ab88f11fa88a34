/**
 * Filter AST -> parameterized SQL for MySQL/MariaDB and SQLite (RFC 7644 §3.4.2.2).
 *
 * Values are always bound parameters; attribute names reach SQL only through the target's
 * column map, never from the filter text. Semantics match filter.matcher.ts:
 * - a comparison on an absent attribute is false; `ne` is `not eq` (true when absent);
 * - `caseExact: false` attributes compare lower-cased (shadow `_ci` columns hold the
 *   JavaScript-lower-cased value, JSON values go through LOWER()/scim_lower());
 * - dateTime values are stored as normalized ISO-8601 UTC strings, so they compare as text;
 * - a multi-valued attribute matches when any of its values does (an IN sub-query on the
 *   child table, which the indexes on (tenant, attribute, value) serve).
 * Every leaf is two-valued (never NULL), so NOT and OR behave like the in-memory matcher.
 */
import { ScimError } from '../errors/scim-error';
import { AttrPath } from '../schema/attr-path';
import { ResolvedAttribute, SchemaRegistry } from '../schema/schema.registry';
import { AttributeDefinition, AttributeType, ResourceTypeDefinition } from '../schema/schema.types';
import { CompareOp, FilterNode, FilterValue } from './filter.ast';

export type SqlDialect = 'mysql' | 'sqlite';

export interface SqlFragment {
  readonly sql: string;
  readonly params: unknown[];
}

/** A real column holding a singular attribute (or a sub-attribute of a child row). */
export interface ColumnRef {
  /** qualified column, e.g. `r.user_name` */
  readonly expr: string;
  /** a shadow column holding the lower-cased value, for caseExact:false attributes */
  readonly ciExpr?: string;
  /**
   * An indexed column holding the lower-cased first `keyLength` characters of the value, for
   * values too long to index whole: `eq` adds `key = ?` so the look-up uses the index.
   */
  readonly keyExpr?: string;
  readonly keyLength?: number;
}

/** How a multi-valued attribute is stored: one child row per value. */
export interface MultiValuedRef {
  /**
   * Wraps a condition over the child alias into a predicate on the main row, e.g.
   * `r.seq IN (SELECT v.owner_seq FROM scim_user_values v WHERE v.attribute = ? AND (cond))`.
   */
  readonly wrap: (cond: SqlFragment) => SqlFragment;
  /** a real column of the child row for a sub-attribute, or undefined to read `itemJson` */
  readonly column: (sub: AttributeDefinition) => ColumnRef | undefined;
  /** the child row's JSON copy of the element */
  readonly itemJson: string;
}

/** What the compiler needs to know of one resource table. */
export interface FilterSqlTarget {
  readonly dialect: SqlDialect;
  readonly registry: SchemaRegistry;
  readonly resourceType: ResourceTypeDefinition;
  /** the main row's JSON document column, e.g. `r.doc` */
  readonly docJson: string;
  /** real column for a singular attribute, or undefined to read it from `docJson` */
  readonly column: (resolved: ResolvedAttribute) => ColumnRef | undefined;
  /** child-table storage for a multi-valued attribute, or undefined if not filterable */
  readonly multiValued: (resolved: ResolvedAttribute) => MultiValuedRef | undefined;
}

const LIKE_ESCAPE = '!';

/** The indexed look-up key of a long value: lower-cased, cut at `length` code points. */
export function lookupKey(value: string, length: number): string {
  const lower = value.toLowerCase();
  if (lower.length <= length) {
    return lower;
  }
  return Array.from(lower).slice(0, length).join('');
}

export function escapeLike(s: string): string {
  return s.replace(/[!%_]/g, (c) => LIKE_ESCAPE + c);
}

/** JSON path for a member, quoting it so URNs (with ':' and '.') are safe. */
export function jsonMemberPath(keys: readonly string[]): string {
  return '$' + keys.map((k) => '.' + JSON.stringify(k)).join('');
}

/** Normalizes an xsd:dateTime to the stored form; throws invalidFilter when not a date. */
export function normalizeDateTime(value: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) {
    throw ScimError.invalidFilter(`"${value}" is not a valid dateTime`);
  }
  return new Date(ms).toISOString();
}

/** A value expression with the SQL for reading it and how it compares. */
interface Operand {
  /** raw value expression */
  readonly expr: string;
  /** lower-cased expression (ci string attributes) */
  readonly ciExpr: string;
  readonly type: AttributeType;
  readonly caseExact: boolean;
  /** from JSON (needs null/'' care and, on MySQL, a binary collation) */
  readonly json: boolean;
  readonly keyExpr?: string;
  readonly keyLength?: number;
}

export class FilterSqlCompiler {
  constructor(private readonly target: FilterSqlTarget) {}

  compile(node: FilterNode): SqlFragment {
    return this.node(node, undefined);
  }

  private node(node: FilterNode, within: WithinMulti | undefined): SqlFragment {
    switch (node.kind) {
      case 'and':
      case 'or': {
        const l = this.node(node.left, within);
        const r = this.node(node.right, within);
        return { sql: `(${l.sql} ${node.kind.toUpperCase()} ${r.sql})`, params: [...l.params, ...r.params] };
      }
      case 'not': {
        const f = this.node(node.filter, within);
        return { sql: `(NOT ${f.sql})`, params: f.params };
      }
      case 'valuePath': {
        if (within) {
          throw ScimError.invalidFilter('A value filter cannot contain another value filter');
        }
        const resolved = this.resolve(node.path);
        const multi = this.target.multiValued(resolved);
        if (!multi || !resolved.attribute.multiValued) {
          return this.singularComplexValuePath(resolved, node.filter);
        }
        const inner = this.node(node.filter, { resolved, multi });
        return multi.wrap(inner);
      }
      case 'present':
      case 'compare':
        return this.leaf(node, within);
    }
  }

  /** `name[givenName eq "x"]` on a singular complex attribute: same as `name.givenName eq "x"`. */
  private singularComplexValuePath(resolved: ResolvedAttribute, filter: FilterNode): SqlFragment {
    const prefix: AttrPath = resolved.canonical;
    const rewrite = (n: FilterNode): FilterNode => {
      switch (n.kind) {
        case 'and':
        case 'or':
          return { ...n, left: rewrite(n.left), right: rewrite(n.right) };
        case 'not':
          return { ...n, filter: rewrite(n.filter) };
        case 'valuePath':
          throw ScimError.invalidFilter('A value filter cannot contain another value filter');
        case 'present':
        case 'compare':
          return { ...n, path: { ...prefix, sub: n.path.attr } };
      }
    };
    return this.node(rewrite(filter), undefined);
  }

  private resolve(path: AttrPath): ResolvedAttribute {
    const r = this.target.registry.resolve(this.target.resourceType, path);
    if (!r) {
      throw ScimError.invalidFilter(`Unknown attribute "${formatPath(path)}"`);
    }
    return r;
  }

  private leaf(
    node: Extract<FilterNode, { kind: 'compare' | 'present' }>,
    within: WithinMulti | undefined,
  ): SqlFragment {
    if (within) {
      // inner paths of a value filter are sub-attributes of the multi-valued attribute
      const sub = within.resolved.attribute.subAttributes?.find(
        (s) => s.name.toLowerCase() === node.path.attr.toLowerCase(),
      );
      if (!sub || node.path.sub !== undefined) {
        throw ScimError.invalidFilter(
          `Unknown sub-attribute "${node.path.attr}" of "${within.resolved.attribute.name}"`,
        );
      }
      return this.predicate(node, this.childOperand(within.multi, sub));
    }
    const resolved = this.resolve(node.path);
    if (resolved.attribute.multiValued) {
      const multi = this.target.multiValued(resolved);
      if (!multi) {
        throw ScimError.invalidFilter(`Attribute "${resolved.attribute.name}" cannot be filtered`);
      }
      let sub = resolved.subAttribute;
      if (!sub && resolved.attribute.subAttributes) {
        if (node.kind === 'present') {
          return multi.wrap({ sql: '1 = 1', params: [] });
        }
        // RFC 7644 §3.4.2.2: a complex multi-valued attribute compares on its `value`
        sub = resolved.attribute.subAttributes.find((s) => s.name === 'value');
      }
      if (!sub) {
        throw ScimError.invalidFilter(`Attribute "${resolved.attribute.name}" cannot be filtered`);
      }
      if (node.kind === 'compare' && node.value === null && (node.op === 'eq' || node.op === 'ne')) {
        // `x eq null` is `not (x pr)`: no element has a value (filter.matcher.ts)
        const present = multi.wrap(this.predicate({ kind: 'present', path: node.path }, this.childOperand(multi, sub)));
        return node.op === 'ne' ? present : { sql: `(NOT ${present.sql})`, params: present.params };
      }
      const inner = this.predicate(node, this.childOperand(multi, sub));
      if (node.kind === 'compare' && node.op === 'ne') {
        // any-value semantics: `emails.value ne x` == not (emails.value eq x)
        const eq = this.predicate({ ...node, op: 'eq' }, this.childOperand(multi, sub));
        const wrapped = multi.wrap(eq);
        return { sql: `(NOT ${wrapped.sql})`, params: wrapped.params };
      }
      return multi.wrap(inner);
    }
    const def = resolved.subAttribute ?? resolved.attribute;
    if (def.type === 'complex') {
      if (node.kind !== 'present') {
        throw ScimError.invalidFilter(`Complex attribute "${def.name}" can only be tested with pr`);
      }
      const expr = this.jsonExtract(this.target.docJson, jsonKeys(resolved));
      return { sql: `(${expr} IS NOT NULL)`, params: [] };
    }
    if (def.returned === 'never') {
      throw ScimError.invalidFilter(`Attribute "${def.name}" cannot be filtered`);
    }
    const col = this.target.column(resolved);
    const operand: Operand = col
      ? {
          expr: col.expr,
          ciExpr: col.ciExpr ?? this.lower(col.expr),
          type: def.type,
          caseExact: def.caseExact,
          json: false,
          keyExpr: col.keyExpr,
          keyLength: col.keyLength,
        }
      : this.jsonOperand(this.target.docJson, jsonKeys(resolved), def);
    return this.predicate(node, operand);
  }

  private childOperand(multi: MultiValuedRef, sub: AttributeDefinition): Operand {
    const col = multi.column(sub);
    if (col) {
      return {
        expr: col.expr,
        ciExpr: col.ciExpr ?? this.lower(col.expr),
        type: sub.type,
        caseExact: sub.caseExact,
        json: false,
        keyExpr: col.keyExpr,
        keyLength: col.keyLength,
      };
    }
    return this.jsonOperand(multi.itemJson, [sub.name], sub);
  }

  private jsonOperand(json: string, keys: string[], def: AttributeDefinition): Operand {
    const raw = this.jsonValue(json, keys);
    const expr = this.target.dialect === 'mysql' && isText(def.type) ? `${raw} COLLATE utf8mb4_bin` : raw;
    return {
      expr,
      ciExpr: this.lower(raw),
      type: def.type,
      caseExact: def.caseExact,
      json: true,
    };
  }

  private lower(expr: string): string {
    return this.target.dialect === 'mysql'
      ? `LOWER(${expr}) COLLATE utf8mb4_bin`
      : `scim_lower(${expr})`;
  }

  private jsonValue(json: string, keys: string[]): string {
    const path = jsonMemberPath(keys);
    return this.target.dialect === 'mysql'
      ? `JSON_VALUE(${json}, '${path.replace(/'/g, "''")}')`
      : `json_extract(${json}, '${path.replace(/'/g, "''")}')`;
  }

  private jsonExtract(json: string, keys: string[]): string {
    const path = jsonMemberPath(keys).replace(/'/g, "''");
    return this.target.dialect === 'mysql'
      ? `JSON_EXTRACT(${json}, '${path}')`
      : `json_extract(${json}, '${path}')`;
  }

  private predicate(
    node: Extract<FilterNode, { kind: 'compare' | 'present' }>,
    o: Operand,
  ): SqlFragment {
    if (node.kind === 'present') {
      return isText(o.type)
        ? { sql: `(${o.expr} IS NOT NULL AND ${o.expr} <> '')`, params: [] }
        : { sql: `(${o.expr} IS NOT NULL)`, params: [] };
    }
    const { op } = node;
    const value = this.coerce(node.value, o, op);
    if (value === null) {
      // `eq null` is `not pr`, `ne null` is `pr` (filter.matcher.ts does the same)
      const present = this.predicate({ kind: 'present', path: node.path }, o);
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
    const v = ci && typeof value === 'string' ? value.toLowerCase() : value;
    switch (op) {
      case 'eq':
        if (o.keyExpr && o.keyLength && typeof value === 'string') {
          return {
            sql: `(${o.keyExpr} = ? AND ${lhs} = ?)`,
            params: [lookupKey(value, o.keyLength), v],
          };
        }
        return { sql: `(${lhs} IS NOT NULL AND ${lhs} = ?)`, params: [v] };
      case 'ne':
        return { sql: `(${lhs} IS NULL OR ${lhs} <> ?)`, params: [v] };
      case 'co':
      case 'sw':
      case 'ew': {
        if (!isText(o.type) || typeof v !== 'string') {
          throw ScimError.invalidFilter(`Operator "${op}" applies to strings only`);
        }
        const e = escapeLike(v);
        const pattern = op === 'co' ? `%${e}%` : op === 'sw' ? `${e}%` : `%${e}`;
        return {
          sql: `(${lhs} IS NOT NULL AND ${lhs} LIKE ? ESCAPE '${LIKE_ESCAPE}')`,
          params: [pattern],
        };
      }
      case 'gt':
      case 'ge':
      case 'lt':
      case 'le': {
        if (o.type === 'boolean' || o.type === 'binary') {
          throw ScimError.invalidFilter(`Operator "${op}" does not apply to ${o.type} attributes`);
        }
        const sqlOp = { gt: '>', ge: '>=', lt: '<', le: '<=' }[op];
        const l = o.json && isNumeric(o.type) ? this.numeric(lhs) : lhs;
        return { sql: `(${l} IS NOT NULL AND ${l} ${sqlOp} ?)`, params: [v] };
      }
    }
  }

  private numeric(expr: string): string {
    return this.target.dialect === 'mysql' ? `CAST(${expr} AS DECIMAL(65,10))` : `CAST(${expr} AS REAL)`;
  }

  /** Checks the literal against the attribute type and converts it to the stored form. */
  private coerce(value: FilterValue, o: Operand, op: CompareOp): string | number | null {
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
        return op === 'co' || op === 'sw' || op === 'ew' ? value : normalizeDateTime(value);
      default:
        if (typeof value !== 'string') {
          throw ScimError.invalidFilter(`Expected a string for operator "${op}"`);
        }
        return value;
    }
  }
}

interface WithinMulti {
  readonly resolved: ResolvedAttribute;
  readonly multi: MultiValuedRef;
}

function isText(t: AttributeType): boolean {
  return t === 'string' || t === 'reference' || t === 'binary' || t === 'dateTime';
}

function isNumeric(t: AttributeType): boolean {
  return t === 'integer' || t === 'decimal';
}

/** JSON keys of a resolved singular attribute within the stored document. */
function jsonKeys(r: ResolvedAttribute): string[] {
  const keys = r.extension ? [r.schemaId, r.attribute.name] : [r.attribute.name];
  if (r.subAttribute) {
    keys.push(r.subAttribute.name);
  }
  return keys;
}

function formatPath(p: AttrPath): string {
  return `${p.uri ? p.uri + ':' : ''}${p.attr}${p.sub ? '.' + p.sub : ''}`;
}

export function compileFilter(node: FilterNode, target: FilterSqlTarget): SqlFragment {
  return new FilterSqlCompiler(target).compile(node);
}
