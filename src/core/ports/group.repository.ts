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

export type MemberType = 'User' | 'Group';

/** A membership as stored: the member's id and type (RFC 7643 §4.2 members.value / .type). */
export interface MemberRef {
  readonly value: string;
  readonly type: MemberType;
}

/** A member as read back: `display` is the member's current displayName (or userName). */
export interface MemberView extends MemberRef {
  readonly display?: string;
}

/**
 * A change to a group's membership that costs what it changes (docs/idp/quirks.md #22, #31):
 * `replaceAll` replaces every membership; otherwise `remove` then `add` (add is idempotent:
 * an existing membership is left as it is; removing an absent one is no error).
 */
export interface MemberDelta {
  readonly replaceAll?: readonly MemberRef[];
  readonly add: readonly MemberRef[];
  readonly remove: readonly string[];
  readonly removeAll: boolean;
}

export interface NewGroup extends NewResource {
  readonly members: readonly MemberRef[];
}

/**
 * A document change (`resource` + `expectedVersion`, like ResourceUpdate), or a members-only
 * change (`resource` and `expectedVersion` undefined): the stored document is kept and no
 * version precondition applies, because member deltas are set operations that commute, so
 * parallel one-member PATCHes all apply without retries (docs/idp/quirks.md #13). Either way the
 * version is bumped. create/update return the group without members (reading them back would
 * cost the group's size).
 */
export interface GroupUpdate extends Omit<ResourceUpdate, 'resource' | 'expectedVersion'> {
  readonly resource?: ResourceUpdate['resource'];
  readonly expectedVersion?: number;
  /** undefined: membership untouched (a replace not naming members, docs/idp/quirks.md #32) */
  readonly members?: MemberDelta;
}

/** One of a user's groups, for the User's readOnly `groups` attribute (RFC 7643 §4.1.2). */
export interface GroupOfMember {
  readonly value: string;
  readonly display: string;
  readonly type: 'direct' | 'indirect';
}

export interface MemberPage {
  readonly members: MemberView[];
  /** pass back as `after` for the next page; undefined on the last page */
  readonly next?: string;
}

/**
 * Persistence port for Groups. Membership lives in its own table: reading a group without
 * members never touches it (Entra reads with excludedAttributes=members, docs/idp/quirks.md
 * #6), and a membership change costs the members changed, not the group's size. Tenant-scoped like
 * UserRepository; displayName unique per tenant case-insensitively (ScimError.uniqueness).
 *
 * Writes take an optional trailing `events` (see WriteEvents): the document
 * event as the service names it, plus `members-removed` / `members-added` events holding the
 * ids that really changed (an add of an existing member or a remove of an absent one is not an
 * event), written in the same transaction as the change.
 */
export interface GroupRepository extends WriteLocking {
  /** the attributes it filters on with an index (ResourceStore.filterIndexes) */
  readonly filterIndexes?: FilterIndexes;
  /** `withMembers: false` must not read the membership table */
  findById(tenantId: string, id: string, withMembers: boolean): Promise<StoredResource | null>;
  search(tenantId: string, query: ResourceQuery, withMembers: boolean): Promise<ResourcePage>;
  create(tenantId: string, group: NewGroup, events?: WriteEvents): Promise<StoredResource>;
  /**
   * Writes the document (when `expectedVersion` still matches) and applies the member delta in
   * one transaction; bumps the version. Concurrent member deltas on one group never lose a
   * member (row lock / version check plus set operations, docs/idp/quirks.md #13).
   */
  update(
    tenantId: string,
    id: string,
    update: GroupUpdate,
    events?: WriteEvents,
  ): Promise<StoredResource>;
  /** also removes the group from the groups containing it (members-removed events for those) */
  delete(tenantId: string, id: string, events?: WriteEvents): Promise<boolean>;
  /** members in a stable order, `limit` at a time (keyset paging, never the whole group at once) */
  listMembers(tenantId: string, id: string, limit: number, after?: string): Promise<MemberPage>;
  /** which of `ids` exist in the tenant, and as what (referential check before adding members) */
  resolveMembers(tenantId: string, ids: readonly string[]): Promise<Map<string, MemberType>>;
  /** true when `memberGroupId` is `groupId` or (transitively) contains it: adding would loop */
  wouldCreateCycle(tenantId: string, groupId: string, memberGroupId: string): Promise<boolean>;
  /** the groups `memberId` belongs to, directly or through nested groups */
  groupsOf(tenantId: string, memberId: string): Promise<GroupOfMember[]>;
  /** groupsOf for a whole page of members in one query (no N+1); members in no group are absent */
  groupsOfMany(tenantId: string, memberIds: readonly string[]): Promise<Map<string, GroupOfMember[]>>;
  /**
   * A live user as the user repository's findById reads it, with its groupsOf, in one read;
   * null when there is no such user. Optional: only a store that reads the user repository's
   * own rows has it (the built-in SQL stores on one database).
   */
  readonly findUserWithGroups?: (
    tenantId: string,
    userId: string,
  ) => Promise<{ user: StoredResource; groups: GroupOfMember[] } | null>;
  /** removes `memberId` from every group (a deleted user/group), bumping those groups' versions */
  removeMemberEverywhere(
    tenantId: string,
    memberId: string,
    at: string,
    events?: WriteEvents,
  ): Promise<void>;
}
