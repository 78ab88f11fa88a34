import { ScimError } from '../errors/scim-error';
import { FilterNode } from '../filter/filter.ast';
import { isPlainObject } from '../resource/json.util';
import { coerceSingle } from '../resource/value.coercer';
import { findIn } from '../schema/schema.registry';
import { AttributeDefinition } from '../schema/schema.types';
import { IdpProfile } from '../profile/idp-profile';
import { AttributeDelta, DeltaElement } from './patch.types';

/**
 * Accumulates the net change of one delta attribute (e.g. Group `members`) in op order, so a
 * membership PATCH costs O(change), not O(group size) (docs/idp/quirks.md #22, #31). See
 * AttributeDelta.
 */
export class DeltaBuilder {
  private replaceAll?: Map<string, DeltaElement>;
  private readonly adds = new Map<string, DeltaElement>();
  private readonly removes = new Map<string, string>();
  private removeAll = false;

  constructor(private readonly caseExact: boolean) {}

  private key(value: string): string {
    return this.caseExact ? value : value.toLowerCase();
  }

  /** add (RFC 7644 §3.5.2.1): an upsert by value; a later add of the same value wins */
  add(elements: readonly DeltaElement[]): void {
    for (const e of elements) {
      const k = this.key(e.value);
      const into = this.replaceAll ?? this.adds;
      into.set(k, { ...into.get(k), ...e });
      this.removes.delete(k);
    }
  }

  /** remove by value: drops a pending add; the stored element (if any) is removed too */
  remove(values: readonly string[]): void {
    for (const v of values) {
      const k = this.key(v);
      if (this.replaceAll) {
        this.replaceAll.delete(k);
        continue;
      }
      this.adds.delete(k);
      if (!this.removeAll) {
        this.removes.set(k, v);
      }
    }
  }

  /** replace (RFC 7644 §3.5.2.3, no filter): the attribute becomes exactly `elements` */
  replace(elements: readonly DeltaElement[]): void {
    this.replaceAll = new Map();
    this.adds.clear();
    this.removes.clear();
    this.removeAll = false;
    this.add(elements);
  }

  /** remove without filter (RFC 7644 §3.5.2.2): every value goes */
  clear(): void {
    this.replaceAll = undefined;
    this.adds.clear();
    this.removes.clear();
    this.removeAll = true;
  }

  isEmpty(): boolean {
    return !this.replaceAll && !this.removeAll && this.adds.size === 0 && this.removes.size === 0;
  }

  build(): AttributeDelta {
    return {
      ...(this.replaceAll ? { replaceAll: [...this.replaceAll.values()] } : {}),
      add: [...this.adds.values()],
      remove: [...this.removes.values()],
      removeAll: this.removeAll,
    };
  }
}

/**
 * Coerces delta elements: an array (or, with profile.singleValueAsArray, one object) of
 * `{value, type?, $ref?, display?}`; `value` is required because it identifies the element.
 */
export function deltaElements(
  def: AttributeDefinition,
  value: unknown,
  path: string,
  profile: IdpProfile,
): DeltaElement[] {
  if (value === null || value === undefined) {
    return [];
  }
  let list: unknown[];
  if (Array.isArray(value)) {
    list = value;
  } else if (profile.singleValueAsArray) {
    list = [value];
  } else {
    throw ScimError.invalidValue(`'${path}' is multi-valued: expected an array of values`);
  }
  const out: DeltaElement[] = [];
  list.forEach((raw, i) => {
    const e = coerceSingle(def, raw, `${path}[${i}]`, profile, { checkRequired: true });
    if (e === undefined) {
      return;
    }
    if (!isPlainObject(e) || typeof e.value !== 'string' || e.value === '') {
      throw ScimError.invalidValue(`'${path}[${i}]' needs a non-empty "value"`);
    }
    out.push(e as DeltaElement);
  });
  return out;
}

/** The values a remove value-list names (Entra `[{"value":"id"}]`, docs/idp/quirks.md #4b). */
export function listedValues(value: unknown, path: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map((e, i) => {
    const v = isPlainObject(e) ? e.value : e;
    if (typeof v !== 'string' || v === '') {
      throw ScimError.invalidValue(`'${path}' value[${i}] must be an object with a "value" id`);
    }
    return v;
  });
}

/**
 * The values of a filter made only of `value eq "x"` terms joined by `or`
 * (`members[value eq "a" or value eq "b"]`); undefined for any other filter.
 */
export function valueEqualities(filter: FilterNode): string[] | undefined {
  if (filter.kind === 'or') {
    const l = valueEqualities(filter.left);
    const r = valueEqualities(filter.right);
    return l && r ? [...l, ...r] : undefined;
  }
  if (
    filter.kind === 'compare' &&
    filter.op === 'eq' &&
    filter.path.uri === undefined &&
    filter.path.sub === undefined &&
    filter.path.attr.toLowerCase() === 'value' &&
    typeof filter.value === 'string'
  ) {
    return [filter.value];
  }
  return undefined;
}

/** caseExact of the `value` sub-attribute: decides whether "ABC" and "abc" are one element. */
export function valueCaseExact(def: AttributeDefinition): boolean {
  return findIn(def.subAttributes ?? [], 'value')?.caseExact ?? true;
}
