import { WriteEvents } from './change-event';
import { ResourceStore } from './resource.store';
import { NewResource, StoredResource } from './resource.types';

/** A host user no IdP manages (no SCIM link), for the unlinked-users report. */
export interface UnlinkedUser {
  /** the host's own id of the user */
  readonly hostId: string;
  readonly email?: string;
  readonly displayName?: string;
  readonly createdAt?: string;
}

export interface UnlinkedUserPage {
  readonly total: number;
  readonly items: readonly UnlinkedUser[];
}

/**
 * Persistence port for Users. Every method is scoped to one tenant: no implementation may
 * read or write another tenant's rows. Uniqueness violations surface as ScimError.uniqueness,
 * version mismatches as ScimError.preconditionFailed: never as driver errors.
 *
 * Writes take an optional trailing `events`: a store with an outbox writes
 * the change events in the same transaction as the change (see WriteEvents); a store without
 * one may ignore it, and then emits no events.
 */
export interface UserRepository extends Omit<ResourceStore, 'findByIds' | 'create'> {
  /**
   * The live users of the tenant among `ids`, in any order (ids naming no user are left out),
   * e.g. every manager a page of users names (RFC 7643 §4.3 manager.displayName). Optional:
   * without it the service searches with `id eq` filters, a bounded number of ids at a time.
   */
  findByIds?(tenantId: string, ids: readonly string[]): Promise<StoredResource[]>;
  /**
   * Creates the user; when a soft-deleted user of the tenant has the same userName
   * (case-insensitively) or externalId, that user is restored instead, keeping its id and
   * created time (re-provisioning gives back the same id and the host's data); its
   * `created` event is then recorded as `restored`.
   */
  create(tenantId: string, user: NewResource, events?: WriteEvents): Promise<StoredResource>;
  /**
   * The tenant's host users that no IdP manages, ordered by the host's id,
   * `offset`/`limit` paged. Optional: a store holding only SCIM-provisioned users (the built-in
   * one) has none and leaves it out.
   */
  listUnlinked?(tenantId: string, page: { offset: number; limit: number }): Promise<UnlinkedUserPage>;
}
