/**
 * Filter AST -> parameterized SQL for MySQL/MariaDB, SQLite and PostgreSQL (RFC 7644 §3.4.2.2).
 *
 * Values are always bound parameters; attribute names reach SQL only through the target's
 * column map (filter-sql.target.ts), never from the filter text. This file finds where each
 * attribute is stored; filter-sql.predicate.ts compares it, in the target's dialect
 * (filter-sql.dialect.ts). Semantics match filter.evaluator.ts (the reference the property
 * tests compare with, test/integration/filter-sql.int-spec.ts):
 * - a comparison on an absent attribute is false; `ne` is `not eq` (true when absent);
 * - `caseExact: false` attributes compare lower-cased (shadow `_ci` columns hold the
 *   JavaScript-lower-cased value, JSON values go through LOWER()/scim_lower());
 * - text compares exactly, trailing spaces included: MySQL's `utf8mb4_bin` is a PAD SPACE
 *   collation (`'a' = 'a '` is true), so on MySQL `=`, `<>`, `<`... compare
 *   `CAST(x AS BINARY)`; an `eq` on a real column keeps a plain `x = ?` beside it so the
 *   look-up still uses the column's index; PostgreSQL compares in the "C" collation;
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
import { ResolvedAttribute } from '../schema/schema.registry';
import { AttributeDefinition } from '../schema/schema.types';
import { FilterNode } from './filter.ast';
import { FILTER_SQL_DIALECTS, FilterSqlDialect } from './filter-sql.dialect';
import { Leaf, Operand, predicateSql, presentSql } from './filter-sql.predicate';
import { ColumnRef, FilterSqlTarget, MultiValuedRef, SqlFragment } from './filter-sql.target';

export class FilterSqlCompiler {
  private readonly dialect: FilterSqlDialect;

  constructor(private readonly target: FilterSqlTarget) {
    this.dialect = FILTER_SQL_DIALECTS[target.dialect];
  }

  compile(node: FilterNode): SqlFragment {
    return this.node(node, undefined);
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
      const expr = this.dialect.jsonExtract(this.target.docJson, jsonKeys(resolved));
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
      ciExpr: col.ciExpr ?? this.dialect.lower(col.expr),
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
    const read =
      def.type === 'boolean'
        ? this.dialect.jsonBoolean
        : def.type === 'integer' || def.type === 'decimal'
          ? this.dialect.jsonNumber
          : this.dialect.jsonValue;
    const expr = read(json, keys);
    return {
      expr,
      ciExpr: this.dialect.lower(expr),
      type: def.type,
      caseExact: def.caseExact,
      json: true,
    };
  }

  private predicate(node: Leaf, o: Operand): SqlFragment {
    return predicateSql(node, o, this.dialect);
  }

  private present(o: Operand): SqlFragment {
    return presentSql(o, this.dialect);
  }
}

interface WithinMulti {
  readonly resolved: ResolvedAttribute;
  readonly multi: MultiValuedRef;
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
