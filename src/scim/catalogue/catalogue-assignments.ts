import { ScimError } from '../../core/errors/scim-error';
import { ScimJson, StoredResource } from '../../core/ports/resource.types';
import { AssignedAttribute } from '../../core/schema/catalogue.schema';

/** A catalogue type as the assignment check reads it: its name, attribute and values. */
export interface AssignableCatalogue {
  readonly name: string;
  readonly endpoint: string;
  readonly attribute: AssignedAttribute;
  resources(tenantId: string): Promise<readonly StoredResource[]>;
}

const ATTRIBUTES: readonly AssignedAttribute[] = ['roles', 'entitlements'];

/**
 * A User's `roles` and `entitlements` (RFC 7643 §4.1.2) against the tenant's catalogue, when
 * catalogue types of that kind are served (otherwise the attribute stays free-form):
 *
 * - each value the write adds must be a value of one of the catalogues assigned through that
 *   attribute, compared case-insensitively (`value` is not caseExact) and stored in the
 *   catalogue's spelling; an item whose `type` names one of those catalogue types (Okta's
 *   `{"value": "pro", "type": "License"}`) must be in that one. Anything else is 400
 *   invalidValue naming the value, and so is a value listed as not `supported`;
 * - values the user already holds are kept as they are, even when the catalogue no longer
 *   lists them: a deactivation or an unrelated change is never refused for them, and the IdP
 *   removes them as it sees fit.
 *
 * The catalogue is read only when a write adds a value.
 */
export class CatalogueAssignments {
  constructor(private readonly catalogues: readonly AssignableCatalogue[]) {}

  /** the resource with its new values in the catalogue's spelling, or 400 invalidValue */
  async check(tenantId: string, after: ScimJson, before: ScimJson | undefined): Promise<ScimJson> {
    let out = after;
    for (const attribute of ATTRIBUTES) {
      const governing = this.catalogues.filter((c) => c.attribute === attribute);
      const items = after[attribute];
      if (!governing.length || !Array.isArray(items)) {
        continue;
      }
      const held = new Set(valuesOf(before?.[attribute]).map((v) => v.toLowerCase()));
      const fresh = (item: unknown) => !(isValueItem(item) && held.has(item.value.toLowerCase()));
      if (!items.some(fresh)) {
        continue;
      }
      const listed = await Promise.all(
        governing.map(async (c) => ({ c, byKey: byKey(await c.resources(tenantId)) })),
      );
      out = { ...out, [attribute]: items.map((item) => (fresh(item) ? this.canonical(attribute, item, listed) : item)) };
    }
    return out;
  }

  private canonical(
    attribute: AssignedAttribute,
    item: unknown,
    listed: ReadonlyArray<{ c: AssignableCatalogue; byKey: ReadonlyMap<string, StoredResource> }>,
  ): unknown {
    if (!isValueItem(item)) {
      throw ScimError.invalidValue(`Each of ${attribute} needs a value from the tenant's catalogue`);
    }
    const type = typeof item.type === 'string' ? item.type.toLowerCase() : undefined;
    const typed = listed.filter((l) => l.c.name.toLowerCase() === type);
    const pool = typed.length ? typed : listed;
    const key = item.value.toLowerCase();
    const hit = pool.map((l) => l.byKey.get(key)).find((s) => s !== undefined);
    const shown = JSON.stringify(item.value.slice(0, 256));
    if (!hit) {
      const where = pool.map((l) => `${l.c.name} (GET ${l.c.endpoint})`).join(', ');
      throw ScimError.invalidValue(`${attribute} value ${shown} is not in the tenant's catalogue: ${where}`);
    }
    if (hit.resource.supported === false) {
      throw ScimError.invalidValue(`${attribute} value ${shown} is listed but not supported: it cannot be assigned`);
    }
    return hit.id === item.value ? item : { ...item, value: hit.id };
  }
}

function byKey(resources: readonly StoredResource[]): Map<string, StoredResource> {
  return new Map(resources.map((s) => [s.id.toLowerCase(), s]));
}

function isValueItem(item: unknown): item is { value: string; type?: unknown } {
  return typeof item === 'object' && item !== null && typeof (item as { value?: unknown }).value === 'string' && (item as { value: string }).value !== '';
}

/** the `value`s of a multi-valued attribute's items */
export function valuesOf(items: unknown): string[] {
  return Array.isArray(items) ? items.filter(isValueItem).map((i) => i.value) : [];
}
