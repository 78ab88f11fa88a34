import { ScimError } from '../errors/scim-error';
import { parseFilter } from '../filter/filter.parser';
import { isPlainObject } from '../resource/json.util';
import { parseAttrPath } from '../schema/attr-path';
import { EngineState } from './patch.context';
import {
  DeltaBuilder,
  deltaElements,
  listedValues,
  valueCaseExact,
  valueEqualities,
} from './patch.delta';
import { parsePatchPath } from './patch-path.parser';
import { PatchTarget } from './patch.target';
import { FilterParser, PatchOperation, PatchOpName } from './patch.types';

export function isDeltaTarget(state: EngineState, t: PatchTarget): boolean {
  return t.urn === undefined && state.ctx.delta.has(t.attribute.name.toLowerCase());
}

function builderFor(state: EngineState, t: PatchTarget): DeltaBuilder {
  const name = t.attribute.name;
  let b = state.deltas.get(name);
  if (!b) {
    b = new DeltaBuilder(valueCaseExact(t.attribute));
    state.deltas.set(name, b);
  }
  return b;
}

/** RFC 7644 §3.5.2.2 remove-all on a guarded attribute needs profile.allowRemoveAll (#33). */
export function assertRemoveAllAllowed(state: EngineState, t: PatchTarget, listed: boolean): void {
  const { profile, guarded } = state.ctx;
  if (profile.allowRemoveAll || !guarded.has(t.attribute.name.toLowerCase())) {
    return;
  }
  throw ScimError.invalidValue(
    listed
      ? `'remove' of '${t.text}' with a value list means "remove every value" under RFC 7644 ` +
          `§3.5.2.2; this server refuses to remove all ${t.attribute.name} that way. ` +
          `Use path '${t.attribute.name}[value eq "<id>"]' to remove specific values.`
      : `'remove' of all ${t.attribute.name} (path '${t.text}' without a filter) is disabled on ` +
          `this server; use '${t.attribute.name}[value eq "<id>"]' to remove specific values.`,
  );
}

function unsupported(t: PatchTarget, op: PatchOpName): ScimError {
  return new ScimError(
    500,
    `Internal: '${op} ${t.text}' needs the current values of '${t.attribute.name}'; ` +
      'the caller must check requiresFullAttribute() and load them',
  );
}

/**
 * Records one operation on a delta attribute (value not loaded). Supported: add/replace of the
 * whole attribute, remove by `value eq` (or-joined), remove with a value list, remove-all.
 */
export function applyDeltaOperation(
  state: EngineState,
  t: PatchTarget,
  op: PatchOpName,
  value: unknown,
): void {
  const { profile } = state.ctx;
  const builder = builderFor(state, t);
  if (t.sub) {
    throw unsupported(t, op);
  }
  if (t.filter) {
    const values = op === 'remove' ? valueEqualities(t.filter) : undefined;
    if (!values) {
      throw unsupported(t, op);
    }
    builder.remove(values);
    return;
  }
  switch (op) {
    case 'add':
      builder.add(deltaElements(t.attribute, value, t.text, profile));
      return;
    case 'replace':
      builder.replace(deltaElements(t.attribute, value, t.text, profile));
      return;
    case 'remove':
      if (value !== undefined && value !== null && profile.removeValueListRemovesListed) {
        builder.remove(listedValues(value, t.text));
        return;
      }
      assertRemoveAllAllowed(state, t, value !== undefined && value !== null);
      builder.clear();
  }
}

function sameAttr(name: string, attr: string): boolean {
  return name.toLowerCase() === attr.toLowerCase();
}

/** Does one operation on `attr` need the attribute's current values (no delta form)? */
function opNeedsFull(op: PatchOperation, attr: string, parseFilter: FilterParser): boolean {
  if (op.path === undefined) {
    if (!isPlainObject(op.value)) {
      return false;
    }
    // a path-less add/replace with a `members` key is a delta form; "members.value" keys are not
    return Object.keys(op.value).some((k) => {
      const p = parseAttrPath(k);
      return p !== undefined && sameAttr(p.attr, attr) && p.sub !== undefined;
    });
  }
  let pp;
  try {
    pp = parsePatchPath(op.path, parseFilter);
  } catch {
    return false; // applyPatch reports the malformed path
  }
  if (!sameAttr(pp.attrPath.attr, attr)) {
    return false;
  }
  if (pp.attrPath.sub !== undefined || pp.subAttr !== undefined) {
    return true;
  }
  if (pp.filter) {
    return op.op !== 'remove' || valueEqualities(pp.filter) === undefined;
  }
  return false;
}

/**
 * True when some operation on `attr` (e.g. 'members') cannot be applied in delta mode
 * (`members[type eq "Group"]`, `members[value eq "x"].display`, a filtered add/replace):
 * the caller then loads the attribute and calls applyPatch without delta mode for it.
 */
export function requiresFullAttribute(
  ops: readonly PatchOperation[],
  attr: string,
  parse: FilterParser = parseFilter,
): boolean {
  return ops.some((op) => opNeedsFull(op, attr, parse));
}
