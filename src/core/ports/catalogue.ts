import { isWellFormed } from '../resource/well-formed';
import { ScimJson } from './resource.types';

/**
 * One value of a catalogue (a role, an entitlement, a licence...) as a CatalogueProvider
 * gives it. It becomes a resource of the catalogue type whose id is `value`.
 */
export interface CatalogueEntry {
  /** what a User's `roles[].value` / `entitlements[].value` carries; unique case-insensitively */
  readonly value: string;
  /** the name an administrator sees; default the value */
  readonly displayName?: string;
  /** a label of its function (an entitlement's `type`, e.g. `License`) */
  readonly type?: string;
  readonly description?: string;
  /** false: listed, but not assignable (draft-ietf-scim-roles-entitlements `supported`); default true */
  readonly supported?: boolean;
  /**
   * Further attributes of the type's schemas: core attributes by name (`contains`...), an
   * extension's under its URN, as they appear in the resource.
   */
  readonly attributes?: ScimJson;
  /** changes whenever the entry does (meta.version); default a hash of the entry */
  readonly version?: number;
  /** ISO-8601 UTC; default the tenant's creation time */
  readonly created?: string;
  readonly lastModified?: string;
}

/**
 * Where the values of a catalogue type come from, per tenant. The library's default reads the
 * tenant's roles (ScimModule `roles`, the tenant's role mappings and default role) and the
 * tenant's catalogue table (CLI / admin API); a host passes its own (its plans, licences,
 * permissions) as the type's `catalogue.provider`.
 *
 * `list` is read whole for each catalogue request and each user write that assigns a new value
 * (a catalogue is expected to hold at most a few thousand values per tenant).
 */
export interface CatalogueProvider {
  list(tenantId: string, resourceType: string): Promise<readonly CatalogueEntry[]>;
  /** creates or replaces an entry; only called when the type's `catalogue.writable` is on */
  save?(tenantId: string, resourceType: string, entry: CatalogueEntry, at: string): Promise<void>;
  /** true when an entry with that value was removed; only called when writable */
  remove?(tenantId: string, resourceType: string, value: string): Promise<boolean>;
}

/** A stored catalogue entry of the tenant catalogue table, as the CLI and the admin API manage it. */
export interface StoredCatalogueEntry extends CatalogueEntry {
  readonly version: number;
  readonly created: string;
  readonly lastModified: string;
}

/** The tenant catalogue table (`scim_catalogue_values`): entries per tenant and catalogue type. */
export interface CatalogueRepository {
  /** the entries, in value order */
  list(tenantId: string, resourceType: string): Promise<StoredCatalogueEntry[]>;
  /** creates the entry, or replaces the one with the same value (case-insensitively) */
  put(tenantId: string, resourceType: string, entry: CatalogueEntry, at: string): Promise<StoredCatalogueEntry>;
  /** true when an entry with that value (case-insensitively) was removed */
  remove(tenantId: string, resourceType: string, value: string): Promise<boolean>;
}

/** The longest catalogue value (it is also the resource's id, in URLs). */
export const MAX_CATALOGUE_VALUE_LENGTH = 255;

/**
 * Why `value` cannot be a catalogue value, or undefined when it can: 1 to 255 characters
 * without control characters or leading/trailing spaces, and not `.` or `..` (it is a URL
 * path segment: `/Roles/{value}`).
 */
export function catalogueValueProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') {
    return 'must be a non-empty string';
  }
  if ([...value].length > MAX_CATALOGUE_VALUE_LENGTH) {
    return `must be at most ${MAX_CATALOGUE_VALUE_LENGTH} characters`;
  }
  if (/[\u0000-\u001f\u007f]/.test(value) || value.trim() !== value || value === '.' || value === '..') {
    return 'must have no control characters or surrounding spaces, and not be "." or ".."';
  }
  if (!isWellFormed(value)) {
    return 'must be well-formed Unicode';
  }
  return undefined;
}
