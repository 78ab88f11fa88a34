import { ScimJson } from './resource.types';

/**
 * Lifecycle hooks a host plugs into ScimModule (`hooks` option).
 *
 * `before*` hooks run in the request, after the change is validated and before it is written:
 * throwing a ScimError vetoes the change and is the response (e.g. `ScimError.conflict(...)`);
 * any other error is a 500. Several hooks run in the order given; the first to throw wins.
 * `after*` hooks run after the change committed, in the request, before the response; what
 * they throw is logged and does not change the response (the change happened). For work that
 * must happen exactly when and however often the change did, use change-event listeners
 * (at least once, in order, after restarts) rather than after-hooks.
 *
 * Deactivation is an update that turns `active` from true (or unset) to false; activation the
 * reverse. beforeDeactivate / afterDeactivate are called in addition to beforeUpdate /
 * afterUpdate, so a host that only cares about losing access implements just those.
 */
export interface ScimLifecycleHooks {
  beforeCreate?(e: CreateHookEvent): void | Promise<void>;
  afterCreate?(e: CreatedHookEvent): void | Promise<void>;
  beforeUpdate?(e: UpdateHookEvent): void | Promise<void>;
  afterUpdate?(e: UpdateHookEvent): void | Promise<void>;
  beforeDeactivate?(e: UpdateHookEvent): void | Promise<void>;
  afterDeactivate?(e: UpdateHookEvent): void | Promise<void>;
  beforeActivate?(e: UpdateHookEvent): void | Promise<void>;
  afterActivate?(e: UpdateHookEvent): void | Promise<void>;
  beforeDelete?(e: DeleteHookEvent): void | Promise<void>;
  afterDelete?(e: DeleteHookEvent): void | Promise<void>;
  /** a group's members change (PATCH add/remove/replace, PUT, POST with members) */
  beforeMembershipChange?(e: MembershipHookEvent): void | Promise<void>;
  afterMembershipChange?(e: MembershipHookEvent): void | Promise<void>;
}

/** 'User', 'Group', or the name of another resource type the server serves */
export type HookResourceType = 'User' | 'Group' | (string & {});

/** Who asked: the tenant, the service-account token and the request (never the secret). */
export interface HookContext {
  readonly tenantId: string;
  readonly tokenId: string;
  readonly requestId?: string;
}

export interface CreateHookEvent {
  readonly ctx: HookContext;
  readonly resourceType: HookResourceType;
  /** the id the resource will get */
  readonly id: string;
  /** the validated resource as it will be stored (a group without its members) */
  readonly resource: ScimJson;
}

export interface CreatedHookEvent extends CreateHookEvent {
  readonly version: number;
}

export interface UpdateHookEvent {
  readonly ctx: HookContext;
  readonly resourceType: HookResourceType;
  readonly id: string;
  /** PUT or PATCH */
  readonly method: 'PUT' | 'PATCH';
  readonly before: ScimJson;
  readonly after: ScimJson;
}

export interface DeleteHookEvent {
  readonly ctx: HookContext;
  readonly resourceType: HookResourceType;
  readonly id: string;
  /** the resource as it was before the delete */
  readonly resource: ScimJson;
}

export interface MembershipHookEvent {
  readonly ctx: HookContext;
  readonly groupId: string;
  /** the group document (displayName...), without members; after the change for after-hooks */
  readonly group: ScimJson;
  /** ids being added (may include current members: adding one is a no-op) */
  readonly added: readonly string[];
  /**
   * Ids being removed. Exact for an explicit remove; for a replacement (PUT, `replace` of
   * members) or `remove` of all members the current members are read to compute it, only when
   * a hook calls this.
   */
  removed(): Promise<readonly string[]>;
  /** true when the group is being deleted (every member leaves) */
  readonly groupDeleted: boolean;
}

/**
 * Who holds a role, for break-glass protection. The built-in directory reads
 * the SCIM stores through their ports (role = the tenant's group-to-role mapping, see
 * RoleMappings); a host whose owners also live outside SCIM (an owner no IdP manages) binds its
 * own with `adapters.roleHolders`.
 */
export interface RoleHolderDirectory {
  /** the user's role (the highest of their groups' roles), or null */
  roleOf(tenantId: string, userId: string): Promise<string | null>;
  /**
   * true when some active user holds `role` in the state a change would leave: `userIds` left
   * out (deactivated or deleted); `group`: that group's memberships of `memberIds` ignored, or
   * the whole group when `memberIds` is absent (deleted, renamed away from the role).
   */
  hasHolder(tenantId: string, role: string, ignoring: RoleHolderExclusion): Promise<boolean>;
  /**
   * Optional, for a host that stores the role each membership gives (a team member's
   * permission): true when membership of the group gives `role` to some member. Without it,
   * the group gives the role its displayName maps to (the tenant's mapping or default role),
   * and a rename away from the role counts as taking it from every member; with it, the
   * stored permissions decide and a rename changes nothing.
   */
  groupGivesRole?(tenantId: string, groupId: string, role: string): Promise<boolean>;
}

export interface RoleHolderExclusion {
  readonly userIds?: readonly string[];
  readonly group?: { readonly id: string; readonly memberIds?: readonly string[] };
}
