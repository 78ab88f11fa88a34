import {
  NewResource,
  ResourcePage,
  ResourceQuery,
  ResourceUpdate,
  StoredResource,
} from './resource.types';

/**
 * Persistence port for Users. Every method is scoped to one tenant: no implementation may
 * read or write another tenant's rows. Uniqueness violations surface as ScimError.uniqueness,
 * version mismatches as ScimError.preconditionFailed: never as driver errors.
 */
export interface UserRepository {
  findById(tenantId: string, id: string): Promise<StoredResource | null>;
  search(tenantId: string, query: ResourceQuery): Promise<ResourcePage>;
  create(tenantId: string, user: NewResource): Promise<StoredResource>;
  update(tenantId: string, id: string, update: ResourceUpdate): Promise<StoredResource>;
  /** true when a row was deleted */
  delete(tenantId: string, id: string): Promise<boolean>;
}
