import { ScimError } from '../errors/scim-error';
import { FilterNode } from '../filter/filter.ast';
import { createElementMatcher } from '../filter/filter.evaluator';
import { resolveValueFilterPath } from '../filter/filter.validator';
import { deepEqual, isPlainObject, isUnassigned, JsonObject } from '../resource/json.util';
import { enforceSinglePrimary } from '../resource/value.coercer';
import { findIn } from '../schema/schema.registry';
import { AttributeDefinition } from '../schema/schema.types';
import { IdpProfile, valueFilterOptions } from '../profile/idp-profile';

/** Helpers for the elements of multi-valued attributes (RFC 7643 §2.4). */

export function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) {
    return [];
  }
  return Array.isArray(value) ? value : [value];
}

/**
 * The identity of an element: its `value` (compared per the sub-attribute's caseExact) when it
 * has one, else undefined (elements without `value`, e.g. addresses, compare as a whole).
 */
export function elementKey(def: AttributeDefinition, element: unknown): string | undefined {
  let v: unknown = element;
  let caseExact = def.caseExact;
  if (def.type === 'complex') {
    const sub = findIn(def.subAttributes ?? [], 'value');
    if (!sub || !isPlainObject(element)) {
      return undefined;
    }
    v = element.value;
    caseExact = sub.caseExact;
  }
  if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
    return undefined;
  }
  const s = `${typeof v}:${String(v)}`;
  return caseExact ? s : s.toLowerCase();
}

export function sameElement(def: AttributeDefinition, a: unknown, b: unknown): boolean {
  const ka = elementKey(def, a);
  const kb = elementKey(def, b);
  return ka !== undefined && kb !== undefined ? ka === kb : deepEqual(a, b);
}

/**
 * RFC 7644 §3.5.2.1: add to a multi-valued attribute appends; "If the target location already
 * contains the value specified, no changes SHOULD be made" — an element with the same `value`
 * is not added twice: its sub-attributes are merged into the existing element instead.
 * Returns the new list and the elements written (for the primary rule).
 */
export function upsertElements(
  def: AttributeDefinition,
  existing: readonly unknown[],
  incoming: readonly unknown[],
): { list: unknown[]; written: Set<unknown> } {
  const list = [...existing];
  const written = new Set<unknown>();
  for (const e of incoming) {
    const i = list.findIndex((x) => sameElement(def, x, e));
    if (i < 0) {
      list.push(e);
      written.add(e);
    } else if (isPlainObject(list[i]) && isPlainObject(e)) {
      const merged = { ...(list[i] as JsonObject), ...e };
      list[i] = merged;
      written.add(merged);
    }
  }
  return { list, written };
}

/** The indexes of the elements of `def` the value filter selects (RFC 7644 §3.5.2). */
export function matchingIndexes(
  list: readonly unknown[],
  filter: FilterNode,
  def: AttributeDefinition,
  profile: IdpProfile,
): number[] {
  const matches = createElementMatcher(filter, def, valueFilterOptions(profile));
  const out: number[] = [];
  list.forEach((e, i) => {
    if (matches(e)) {
      out.push(i);
    }
  });
  return out;
}

/**
 * The `sub eq literal` terms of a value filter made only of `eq` and `and`: the element that a
 * replace or add with no matching element creates (IdpProfile.replaceNoTargetAdds and
 * addNoTargetCreates: Entra ID
 * writes `emails[type eq "work"].value` to a user without a work email). Undefined when the
 * filter has any other shape (or, not, pr, other operators, null): no element can be derived.
 * `filter` is validated (PatchTarget.filter): each literal already has its sub-attribute's type.
 */
export function equalityTerms(
  filter: FilterNode,
  def: AttributeDefinition,
): Array<{ sub: AttributeDefinition; value: string | number | boolean }> | undefined {
  if (filter.kind === 'and') {
    const l = equalityTerms(filter.left, def);
    const r = equalityTerms(filter.right, def);
    return l && r ? [...l, ...r] : undefined;
  }
  if (filter.kind !== 'compare' || filter.op !== 'eq' || filter.value === null) {
    return undefined;
  }
  return [{ sub: resolveValueFilterPath(def, filter.path), value: filter.value }];
}

/**
 * RFC 7644 §3.5.2: "a PATCH operation that sets a value's "primary" sub-attribute to "true"
 * SHALL cause the server to automatically set "primary" to "false" for any other values".
 * Several written primaries at once: RFC 7643 §2.4 (at most one) → 400 or keep the first.
 */
export function applyPrimaryRule(
  def: AttributeDefinition,
  list: unknown[],
  written: ReadonlySet<unknown>,
  path: string,
  profile: IdpProfile,
): void {
  if (!findIn(def.subAttributes ?? [], 'primary')) {
    return;
  }
  const newPrimary = [...written].some((e) => isPlainObject(e) && e.primary === true);
  if (newPrimary) {
    list.forEach((e, i) => {
      if (!written.has(e) && isPlainObject(e) && e.primary === true) {
        list[i] = { ...e, primary: false };
      }
    });
  }
  enforceSinglePrimary(def, list, path, profile);
}

/**
 * RFC 7643 §2.2 immutable sub-attributes (members.value/type/$ref): once assigned they must not
 * change (RFC 7644 §3.5.2 → mutability).
 */
export function checkImmutableSubs(
  def: AttributeDefinition,
  before: unknown,
  after: unknown,
  path: string,
): void {
  if (!isPlainObject(before)) {
    return;
  }
  for (const sub of def.subAttributes ?? []) {
    if (sub.mutability !== 'immutable' || isUnassigned(before[sub.name])) {
      continue;
    }
    const next = isPlainObject(after) ? after[sub.name] : undefined;
    if (!deepEqual(before[sub.name], next)) {
      throw ScimError.mutability(
        `Sub-attribute '${path}.${sub.name}' is immutable and already has a value`,
      );
    }
  }
}

/** A whole-element replacement keeps the immutable sub-attributes the new value leaves out. */
export function carryImmutableSubs(
  def: AttributeDefinition,
  before: unknown,
  after: JsonObject,
): JsonObject {
  if (!isPlainObject(before)) {
    return after;
  }
  const out = { ...after };
  for (const sub of def.subAttributes ?? []) {
    const missing = out[sub.name] === undefined && before[sub.name] !== undefined;
    if (sub.mutability === 'immutable' && missing) {
      out[sub.name] = before[sub.name];
    }
  }
  return out;
}

/** RFC 7643 §2.2 immutable attribute with a value: any change → mutability (RFC 7644 §3.5.2). */
export function checkImmutableAttribute(
  def: AttributeDefinition,
  before: unknown,
  after: unknown,
  label: string,
): void {
  if (def.mutability === 'immutable' && !isUnassigned(before) && !deepEqual(before, after)) {
    throw ScimError.mutability(`Attribute '${label}' is immutable and already has a value`);
  }
}

/** Elements left empty by a sub-attribute removal are dropped (RFC 7644 §3.5.2.2). */
export function withoutEmpty(list: readonly unknown[]): unknown[] {
  return list.filter((e) => !isUnassigned(e));
}
