/**
 * Checks extension schemas a host registers (in code through `userExtensions`, or as RFC 7643
 * §7 JSON in the standalone server's SCIM_SCHEMA_EXTENSIONS file) once, at boot, and fills in
 * the RFC 7643 §2.2 defaults the way `attr()` does. A bad definition is a SchemaDefinitionError
 * naming the schema and attribute, never a surprise at request time.
 *
 * Beyond well-formedness, two rules say what this server can honour for an extension attribute,
 * so that /Schemas never advertises what the stores do not do:
 * - no multi-valued attributes (nor multi-valued sub-attributes): extension values live in the
 *   resource's JSON document, where the SQL filter compiler reads singular values only (the
 *   child-row storage behind `emails.value` covers core attributes), so a filter on them could
 *   not run in SQL;
 * - uniqueness "none" only: the stores enforce uniqueness for userName / Group displayName
 *   with unique indexes, and have none for extension values.
 */
import {
  AttributeDefinition,
  AttributeType,
  Mutability,
  Returned,
  SchemaDefinition,
  Uniqueness,
  attr,
} from './schema.types';

export class SchemaDefinitionError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(
      problems.length === 1
        ? `Invalid extension schema: ${problems[0]}`
        : `Invalid extension schemas:\n- ${problems.join('\n- ')}`,
    );
    this.name = 'SchemaDefinitionError';
  }
}

export interface ExtensionSchemaOptions {
  /** URNs already registered (core and built-in extension schemas): an extension cannot reuse one */
  readonly taken?: readonly string[];
  /**
   * The schemas are the core schema of a resource type whose store keeps each value of a
   * multi-valued complex attribute as a row of its own (table descriptor `valuesTable`):
   * top-level multi-valued complex attributes are allowed (filters and sorts reach them in SQL).
   */
  readonly multiValuedComplex?: boolean;
}

const TYPES: readonly AttributeType[] = [
  'string',
  'boolean',
  'decimal',
  'integer',
  'dateTime',
  'binary',
  'reference',
  'complex',
];
const MUTABILITY: readonly Mutability[] = ['readOnly', 'readWrite', 'immutable', 'writeOnly'];
const RETURNED: readonly Returned[] = ['always', 'never', 'default', 'request'];
const UNIQUENESS: readonly Uniqueness[] = ['none', 'server', 'global'];

const SCHEMA_KEYS = new Set(['id', 'name', 'description', 'attributes', 'schemas', 'meta']);
const ATTRIBUTE_KEYS = new Set([
  'name',
  'type',
  'multiValued',
  'description',
  'required',
  'caseExact',
  'mutability',
  'returned',
  'uniqueness',
  'canonicalValues',
  'referenceTypes',
  'subAttributes',
]);

/** RFC 8141 URN: `urn:` NID `:` NSS, no white space. */
const URN = /^urn:[A-Za-z0-9][A-Za-z0-9-]{0,31}:\S+$/i;
/** RFC 7643 §2.1 ATTRNAME = ALPHA *(nameChar), nameChar = "-" / "_" / DIGIT / ALPHA */
const ATTR_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;
/** the SCIM protocol messages' namespace (ListResponse, PatchOp, Error...) */
const RESERVED_PREFIX = 'urn:ietf:params:scim:api:';

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Checks `input` (an array of schemas) and returns the definitions with the §2.2 defaults. */
export function parseExtensionSchemas(
  input: unknown,
  opts: ExtensionSchemaOptions = {},
): SchemaDefinition[] {
  if (!Array.isArray(input)) {
    throw new SchemaDefinitionError([
      'expected an array of schema objects ({ id, name, description, attributes })',
    ]);
  }
  const problems: string[] = [];
  const seen = new Set((opts.taken ?? []).map((s) => s.toLowerCase()));
  const out: SchemaDefinition[] = [];
  input.forEach((raw, i) => {
    const id = isObject(raw) && typeof raw.id === 'string' ? ` "${raw.id}"` : '';
    const where = `schema #${i + 1}${id}`;
    const schema = parseSchema(raw, where, problems, opts);
    if (!schema) {
      return;
    }
    const key = schema.id.toLowerCase();
    if (seen.has(key)) {
      problems.push(`${where}: the id is already registered (each schema URN may be used once)`);
      return;
    }
    seen.add(key);
    out.push(schema);
  });
  if (problems.length) {
    throw new SchemaDefinitionError(problems);
  }
  return out;
}

