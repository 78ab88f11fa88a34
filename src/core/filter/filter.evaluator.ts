/**
 * THE evaluator of SCIM filters (RFC 7644 §3.4.2.2) in memory, in two scopes:
 *  - a whole resource (`createFilterMatcher`): the in-memory stores, and the reference the SQL
 *    compiler (filter-sql.compiler.ts) must agree with (property tests compare the two);
 *  - one element of a multi-valued attribute (`createElementMatcher`): the inner filter of a
 *    PATCH value path `emails[type eq "work"]` (RFC 7644 §3.5.2), paths relative to the element.
 * Both scopes share one AST walk, one schema-driven comparison and one validation, so
 * `attr[F]` on a resource is exactly "some element of attr satisfies F" (a property test).
 *
 * Resource shape: attribute keys as the schema spells them (`userName`, `name.familyName`);
 * common attributes at the top (`id`, `externalId`, `meta.created`); extension attributes under
 * their schema URN (`resource["urn:...:enterprise:2.0:User"].employeeNumber`). Keys are looked
 * up case-insensitively when the exact spelling is absent (RFC 7643 §2.1).
 *
 * The filter is first normalized by `validateFilter` / `validateValueFilter` (canonical paths,
 * `emails eq x` -> `emails.value eq x`, "True" -> true unless `stringBooleans` is false,
 * dateTime -> canonical UTC), so the evaluator throws the same invalidFilter errors as the
 * validator: a literal of the wrong type for the attribute is a 400, not a silent mismatch
 * (RFC 7644 §3.12 invalidFilter). Then:
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
 *    item of the array: an element of a complex attribute that is not an object satisfies no
 *    filter) satisfies F as a whole, F's paths being that element's sub-attributes
 *    (so `emails[type eq "work" and value co "@x"]` needs one element with both, while
 *    `emails.type eq "work" and emails.value co "@x"` may use two elements). An absent or
 *    empty array matches nothing, even `a[not (F)]`. On a singular complex attribute, `a[F]`
 *    evaluates F against the object (an absent object is `{}`), i.e. it equals F with every
 *    path prefixed by `a.`.
 * 9. LOGIC. `and`/`or`/`not` are two-valued boolean logic (no SQL-style unknown).
 * 10. `schemas` (only with `allowSchemasAttribute`): the resource's `schemas` array, a
 *    multi-valued case-insensitive string.
 * 11. SIMPLE ELEMENTS. An element of a simple multi-valued attribute (`tags: ["a", "b"]`) is
 *    its own `value`: `value eq "a"` compares the element (element scope only; a resource
 *    filter needs a complex attribute before `[`).
 */
import { ScimError } from '../errors/scim-error';
import { ResolvedAttribute, SchemaRegistry } from '../schema/schema.registry';
import { AttributeDefinition, ResourceTypeDefinition } from '../schema/schema.types';
import { AttrPath } from '../schema/attr-path';
import { CompareOp, FilterNode, FilterValue } from './filter.ast';
import { parseDateTime } from './filter.datetime';
import {
  FilterValidationOptions,
  resolveFilterPath,
  resolveValueFilterPath,
  validateFilter,
  validateValueFilter,
} from './filter.validator';

/** A predicate over a resource. */
export type FilterPredicate = (resource: Readonly<Record<string, unknown>>) => boolean;
/** A predicate over one element of a multi-valued attribute (an object, or a simple value). */
export type ElementPredicate = (element: unknown) => boolean;

type Obj = Readonly<Record<string, unknown>>;
/** What the walk evaluates: a resource, an element, or a singular complex value. */
type Predicate = (subject: unknown) => boolean;
type Getter = (subject: unknown) => unknown[];

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function asList(v: unknown): unknown[] {
  return Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
}

/** `obj[name]`, else the member spelled in another case (RFC 7643 §2.1: names ignore case). */
function member(obj: Obj, name: string): unknown {
  if (Object.prototype.hasOwnProperty.call(obj, name)) {
    return obj[name];
  }
  const lower = name.toLowerCase();
  for (const key of Object.keys(obj)) {
    if (key.toLowerCase() === lower) {
      return obj[key];
    }
  }
  return undefined;
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
  const raw = member(container, def.name);
  let values: unknown[];
  if (sub) {
    values = [];
    for (const item of asList(raw)) {
      if (isObject(item)) {
        values.push(...asList(member(item, sub.name)));
      }
    }
  } else {
    values = asList(raw);
  }
  return values.filter((v) => v !== null && v !== undefined);
}

