import { ScimError } from '../errors/scim-error';
import type { IdpProfile } from '../profile/idp-profile';
import { ResolvedAttribute, SchemaRegistry } from '../schema/schema.registry';
import { AttributeDefinition, ResourceTypeDefinition } from '../schema/schema.types';
import { flattenKeys, KeyAssignment } from './attribute-key.resolver';
import { deepEqual, getCI, isPlainObject, isUnassigned, JsonObject } from './json.util';
import { checkResourceSchemas, resourceSchemas } from './resource.schemas';
import { ScimJson } from './resource.types';
import { checkRequiredSubAttributes, coerceValue } from './value.coercer';
import { checkWellFormed } from './well-formed';

export interface NormalizeOptions {
  readonly registry: SchemaRegistry;
  /** the resource type (definition or name, e.g. 'User') */
  readonly resourceType: ResourceTypeDefinition | string;
  readonly profile: IdpProfile;
  /** PUT: the currently stored resource (immutable attributes are checked against it) */
  readonly existing?: ScimJson;
}

export interface NormalizeResult {
  /** schemas + client-writable attributes, canonical names; no id, meta, groups or password */
  readonly resource: ScimJson;
  /** the writeOnly password, when the body carried one (hash it; never store it in `resource`) */
  readonly password?: string;
  /** what was dropped: readOnly attributes, unknown attributes/URNs (lenient), as paths */
  readonly ignored: string[];
}

/**
 * Normalizes a POST (RFC 7644 §3.3) or PUT (§3.5.1) body against the resource type's schemas.
 * - readOnly attributes are ignored ("SHALL be ignored", §3.3 / §3.5.1): a client `id` is never
 *   used;
 * - `password` (writeOnly) is returned apart from the resource;
 * - null and [] mean unassigned (RFC 7643 §2.5) and are left out;
 * - `required` attributes must be present and non-empty (RFC 7643 §2.2) → invalidValue;
 * - PUT: an immutable attribute that has a value must not change (§3.5.1) → mutability, and is
 *   carried over when omitted;
 * - unknown attributes: 400 invalidValue ("not compatible with ... resource schema", RFC 7644
 *   §3.12 Table 9) when profile.unknownAttributes = 'reject', else ignored and listed;
 * - a string (value or member name) that is not well-formed Unicode → invalidValue
 *   (well-formed.ts), in every profile.
 */
export function normalizeResource(body: unknown, opts: NormalizeOptions): NormalizeResult {
  const { registry, profile, existing } = opts;
  const rt =
    typeof opts.resourceType === 'string'
      ? registry.resourceType(opts.resourceType)
      : opts.resourceType;
  if (!isPlainObject(body)) {
    throw ScimError.invalidSyntax('The request body must be a JSON object (RFC 7644 §3.3)');
  }
  checkWellFormed(body, 'The resource');
  const ignored: string[] = [];
  checkResourceSchemas(getCI(body, 'schemas'), { registry, rt, profile, ignored });

  const out: JsonObject = {};
  let password: string | undefined;
  const assignments = flattenKeys(body, { registry, resourceType: rt, profile, ignored });
  for (const a of assignments) {
    const def = a.target.attribute;
    if (def.mutability === 'readOnly' || a.target.subAttribute?.mutability === 'readOnly') {
      if (!isUnassigned(a.value)) {
        ignored.push(label(a.target));
      }
      continue;
    }
    if (def.mutability === 'writeOnly' && def.name === 'password') {
      password = readPassword(def, a, profile);
      continue;
    }
    assign(out, a, profile, ignored);
  }
  if (existing) {
    applyImmutable(out, existing, registry, rt);
  }
  checkRequired(out, registry, rt);
  const resource: ScimJson = { schemas: resourceSchemas(out, registry, rt) };
  Object.assign(resource, out);
  return {
    resource,
    ...(password !== undefined ? { password } : {}),
    ignored: [...new Set(ignored)],
  };
}

function label(t: ResolvedAttribute): string {
  const base = t.subAttribute ? `${t.attribute.name}.${t.subAttribute.name}` : t.attribute.name;
  return t.extension ? `${t.schemaId}:${base}` : base;
}

function readPassword(
  def: AttributeDefinition,
  a: KeyAssignment,
  profile: IdpProfile,
): string | undefined {
  const v = coerceValue(def, a.value, def.name, profile);
  return typeof v === 'string' ? v : undefined;
}

/** The object that holds an attribute: the body itself, or the object under its extension URN. */
function holderOf(out: JsonObject, urn: string | undefined): JsonObject {
  if (urn === undefined) {
    return out;
  }
  if (!isPlainObject(out[urn])) {
    out[urn] = {};
  }
  return out[urn] as JsonObject;
}

