import { parseAttrPath } from '../schema/attr-path';
import { ResolvedAttribute, SchemaRegistry } from '../schema/schema.registry';
import { AttributeDefinition, ResourceTypeDefinition } from '../schema/schema.types';

type Json = Record<string, unknown>;

export interface ProjectionRequest {
  /** `attributes`: return these (plus every `returned: always` attribute) */
  readonly attributes?: readonly string[];
  /** `excludedAttributes`: return the default set minus these */
  readonly excludedAttributes?: readonly string[];
}

/** Splits a comma-separated `attributes` / `excludedAttributes` parameter. */
export function splitAttributeList(value: string | undefined): string[] | undefined {
  if (value === undefined) {
    return undefined;
  }
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** A set of requested paths, keyed `schemaKey -> attr -> sub-attributes (or '*' for whole)`. */
interface PathSet {
  whole: Set<string>; // "<schemaKey>|<attr>"
  subs: Map<string, Set<string>>; // "<schemaKey>|<attr>" -> lower-case sub names
  wholeSchemas: Set<string>; // extension URNs requested/excluded whole
}

const CORE = '';

function key(schemaKey: string, attr: string): string {
  return `${schemaKey.toLowerCase()}|${attr.toLowerCase()}`;
}

function buildPathSet(
  paths: readonly string[],
  registry: SchemaRegistry,
  rt: ResourceTypeDefinition,
): PathSet {
  const set: PathSet = { whole: new Set(), subs: new Map(), wholeSchemas: new Set() };
  for (const text of paths) {
    if (registry.extensionSchema(rt, text)) {
      set.wholeSchemas.add(text.toLowerCase());
      continue;
    }
    const path = parseAttrPath(text);
    const resolved: ResolvedAttribute | undefined = path ? registry.resolve(rt, path) : undefined;
    if (!resolved) {
      // RFC 7644 §3.9 does not define an error for unknown names: they select nothing.
      continue;
    }
    const k = key(resolved.extension ? resolved.schemaId : CORE, resolved.attribute.name);
    if (resolved.subAttribute) {
      const subs = set.subs.get(k) ?? new Set<string>();
      subs.add(resolved.subAttribute.name.toLowerCase());
      set.subs.set(k, subs);
    } else {
      set.whole.add(k);
    }
  }
  return set;
}

/**
 * RFC 7644 §3.4.2.5 / §3.9 with RFC 7643 §7 `returned`:
 * - `always` attributes (id, schemas) are always returned; `never` (password) never;
 * - `request` attributes only when named in `attributes`;
 * - with `attributes`, only the named attributes (or sub-attributes) plus `always` ones;
 * - with `excludedAttributes`, the default set minus the named ones (`always` ones stay).
 * `meta` is returned by default and follows the same rules.
 */
export function projectResource(
  resource: Json,
  registry: SchemaRegistry,
  rt: ResourceTypeDefinition,
  req: ProjectionRequest = {},
): Json {
  const include = req.attributes?.length ? buildPathSet(req.attributes, registry, rt) : undefined;
  const exclude =
    !include && req.excludedAttributes?.length
      ? buildPathSet(req.excludedAttributes, registry, rt)
      : undefined;
  const out: Json = {};
  for (const [name, value] of Object.entries(resource)) {
    if (name === 'schemas') {
      out.schemas = value;
      continue;
    }
    const ext = registry.extensionSchema(rt, name);
    if (ext) {
      const projected = projectObject(
        value as Json,
        ext.attributes,
        ext.id,
        include,
        exclude,
        include?.wholeSchemas.has(ext.id.toLowerCase()) ?? false,
        exclude?.wholeSchemas.has(ext.id.toLowerCase()) ?? false,
      );
      if (projected && Object.keys(projected).length > 0) {
        out[name] = projected;
      }
      continue;
    }
    const def = registry.findCoreAttribute(rt, name);
    if (!def) {
      continue;
    }
    const v = projectAttribute(def, value, CORE, include, exclude, false, false);
    if (v !== undefined) {
      out[name] = v;
    }
  }
  return out;
}

function projectObject(
  obj: Json,
  defs: readonly AttributeDefinition[],
  schemaKey: string,
  include: PathSet | undefined,
  exclude: PathSet | undefined,
  includeWhole: boolean,
  excludeWhole: boolean,
): Json | undefined {
  if (obj === null || typeof obj !== 'object') {
    return undefined;
  }
  const out: Json = {};
  for (const [name, value] of Object.entries(obj)) {
    const def = defs.find((d) => d.name.toLowerCase() === name.toLowerCase());
    if (!def) {
      continue;
    }
    const v = projectAttribute(def, value, schemaKey, include, exclude, includeWhole, excludeWhole);
    if (v !== undefined) {
      out[name] = v;
    }
  }
  return out;
}

function projectAttribute(
  def: AttributeDefinition,
  value: unknown,
  schemaKey: string,
  include: PathSet | undefined,
  exclude: PathSet | undefined,
  includeWhole: boolean,
  excludeWhole: boolean,
): unknown {
  if (def.returned === 'never') {
    return undefined;
  }
  if (def.returned === 'always') {
    return value;
  }
  const k = key(schemaKey, def.name);
  if (include) {
    if (includeWhole || include.whole.has(k)) {
      return value;
    }
    const subs = include.subs.get(k);
    return subs ? pickSubs(def, value, (s) => subs.has(s.name.toLowerCase()) || s.returned === 'always') : undefined;
  }
  if (def.returned === 'request') {
    return undefined;
  }
  if (exclude) {
    if (excludeWhole || exclude.whole.has(k)) {
      return undefined;
    }
    const subs = exclude.subs.get(k);
    if (subs) {
      return pickSubs(def, value, (s) => !subs.has(s.name.toLowerCase()) || s.returned === 'always');
    }
  }
  return def.subAttributes ? pickSubs(def, value, (s) => s.returned !== 'request') : value;
}

/** Keeps the sub-attributes `keep` accepts, on one complex value or each element of many. */
function pickSubs(
  def: AttributeDefinition,
  value: unknown,
  keep: (sub: AttributeDefinition) => boolean,
): unknown {
  const subs = def.subAttributes ?? [];
  const pick = (v: unknown): Json | undefined => {
    if (v === null || typeof v !== 'object') {
      return undefined;
    }
    const out: Json = {};
    for (const [n, sv] of Object.entries(v as Json)) {
      const s = subs.find((d) => d.name.toLowerCase() === n.toLowerCase());
      if (s && s.returned !== 'never' && keep(s)) {
        out[n] = sv;
      }
    }
    return Object.keys(out).length > 0 ? out : undefined;
  };
  if (Array.isArray(value)) {
    const items = value.map(pick).filter((v): v is Json => v !== undefined);
    return items.length > 0 ? items : undefined;
  }
  return pick(value);
}

/**
 * True when the projection would return `attr` (RFC 7644 §3.4.2.5), so it is worth reading: a
 * computed attribute (a User's `groups`, a Group's `members`) is loaded only then.
 */
export function wantsAttribute(p: ProjectionRequest, attr: string): boolean {
  const a = attr.toLowerCase();
  const named = (list: readonly string[] | undefined) =>
    list?.some((x) => x.toLowerCase() === a || x.toLowerCase().startsWith(a + '.')) ?? false;
  if (p.attributes?.length) {
    return named(p.attributes);
  }
  return !p.excludedAttributes?.some((x) => x.toLowerCase() === a);
}
