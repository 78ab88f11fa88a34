import { Inject, Injectable } from '@nestjs/common';
import { ScimError } from '../../core/errors/scim-error';
import {
  DeleteHookEvent,
  MembershipHookEvent,
  RoleHolderDirectory,
  ScimLifecycleHooks,
  UpdateHookEvent,
} from '../../core/ports/lifecycle';
import { ROLE_HOLDER_DIRECTORY } from '../../core/ports/tokens';
import { ScimRoles, roleForGroup } from './scim-roles.service';

/**
 * Break-glass protection: SCIM cannot take the protected role (ScimModule
 * `roles.protect`, e.g. `owner`) from the tenant's last active holder, whether by deactivating
 * or deleting them, removing them from the group that gives the role, or deleting or renaming
 * that group. Such a request is answered 409 Conflict with a SCIM error saying what to do, and
 * nothing changes: an IdP misconfiguration cannot lock every administrator out of the product.
 *
 * The check reads the state before the change; two concurrent requests each removing one of
 * the last two owners can both pass. The window is one request long; a host that needs it
 * closed serialises owner changes in its own store (docs/host-integration.md).
 */
@Injectable()
export class LastOwnerProtection implements ScimLifecycleHooks {
  constructor(
    private readonly roles: ScimRoles,
    @Inject(ROLE_HOLDER_DIRECTORY) private readonly holders: RoleHolderDirectory,
  ) {}

  get enabled(): boolean {
    return this.roles.protectedRole !== undefined;
  }

  async beforeDeactivate(e: UpdateHookEvent): Promise<void> {
    if (e.resourceType === 'User') {
      await this.guardUser(e.ctx.tenantId, e.id, 'deactivate');
    }
  }

  async beforeDelete(e: DeleteHookEvent): Promise<void> {
    if (e.resourceType === 'User' && e.resource.active !== false) {
      await this.guardUser(e.ctx.tenantId, e.id, 'delete');
    }
  }

  /**
   * A user's directly assigned role taken away (a PATCH or PUT of `roles`), or a rename of the
   * group that gives the role (which takes it from every member).
   */
  async beforeUpdate(e: UpdateHookEvent): Promise<void> {
    const role = this.roles.protectedRole;
    if (role !== undefined && e.resourceType === 'User') {
      await this.guardDirectRole(e, role);
      return;
    }
    if (role === undefined || e.resourceType !== 'Group' || this.holders.groupGivesRole) {
      return;
    }
    const rules = await this.roles.rules(e.ctx.tenantId);
    const [before, after] = [e.before.displayName, e.after.displayName].map((n) =>
      typeof n === 'string' ? roleForGroup(rules, n) : null,
    );
    if (before === role && after !== role) {
      await this.guard(e.ctx.tenantId, role, { group: { id: e.id } }, () =>
        `renaming group ${e.id} takes the role "${role}" from its members`,
      );
    }
  }

  async beforeMembershipChange(e: MembershipHookEvent): Promise<void> {
    const role = this.roles.protectedRole;
    const name = e.group.displayName;
    if (role === undefined || typeof name !== 'string') {
      return;
    }
    const gives = this.holders.groupGivesRole
      ? await this.holders.groupGivesRole(e.ctx.tenantId, e.groupId, role)
      : (await this.roles.roleForGroup(e.ctx.tenantId, name)) === role;
    if (!gives) {
      return;
    }
    if (e.groupDeleted) {
      await this.guard(e.ctx.tenantId, role, { group: { id: e.groupId } }, () =>
        `deleting group "${name}" takes the role "${role}" from its members`,
      );
      return;
    }
    const removed = await e.removed();
    if (removed.length) {
      await this.guard(e.ctx.tenantId, role, { group: { id: e.groupId, memberIds: removed } }, () =>
        `removing ${removed.length === 1 ? `member ${removed[0]}` : `${removed.length} members`} from group "${name}" takes the role "${role}" from them`,
      );
    }
  }

  /**
   * The protected role assigned directly and removed by this change, from a user who keeps
   * being active (a deactivation is guarded as such) and holds it through no group.
   */
  private async guardDirectRole(e: UpdateHookEvent, role: string): Promise<void> {
    const had = this.roles.directRoles(e.before).includes(role);
    if (!had || this.roles.directRoles(e.after).includes(role) || e.after.active === false) {
      return;
    }
    const { fromGroups } = await this.roles.rolesOf(e.ctx.tenantId, e.id);
    if (fromGroups.includes(role)) {
      return;
    }
    await this.guard(e.ctx.tenantId, role, { userIds: [e.id] }, () =>
      `removing the role "${role}" from user ${e.id} takes it from them`,
    );
  }

  private async guardUser(tenantId: string, userId: string, verb: string): Promise<void> {
    const role = this.roles.protectedRole;
    if (role === undefined || (await this.holders.roleOf(tenantId, userId)) !== role) {
      return;
    }
    await this.guard(tenantId, role, { userIds: [userId] }, () => `user ${userId} holds the role "${role}"`);
  }

  private async guard(
    tenantId: string,
    role: string,
    ignoring: Parameters<RoleHolderDirectory['hasHolder']>[2],
    why: () => string,
  ): Promise<void> {
    if (await this.holders.hasHolder(tenantId, role, ignoring)) {
      return;
    }
    throw ScimError.conflict(
      `Refused: ${why()}, and no other active user of this tenant would hold it (break-glass ` +
        `protection keeps at least one "${role}"). Give the role to another user first.`,
    );
  }
}