function parseSchema(
  raw: unknown,
  where: string,
  problems: string[],
  opts: ExtensionSchemaOptions,
): SchemaDefinition | undefined {
  if (!isObject(raw)) {
    problems.push(`${where}: expected an object`);
    return undefined;
  }
  const before = problems.length;
  unknownKeys(raw, SCHEMA_KEYS, where, problems);
  const id = raw.id;
  if (typeof id !== 'string' || !URN.test(id)) {
    problems.push(
      `${where}: "id" must be a URN such as "urn:example:params:scim:schemas:extension:acme:2.0:User"`,
    );
  } else if (id.toLowerCase().startsWith(RESERVED_PREFIX)) {
    problems.push(
      `${where}: "id" uses the reserved namespace ${RESERVED_PREFIX} of the SCIM messages`,
    );
  }
  const name = optionalString(raw, 'name', where, problems);
  const description = optionalString(raw, 'description', where, problems);
  const attributes = raw.attributes;
  if (!Array.isArray(attributes) || attributes.length === 0) {
    problems.push(`${where}: "attributes" must be a non-empty array`);
    return undefined;
  }
  const defs = parseAttributes(attributes, where, false, problems, opts);
  if (problems.length > before || typeof id !== 'string') {
    return undefined;
  }
  return {
    id,
    name: name ?? id.slice(id.lastIndexOf(':') + 1),
    description: description ?? '',
    attributes: defs,
  };
}

function parseAttributes(
  list: unknown[],
  where: string,
  isSub: boolean,
  problems: string[],
  opts: ExtensionSchemaOptions,
): AttributeDefinition[] {
  const names = new Set<string>();
  const out: AttributeDefinition[] = [];
  list.forEach((raw, i) => {
    const label = isObject(raw) && typeof raw.name === 'string' ? `"${raw.name}"` : `#${i + 1}`;
    const at = `${where}: ${isSub ? 'sub-attribute' : 'attribute'} ${label}`;
    const def = parseAttribute(raw, at, isSub, problems, opts);
    if (!def) {
      return;
    }
    if (names.has(def.name.toLowerCase())) {
      problems.push(`${at}: the name is used twice (attribute names are case-insensitive)`);
      return;
    }
    names.add(def.name.toLowerCase());
    out.push(def);
  });
  return out;
}

