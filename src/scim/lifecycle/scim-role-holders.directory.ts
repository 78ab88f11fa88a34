import { Inject, Injectable } from '@nestjs/common';
import { ScimError } from '../../core/errors/scim-error';
import { parseFilter } from '../../core/filter/filter.parser';
import { validateFilter } from '../../core/filter/filter.validator';
import { GroupRepository } from '../../core/ports/group.repository';
import { RoleHolderDirectory, RoleHolderExclusion } from '../../core/ports/lifecycle';
import { StoredResource } from '../../core/ports/resource.types';
import { GROUP_REPOSITORY, SCHEMA_REGISTRY, USER_REPOSITORY } from '../../core/ports/tokens';
import { UserRepository } from '../../core/ports/user.repository';
import { SchemaRegistry } from '../../core/schema/schema.registry';
import { ScimRoles, TenantRoleRules, roleForGroup } from './scim-roles.service';

/** members read per query while looking for a holder */
const MEMBER_PAGE = 500;
/** groups read per query when the default role is the one asked about (every unmapped group) */
const GROUP_PAGE = 200;

/**
 * The built-in RoleHolderDirectory: a user holds a role assigned to them directly (`roles`),
 * or through a group that gives it (the tenant's mapping, else its default role), directly or
 * through nested groups, and counts only while active. Goes through the users/groups ports,
 * so it also serves a host's adapters.
 * It stops at the first holder found: the cost is the groups giving the role, walked until one
 * active member turns up, never the tenant's size.
 */
@Injectable()
export class ScimRoleHolderDirectory implements RoleHolderDirectory {
  constructor(
    private readonly roles: ScimRoles,
    @Inject(GROUP_REPOSITORY) private readonly groups: GroupRepository,
    @Inject(USER_REPOSITORY) private readonly users: UserRepository,
    @Inject(SCHEMA_REGISTRY) private readonly registry: SchemaRegistry,
  ) {}

  roleOf(tenantId: string, userId: string): Promise<string | null> {
    return this.roles.roleOf(tenantId, userId);
  }

  async hasHolder(
    tenantId: string,
    role: string,
    ignoring: RoleHolderExclusion,
  ): Promise<boolean> {
    const ignoredUsers = new Set(ignoring.userIds ?? []);
    if (await this.hasDirectHolder(tenantId, role, ignoredUsers)) {
      return true;
    }
    const rules = await this.roles.rules(tenantId);
    const ignoredGroup = ignoring.group;
    const ignoredInGroup = new Set(ignoredGroup?.memberIds ?? []);
    const active = new Map<string, boolean>();
    const isActiveUser = async (id: string): Promise<boolean> => {
      if (!active.has(id)) {
        const u = await this.users.findById(tenantId, id);
        active.set(id, u !== null && u.resource.active !== false);
      }
      return active.get(id)!;
    };
    const seen = new Set<string>();
    for await (const start of this.groupsGiving(tenantId, rules, role)) {
      if (ignoredGroup && start === ignoredGroup.id && ignoredGroup.memberIds === undefined) {
        continue;
      }
      // breadth-first through nested groups: their members inherit the role
      const queue = [start];
      while (queue.length) {
        const groupId = queue.shift()!;
        if (seen.has(groupId)) {
          continue;
        }
        seen.add(groupId);
        const skipHere = ignoredGroup?.id === groupId ? ignoredInGroup : undefined;
        let after: string | undefined;
        do {
          const page = await this.groups.listMembers(tenantId, groupId, MEMBER_PAGE, after);
          for (const m of page.members) {
            if (skipHere?.has(m.value)) {
              continue;
            }
            if (m.type === 'Group') {
              queue.push(m.value);
            } else if (!ignoredUsers.has(m.value) && (await isActiveUser(m.value))) {
              return true;
            }
          }
          after = page.next;
        } while (after !== undefined);
      }
    }
    return false;
  }

  /**
   * An active user, not among `ignored`, assigned `role` directly (`roles.value eq`: an indexed
   * look-up of the users' multi-valued values). A user store that cannot filter on `roles`
   * (a host's) has no direct holders here.
   */
  private async hasDirectHolder(tenantId: string, role: string, ignored: ReadonlySet<string>): Promise<boolean> {
    const filter = validateFilter(
      parseFilter(`roles.value eq ${JSON.stringify(role)}`),
      this.registry,
      this.registry.resourceType('User'),
    );
    try {
      for (let startIndex = 1; ; startIndex += MEMBER_PAGE) {
        const page = await this.users.search(tenantId, { filter, startIndex, count: MEMBER_PAGE });
        if (page.items.some((u) => !ignored.has(u.id) && u.resource.active !== false)) {
          return true;
        }
        if (page.items.length < MEMBER_PAGE) {
          return false;
        }
      }
    } catch (e) {
      if (e instanceof ScimError && e.scimType === 'invalidFilter') {
        return false;
      }
      throw e;
    }
  }

  /** ids of the groups giving `role`: those mapped to it, or every unmapped one if it is the default */
  private async *groupsGiving(
    tenantId: string,
    rules: TenantRoleRules,
    role: string,
  ): AsyncGenerator<string> {
    for (const [key, mapped] of rules.mapped) {
      if (mapped === role) {
        const found = await this.findByDisplayName(tenantId, key);
        if (found) {
          yield found.id;
        }
      }
    }
    if (rules.defaultRole !== role) {
      return;
    }
    for (let startIndex = 1; ; startIndex += GROUP_PAGE) {
      const page = await this.groups.search(
        tenantId,
        { startIndex, count: GROUP_PAGE },
        false,
      );
      for (const g of page.items) {
        const name = g.resource.displayName;
        if (roleForGroup(rules, typeof name === 'string' ? name : undefined) === role && !rules.mapped.has(String(name).toLowerCase())) {
          yield g.id;
        }
      }
      if (page.items.length < GROUP_PAGE) {
        return;
      }
    }
  }

  private async findByDisplayName(tenantId: string, name: string): Promise<StoredResource | undefined> {
    const filter = validateFilter(
      parseFilter(`displayName eq ${JSON.stringify(name)}`),
      this.registry,
      this.registry.resourceType('Group'),
    );
    const page = await this.groups.search(tenantId, { filter, startIndex: 1, count: 1 }, false);
    return page.items[0];
  }
}
