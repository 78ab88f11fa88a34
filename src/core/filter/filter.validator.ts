/**
 * Schema-aware filter validation (RFC 7644 §3.4.2.2, RFC 7643 §2.3 and §7).
 *
 * `validateFilter` resolves every attribute path against the resource type's schemas
 * (case-insensitively, RFC 7644 §3.4.2.2 "attribute names ... are case insensitive") and
 * returns a normalized copy of the AST that the SQL compiler and the in-memory matcher share:
 *
 * - paths are spelled as the schema spells them; extension attributes keep their schema URN,
 *   core and common attributes lose a core-schema URN (`ResolvedAttribute.canonical`);
 * - inside a valuePath the inner paths are bare sub-attribute names of the outer attribute;
 * - a comparison on a multi-valued complex attribute itself compares its `value`
 *   sub-attribute: `emails co "x"` becomes `emails.value co "x"` (RFC 7644 §3.4.2.2);
 * - boolean attributes accept the strings "true"/"false" in any case (Entra ID sends
 *   `roles[primary eq "True"]`) and get a real boolean, unless `stringBooleans` is false;
 * - dateTime values are rewritten to the canonical UTC form `YYYY-MM-DDThh:mm:ss.sssZ`.
 *
 * It throws ScimError invalidFilter (RFC 7644 §3.4.2.2 / §3.12) for: unknown attributes or
 * sub-attributes; a value filter on an attribute without sub-attributes; a comparison other
 * than `pr` on a complex attribute (except the multi-valued `value` rule above); `gt`/`ge`/
 * `lt`/`le` on boolean or binary attributes; `co`/`sw`/`ew` on anything but string and
 * reference attributes; a value of the wrong JSON type; an invalid xsd:dateTime; an ordering
 * or substring operator with `null`; attributes with `returned: "never"` (password), which
 * must not leak through filters (RFC 7643 §7 "returned").
 */
import { ScimError } from '../errors/scim-error';
import { AttrPath, formatAttrPath } from '../schema/attr-path';
import { findIn, ResolvedAttribute, SchemaRegistry } from '../schema/schema.registry';
import { attr, AttributeDefinition, ResourceTypeDefinition } from '../schema/schema.types';
import { CompareOp, FilterNode, FilterValue } from './filter.ast';
import { normalizeFilterDateTime } from './filter.datetime';

export interface FilterValidationOptions {
  /**
   * Allow the RFC 7644 §3.4.2.2 example `schemas eq "urn:...:enterprise:2.0:User"`: `schemas`
   * is then a multi-valued, case-insensitive string attribute of every resource. Off by
   * default because `schemas` is not a schema attribute and storage layers need to support it.
   */
  readonly allowSchemasAttribute?: boolean;
  /**
   * Accept the strings "true"/"false" (any case) as boolean literals, as Entra ID sends them in
   * `roles[primary eq "True"]` (RFC 7644 §3.4.2.2 has only the JSON literals). Default true;
   * PATCH paths follow their profile (PatchDialect.stringBooleansInFilters).
   */
  readonly stringBooleans?: boolean;
}

/** The pseudo attribute behind `allowSchemasAttribute` (RFC 7643 §3 "schemas"). */
export const SCHEMAS_PSEUDO_ATTRIBUTE: AttributeDefinition = attr('schemas', {
  multiValued: true,
  caseExact: false,
  mutability: 'readOnly',
  returned: 'always',
  description: 'The schema URIs of the resource (RFC 7643 §3).',
});

export const ORDERING_OPS: ReadonlySet<CompareOp> = new Set<CompareOp>(['gt', 'ge', 'lt', 'le']);
export const SUBSTRING_OPS: ReadonlySet<CompareOp> = new Set<CompareOp>(['co', 'sw', 'ew']);

const text = (p: AttrPath) => JSON.stringify(formatAttrPath(p));

/**
 * Resolves a top-level filter path (not inside a value filter) against `rt`.
 * Throws invalidFilter when it names no attribute of the resource type.
 */
