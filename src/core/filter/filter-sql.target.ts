/**
 * What the filter SQL compiler needs to know of a store (RFC 7644 §3.4.2.2): the resource
 * table's columns, child tables and JSON document, and the stored forms a store writes and
 * the compiler compares with (look-up keys, dateTime text).
 */
import { ScimError } from '../errors/scim-error';
import { ResolvedAttribute, SchemaRegistry } from '../schema/schema.registry';
import { AttributeDefinition, ResourceTypeDefinition } from '../schema/schema.types';
import { normalizeFilterDateTime } from './filter.datetime';
import { SqlDialect } from './filter-sql.dialect';

export interface SqlFragment {
  readonly sql: string;
  readonly params: unknown[];
}

/** A real column holding a singular attribute (or a sub-attribute of a child row). */
export interface ColumnRef {
  /** qualified column, e.g. `r.user_name` */
  readonly expr: string;
  /** a shadow column holding the lower-cased value, for caseExact:false attributes */
  readonly ciExpr?: string;
  /**
   * An indexed column holding the lower-cased first `keyLength` characters of the value, for
   * values too long to index whole: `eq` adds `key = ?` so the look-up uses the index.
   */
  readonly keyExpr?: string;
  readonly keyLength?: number;
}

/** How a multi-valued attribute is stored: one child row per value. */
export interface MultiValuedRef {
  /**
   * Wraps a condition over the child alias into a predicate on the main row, e.g.
   * `r.seq IN (SELECT v.owner_seq FROM scim_user_values v WHERE v.attribute = ? AND (cond))`.
   */
  readonly wrap: (cond: SqlFragment) => SqlFragment;
  /** a real column of the child row for a sub-attribute, or undefined to read `itemJson` */
  readonly column: (sub: AttributeDefinition) => ColumnRef | undefined;
  /** the child row's JSON copy of the element */
  readonly itemJson: string;
}

/** What the compiler needs to know of one resource table. */
export interface FilterSqlTarget {
  readonly dialect: SqlDialect;
  readonly registry: SchemaRegistry;
  readonly resourceType: ResourceTypeDefinition;
  /** the main row's JSON document column, e.g. `r.doc` */
  readonly docJson: string;
  /** real column for a singular attribute, or undefined to read it from `docJson` */
  readonly column: (resolved: ResolvedAttribute) => ColumnRef | undefined;
  /** child-table storage for a multi-valued attribute, or undefined if not filterable */
  readonly multiValued: (resolved: ResolvedAttribute) => MultiValuedRef | undefined;
}

/** The indexed look-up key of a long value: lower-cased, cut at `length` code points. */
export function lookupKey(value: string, length: number): string {
  const lower = value.toLowerCase();
  if (lower.length <= length) {
    return lower;
  }
  return Array.from(lower).slice(0, length).join('');
}

/**
 * Normalizes an xsd:dateTime to the stored form (`toISOString()`), with the validator's
 * grammar (filter.datetime.ts); throws invalidFilter when not a dateTime.
 */
export function normalizeDateTime(value: string): string {
  const normalized = normalizeFilterDateTime(value);
  if (normalized === undefined) {
    throw ScimError.invalidFilter(`"${value}" is not a valid dateTime`);
  }
  return normalized;
}
