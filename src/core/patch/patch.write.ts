import { ScimError } from '../errors/scim-error';
import { isPlainObject, isUnassigned, JsonObject } from '../resource/json.util';
import { coerceSingle, coerceValue, CoerceOptions } from '../resource/value.coercer';
import { EngineState, readAttr, writeAttr } from './patch.context';
import {
  applyPrimaryRule,
  asList,
  carryImmutableSubs,
  checkImmutableAttribute,
  checkImmutableSubs,
  equalityTerms,
  matchingIndexes,
  upsertElements,
  withoutEmpty,
} from './patch.elements';
import { PatchTarget } from './patch.target';

type WriteOp = 'add' | 'replace';

function coerceOpts(state: EngineState, checkRequired = false): CoerceOptions {
  return { ignored: state.ctx.ignored, readOnlySubAttributes: 'keep', checkRequired };
}

/** RFC 7644 §3.5.2: "a client MUST NOT modify an attribute that has mutability readOnly". */
export function checkNotReadOnly(t: PatchTarget): void {
  if (t.attribute.mutability === 'readOnly') {
    throw ScimError.mutability(`Attribute '${t.label}' is readOnly`);
  }
  if (t.sub?.mutability === 'readOnly') {
    throw ScimError.mutability(`Sub-attribute '${t.label}.${t.sub.name}' is readOnly`);
  }
}

/**
 * add (RFC 7644 §3.5.2.1) and replace (§3.5.2.3) of one target. They differ only for a
 * multi-valued attribute without filter (append vs replace all) and for a filtered element
 * without sub-attribute (merge vs replace the whole element).
 */
export function applyWrite(state: EngineState, t: PatchTarget, op: WriteOp, value: unknown): void {
  checkNotReadOnly(t);
  if (t.filter) {
    writeFiltered(state, t, op, value);
  } else if (t.attribute.multiValued) {
    if (t.sub) {
      writeSubOfEvery(state, t, op, value);
    } else {
      writeValues(state, t, op, value);
    }
  } else if (t.sub) {
    writeSubOfSingular(state, t, op, value);
  } else {
    writeSingular(state, t, op, value);
  }
}

/**
 * A singular attribute. A complex one merges: "Sub-attributes that are not specified in the
 * "value" parameter are left unchanged" (§3.5.2.3; add: §3.5.2.1 "a set of sub-attributes").
 * A null value (or Entra's `manager: ""`) unassigns it (RFC 7643 §2.5).
 */
function writeSingular(state: EngineState, t: PatchTarget, op: WriteOp, value: unknown): void {
  const def = t.attribute;
  const before = readAttr(state, def, t.urn);
  const v = coerceValue(def, value, t.label, state.ctx.profile, coerceOpts(state));
  let next = v;
  // the SCIM 2.0 Interoperability Profile: a replace of the whole attribute replaces it
  const whole = op === 'replace' && state.ctx.profile.replaceComplexWhole;
  if (def.type === 'complex' && isPlainObject(v) && isPlainObject(before) && !whole) {
    next = { ...before, ...v };
    checkImmutableSubs(def, before, next, t.label);
  }
  checkImmutableAttribute(def, before, next, t.label);
  writeAttr(state, def, t.urn, next, op);
}

/** `name.givenName`: one sub-attribute of a singular complex attribute. */
function writeSubOfSingular(state: EngineState, t: PatchTarget, op: WriteOp, value: unknown): void {
  const def = t.attribute;
  const sub = t.sub!;
  const before = readAttr(state, def, t.urn);
  const v = coerceValue(sub, value, `${t.label}.${sub.name}`, state.ctx.profile, coerceOpts(state));
  const next: JsonObject = isPlainObject(before) ? { ...before } : {};
  if (v === undefined) {
    delete next[sub.name];
  } else {
    next[sub.name] = v;
  }
  checkImmutableSubs(def, before, next, t.label);
  checkImmutableAttribute(def, before, next, t.label);
  writeAttr(state, def, t.urn, isUnassigned(next) ? undefined : next, op);
}

/** A multi-valued attribute without filter: add appends (deduplicated), replace replaces all. */
function writeValues(state: EngineState, t: PatchTarget, op: WriteOp, value: unknown): void {
  const def = t.attribute;
  const { profile } = state.ctx;
  const before = readAttr(state, def, t.urn);
  const incoming = asList(coerceValue(def, value, t.label, profile, coerceOpts(state, true)));
  let next: unknown[];
  if (op === 'replace') {
    next = incoming;
  } else {
    const { list, written } = upsertElements(def, asList(before), incoming);
    applyPrimaryRule(def, list, written, t.label, profile);
    next = list;
  }
  checkImmutableAttribute(def, before, next, t.label);
  writeAttr(state, def, t.urn, next, op);
}

