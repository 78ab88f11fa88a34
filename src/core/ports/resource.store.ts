import { FilterIndexes } from '../filter/filter.cost';
import { WriteEvents } from './change-event';
import {
  NewResource,
  ResourcePage,
  ResourceQuery,
  ResourceUpdate,
  StoredResource,
  WriteLocking,
} from './resource.types';

/**
 * The store of one resource type's documents: rows in, rows out. The core has already
 * validated what reaches it (the resource against its schema, the query into a search spec
 * with the filter resolved); the store keeps tenant scoping, uniqueness (409
 * ScimError.uniqueness) and versions (412 ScimError.preconditionFailed when `expectedVersion`
 * no longer matches), never surfacing driver errors.
 *
 * Writes take an optional trailing `events` (see WriteEvents): a store with an outbox writes
 * the change event in the same transaction as the change; one without may ignore it.
 */
export interface ResourceStore extends WriteLocking {
  /**
   * The attributes this store filters on with an index, which the filter budget prices as
   * look-ups (core/filter/filter.cost.ts); absent: DEFAULT_FILTER_INDEXES.
   */
  readonly filterIndexes?: FilterIndexes;
  findById(tenantId: string, id: string): Promise<StoredResource | null>;
  /** the live resources of the tenant among `ids`, in any order (unknown ids left out) */
  findByIds(tenantId: string, ids: readonly string[]): Promise<StoredResource[]>;
  search(tenantId: string, query: ResourceQuery): Promise<ResourcePage>;
  create(tenantId: string, resource: NewResource, events?: WriteEvents): Promise<StoredResource>;
  update(tenantId: string, id: string, update: ResourceUpdate, events?: WriteEvents): Promise<StoredResource>;
  /**
   * true when a live resource was deleted. `soft`: a store that keeps tombstones leaves one,
   * invisible to every read, search and update (RFC 7644 §3.6: a deleted resource answers 404).
   */
  delete(tenantId: string, id: string, soft?: { at: string }, events?: WriteEvents): Promise<boolean>;
}

/** The stores of the resource types served beyond User and Group, by resource type name. */
export interface ResourceStores {
  storeFor(resourceType: string): ResourceStore;
}
