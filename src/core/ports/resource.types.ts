import { FilterNode } from '../filter/filter.ast';

/** A SCIM resource as JSON (attribute names in their canonical spelling). */
export type ScimJson = Record<string, unknown>;

/** What the store keeps of one resource: the document plus the server-managed metadata. */
export interface StoredResource {
  readonly id: string;
  readonly tenantId: string;
  /** the resource's attributes (with `schemas`), without id, meta and password */
  readonly resource: ScimJson;
  /** monotonically increasing; meta.version is W/"<version>" */
  readonly version: number;
  /** ISO-8601 UTC with milliseconds */
  readonly created: string;
  readonly lastModified: string;
}

export interface NewResource {
  readonly id: string;
  readonly resource: ScimJson;
  readonly created: string;
  readonly passwordHash?: string;
  /**
   * The tenant's policy allows linking the new user to an existing host user
   * whose verified email equals one of the user's emails, instead of refusing it as a
   * duplicate. A store holding only SCIM users (the built-in one) has no one to link.
   */
  readonly linkByVerifiedEmail?: boolean;
}

export interface ResourceUpdate {
  readonly resource: ScimJson;
  readonly lastModified: string;
  /** set to replace the stored password hash; undefined keeps it */
  readonly passwordHash?: string;
  /** optimistic concurrency: the update applies only if the stored version still equals this */
  readonly expectedVersion: number;
}

/**
 * Optional on a store: serialises the read-change-write of one resource. `withWriteLock` runs
 * `fn` (which reads the resource through the store, changes it, and writes it back with the
 * version it read as expectedVersion) while every other writer of that resource waits, in this
 * process and in any other one sharing the store; the store calls `fn` makes run inside the
 * lock. A write whose client sent no If-Match then never loses a version race (RFC 7644 §3.14:
 * only a client's own precondition answers 412). A store without it gets its writes retried
 * on a version race instead.
 */
export interface WriteLocking {
  withWriteLock?<T>(tenantId: string, id: string, fn: () => Promise<T>): Promise<T>;
}

export type SortOrder = 'ascending' | 'descending';

/** A validated list query (RFC 7644 §3.4.2): filter already resolved to canonical paths. */
export interface ResourceQuery {
  readonly filter?: FilterNode;
  /** 1-based */
  readonly startIndex: number;
  readonly count: number;
  readonly sortBy?: string;
  readonly sortOrder?: SortOrder;
  /**
   * Keyset paging (RFC 9865 cursors): the page starts after / ends before this store key, in
   * the default (creation) order; startIndex is then ignored. The store reports the keys of
   * its first and last rows and whether rows exist beyond each end.
   */
  readonly keyset?: { readonly after?: string; readonly before?: string };
  /** false: skip the COUNT (deep cursor pages stay O(page)); total is then undefined */
  readonly withTotal?: boolean;
  /**
   * Fires when the client went away: a store stops the search's work (drops it from its queue,
   * stops a running statement where the database can) and rejects; it may ignore it.
   */
  readonly signal?: AbortSignal;
}

export interface ResourcePage {
  /** the number of matches; undefined when the query asked for withTotal: false */
  readonly total: number | undefined;
  readonly items: StoredResource[];
  /** keyset paging only */
  readonly keys?: { readonly first: string; readonly last: string };
  readonly hasNext?: boolean;
  readonly hasPrevious?: boolean;
}