export function resolveFilterPath(
  registry: SchemaRegistry,
  rt: ResourceTypeDefinition,
  path: AttrPath,
  options: FilterValidationOptions = {},
): ResolvedAttribute {
  const resolved = registry.resolve(rt, path);
  if (resolved) {
    return resolved;
  }
  if (
    options.allowSchemasAttribute &&
    path.uri === undefined &&
    path.sub === undefined &&
    path.attr.toLowerCase() === 'schemas'
  ) {
    return {
      schemaId: rt.schema,
      extension: false,
      common: true,
      attribute: SCHEMAS_PSEUDO_ATTRIBUTE,
      canonical: { attr: SCHEMAS_PSEUDO_ATTRIBUTE.name },
    };
  }
  if (path.sub !== undefined) {
    const attrOnly: AttrPath =
      path.uri !== undefined ? { uri: path.uri, attr: path.attr } : { attr: path.attr };
    const parent = registry.resolve(rt, attrOnly);
    if (parent) {
      throw ScimError.invalidFilter(
        `Attribute "${parent.attribute.name}" has no sub-attribute "${path.sub}"`,
      );
    }
  }
  throw ScimError.invalidFilter(`Unknown attribute ${text(path)} for resource type ${rt.name}`);
}

/**
 * Resolves a path inside a value filter `outer[...]`: a bare sub-attribute name. The elements of
 * a simple multi-valued attribute have no sub-attributes; there `value` names the element itself
 * (RFC 7643 §2.4: "value" is the element's value), as in the PATCH path `tags[value eq "x"]`.
 */
export function resolveValueFilterPath(
  outer: AttributeDefinition,
  path: AttrPath,
): AttributeDefinition {
  if (path.uri !== undefined || path.sub !== undefined) {
    throw ScimError.invalidFilter(
      `Attribute path ${text(path)} inside the value filter of "${outer.name}" ` +
        `must be a sub-attribute name of "${outer.name}"`,
    );
  }
  if (outer.type !== 'complex') {
    if (path.attr.toLowerCase() !== 'value') {
      throw ScimError.invalidFilter(
        `Attribute "${outer.name}" has simple values: filter on "value", not "${path.attr}"`,
      );
    }
    return { ...outer, multiValued: false };
  }
  const sub = outer.subAttributes ? findIn(outer.subAttributes, path.attr) : undefined;
  if (!sub) {
    throw ScimError.invalidFilter(`Attribute "${outer.name}" has no sub-attribute "${path.attr}"`);
  }
  return sub;
}

function assertFilterable(def: AttributeDefinition, shown: string): void {
  if (def.returned === 'never') {
    throw ScimError.invalidFilter(`Attribute "${shown}" cannot be used in a filter`);
  }
}

function jsonType(v: FilterValue): string {
  return v === null ? 'null' : typeof v;
}

/** Checks `op value` against the attribute type; returns the value in normalized form. */
function checkComparison(
  def: AttributeDefinition,
  shown: string,
  op: CompareOp,
  value: FilterValue,
  options: FilterValidationOptions,
): FilterValue {
  const type = def.type;
  if (ORDERING_OPS.has(op) && (type === 'boolean' || type === 'binary')) {
    throw ScimError.invalidFilter(
      `Operator "${op}" cannot be used on ${type} attribute "${shown}" (RFC 7644 §3.4.2.2)`,
    );
  }
  if (SUBSTRING_OPS.has(op) && type !== 'string' && type !== 'reference') {
    throw ScimError.invalidFilter(
      `Operator "${op}" cannot be used on ${type} attribute "${shown}"; it needs a string`,
    );
  }
  if (value === null) {
    if (op !== 'eq' && op !== 'ne') {
      throw ScimError.invalidFilter(`Operator "${op}" cannot compare "${shown}" with null`);
    }
    return null;
  }
  const wrongType = (expected: string) =>
    ScimError.invalidFilter(
      `Attribute "${shown}" is of type ${type} and cannot be compared with a ${jsonType(value)}` +
        ` value; expected ${expected}`,
    );
  switch (type) {
    case 'boolean':
      if (typeof value === 'boolean') {
        return value;
      }
      if (typeof value === 'string' && options.stringBooleans !== false) {
        const lower = value.toLowerCase();
        if (lower === 'true' || lower === 'false') {
          return lower === 'true';
        }
      }
      throw wrongType('true or false');
    case 'integer':
      if (typeof value === 'number' && Number.isInteger(value)) {
        return value;
      }
      throw wrongType('an integer');
    case 'decimal':
      if (typeof value === 'number') {
        return value;
      }
      throw wrongType('a number');
    case 'dateTime': {
      const normalized = typeof value === 'string' ? normalizeFilterDateTime(value) : undefined;
      if (normalized === undefined) {
        throw ScimError.invalidFilter(
          `Attribute "${shown}" is a dateTime; ${JSON.stringify(value)} is not an ` +
            `xsd:dateTime such as "2011-05-13T04:42:34Z"`,
        );
      }
      return normalized;
    }
    case 'string':
    case 'reference':
    case 'binary':
      if (typeof value === 'string') {
        return value;
      }
      throw wrongType('a string');
    case 'complex':
      throw ScimError.invalidFilter(`Complex attribute "${shown}" cannot be compared`);
  }
}

