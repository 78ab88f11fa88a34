/**
 * In-memory reference evaluator of SCIM filters (RFC 7644 §3.4.2.2) over a SCIM JSON resource.
 * The SQL compiler (filter-sql.compiler.ts) must implement exactly these semantics; property
 * tests compare the two.
 *
 * Resource shape: attribute keys in canonical case (`userName`, `name.familyName`); common
 * attributes at the top (`id`, `externalId`, `meta.created`); extension attributes under their
 * schema URN (`resource["urn:...:enterprise:2.0:User"].employeeNumber`).
 *
 * The filter is first normalized by `validateFilter` (canonical paths, `emails eq x` ->
 * `emails.value eq x`, "True" -> true, dateTime -> canonical UTC), so the matcher throws the
 * same invalidFilter errors as the validator. Then:
 *
 * 1. VALUES. The values of a path are the non-null scalars it reaches: for `a` the value of
 *    `a` (each element if multi-valued), for `a.b` the `b` of `a` (of each element of `a` if
 *    multi-valued). null/undefined are no value; an absent attribute has no values.
 * 2. PRESENT (`pr`). True iff the attribute has at least one present value, where present means:
 *    not null/undefined, not the empty string, not an empty array, and for an object at least
 *    one present member (so `{}` and `{ "givenName": "" }` are absent).
 * 3. NULL. `x eq null` is `not (x pr)`; `x ne null` is `x pr`. Other operators with null are
 *    rejected by the validator.
 * 4. ANY-VALUE. `eq co sw ew gt ge lt le` are true iff SOME value of the path satisfies the
 *    comparison; on an absent attribute they are false. Values of the wrong JSON type for
 *    the attribute (e.g. a number in a string attribute) never satisfy a comparison.
 * 5. NE. `x ne v` is exactly `not (x eq v)`: true when the attribute is absent, and for a
 *    multi-valued attribute true only if NO value equals v. (RFC 7644 says "not equal"
 *    without saying what an absent or multi-valued attribute does; this is the reading
 *    that keeps `ne` the complement of `eq`.) The empty string is a value for comparisons:
 *    `x eq ""` matches a stored "" (although `x pr` is false for it).
 * 6. CASE. string and reference attributes with `caseExact: false` compare after
 *    `String#toLowerCase()` of both sides (locale-independent, full Unicode); `caseExact: true`
 *    and binary attributes (RFC 7643 §2.3.6: binary is case exact) compare as is.
 *    `gt/ge/lt/le` on strings are lexicographic by UTF-16 code unit (JavaScript `<`); SQL
 *    collations agree on ASCII.
 * 7. TYPES. boolean: `eq`/`ne` only, with JSON booleans. integer/decimal: numeric comparison
 *    of JSON numbers. dateTime: chronological, both sides parsed as xsd:dateTime instants at
 *    millisecond precision (no zone = UTC); a stored value that is not a valid dateTime never
 *    satisfies a comparison (equivalently: canonical `toISOString()` strings compared as text).
 * 8. VALUE FILTERS. `a[F]` on a multi-valued attribute is true iff SOME element (an object
 *    item of the array) satisfies F as a whole, F's paths being that element's sub-attributes
 *    (so `emails[type eq "work" and value co "@x"]` needs one element with both, while
 *    `emails.type eq "work" and emails.value co "@x"` may use two elements). An absent or
 *    empty array matches nothing, even `a[not (F)]`. On a singular complex attribute, `a[F]`
 *    evaluates F against the object (an absent object is `{}`), i.e. it equals F with every
 *    path prefixed by `a.`.
 * 9. LOGIC. `and`/`or`/`not` are two-valued boolean logic (no SQL-style unknown).
 * 10. `schemas` (only with `allowSchemasAttribute`): the resource's `schemas` array, a
 *    multi-valued case-insensitive string.
 */
import { ScimError } from '../errors/scim-error';
import { ResolvedAttribute, SchemaRegistry } from '../schema/schema.registry';
import { AttributeDefinition, ResourceTypeDefinition } from '../schema/schema.types';
import { CompareOp, FilterNode, FilterValue } from './filter.ast';
import { parseDateTime } from './filter.datetime';
import {
  FilterValidationOptions,
  resolveFilterPath,
  resolveValueFilterPath,
  validateFilter,
} from './filter.validator';

/** A predicate over a resource (or over an element, inside a value filter). */
export type FilterPredicate = (resource: Readonly<Record<string, unknown>>) => boolean;

type Obj = Readonly<Record<string, unknown>>;
type Getter = (obj: Obj) => unknown[];

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function asList(v: unknown): unknown[] {
  return Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
}

/** Rule 2: the presence test. */
export function isPresentValue(v: unknown): boolean {
  if (v === null || v === undefined || v === '') {
    return false;
  }
  if (Array.isArray(v)) {
    return v.some(isPresentValue);
  }
  if (v instanceof Date) {
    return true;
  }
  if (typeof v === 'object') {
    return Object.values(v).some(isPresentValue);
  }
  return true;
}

/** The values (rule 1) of `def` (optionally `.sub`) read from `container`. */
function valuesOf(
  container: unknown,
  def: AttributeDefinition,
  sub?: AttributeDefinition,
): unknown[] {
  if (!isObject(container)) {
    return [];
  }
  const raw = container[def.name];
  let values: unknown[];
  if (sub) {
    values = [];
    for (const item of asList(raw)) {
      if (isObject(item)) {
        values.push(...asList(item[sub.name]));
      }
    }
  } else {
    values = asList(raw);
  }
  return values.filter((v) => v !== null && v !== undefined);
}

