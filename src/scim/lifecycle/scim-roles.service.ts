import { Inject, Injectable, Optional } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { GroupOfMember, GroupRepository } from '../../core/ports/group.repository';
import { RoleMapping, TenantRepository } from '../../core/ports/tenant.repository';
import { GROUP_REPOSITORY, TENANT_REPOSITORY, USER_REPOSITORY } from '../../core/ports/tokens';
import { UserRepository } from '../../core/ports/user.repository';
import { ScimJson } from '../../core/ports/resource.types';
import { ScimRolesOptions } from '../scim.options';
import { SCIM_ROLES_OPTIONS } from '../di.tokens';

/** A tenant's group-to-role rules, read once per question. */
export interface TenantRoleRules {
  /** lower-cased group displayName → role */
  readonly mapped: ReadonlyMap<string, string>;
  /** the role of a group no mapping names; null = such groups give no role */
  readonly defaultRole: string | null;
}

/** A user's roles by where they come from, and the one that wins. */
export interface UserRoles {
  /** the roles assigned to the user directly (`roles[].value`, an IdP's role assignment) */
  readonly direct: readonly string[];
  /** the roles the user's groups give (mapping, else default role; nested groups included) */
  readonly fromGroups: readonly string[];
  /** the highest of both, by `roles.names` order; null when none */
  readonly effective: string | null;
}

/**
 * Group-to-role mapping and direct role assignment. An IdP group gives its members the role
 * the tenant mapped it to (by displayName, case-insensitively), else the tenant's default role
 * (the "default team membership permission"); an IdP may also assign roles to a user directly
 * (the User's `roles`, RFC 7643 §4.1.2, e.g. Okta Identity Governance). The two combine by one
 * rule: a user's role is the highest of their groups' roles (direct or inherited through nested
 * groups) and their directly assigned roles, ranked by ScimModule `roles.names` (a role outside
 * `names` ranks after every named one). Neither source removes the other's roles, and
 * break-glass protection counts both.
 *
 * Hosts call it from their change-event listeners (a membership or a user's roles changed:
 * what is the user's role now?) and from their Groups adapter (the permission a new team member gets).
 */
@Injectable()
export class ScimRoles {
  private readonly rank: ReadonlyMap<string, number>;
  /** lower-cased role name → its spelling in `names` */
  private readonly spelling: ReadonlyMap<string, string>;
  private groupStore?: GroupRepository;
  private userStore?: UserRepository;

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
    this.spelling = new Map((options?.names ?? []).map((n) => [n.toLowerCase(), n]));
  }

  /** ScimRoles over given stores (tests, scripts): no Nest container needed */
  static over(
    tenants: TenantRepository,
    groups: GroupRepository,
    options?: ScimRolesOptions,
    users?: Pick<UserRepository, 'findById'>,
  ): ScimRoles {
    const noUsers = { findById: () => Promise.resolve(null) };
    const get = (token: symbol) => (token === USER_REPOSITORY ? (users ?? noUsers) : groups);
    return new ScimRoles(tenants, { get } as unknown as ModuleRef, options);
  }

  private get groups(): GroupRepository {
    return (this.groupStore ??= this.moduleRef.get<GroupRepository>(GROUP_REPOSITORY, { strict: false }));
  }

  private get users(): UserRepository {
    return (this.userStore ??= this.moduleRef.get<UserRepository>(USER_REPOSITORY, { strict: false }));
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

  /** the user's role: the highest of their groups' roles and their direct roles, or null */
  async roleOf(tenantId: string, userId: string): Promise<string | null> {
    return (await this.rolesOf(tenantId, userId)).effective;
  }

  /** the user's roles by source, and the one that wins (see the rule above) */
  async rolesOf(tenantId: string, userId: string): Promise<UserRoles> {
    const [rules, groups, user] = await Promise.all([
      this.rules(tenantId),
      this.groups.groupsOf(tenantId, userId),
      this.users.findById(tenantId, userId),
    ]);
    const fromGroups = [...new Set(groups.map((g) => roleForGroup(rules, g.display)).filter((r) => r !== null))];
    const direct = this.directRoles(user?.resource);
    return { direct, fromGroups, effective: this.best([...fromGroups, ...direct]) };
  }

  /**
   * The roles assigned to a user directly: the values of its `roles`, in the spelling of
   * `roles.names` when they name one of them (role values are not caseExact, RFC 7643 §2.4).
   */
  directRoles(user: ScimJson | undefined): string[] {
    const values = Array.isArray(user?.roles) ? (user.roles as unknown[]) : [];
    const out = new Set<string>();
    for (const item of values) {
      const v = (item as { value?: unknown } | null)?.value;
      if (typeof v === 'string' && v !== '') {
        out.add(this.spelling.get(v.toLowerCase()) ?? v);
      }
    }
    return [...out];
  }

  /** the highest role the groups give, with `direct` roles beside them, by `names` order */
  highest(rules: TenantRoleRules, groups: readonly GroupOfMember[], direct: readonly string[] = []): string | null {
    return this.best([...groups.map((g) => roleForGroup(rules, g.display)).filter((r) => r !== null), ...direct]);
  }

  /** the highest-ranked of `roles` (unranked roles after ranked ones, the first of them), or null */
  private best(roles: readonly string[]): string | null {
    let best: string | null = null;
    for (const role of roles) {
      if (best === null || this.rankOf(role) < this.rankOf(best)) {
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