/** `emails.type` (no filter): the sub-attribute of every element. */
function writeSubOfEvery(state: EngineState, t: PatchTarget, op: WriteOp, value: unknown): void {
  const def = t.attribute;
  const sub = t.sub!;
  const before = asList(readAttr(state, def, t.urn));
  if (before.length === 0) {
    throw ScimError.noTarget(`'${t.text}': '${t.label}' has no values`);
  }
  const v = coerceValue(sub, value, `${t.label}.${sub.name}`, state.ctx.profile, coerceOpts(state));
  const written = new Set<unknown>();
  const next = before.map((e) => {
    const el = setSub(isPlainObject(e) ? e : {}, sub.name, v);
    checkImmutableSubs(def, e, el, t.label);
    written.add(el);
    return el;
  });
  finishList(state, t, op, before, next, written);
}

function setSub(element: JsonObject, name: string, v: unknown): JsonObject {
  const el = { ...element };
  if (v === undefined) {
    delete el[name];
  } else {
    el[name] = v;
  }
  return el;
}

function finishList(
  state: EngineState,
  t: PatchTarget,
  op: WriteOp,
  before: unknown,
  list: unknown[],
  written: Set<unknown>,
): void {
  const kept = withoutEmpty(list);
  applyPrimaryRule(t.attribute, kept, written, t.label, state.ctx.profile);
  checkImmutableAttribute(t.attribute, before, kept, t.label);
  writeAttr(state, t.attribute, t.urn, kept, op);
}

/**
 * `emails[type eq "work"]` / `emails[type eq "work"].value`: the matching elements.
 * replace: "all matching record values SHALL be replaced" (§3.5.2.3; whole element, as in the
 * RFC's "change a User's entire work address" example), or their sub-attribute. add (not defined
 * by the RFC, erratum 8097; Entra sends it): merged into the matching elements.
 * No match: a replace is noTarget ("no record match was made ... SHALL indicate failure by
 * returning ... noTarget", §3.5.2.3) unless profile.replaceNoTargetAdds (Entra); an add, for
 * which §3.5.2.1 has no value-filter rule, creates only with profile.addNoTargetCreates. The new
 * element is built from the filter's `eq` terms plus the value (docs/idp/quirks.md #9).
 */
function writeFiltered(state: EngineState, t: PatchTarget, op: WriteOp, value: unknown): void {
  const def = t.attribute;
  const { profile } = state.ctx;
  const before = asList(readAttr(state, def, t.urn));
  const hits = matchingIndexes(before, t.filter!, def, profile);
  if (hits.length === 0) {
    addFromFilter(state, t, op, value, before);
    return;
  }
  const next = [...before];
  const written = new Set<unknown>();
  for (const i of hits) {
    const el = rewriteElement(state, t, op, value, before[i]);
    checkImmutableSubs(def, before[i], el, t.label);
    next[i] = el ?? {};
    if (el) {
      written.add(el);
    }
  }
  finishList(state, t, op, before, next, written);
}

function rewriteElement(
  state: EngineState,
  t: PatchTarget,
  op: WriteOp,
  value: unknown,
  element: unknown,
): JsonObject | undefined {
  const def = t.attribute;
  const { profile } = state.ctx;
  const current = isPlainObject(element) ? element : {};
  if (t.sub) {
    const path = `${t.label}.${t.sub.name}`;
    return setSub(current, t.sub.name, coerceValue(t.sub, value, path, profile, coerceOpts(state)));
  }
  const v = coerceSingle(def, value, t.label, profile, coerceOpts(state, op === 'replace'));
  if (v === undefined) {
    return op === 'replace' ? undefined : current;
  }
  if (!isPlainObject(v)) {
    throw ScimError.invalidValue(`'${t.text}' selects complex values: the value must be an object`);
  }
  return op === 'replace' ? carryImmutableSubs(def, element, v) : { ...current, ...v };
}

function addFromFilter(
  state: EngineState,
  t: PatchTarget,
  op: WriteOp,
  value: unknown,
  before: unknown[],
): void {
  const def = t.attribute;
  const { profile } = state.ctx;
  if (!(op === 'replace' ? profile.replaceNoTargetAdds : profile.addNoTargetCreates)) {
    const hint =
      op === 'replace' && profile.addNoTargetCreates ? ' (RFC 7644 §3.5.2.3; "add" creates it)' : '';
    throw ScimError.noTarget(`No value of '${t.label}' matches the filter in '${t.text}'${hint}`);
  }
  const terms = equalityTerms(t.filter!, def);
  if (!terms) {
    throw ScimError.noTarget(
      `No value of '${t.label}' matches '${t.text}', and the filter (not only 'eq' and 'and') ` +
        'does not describe a value to create',
    );
  }
  if (value === null || value === '') {
    return; // nothing to clear
  }
  const raw: JsonObject = {};
  for (const term of terms) {
    raw[term.sub.name] = term.value;
  }
  if (t.sub) {
    raw[t.sub.name] = value;
  } else if (isPlainObject(value)) {
    Object.assign(raw, value);
  } else {
    throw ScimError.invalidValue(`'${t.text}' selects complex values: the value must be an object`);
  }
  const el = coerceSingle(def, raw, t.label, profile, coerceOpts(state, true));
  if (el === undefined) {
    return;
  }
  finishList(state, t, op, before, [...before, el], new Set([el]));
}
