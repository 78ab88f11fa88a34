import { ScimError } from '../errors/scim-error';
import { CompareOp, FilterNode, FilterValue } from '../filter/filter.ast';
import { isPlainObject, isUnassigned } from '../resource/json.util';
import { normalizeDateTime } from '../resource/value.coercer';
import { AttrPath } from '../schema/attr-path';
import { findIn } from '../schema/schema.registry';
import { AttributeDefinition } from '../schema/schema.types';
import { PatchDialect } from './patch.dialect';

/**
 * Evaluates the value filter of a PATCH valuePath (`emails[type eq "work" and primary eq true]`)
 * against ONE element of the multi-valued attribute `def` (RFC 7644 §3.4.2.2 semantics, restricted
 * to the sub-attributes of that element). Strings compare case-insensitively unless the
 * sub-attribute is caseExact; dateTimes compare as instants; booleans allow only eq/ne.
 * With dialect.stringBooleansInFilters, "True"/"False" match booleans (docs/idp/quirks.md #11).
 */
export function matchesElement(
  element: unknown,
  filter: FilterNode,
  def: AttributeDefinition,
  dialect: PatchDialect,
): boolean {
  switch (filter.kind) {
    case 'and':
      return (
        matchesElement(element, filter.left, def, dialect) &&
        matchesElement(element, filter.right, def, dialect)
      );
    case 'or':
      return (
        matchesElement(element, filter.left, def, dialect) ||
        matchesElement(element, filter.right, def, dialect)
      );
    case 'not':
      return !matchesElement(element, filter.filter, def, dialect);
    case 'present': {
      const { actual } = operand(element, filter.path, def);
      return isPresent(actual);
    }
    case 'compare': {
      const { actual, sub } = operand(element, filter.path, def);
      const values = Array.isArray(actual) ? actual : [actual];
      if (values.length === 0) {
        return compareOne(undefined, filter.op, filter.value, sub, dialect);
      }
      return values.some((v) => compareOne(v, filter.op, filter.value, sub, dialect));
    }
    case 'valuePath':
      throw ScimError.invalidFilter('A value filter cannot contain another value filter');
  }
}

/** The definition a value-filter path names: a sub-attribute of `def` (`value` for simple ones). */
export function filterOperandDef(path: AttrPath, def: AttributeDefinition): AttributeDefinition {
  if (path.uri !== undefined || path.sub !== undefined) {
    throw ScimError.invalidFilter(
      `Value filter paths name sub-attributes of '${def.name}', e.g. "type"; got a nested path`,
    );
  }
  if (def.type !== 'complex') {
    if (path.attr.toLowerCase() !== 'value') {
      throw ScimError.invalidFilter(`'${def.name}' has simple values: filter on "value"`);
    }
    return { ...def, multiValued: false };
  }
  const sub = findIn(def.subAttributes ?? [], path.attr);
  if (!sub) {
    throw ScimError.invalidFilter(`'${def.name}' has no sub-attribute '${path.attr}'`);
  }
  return sub;
}

function operand(
  element: unknown,
  path: AttrPath,
  def: AttributeDefinition,
): { actual: unknown; sub: AttributeDefinition } {
  const sub = filterOperandDef(path, def);
  if (def.type !== 'complex') {
    return { actual: element, sub };
  }
  if (!isPlainObject(element)) {
    return { actual: undefined, sub };
  }
  const key = Object.keys(element).find((k) => k.toLowerCase() === sub.name.toLowerCase());
  return { actual: key === undefined ? undefined : element[key], sub };
}

function isPresent(v: unknown): boolean {
  return !isUnassigned(v) && v !== '';
}

