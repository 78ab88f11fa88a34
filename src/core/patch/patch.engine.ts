import { ScimError, isScimError } from '../errors/scim-error';
import {
  deepClone,
  deepEqual,
  getCI,
  isPlainObject,
  isUnassigned,
  JsonObject,
  setCI,
} from '../resource/json.util';
import { parseFilter } from '../filter/filter.parser';
import { ScimJson } from '../resource/resource.types';
import { SchemaRegistry } from '../schema/schema.registry';
import { ResourceTypeDefinition } from '../schema/schema.types';
import { EngineContext, EngineState, readAttr } from './patch.context';
import { applyOperation } from './patch.operations';
import { AttributeDelta, PatchContext, PatchOperation, PatchResult } from './patch.types';

export { requiresFullAttribute } from './patch.delta-apply';

function buildContext(opts: PatchContext): EngineContext {
  const rt =
    typeof opts.resourceType === 'string'
      ? opts.registry.resourceType(opts.resourceType)
      : opts.resourceType;
  const lower = (names: readonly string[]) => new Set(names.map((n) => n.toLowerCase()));
  return {
    registry: opts.registry,
    rt,
    profile: opts.profile,
    parseFilter: opts.parseFilter ?? parseFilter,
    delta: lower(opts.deltaAttributes ?? []),
    guarded: lower(opts.guardedAttributes ?? ['members']),
    ignored: [],
  };
}

/** Prefixes the failing operation to the error detail (the status and scimType stay). */
function annotate(e: unknown, i: number, op: PatchOperation): unknown {
  if (!isScimError(e)) {
    return e;
  }
  const where = `Operations[${i}] (${op.op}${op.path !== undefined ? ` ${op.path}` : ''})`;
  return new ScimError(e.status, `${where}: ${e.detail}`, e.scimType, e.headers);
}

/**
 * Applies PATCH operations (RFC 7644 §3.5.2) to a resource of any type, by its schema.
 * Pure: works on a deep copy and never mutates `resource` or `ops`. Atomic: "A PATCH request,
 * regardless of the number of operations, SHALL be treated as atomic" (§3.5.2) — an error in
 * any operation throws a ScimError and nothing is returned.
 * Delta attributes (ctx.deltaAttributes) are recorded in `deltas`, not applied (see
 * requiresFullAttribute for the forms that need the loaded values).
 */
export function applyPatch(
  resource: ScimJson,
  ops: readonly PatchOperation[],
  opts: PatchContext,
): PatchResult {
  const ctx = buildContext(opts);
  const state: EngineState = {
    ctx,
    resource: deepClone(resource),
    resourceId: typeof resource.id === 'string' ? resource.id : undefined,
    deltas: new Map(),
    touched: new Map(),
  };
  ops.forEach((op, i) => {
    try {
      applyOperation(state, op);
    } catch (e) {
      throw annotate(e, i, op);
    }
  });
  checkRequiredAfterPatch(state);
  syncSchemas(state);

  const deltas: Record<string, AttributeDelta> = {};
  for (const [name, b] of state.deltas) {
    if (!b.isEmpty()) {
      deltas[name] = b.build();
    }
  }
  const changedAttributes = [
    ...diffAttributes(resource, state.resource, ctx.registry, ctx.rt),
    ...Object.keys(deltas),
    ...(state.password !== undefined ? ['password'] : []),
  ];
  return {
    resource: state.resource,
    changed: changedAttributes.length > 0,
    changedAttributes: [...new Set(changedAttributes)],
    ...(state.password !== undefined ? { password: state.password } : {}),
    deltas,
    ignored: [...new Set(ctx.ignored)],
  };
}

/**
 * RFC 7644 §3.5.2.2: "If an attribute is removed or becomes unassigned and is defined as a
 * required attribute ..., the server SHALL return ... "mutability"". Checked once, after all
 * operations (a remove followed by an add of userName is fine). A required value set to ""
 * is present but empty → invalidValue (RFC 7643 §4.1.1 "non-empty userName").
 */
function checkRequiredAfterPatch(state: EngineState): void {
  for (const [label, { attribute, urn, op }] of state.touched) {
    const value = readAttr(state, attribute, urn);
    if (attribute.required) {
      if (isUnassigned(value)) {
        throw ScimError.mutability(`'${label}' is required and cannot be removed or unassigned`);
      }
      if (value === '') {
        throw ScimError.invalidValue(`'${label}' is required and must not be empty`);
      }
    }
    if (attribute.type !== 'complex' || value === undefined) {
      continue;
    }
    const list = Array.isArray(value) ? value : [value];
    for (const el of list) {
      for (const sub of attribute.subAttributes ?? []) {
        if (sub.required && isPlainObject(el) && isUnassigned(el[sub.name])) {
          const detail = `'${label}' requires the sub-attribute '${sub.name}'`;
          throw op === 'remove' ? ScimError.mutability(detail) : ScimError.invalidValue(detail);
        }
      }
    }
  }
}

/** RFC 7643 §3: `schemas` lists the extensions the resource uses; keep it in step. */
function syncSchemas(state: EngineState): void {
  const { registry, rt } = state.ctx;
  const schemas = getCI(state.resource, 'schemas');
  if (!Array.isArray(schemas)) {
    return;
  }
  const extIds = registry.extensionSchemas(rt).map((s) => s.id);
  const present = new Set(
    extIds.filter((id) => {
      const v = getCI(state.resource, id);
      return isPlainObject(v) && !isUnassigned(v);
    }),
  );
  const isExt = (s: unknown) =>
    typeof s === 'string' && extIds.some((id) => id.toLowerCase() === s.toLowerCase());
  const next = schemas.filter(
    (s) => !isExt(s) || [...present].some((p) => p.toLowerCase() === (s as string).toLowerCase()),
  );
  for (const id of present) {
    if (!next.some((s) => typeof s === 'string' && s.toLowerCase() === id.toLowerCase())) {
      next.push(id);
    }
  }
  if (!deepEqual(next, schemas)) {
    setCI(state.resource, 'schemas', next);
  }
}

function lowerMap(obj: JsonObject): Map<string, { key: string; value: unknown }> {
  return new Map(Object.entries(obj).map(([key, value]) => [key.toLowerCase(), { key, value }]));
}

/** Canonical labels of the top-level (and extension) attributes whose value differs. */
function diffAttributes(
  before: JsonObject,
  after: JsonObject,
  registry: SchemaRegistry,
  rt: ResourceTypeDefinition,
): string[] {
  const extIds = new Map(registry.extensionSchemas(rt).map((s) => [s.id.toLowerCase(), s.id]));
  const b = lowerMap(before);
  const a = lowerMap(after);
  const out: string[] = [];
  for (const k of new Set([...b.keys(), ...a.keys()])) {
    if (k === 'schemas') {
      continue;
    }
    const bv = b.get(k)?.value;
    const av = a.get(k)?.value;
    const urn = extIds.get(k);
    if (urn !== undefined) {
      const bx = lowerMap(isPlainObject(bv) ? bv : {});
      const ax = lowerMap(isPlainObject(av) ? av : {});
      for (const ek of new Set([...bx.keys(), ...ax.keys()])) {
        if (!deepEqual(bx.get(ek)?.value, ax.get(ek)?.value)) {
          out.push(`${urn}:${ax.get(ek)?.key ?? bx.get(ek)!.key}`);
        }
      }
    } else if (!deepEqual(bv, av)) {
      const name = a.get(k)?.key ?? b.get(k)!.key;
      out.push(registry.findCoreAttribute(rt, name)?.name ?? name);
    }
  }
  return out;
}