function parseAttribute(
  raw: unknown,
  at: string,
  isSub: boolean,
  problems: string[],
  opts: ExtensionSchemaOptions,
): AttributeDefinition | undefined {
  if (!isObject(raw)) {
    problems.push(`${at}: expected an object`);
    return undefined;
  }
  const before = problems.length;
  unknownKeys(raw, ATTRIBUTE_KEYS, at, problems);
  const name = raw.name;
  if (typeof name !== 'string' || !(ATTR_NAME.test(name) || (isSub && name === '$ref'))) {
    problems.push(
      `${at}: "name" must start with a letter and hold only letters, digits, "-" and "_" ` +
        '(RFC 7643 §2.1)',
    );
  }
  const type = oneOf(raw, 'type', TYPES, at, problems);
  const multiValued = optionalBoolean(raw, 'multiValued', at, problems);
  const required = optionalBoolean(raw, 'required', at, problems);
  const caseExact = optionalBoolean(raw, 'caseExact', at, problems);
  const mutability = oneOf(raw, 'mutability', MUTABILITY, at, problems);
  const returned = oneOf(raw, 'returned', RETURNED, at, problems);
  const uniqueness = oneOf(raw, 'uniqueness', UNIQUENESS, at, problems);
  const description = optionalString(raw, 'description', at, problems);
  const canonicalValues = optionalStrings(raw, 'canonicalValues', at, problems);
  const referenceTypes = optionalStrings(raw, 'referenceTypes', at, problems);
  const effectiveType = type ?? 'string';

  if (multiValued && !(opts.multiValuedComplex && !isSub && effectiveType === 'complex')) {
    problems.push(
      `${at}: multi-valued attributes are not supported in extension schemas ` +
        '(extension values are kept in the JSON document, where filters read singular values only)',
    );
  }
  if (uniqueness !== undefined && uniqueness !== 'none') {
    problems.push(
      `${at}: uniqueness "${uniqueness}" cannot be enforced for an extension attribute; use "none"`,
    );
  }
  if (canonicalValues && effectiveType !== 'string' && effectiveType !== 'reference') {
    problems.push(`${at}: "canonicalValues" applies to string and reference attributes only`);
  }
  if (referenceTypes && effectiveType !== 'reference') {
    problems.push(`${at}: "referenceTypes" applies to reference attributes only`);
  }
  if (required && mutability === 'readOnly') {
    problems.push(`${at}: a required attribute cannot be readOnly (no client could ever set it)`);
  }
  if (mutability === 'writeOnly' && (returned ?? 'default') !== 'never') {
    problems.push(`${at}: a writeOnly attribute must have returned "never" (RFC 7643 §2.2)`);
  }
  let subAttributes: AttributeDefinition[] | undefined;
  if (effectiveType === 'complex') {
    if (isSub) {
      problems.push(`${at}: a sub-attribute cannot be complex (RFC 7643 §2.3.8)`);
    } else if (!Array.isArray(raw.subAttributes) || raw.subAttributes.length === 0) {
      problems.push(`${at}: a complex attribute needs a non-empty "subAttributes" array`);
    } else {
      subAttributes = parseAttributes(raw.subAttributes, at, true, problems, opts);
    }
  } else if (raw.subAttributes !== undefined) {
    problems.push(`${at}: "subAttributes" applies to complex attributes only`);
  }
  if (problems.length > before || typeof name !== 'string') {
    return undefined;
  }
  return attr(name, {
    type: effectiveType,
    multiValued: multiValued === true,
    ...(description !== undefined ? { description } : {}),
    ...(required !== undefined ? { required } : {}),
    ...(caseExact !== undefined ? { caseExact } : {}),
    ...(mutability !== undefined ? { mutability } : {}),
    ...(returned !== undefined ? { returned } : {}),
    ...(uniqueness !== undefined ? { uniqueness } : {}),
    ...(canonicalValues ? { canonicalValues } : {}),
    ...(referenceTypes ? { referenceTypes } : {}),
    ...(subAttributes ? { subAttributes } : {}),
  });
}

function unknownKeys(
  raw: Json,
  allowed: ReadonlySet<string>,
  at: string,
  problems: string[],
): void {
  for (const key of Object.keys(raw)) {
    if (!allowed.has(key)) {
      problems.push(`${at}: unknown property "${key}" (expected ${[...allowed].join(', ')})`);
    }
  }
}

function optionalString(
  raw: Json,
  key: string,
  at: string,
  problems: string[],
): string | undefined {
  const v = raw[key];
  if (v === undefined) {
    return undefined;
  }
  if (typeof v !== 'string') {
    problems.push(`${at}: "${key}" must be a string`);
    return undefined;
  }
  return v;
}

function optionalBoolean(
  raw: Json,
  key: string,
  at: string,
  problems: string[],
): boolean | undefined {
  const v = raw[key];
  if (v === undefined) {
    return undefined;
  }
  if (typeof v !== 'boolean') {
    problems.push(`${at}: "${key}" must be true or false`);
    return undefined;
  }
  return v;
}

function optionalStrings(
  raw: Json,
  key: string,
  at: string,
  problems: string[],
): string[] | undefined {
  const v = raw[key];
  if (v === undefined) {
    return undefined;
  }
  if (!Array.isArray(v) || v.length === 0 || !v.every((s) => typeof s === 'string' && s !== '')) {
    problems.push(`${at}: "${key}" must be a non-empty array of non-empty strings`);
    return undefined;
  }
  return [...(v as string[])];
}

function oneOf<T extends string>(
  raw: Json,
  key: string,
  allowed: readonly T[],
  at: string,
  problems: string[],
): T | undefined {
  const v = raw[key];
  if (v === undefined) {
    return undefined;
  }
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    const expected = allowed.join(', ');
    problems.push(`${at}: "${key}" is ${JSON.stringify(v)}, expected one of ${expected}`);
    return undefined;
  }
  return v as T;
}