type Leaf = Extract<FilterNode, { kind: 'compare' | 'present' }>;

class FilterValidator {
  /** `resolve` resolves top-level paths; undefined when validating a value filter alone */
  constructor(
    private readonly resolve: ((path: AttrPath) => ResolvedAttribute) | undefined,
    private readonly options: FilterValidationOptions,
  ) {}

  private top(path: AttrPath): ResolvedAttribute {
    if (!this.resolve) {
      throw ScimError.invalidFilter(`Attribute path ${text(path)} needs a resource type`);
    }
    return this.resolve(path);
  }

  node(node: FilterNode, outer: AttributeDefinition | undefined): FilterNode {
    switch (node.kind) {
      case 'and':
      case 'or':
        return {
          kind: node.kind,
          left: this.node(node.left, outer),
          right: this.node(node.right, outer),
        };
      case 'not':
        return { kind: 'not', filter: this.node(node.filter, outer) };
      case 'valuePath':
        return this.valuePath(node, outer);
      case 'present':
      case 'compare':
        return this.leaf(node, outer);
    }
  }

  private valuePath(
    node: Extract<FilterNode, { kind: 'valuePath' }>,
    outer: AttributeDefinition | undefined,
  ): FilterNode {
    if (outer) {
      throw ScimError.invalidFilter(
        `A value filter cannot contain another value filter ` +
          `(${text(node.path)} in "${outer.name}")`,
      );
    }
    const r = this.top(node.path);
    const target = r.subAttribute ?? r.attribute;
    assertFilterable(r.attribute, r.attribute.name);
    if (!target.subAttributes || target.subAttributes.length === 0) {
      throw ScimError.invalidFilter(
        `A value filter needs a complex attribute; ${text(r.canonical)} has no sub-attributes`,
      );
    }
    return { kind: 'valuePath', path: r.canonical, filter: this.node(node.filter, target) };
  }

  private leaf(node: Leaf, outer: AttributeDefinition | undefined): FilterNode {
    let path: AttrPath;
    let def: AttributeDefinition;
    let shown: string;
    if (outer) {
      def = resolveValueFilterPath(outer, node.path);
      const name = outer.type === 'complex' ? def.name : 'value';
      shown = `${outer.name}.${name}`;
      assertFilterable(def, shown);
      path = { attr: name };
    } else {
      const r = this.top(node.path);
      assertFilterable(r.attribute, r.attribute.name);
      def = r.subAttribute ?? r.attribute;
      path = r.canonical;
      shown = formatAttrPath(r.canonical);
      assertFilterable(def, shown);
    }
    if (node.kind === 'present') {
      return { kind: 'present', path };
    }
    if (def.type === 'complex') {
      // RFC 7644 §3.4.2.2: a filter on a multi-valued complex attribute without a
      // sub-attribute applies to its "value" sub-attribute
      const valueSub =
        def.multiValued && path.sub === undefined && def.subAttributes
          ? findIn(def.subAttributes, 'value')
          : undefined;
      if (!valueSub) {
        throw ScimError.invalidFilter(
          `Complex attribute "${shown}" can only be tested with "pr"; filter on one of its ` +
            `sub-attributes instead`,
        );
      }
      assertFilterable(valueSub, `${shown}.${valueSub.name}`);
      def = valueSub;
      path = { ...path, sub: valueSub.name };
      shown = formatAttrPath(path);
    }
    const value = checkComparison(def, shown, node.op, node.value, this.options);
    return { kind: 'compare', path, op: node.op, value };
  }
}

/**
 * Validates `node` against the schemas of `resourceType` and returns the normalized AST
 * (see the file comment). Throws only ScimError (invalidFilter).
 */
export function validateFilter(
  node: FilterNode,
  registry: SchemaRegistry,
  resourceType: ResourceTypeDefinition,
  options: FilterValidationOptions = {},
): FilterNode {
  const resolve = (path: AttrPath) => resolveFilterPath(registry, resourceType, path, options);
  return new FilterValidator(resolve, options).node(node, undefined);
}

/**
 * Validates the inner filter of a value path `attribute[filter]` on its own (a PATCH path,
 * RFC 7644 §3.5.2): paths are names relative to one element of `attribute`. Returns it
 * normalized as `validateFilter` would inside `attribute[...]`; throws ScimError invalidFilter.
 */
export function validateValueFilter(
  node: FilterNode,
  attribute: AttributeDefinition,
  options: FilterValidationOptions = {},
): FilterNode {
  return new FilterValidator(undefined, options).node(node, attribute);
}
