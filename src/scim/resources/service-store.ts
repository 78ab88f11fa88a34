import { WriteEvents } from '../../core/ports/change-event';
import { FilterIndexes } from '../../core/filter/filter.cost';
import {
  NewResource,
  ResourcePage,
  ResourceQuery,
  ResourceUpdate,
  StoredResource,
  WriteLocking,
} from '../../core/ports/resource.types';

/**
 * A write of a detached attribute's values alone (a group's members): the document stays as it
 * is and the version increments; it is checked against `expectedVersion` only when the client
 * sent If-Match, because set operations on the values commute.
 */
export interface DetachedOnlyUpdate<U> {
  readonly resource?: undefined;
  readonly lastModified: string;
  readonly passwordHash?: undefined;
  readonly expectedVersion?: number;
  readonly detached: U;
}

/** A document write, with the detached attribute's change when there is one, or that change alone. */
export type ServiceUpdate<U> = (ResourceUpdate & { readonly detached?: U }) | DetachedOnlyUpdate<U>;

/**
 * The store calls of the one resource service: a type's ResourceStore (C and U `never`: no
 * detached attribute, so every update is a ResourceUpdate), or a store with a detached
 * attribute, whose reads may include it (`withDetached`), whose creates carry its initial
 * values (C) and whose updates may carry a change of it (U) or only that.
 */
export interface ServiceStore<C = never, U = never> extends WriteLocking {
  /** what it filters on with an index, for the filter budget (ResourceStore.filterIndexes) */
  readonly filterIndexes?: FilterIndexes;
  findById(tenantId: string, id: string): Promise<StoredResource | null>;
  search(tenantId: string, query: ResourceQuery, withDetached?: boolean): Promise<ResourcePage>;
  create(tenantId: string, resource: NewResource & { readonly detached?: C }, events?: WriteEvents): Promise<StoredResource>;
  update(tenantId: string, id: string, update: ServiceUpdate<U>, events?: WriteEvents): Promise<StoredResource>;
  delete(tenantId: string, id: string, soft?: { at: string }, events?: WriteEvents): Promise<boolean>;
}