/** The object holding a resolved attribute: the resource, or its extension object. */
function containerOf(r: ResolvedAttribute, resource: unknown): unknown {
  return r.extension && isObject(resource) ? member(resource, r.schemaId) : resource;
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
): Predicate {
  const present: Predicate = (subject) => get(subject).some(isPresentValue);
  if (node.kind === 'present') {
    return present;
  }
  const { op, value } = node;
  if (value === null) {
    // rule 3
    return op === 'eq' ? (subject) => !present(subject) : present;
  }
  if (op === 'ne') {
    // rule 5
    const eq = valuePredicate(def, 'eq', value);
    return (subject) => !get(subject).some(eq);
  }
  const test = valuePredicate(def, op, value);
  return (subject) => get(subject).some(test);
}

/** Rules 8 and 11: `inner` applied to one element of the multi-valued `def`. */
function elementPredicate(def: AttributeDefinition, inner: Predicate): ElementPredicate {
  return def.type === 'complex' ? (element) => isObject(element) && inner(element) : inner;
}

/** One walk over a validated AST; `resolve` resolves paths outside any value filter. */
class EvaluatorCompiler {
  constructor(private readonly resolve: (path: AttrPath) => ResolvedAttribute) {}

  /** `outer` is the attribute whose element (or singular complex value) the node reads. */
  compile(node: FilterNode, outer: AttributeDefinition | undefined): Predicate {
    switch (node.kind) {
      case 'and': {
        const l = this.compile(node.left, outer);
        const r = this.compile(node.right, outer);
        return (subject) => l(subject) && r(subject);
      }
      case 'or': {
        const l = this.compile(node.left, outer);
        const r = this.compile(node.right, outer);
        return (subject) => l(subject) || r(subject);
      }
      case 'not': {
        const f = this.compile(node.filter, outer);
        return (subject) => !f(subject);
      }
      case 'valuePath':
        return this.valuePath(node.path, node.filter);
      case 'present':
      case 'compare': {
        if (outer) {
          const sub = resolveValueFilterPath(outer, node.path);
          const get: Getter =
            outer.type === 'complex'
              ? (element) => valuesOf(element, sub)
              : (element) => asList(element); // rule 11 (asList drops null and undefined)
          return leafPredicate(node, sub, get);
        }
        const r = this.resolve(node.path);
        return leafPredicate(node, r.subAttribute ?? r.attribute, (resource) =>
          valuesOf(containerOf(r, resource), r.attribute, r.subAttribute),
        );
      }
    }
  }

  private valuePath(path: AttrPath, filter: FilterNode): Predicate {
    const r = this.resolve(path);
    const def = r.subAttribute ?? r.attribute;
    const inner = this.compile(filter, def);
    const valueOf = (resource: unknown): unknown => {
      const c = containerOf(r, resource);
      return isObject(c) ? member(c, def.name) : undefined;
    };
    if (def.multiValued) {
      // rule 8: some element satisfies the whole inner filter
      const element = elementPredicate(def, inner);
      return (resource) => asList(valueOf(resource)).some(element);
    }
    return (resource) => {
      const value = valueOf(resource);
      return inner(isObject(value) ? value : {});
    };
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
  const resolve = (path: AttrPath) => resolveFilterPath(registry, resourceType, path, options);
  return new EvaluatorCompiler(resolve).compile(normalized, undefined);
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

/**
 * Validates the inner filter of a value path on `attribute` (paths relative to one element,
 * RFC 7644 §3.4.2.2 valFilter) and returns a reusable predicate over its elements. Throws
 * ScimError invalidFilter for a filter the validator rejects (also a nested value filter).
 */
export function createElementMatcher(
  node: FilterNode,
  attribute: AttributeDefinition,
  options: FilterValidationOptions = {},
): ElementPredicate {
  const normalized = validateValueFilter(node, attribute, options);
  const noTopLevel = (path: AttrPath): never => {
    // unreachable: the validator rejects a value filter inside a value filter
    throw ScimError.invalidFilter(`"${path.attr}" is not a sub-attribute of "${attribute.name}"`);
  };
  return elementPredicate(
    attribute,
    new EvaluatorCompiler(noTopLevel).compile(normalized, attribute),
  );
}

/** Does one element of `attribute` satisfy the value filter `node`? */
export function matchesElement(
  element: unknown,
  node: FilterNode,
  attribute: AttributeDefinition,
  options: FilterValidationOptions = {},
): boolean {
  return createElementMatcher(node, attribute, options)(element);
}
