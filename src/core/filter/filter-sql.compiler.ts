/**
 * Filter AST -> parameterized SQL for MySQL/MariaDB and SQLite (RFC 7644 §3.4.2.2).
 *
 * Values are always bound parameters; attribute names reach SQL only through the target's
 * column map, never from the filter text. Semantics match filter.evaluator.ts (the reference the
 * property tests compare with, test/integration/filter-sql.int-spec.ts):
 * - a comparison on an absent attribute is false; `ne` is `not eq` (true when absent);
 * - `caseExact: false` attributes compare lower-cased (shadow `_ci` columns hold the
 *   JavaScript-lower-cased value, JSON values go through LOWER()/scim_lower());
 * - text compares exactly, trailing spaces included: MySQL's `utf8mb4_bin` is a PAD SPACE
 *   collation (`'a' = 'a '` is true), so on MySQL `=`, `<>`, `<`... compare
 *   `CAST(x AS BINARY)`; an `eq` on a real column keeps a plain `x = ?` beside it so the
 *   look-up still uses the column's index;
 * - dateTime values are stored as normalized ISO-8601 UTC strings, so they compare as text;
 * - booleans read from JSON are 1/0 only for JSON true/false (NULL for anything else);
 * - `pr` on a complex attribute is true iff one of its sub-attributes is present (so `{}` and
 *   `{"givenName": ""}` are absent), and on a multi-valued complex attribute iff one element
 *   has a present sub-attribute;
 * - a multi-valued attribute matches when any of its values does (an IN sub-query on the
 *   child table, which the indexes on (tenant, attribute, value) serve);
 * - `co`/`sw`/`ew` values cannot contain U+0000 (invalidFilter): SQLite's LIKE ends there.
 * Every leaf is two-valued (never NULL), so NOT and OR behave like the in-memory matcher.
 */
import { ScimError } from '../errors/scim-error';
import { AttrPath } from '../schema/attr-path';
import { ResolvedAttribute, SchemaRegistry } from '../schema/schema.registry';
import { AttributeDefinition, AttributeType, ResourceTypeDefinition } from '../schema/schema.types';
import { CompareOp, FilterNode, FilterValue } from './filter.ast';
import { normalizeFilterDateTime } from './filter.datetime';

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

/**
 * Normalizes an xsd:dateTime to the stored form (`toISOString()`), with the validator's
 * grammar (filter.datetime.ts); throws invalidFilter when not a dateTime.
 */
export function normalizeDateTime(value: string): string {
  const normalized = normalizeFilterDateTime(value);
  if (normalized === undefined) {
    throw ScimError.invalidFilter(`"${value}" is not a valid dateTime`);
  }
  return normalized;
}

/** A value expression with the SQL for reading it and how it compares. */
interface Operand {
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

type Leaf = Extract<FilterNode, { kind: 'compare' | 'present' }>;

export class FilterSqlCompiler {
  constructor(private readonly target: FilterSqlTarget) {}

  compile(node: FilterNode): SqlFragment {
    return this.node(node, undefined);
  }

  private get mysql(): boolean {
    return this.target.dialect === 'mysql';
  }