function getterFor(r: ResolvedAttribute): Getter {
  return (resource) => {
    const container = r.extension ? resource[r.schemaId] : resource;
    return valuesOf(container, r.attribute, r.subAttribute);
  };
}

function compareOrdered<T extends string | number>(op: CompareOp, a: T, b: T): boolean {
  switch (op) {
    case 'eq':
      return a === b;
    case 'gt':
      return a > b;
    case 'ge':
      return a >= b;
    case 'lt':
      return a < b;
    case 'le':
      return a <= b;
    default:
      return false;
  }
}

/** Rules 4, 6, 7: does one stored value satisfy `op literal`? */
function valuePredicate(
  def: AttributeDefinition,
  op: CompareOp,
  literal: Exclude<FilterValue, null>,
): (v: unknown) => boolean {
  switch (def.type) {
    case 'string':
    case 'reference':
    case 'binary': {
      const fold = def.type !== 'binary' && !def.caseExact;
      const lit = fold ? String(literal).toLowerCase() : String(literal);
      return (v) => {
        if (typeof v !== 'string') {
          return false;
        }
        const s = fold ? v.toLowerCase() : v;
        switch (op) {
          case 'co':
            return s.includes(lit);
          case 'sw':
            return s.startsWith(lit);
          case 'ew':
            return s.endsWith(lit);
          default:
            return compareOrdered(op, s, lit);
        }
      };
    }
    case 'boolean':
      return (v) => op === 'eq' && v === literal;
    case 'integer':
    case 'decimal':
      return (v) => typeof v === 'number' && compareOrdered(op, v, literal as number);
    case 'dateTime': {
      const lit = parseDateTime(String(literal));
      return (v) => {
        const ms =
          typeof v === 'string' ? parseDateTime(v) : v instanceof Date ? v.getTime() : undefined;
        return (
          ms !== undefined && !Number.isNaN(ms) && lit !== undefined && compareOrdered(op, ms, lit)
        );
      };
    }
    case 'complex':
      // the validator never lets a comparison on a complex attribute through
      throw ScimError.invalidFilter(`Complex attribute "${def.name}" cannot be compared`);
  }
}

function leafPredicate(
  node: Extract<FilterNode, { kind: 'compare' | 'present' }>,
  def: AttributeDefinition,
  get: Getter,
): FilterPredicate {
  if (node.kind === 'present') {
    return (obj) => get(obj).some(isPresentValue);
  }
  const { op, value } = node;
  if (value === null) {
    // rule 3
    const present: FilterPredicate = (obj) => get(obj).some(isPresentValue);
    return op === 'eq' ? (obj) => !present(obj) : present;
  }
  if (op === 'ne') {
    const eq = valuePredicate(def, 'eq', value);
    return (obj) => !get(obj).some(eq);
  }
  const test = valuePredicate(def, op, value);
  return (obj) => get(obj).some(test);
}

class MatcherCompiler {
  constructor(
    private readonly registry: SchemaRegistry,
    private readonly rt: ResourceTypeDefinition,
    private readonly options: FilterValidationOptions,
  ) {}

  /** `node` must be validated; `outer` is the attribute of the enclosing value filter. */
  compile(node: FilterNode, outer: AttributeDefinition | undefined): FilterPredicate {
    switch (node.kind) {
      case 'and': {
        const l = this.compile(node.left, outer);
        const r = this.compile(node.right, outer);
        return (obj) => l(obj) && r(obj);
      }
      case 'or': {
        const l = this.compile(node.left, outer);
        const r = this.compile(node.right, outer);
        return (obj) => l(obj) || r(obj);
      }
      case 'not': {
        const f = this.compile(node.filter, outer);
        return (obj) => !f(obj);
      }
      case 'valuePath': {
        const r = resolveFilterPath(this.registry, this.rt, node.path, this.options);
        const def = r.subAttribute ?? r.attribute;
        const inner = this.compile(node.filter, def);
        const container = (resource: Obj) => (r.extension ? resource[r.schemaId] : resource);
        if (def.multiValued) {
          // rule 8: some element satisfies the whole inner filter
          return (resource) => {
            const c = container(resource);
            const items = isObject(c) ? asList(c[def.name]) : [];
            return items.some((item) => isObject(item) && inner(item));
          };
        }
        return (resource) => {
          const c = container(resource);
          const value = isObject(c) ? c[def.name] : undefined;
          return inner(isObject(value) ? value : {});
        };
      }
      case 'present':
      case 'compare': {
        if (outer) {
          const sub = resolveValueFilterPath(outer, node.path);
          return leafPredicate(node, sub, (element) => valuesOf(element, sub));
        }
        const r = resolveFilterPath(this.registry, this.rt, node.path, this.options);
        return leafPredicate(node, r.subAttribute ?? r.attribute, getterFor(r));
      }
    }
  }
}

/**
 * Validates `node` once and returns a reusable predicate over resources of `resourceType`.
 * Throws ScimError invalidFilter for a filter the validator rejects.
 */
export function createFilterMatcher(
  node: FilterNode,
  registry: SchemaRegistry,
  resourceType: ResourceTypeDefinition,
  options: FilterValidationOptions = {},
): FilterPredicate {
  const normalized = validateFilter(node, registry, resourceType, options);
  return new MatcherCompiler(registry, resourceType, options).compile(normalized, undefined);
}

/** Does `resource` match `node`? See the semantics at the top of this file. */
export function matchesFilter(
  resource: Record<string, unknown>,
  node: FilterNode,
  registry: SchemaRegistry,
  resourceType: ResourceTypeDefinition,
  options: FilterValidationOptions = {},
): boolean {
  return createFilterMatcher(node, registry, resourceType, options)(resource);
}
