import { Inject, Injectable, Optional } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { GroupOfMember, GroupRepository } from '../../core/ports/group.repository';
import { RoleMapping, TenantRepository } from '../../core/ports/tenant.repository';
import { GROUP_REPOSITORY, TENANT_REPOSITORY } from '../../core/ports/tokens';
import { ScimRolesOptions } from '../scim.options';
import { SCIM_ROLES_OPTIONS } from '../di.tokens';

/** A tenant's group-to-role rules, read once per question. */
export interface TenantRoleRules {
  /** lower-cased group displayName → role */
  readonly mapped: ReadonlyMap<string, string>;
  /** the role of a group no mapping names; null = such groups give no role */
  readonly defaultRole: string | null;
}

/**
 * Group-to-role mapping. An IdP group gives its members the role the tenant
 * mapped it to (by displayName, case-insensitively), else the tenant's default role (the
 * "default team membership permission"); a user's role is the highest of their groups' roles,
 * direct or inherited through nested groups, ranked by ScimModule `roles.names`.
 *
 * Hosts call it from their change-event listeners (a membership changed: what is the member's
 * role now?) and from their Groups adapter (the permission a new team member gets).
 */
@Injectable()
export class ScimRoles {
  private readonly rank: ReadonlyMap<string, number>;
  private groupStore?: GroupRepository;

  /**
   * The group store is looked up on first use, not injected: a host's Groups adapter injects
   * ScimRoles (the permission of a new member) and is itself the group store.
   */
  constructor(
    @Inject(TENANT_REPOSITORY) private readonly tenants: TenantRepository,
    private readonly moduleRef: ModuleRef,
    @Optional() @Inject(SCIM_ROLES_OPTIONS) private readonly options?: ScimRolesOptions,
  ) {
    this.rank = new Map((options?.names ?? []).map((n, i) => [n, i]));
  }

  /** ScimRoles over given stores (tests, scripts): no Nest container needed */
  static over(tenants: TenantRepository, groups: GroupRepository, options?: ScimRolesOptions): ScimRoles {
    return new ScimRoles(tenants, { get: () => groups } as unknown as ModuleRef, options);
  }

  private get groups(): GroupRepository {
    return (this.groupStore ??= this.moduleRef.get<GroupRepository>(GROUP_REPOSITORY, { strict: false }));
  }

  /** the role to protect from losing its last holder, if any */
  get protectedRole(): string | undefined {
    return this.options?.protect;
  }

  async rules(tenantId: string): Promise<TenantRoleRules> {
    const [mappings, tenant] = await Promise.all([
      this.tenants.roleMappings(tenantId),
      this.tenants.findById(tenantId),
    ]);
    return rulesOf(mappings, tenant?.defaultRole ?? null);
  }

  /** the role a member of the group named `displayName` holds through it, or null */
  async roleForGroup(tenantId: string, displayName: string): Promise<string | null> {
    return roleForGroup(await this.rules(tenantId), displayName);
  }

  /** the user's role: the highest of the roles of their groups (direct and indirect), or null */
  async roleOf(tenantId: string, userId: string): Promise<string | null> {
    const [rules, groups] = await Promise.all([
      this.rules(tenantId),
      this.groups.groupsOf(tenantId, userId),
    ]);
    return this.highest(rules, groups);
  }

  /** the highest role among the groups, by `names` order (unranked roles after ranked ones) */
  highest(rules: TenantRoleRules, groups: readonly GroupOfMember[]): string | null {
    let best: string | null = null;
    for (const g of groups) {
      const role = roleForGroup(rules, g.display);
      if (role !== null && (best === null || this.rankOf(role) < this.rankOf(best))) {
        best = role;
      }
    }
    return best;
  }

  private rankOf(role: string): number {
    return this.rank.get(role) ?? Number.MAX_SAFE_INTEGER;
  }
}

export function rulesOf(mappings: readonly RoleMapping[], defaultRole: string | null): TenantRoleRules {
  return {
    mapped: new Map(mappings.map((m) => [m.group.toLowerCase(), m.role])),
    defaultRole,
  };
}

export function roleForGroup(rules: TenantRoleRules, displayName: string | undefined): string | null {
  if (displayName === undefined) {
    return rules.defaultRole;
  }
  return rules.mapped.get(displayName.toLowerCase()) ?? rules.defaultRole;
}