function assign(out: JsonObject, a: KeyAssignment, profile: IdpProfile, ignored: string[]): void {
  const t = a.target;
  const def = t.attribute;
  const holder = holderOf(out, t.extension ? t.schemaId : undefined);
  const opts = { ignored, readOnlySubAttributes: 'drop' as const };
  if (t.subAttribute) {
    // "name.givenName" (profile.dottedKeysInValue): merge into the complex value
    const sub = t.subAttribute;
    const v = coerceValue(sub, a.value, label(t), profile, opts);
    const current = isPlainObject(holder[def.name]) ? (holder[def.name] as JsonObject) : {};
    const next: JsonObject = { ...current };
    if (v === undefined) {
      delete next[sub.name];
    } else {
      next[sub.name] = v;
    }
    setOrDelete(holder, def.name, isUnassigned(next) ? undefined : next);
  } else {
    const v = coerceValue(def, a.value, label(t), profile, opts);
    const current = holder[def.name];
    // a whole complex value after dotted keys for the same attribute: merge, later keys win
    const merged =
      def.type === 'complex' && !def.multiValued && isPlainObject(current) && isPlainObject(v)
        ? { ...current, ...v }
        : v;
    setOrDelete(holder, def.name, merged);
  }
  if (t.extension && isUnassigned(holder)) {
    delete out[t.schemaId];
  }
}

function setOrDelete(holder: JsonObject, name: string, value: unknown): void {
  if (value === undefined || isUnassigned(value)) {
    delete holder[name];
  } else {
    holder[name] = value;
  }
}

/** The top-level attribute definitions of `rt`, with the URN of their extension (if any). */
export function attributesOf(
  registry: SchemaRegistry,
  rt: ResourceTypeDefinition,
): Array<{ def: AttributeDefinition; urn?: string }> {
  return [
    ...registry.coreSchema(rt).attributes.map((def) => ({ def })),
    ...registry
      .extensionSchemas(rt)
      .flatMap((s) => s.attributes.map((def) => ({ def, urn: s.id }))),
  ];
}

/** true when the resource has a value under the extension's URN */
function carriesExtension(out: JsonObject, urn: string): boolean {
  const ext = getCI(out, urn);
  return isPlainObject(ext) && Object.values(ext).some((v) => !isUnassigned(v));
}

function read(obj: ScimJson, name: string, urn?: string): unknown {
  if (urn === undefined) {
    return getCI(obj, name);
  }
  const ext = getCI(obj, urn);
  return isPlainObject(ext) ? getCI(ext, name) : undefined;
}

/**
 * RFC 7644 §3.5.1 (PUT) immutable: "If one or more values are already set for the attribute,
 * the input value(s) MUST match, or HTTP status code 400 SHOULD be returned with a "scimType"
 * error code of "mutability"". Omitted immutable values are carried over.
 */
function applyImmutable(
  out: JsonObject,
  existing: ScimJson,
  registry: SchemaRegistry,
  rt: ResourceTypeDefinition,
): void {
  for (const { def, urn } of attributesOf(registry, rt)) {
    if (def.mutability !== 'immutable') {
      continue;
    }
    const before = read(existing, def.name, urn);
    if (isUnassigned(before)) {
      continue;
    }
    const after = read(out, def.name, urn);
    if (after === undefined) {
      holderOf(out, urn)[def.name] = before;
    } else if (!deepEqual(before, after)) {
      throw ScimError.mutability(`Attribute '${def.name}' is immutable and already has a value`);
    }
  }
}

/**
 * RFC 7643 §2.2 required (userName, Group displayName) and required sub-attributes. A required
 * attribute of an optional extension (RFC 7643 §3.3, `required: false` in the resource type)
 * is required of resources that carry the extension, not of those that do not.
 */
function checkRequired(
  out: JsonObject,
  registry: SchemaRegistry,
  rt: ResourceTypeDefinition,
): void {
  const requiredExtensions = new Set(rt.schemaExtensions.filter((e) => e.required).map((e) => e.schema));
  for (const { def, urn } of attributesOf(registry, rt)) {
    if (urn !== undefined && !requiredExtensions.has(urn) && !carriesExtension(out, urn)) {
      continue;
    }
    const value = read(out, def.name, urn);
    const name = urn === undefined ? def.name : `${urn}:${def.name}`;
    if (def.required && def.mutability !== 'readOnly') {
      if (isUnassigned(value) || value === '') {
        throw ScimError.invalidValue(`Attribute '${name}' is required and must not be empty`);
      }
    }
    if (def.type === 'complex' && value !== undefined) {
      const list = Array.isArray(value) ? value : [value];
      list.forEach((v, i) => {
        if (isPlainObject(v)) {
          checkRequiredSubAttributes(def, v, def.multiValued ? `${name}[${i}]` : name);
        }
      });
    }
  }
  for (const ext of rt.schemaExtensions) {
    if (ext.required && isUnassigned(out[ext.schema])) {
      throw ScimError.invalidValue(`The extension '${ext.schema}' is required for ${rt.name}`);
    }
  }
}
