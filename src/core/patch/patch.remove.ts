import { ScimError } from '../errors/scim-error';
import { isPlainObject, isUnassigned, JsonObject } from '../resource/json.util';
import { coerceSingle } from '../resource/value.coercer';
import { EngineState, readAttr, writeAttr } from './patch.context';
import { assertRemoveAllAllowed } from './patch.delta-apply';
import {
  asList,
  checkImmutableAttribute,
  checkImmutableSubs,
  matchingIndexes,
  sameElement,
  withoutEmpty,
} from './patch.elements';
import { PatchTarget } from './patch.target';
import { checkNotReadOnly } from './patch.write';

/**
 * remove (RFC 7644 §3.5.2.2). Removing what is not there succeeds without change (a filter that
 * matches nothing included: Entra removes members that are already gone, docs/idp/quirks.md #14).
 * Required attributes that end up unassigned are reported by the engine's final check
 * ("mutability", §3.5.2.2).
 */
export function applyRemove(state: EngineState, t: PatchTarget, value: unknown): void {
  checkNotReadOnly(t);
  const def = t.attribute;
  const before = readAttr(state, def, t.urn);
  if (t.filter) {
    removeFiltered(state, t, before);
  } else if (def.multiValued) {
    if (t.sub) {
      removeSubOfEach(state, t, before, asList(before).map(() => true));
    } else if (value !== undefined && value !== null) {
      removeListed(state, t, before, value);
    } else {
      assertRemoveAllAllowed(state, t, false);
      removeAll(state, t, before);
    }
  } else if (t.sub) {
    if (!isPlainObject(before) || before[t.sub.name] === undefined) {
      return;
    }
    const next: JsonObject = { ...before };
    delete next[t.sub.name];
    checkImmutableSubs(def, before, next, t.label);
    writeAttr(state, def, t.urn, isUnassigned(next) ? undefined : next, 'remove');
  } else {
    removeAll(state, t, before);
  }
}

function removeAll(state: EngineState, t: PatchTarget, before: unknown): void {
  checkImmutableAttribute(t.attribute, before, undefined, t.label);
  writeAttr(state, t.attribute, t.urn, undefined, 'remove');
}

/** "the values matched by the filter are removed" / their sub-attribute (§3.5.2.2). */
function removeFiltered(state: EngineState, t: PatchTarget, before: unknown): void {
  const list = asList(before);
  const hits = new Set(matchingIndexes(list, t.filter!, t.attribute, state.ctx.profile));
  if (hits.size === 0) {
    return;
  }
  if (t.sub) {
    removeSubOfEach(state, t, before, list.map((_, i) => hits.has(i)));
    return;
  }
  const next = list.filter((_, i) => !hits.has(i));
  checkImmutableAttribute(t.attribute, before, next, t.label);
  writeAttr(state, t.attribute, t.urn, next, 'remove');
}

function removeSubOfEach(
  state: EngineState,
  t: PatchTarget,
  before: unknown,
  selected: boolean[],
): void {
  const name = t.sub!.name;
  const list = asList(before);
  const next = list.map((e, i) => {
    if (!selected[i] || !isPlainObject(e) || e[name] === undefined) {
      return e;
    }
    const el: JsonObject = { ...e };
    delete el[name];
    checkImmutableSubs(t.attribute, e, el, t.label);
    return el;
  });
  const kept = withoutEmpty(next);
  checkImmutableAttribute(t.attribute, before, kept, t.label);
  writeAttr(state, t.attribute, t.urn, kept, 'remove');
}

/**
 * `remove path=members value=[{value:id}]`. With profile.removeValueListRemovesListed only the
 * listed values go (Entra legacy, docs/idp/quirks.md #4b). Otherwise the RFC reading applies:
 * remove does not take a value, so the path alone selects every value (a remove-all, guarded).
 */
function removeListed(state: EngineState, t: PatchTarget, before: unknown, value: unknown): void {
  const { profile } = state.ctx;
  if (!profile.removeValueListRemovesListed) {
    assertRemoveAllAllowed(state, t, true);
    removeAll(state, t, before);
    return;
  }
  const def = t.attribute;
  const listed = asList(value).map((raw, i) => {
    const e = coerceSingle(def, raw, `${t.label}[${i}]`, profile, { ignored: state.ctx.ignored });
    if (e === undefined) {
      throw ScimError.invalidValue(`'${t.text}' value[${i}] does not name a value to remove`);
    }
    return e;
  });
  const list = asList(before);
  const next = list.filter((e) => !listed.some((l) => sameElement(def, e, l)));
  if (next.length === list.length) {
    return;
  }
  checkImmutableAttribute(def, before, next, t.label);
  writeAttr(state, def, t.urn, next, 'remove');
}
