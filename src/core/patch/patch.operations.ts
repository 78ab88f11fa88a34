import { ScimError } from '../errors/scim-error';
import { flattenKeys } from '../resource/attribute-key.resolver';
import { getCI, isPlainObject } from '../resource/json.util';
import { coerceValue } from '../resource/value.coercer';
import { EngineState, readAttr } from './patch.context';
import { applyDeltaOperation, isDeltaTarget } from './patch.delta-apply';
import { applyRemove } from './patch.remove';
import {
  ExtensionTarget,
  isExtensionTarget,
  labelOf,
  PatchTarget,
  resolveTarget,
  targetFromResolved,
} from './patch.target';
import { PatchOperation, PatchOpName } from './patch.types';
import { applyWrite, checkNotReadOnly } from './patch.write';

/** Applies one operation to the working copy (RFC 7644 §3.5.2: in sequence, on the result). */
export function applyOperation(state: EngineState, op: PatchOperation): void {
  if (op.path === undefined) {
    if (op.op === 'remove') {
      throw ScimError.noTarget('"remove" requires a "path" (RFC 7644 §3.5.2.2)');
    }
    if (state.ctx.profile.requirePatchPath) {
      // the SCIM 2.0 Interoperability Profile: every operation names its target
      throw ScimError.invalidSyntax(`A "${op.op}" without a "path" is not accepted on this server`);
    }
    applyPathless(state, op.op, op.value);
    return;
  }
  const target = resolveTarget(state.ctx, op.path);
  if (!target) {
    return; // unknown attribute ignored under the profile
  }
  if (isExtensionTarget(target)) {
    applyToExtension(state, target, op);
  } else {
    applyTargeted(state, target, op.op, op.value);
  }
}

function applyTargeted(state: EngineState, t: PatchTarget, op: PatchOpName, value: unknown): void {
  if (t.attribute.mutability === 'writeOnly') {
    applyWriteOnly(state, t, op, value);
  } else if (isDeltaTarget(state, t)) {
    checkNotReadOnly(t);
    applyDeltaOperation(state, t, op, value);
  } else if (op === 'remove') {
    applyRemove(state, t, value);
  } else {
    applyWrite(state, t, op, value);
  }
}

/** password (RFC 7643 §4.1.1, writeOnly): returned apart, never stored in the resource. */
function applyWriteOnly(state: EngineState, t: PatchTarget, op: PatchOpName, value: unknown): void {
  if (t.sub || t.filter) {
    throw ScimError.invalidPath(`'${t.text}': '${t.label}' has no sub-attributes`);
  }
  if (op === 'remove') {
    throw ScimError.mutability(`'${t.label}' can be replaced but not removed`);
  }
  const v = coerceValue(t.attribute, value, t.label, state.ctx.profile);
  if (typeof v !== 'string' || v === '') {
    throw ScimError.invalidValue(`'${t.label}' must be a non-empty string`);
  }
  state.password = v;
}

/**
 * add/replace without path (§3.5.2.1 / §3.5.2.3: "the target location is assumed to be the
 * resource itself"): every key of the value object is applied as if it were the path.
 * Keys may be dotted or URN-qualified under the profile (docs/idp/quirks.md #3). readOnly keys:
 * `id` equal to the resource id is ignored with profile.ignoreMatchingIdInValue (Okta rename,
 * #21a), `meta`/`groups`/`schemas` with profile.ignoreReadOnlyInValue; otherwise mutability.
 */
function applyPathless(state: EngineState, op: 'add' | 'replace', value: unknown): void {
  const { ctx } = state;
  if (!isPlainObject(value)) {
    throw ScimError.invalidValue(
      `A path-less "${op}" needs a JSON object of attributes as its value (RFC 7644 §3.5.2)`,
    );
  }
  if (getCI(value, 'schemas') !== undefined) {
    if (!ctx.profile.ignoreReadOnlyInValue) {
      throw ScimError.mutability('"schemas" cannot be modified with PATCH');
    }
    ctx.ignored.push('schemas');
  }
  const assignments = flattenKeys(value, {
    registry: ctx.registry,
    resourceType: ctx.rt,
    profile: ctx.profile,
    ignored: ctx.ignored,
    unknownError: ScimError.invalidPath,
  });
  for (const a of assignments) {
    const t = targetFromResolved(a.target, a.key);
    if (skipReadOnlyKey(state, t, a.value)) {
      continue;
    }
    applyTargeted(state, t, op, a.value);
  }
}

function skipReadOnlyKey(state: EngineState, t: PatchTarget, value: unknown): boolean {
  const { profile, ignored } = state.ctx;
  const readOnly = t.attribute.mutability === 'readOnly' || t.sub?.mutability === 'readOnly';
  if (!readOnly) {
    return false;
  }
  if (t.attribute.name === 'id' && t.urn === undefined) {
    if (profile.ignoreMatchingIdInValue && value === state.resourceId) {
      ignored.push('id');
      return true;
    }
    throw ScimError.mutability(
      `'id' is readOnly` +
        (value === state.resourceId ? '' : ' (and differs from the id of the patched resource)'),
    );
  }
  if (profile.ignoreReadOnlyInValue) {
    ignored.push(t.sub ? `${t.label}.${t.sub.name}` : t.label);
    return true;
  }
  return false; // applyTargeted raises mutability
}

/** A bare extension URN as path (profile.urnKeysInValue): the extension object as a whole. */
function applyToExtension(state: EngineState, t: ExtensionTarget, op: PatchOperation): void {
  if (op.op !== 'remove') {
    if (!isPlainObject(op.value)) {
      throw ScimError.invalidValue(`'${t.text}' needs a JSON object of extension attributes`);
    }
    applyPathless(state, op.op, { [t.extension.id]: op.value });
    return;
  }
  for (const attribute of t.extension.attributes) {
    if (readAttr(state, attribute, t.extension.id) !== undefined) {
      const label = labelOf(attribute, t.extension.id);
      const target: PatchTarget = { attribute, urn: t.extension.id, label, text: label };
      applyTargeted(state, target, 'remove', undefined);
    }
  }
}