/** The filter literal as a value of `sub`'s type, or undefined when it cannot be one. */
function literalFor(
  expected: FilterValue,
  sub: AttributeDefinition,
  dialect: PatchDialect,
): string | number | boolean | undefined {
  switch (sub.type) {
    case 'boolean':
      if (typeof expected === 'boolean') {
        return expected;
      }
      if (typeof expected === 'string' && dialect.stringBooleansInFilters) {
        const l = expected.toLowerCase();
        if (l === 'true' || l === 'false') {
          return l === 'true';
        }
      }
      throw ScimError.invalidFilter(
        `'${sub.name}' is a boolean: compare it with true or false, ` +
          `not ${JSON.stringify(expected)}`,
      );
    case 'integer':
    case 'decimal':
      if (typeof expected === 'number') {
        return expected;
      }
      return typeof expected === 'string' && expected.trim() !== '' && !Number.isNaN(+expected)
        ? Number(expected)
        : undefined;
    case 'dateTime': {
      const iso = typeof expected === 'string' ? normalizeDateTime(expected) : undefined;
      return iso === undefined ? undefined : Date.parse(iso);
    }
    default:
      return typeof expected === 'string' ? expected : undefined;
  }
}

function compareOne(
  actual: unknown,
  op: CompareOp,
  expected: FilterValue,
  sub: AttributeDefinition,
  dialect: PatchDialect,
): boolean {
  if (expected === null) {
    // `x eq null` ≡ unassigned (RFC 7643 §2.5); ordering against null matches nothing
    return op === 'eq' ? !isPresent(actual) : op === 'ne' ? isPresent(actual) : false;
  }
  const lit = literalFor(expected, sub, dialect);
  if (sub.type === 'boolean' && !['eq', 'ne'].includes(op)) {
    throw ScimError.invalidFilter(`Operator '${op}' is not defined for boolean '${sub.name}'`);
  }
  if (actual === undefined || actual === null || lit === undefined) {
    return op === 'ne';
  }
  let a: string | number | boolean;
  let b: string | number | boolean = lit;
  if (sub.type === 'dateTime') {
    const iso = typeof actual === 'string' ? normalizeDateTime(actual) : undefined;
    if (iso === undefined) {
      return op === 'ne';
    }
    a = Date.parse(iso);
  } else if (isScalar(actual)) {
    a = actual;
  } else {
    return op === 'ne';
  }
  if (typeof a === 'string' && typeof b === 'string' && !sub.caseExact) {
    a = a.toLowerCase();
    b = b.toLowerCase();
  }
  return applyOp(a, op, b);
}

type Scalar = string | number | boolean;

function isScalar(v: unknown): v is Scalar {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

function applyOp(a: Scalar, op: CompareOp, b: Scalar): boolean {
  if (typeof a !== typeof b) {
    return op === 'ne';
  }
  switch (op) {
    case 'eq':
      return a === b;
    case 'ne':
      return a !== b;
    case 'co':
      return typeof a === 'string' && a.includes(b as string);
    case 'sw':
      return typeof a === 'string' && a.startsWith(b as string);
    case 'ew':
      return typeof a === 'string' && a.endsWith(b as string);
    case 'gt':
      return a > b;
    case 'ge':
      return a >= b;
    case 'lt':
      return a < b;
    case 'le':
      return a <= b;
  }
}

/**
 * The `attr eq literal` terms of a filter made only of `eq` and `and`, as sub-attribute values
 * (used to build the element a no-match replace creates, docs/idp/quirks.md #9). Undefined when the
 * filter has any other shape (or, not, pr, other operators): no element can be derived.
 */
export function equalityTerms(
  filter: FilterNode,
  def: AttributeDefinition,
  dialect: PatchDialect,
): Array<{ sub: AttributeDefinition; value: string | number | boolean }> | undefined {
  if (filter.kind === 'and') {
    const l = equalityTerms(filter.left, def, dialect);
    const r = equalityTerms(filter.right, def, dialect);
    return l && r ? [...l, ...r] : undefined;
  }
  if (filter.kind !== 'compare' || filter.op !== 'eq' || filter.value === null) {
    return undefined;
  }
  const sub = filterOperandDef(filter.path, def);
  const value = literalFor(filter.value, sub, dialect);
  if (value === undefined) {
    return undefined;
  }
  // dateTime literals are kept as written (normalized by the caller's coercion)
  return [{ sub, value: sub.type === 'dateTime' ? (filter.value as string) : value }];
}