  private node(node: FilterNode, within: WithinMulti | undefined): SqlFragment {
    switch (node.kind) {
      case 'and':
      case 'or': {
        const l = this.node(node.left, within);
        const r = this.node(node.right, within);
        return {
          sql: `(${l.sql} ${node.kind.toUpperCase()} ${r.sql})`,
          params: [...l.params, ...r.params],
        };
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
        if (!resolved.attribute.multiValued) {
          return this.singularComplexValuePath(resolved, node.filter);
        }
        const multi = this.target.multiValued(resolved);
        if (!multi) {
          throw ScimError.invalidFilter(
            `Attribute "${resolved.attribute.name}" cannot be filtered`,
          );
        }
        const inner = this.node(node.filter, { resolved, multi });
        return this.wrap(multi, inner);
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
          if (n.path.uri !== undefined || n.path.sub !== undefined) {
            throw ScimError.invalidFilter(
              `Attribute path inside the value filter of "${resolved.attribute.name}" ` +
                'must be a sub-attribute name',
            );
          }
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

  private leaf(node: Leaf, within: WithinMulti | undefined): SqlFragment {
    if (within) {
      // inner paths of a value filter are sub-attributes of the multi-valued attribute
      const sub = within.resolved.attribute.subAttributes?.find(
        (s) => s.name.toLowerCase() === node.path.attr.toLowerCase(),
      );
      if (!sub || node.path.sub !== undefined || node.path.uri !== undefined) {
        throw ScimError.invalidFilter(
          `Unknown sub-attribute "${node.path.attr}" of "${within.resolved.attribute.name}"`,
        );
      }
      assertFilterable(sub);
      return this.predicate(node, this.childOperand(within.multi, sub));
    }
    const resolved = this.resolve(node.path);
    assertFilterable(resolved.attribute);
    if (resolved.attribute.multiValued) {
      return this.multiValuedLeaf(node, resolved);
    }
    const def = resolved.subAttribute ?? resolved.attribute;
    assertFilterable(def);
    if (def.type === 'complex') {
      if (node.kind !== 'present') {
        throw ScimError.invalidFilter(`Complex attribute "${def.name}" can only be tested with pr`);
      }
      return this.complexPresent(resolved, def);
    }
    const col = this.target.column(resolved);
    const operand: Operand = col
      ? this.columnOperand(col, def)
      : this.jsonOperand(this.target.docJson, jsonKeys(resolved), def);
    return this.predicate(node, operand);
  }

  /** A leaf on a multi-valued attribute (`emails.value co "x"`, `emails pr`). */
  private multiValuedLeaf(node: Leaf, resolved: ResolvedAttribute): SqlFragment {
    const multi = this.target.multiValued(resolved);
    if (!multi) {
      throw ScimError.invalidFilter(`Attribute "${resolved.attribute.name}" cannot be filtered`);
    }
    let sub = resolved.subAttribute;
    const subs = resolved.attribute.subAttributes;
    if (!sub && subs) {
      if (node.kind === 'present') {
        // rule 2 of filter.evaluator.ts: some element has a present member
        const members = subs.filter(filterable).map((s) => this.childOperand(multi, s));
        return this.wrap(multi, this.anyOf(members.map((o) => this.present(o))));
      }
      // RFC 7644 §3.4.2.2: a complex multi-valued attribute compares on its `value`
      sub = subs.find((s) => s.name === 'value');
    }
    if (!sub) {
      throw ScimError.invalidFilter(`Attribute "${resolved.attribute.name}" cannot be filtered`);
    }
    assertFilterable(sub);
    const operand = this.childOperand(multi, sub);
    if (node.kind === 'present') {
      return this.wrap(multi, this.present(operand));
    }
    if (node.value === null && (node.op === 'eq' || node.op === 'ne')) {
      // `x eq null` is `not (x pr)`: no element has a value (filter.evaluator.ts rule 3)
      const present = this.wrap(multi, this.present(operand));
      return node.op === 'ne' ? present : { sql: `(NOT ${present.sql})`, params: present.params };
    }
    if (node.op === 'ne') {
      // any-value semantics: `emails.value ne x` == not (emails.value eq x)
      const wrapped = this.wrap(multi, this.predicate({ ...node, op: 'eq' }, operand));
      return { sql: `(NOT ${wrapped.sql})`, params: wrapped.params };
    }
    return this.wrap(multi, this.predicate(node, operand));
  }

  /**
   * `pr` on a singular complex attribute: true iff one of its sub-attributes is present
   * (`name pr` is false for `{}` and `{"givenName": ""}`, like the matcher). Each
   * sub-attribute is read where the target keeps it (`meta.created` is a column).
   */
  private complexPresent(resolved: ResolvedAttribute, def: AttributeDefinition): SqlFragment {
    const subs = (def.subAttributes ?? []).filter(filterable);
    if (resolved.subAttribute || subs.length === 0) {
      const expr = this.jsonExtract(this.target.docJson, jsonKeys(resolved));
      return { sql: `(${expr} IS NOT NULL)`, params: [] };
    }
    const present = (sub: string) =>
      this.leaf({ kind: 'present', path: { ...resolved.canonical, sub } }, undefined);
    return this.anyOf(subs.map((s) => present(s.name)));
  }

  /** The target's IN sub-query, parenthesized so that `NOT` applies to all of it. */
  private wrap(multi: MultiValuedRef, cond: SqlFragment): SqlFragment {
    const wrapped = multi.wrap(cond);
    return { sql: `(${wrapped.sql})`, params: wrapped.params };
  }

  private anyOf(parts: SqlFragment[]): SqlFragment {
    if (parts.length === 1) {
      return parts[0];
    }
    return {
      sql: `(${parts.map((p) => p.sql).join(' OR ')})`,
      params: parts.flatMap((p) => p.params),
    };
  }

  private columnOperand(col: ColumnRef, def: AttributeDefinition): Operand {
    return {
      expr: col.expr,
      ciExpr: col.ciExpr ?? this.lower(col.expr),
      type: def.type,
      caseExact: def.caseExact,
      json: false,
      keyExpr: col.keyExpr,
      keyLength: col.keyLength,
    };
  }

  private childOperand(multi: MultiValuedRef, sub: AttributeDefinition): Operand {
    const col = multi.column(sub);
    return col ? this.columnOperand(col, sub) : this.jsonOperand(multi.itemJson, [sub.name], sub);
  }

  private jsonOperand(json: string, keys: string[], def: AttributeDefinition): Operand {
    const expr = def.type === 'boolean' ? this.jsonBoolean(json, keys) : this.jsonValue(json, keys);
    return {
      expr,
      ciExpr: this.lower(expr),
      type: def.type,
      caseExact: def.caseExact,
      json: true,
    };
  }

  private lower(expr: string): string {
    return this.mysql ? `LOWER(${expr})` : `scim_lower(${expr})`;
  }

  private jsonPath(keys: string[]): string {
    return `'${jsonMemberPath(keys).replace(/'/g, "''")}'`;
  }

  private jsonValue(json: string, keys: string[]): string {
    const path = this.jsonPath(keys);
    return this.mysql ? `JSON_VALUE(${json}, ${path})` : `json_extract(${json}, ${path})`;
  }

  /** 1 for JSON true, 0 for JSON false, NULL for anything else (absent, "true", 1). */
  private jsonBoolean(json: string, keys: string[]): string {
    const path = this.jsonPath(keys);
    return this.mysql
      ? `(CASE WHEN JSON_CONTAINS(${json}, 'true', ${path}) THEN 1 ` +
          `WHEN JSON_CONTAINS(${json}, 'false', ${path}) THEN 0 END)`
      : `(CASE json_type(${json}, ${path}) WHEN 'true' THEN 1 WHEN 'false' THEN 0 END)`;
  }

  private jsonExtract(json: string, keys: string[]): string {
    const path = this.jsonPath(keys);
    return this.mysql ? `JSON_EXTRACT(${json}, ${path})` : `json_extract(${json}, ${path})`;
  }

  /**
   * The expression to compare with `=`, `<>`, `<`... On MySQL a string compares as bytes:
   * `utf8mb4_bin` pads with spaces (`'a' = 'a '`) and JSON values carry the connection's
   * case-insensitive collation. dateTime values are fixed-width canonical text (no padding
   * issue), so they keep the plain column and its range index.
   */
  private exact(expr: string, o: Operand): string {
    return this.mysql && isText(o.type) && o.type !== 'dateTime' ? `CAST(${expr} AS BINARY)` : expr;
  }

  /** The expression to match with LIKE: columns are utf8mb4_bin on MySQL, JSON is not. */
  private likeable(expr: string, o: Operand): string {
    return this.mysql && o.json ? `${expr} COLLATE utf8mb4_bin` : expr;
  }

  private present(o: Operand): SqlFragment {
    return isText(o.type)
      ? { sql: `(${o.expr} IS NOT NULL AND ${this.exact(o.expr, o)} <> '')`, params: [] }
      : { sql: `(${o.expr} IS NOT NULL)`, params: [] };
  }

  private predicate(node: Leaf, o: Operand): SqlFragment {
    if (node.kind === 'present') {
      return this.present(o);
    }
    const { op } = node;
    const value = this.coerce(node.value, o, op);
    if (value === null) {
      // `eq null` is `not pr`, `ne null` is `pr` (filter.evaluator.ts rule 3)
      const present = this.present(o);
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
    // MySQL lower-cases a JSON value with LOWER(), whose Unicode folding is not JavaScript's
    // ('İ'): fold the literal the same way there. Shadow columns hold JS-folded values.
    const sqlFolds = ci && o.json && this.mysql && typeof value === 'string';
    const ph = sqlFolds ? 'LOWER(?)' : '?';
    const v = ci && typeof value === 'string' && !sqlFolds ? value.toLowerCase() : value;
    const exact = this.exact(lhs, o);
    switch (op) {
      case 'eq':
        if (o.keyExpr && o.keyLength && typeof value === 'string') {
          // the key column is non-NULL whenever the value is (FilterSqlTarget contract)
          return {
            sql: `(${lhs} IS NOT NULL AND ${o.keyExpr} = ? AND ${exact} = ?)`,
            params: [lookupKey(value, o.keyLength), v],
          };
        }
        if (exact !== lhs && !o.json) {
          // plain `=` for the index, the binary one for the exact answer
          return { sql: `(${lhs} IS NOT NULL AND ${lhs} = ? AND ${exact} = ?)`, params: [v, v] };
        }
        return { sql: `(${lhs} IS NOT NULL AND ${exact} = ${ph})`, params: [v] };
      case 'ne':
        return { sql: `(${lhs} IS NULL OR ${exact} <> ${ph})`, params: [v] };
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
        return {
          sql: `(${lhs} IS NOT NULL AND ${this.likeable(lhs, o)} LIKE ${ph} ESCAPE '${LIKE_ESCAPE}')`,
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
        const l = o.json && isNumeric(o.type) ? this.numeric(lhs) : exact;
        return { sql: `(${lhs} IS NOT NULL AND ${l} ${sqlOp} ${ph})`, params: [v] };
      }
    }
  }

  private numeric(expr: string): string {
    return this.mysql ? `CAST(${expr} AS DECIMAL(65,10))` : `CAST(${expr} AS REAL)`;
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
}

interface WithinMulti {
  readonly resolved: ResolvedAttribute;
  readonly multi: MultiValuedRef;
}

function isText(t: AttributeType): boolean {
  return t === 'string' || t === 'reference' || t === 'binary' || t === 'dateTime';
}

function filterable(def: AttributeDefinition): boolean {
  return def.returned !== 'never';
}

/** RFC 7643 §7: `returned: "never"` attributes (password) must not leak through filters. */
function assertFilterable(def: AttributeDefinition): void {
  if (!filterable(def)) {
    throw ScimError.invalidFilter(`Attribute "${def.name}" cannot be filtered`);
  }
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
