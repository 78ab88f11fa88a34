import { Inject, Injectable, Optional } from '@nestjs/common';
import { ResourceOperation, userWriteOperation } from '../../core/ports/change-event';
import { GroupOfMember, GroupRepository } from '../../core/ports/group.repository';
import { ScimJson, StoredResource } from '../../core/ports/resource.types';
import { GROUP_REPOSITORY, UNIT_OF_WORK, USER_REPOSITORY } from '../../core/ports/tokens';
import { UnitOfWork } from '../../core/ports/unit-of-work';
import { UserRepository } from '../../core/ports/user.repository';
import { ProjectionRequest, wantsAttribute } from '../../core/projection/projection';
import { ENTERPRISE_USER_SCHEMA_ID } from '../../core/schema/user.schema';
import { PasswordHasher } from '../http/password.hasher';
import { RequestContext } from '../http/request-context';
import { eventsOf } from '../http/resource.util';
import { Rendered, ResourceService, ResourceStrategy } from '../resources/resource.service';
import { ResourcePipeline } from '../resources/resource.pipeline';
import { findUsersByIds } from './users-by-id';
import { CatalogueAssignments } from '../catalogue/catalogue-assignments';
import { SCIM_CATALOGUE_ASSIGNMENTS } from '../di.tokens';

/**
 * Users (RFC 7643 §4.1): the one resource service with what only users have: a password
 * (hashed, never returned), `active` flips as activated/deactivated events, the readOnly
 * `groups` (§4.1.2) and the Enterprise `manager.displayName` (§4.3) read once per page, and a
 * deleted user leaving every group it was in.
 */
@Injectable()
export class UsersService extends ResourceService {
  constructor(
    @Inject(USER_REPOSITORY) users: UserRepository,
    @Inject(GROUP_REPOSITORY) groups: GroupRepository,
    p: ResourcePipeline,
    passwords: PasswordHasher,
    @Optional() @Inject(SCIM_CATALOGUE_ASSIGNMENTS) assignments?: CatalogueAssignments,
    @Optional() @Inject(UNIT_OF_WORK) unitOfWork?: UnitOfWork,
  ) {
    super(p.registry.resourceType('User'), users, p, new UserStrategy(users, groups, passwords, assignments, unitOfWork));
  }
}

class UserStrategy implements ResourceStrategy {
  constructor(
    private readonly users: UserRepository,
    private readonly groups: GroupRepository,
    private readonly passwords: PasswordHasher,
    private readonly assignments: CatalogueAssignments | undefined,
    private readonly unitOfWork: UnitOfWork | undefined,
  ) {}

  /** the group store's one read of a user with its groups, when it has one (an own property) */
  private get userWithGroups(): GroupRepository['findUserWithGroups'] {
    const g = this.groups;
    return 'findUserWithGroups' in g && typeof g.findUserWithGroups === 'function' ? g.findUserWithGroups : undefined;
  }

  /** the user's row and its memberships go together: no membership outlives its user */
  atomically<T>(work: () => Promise<T>): Promise<T> {
    return this.unitOfWork ? this.unitOfWork.run(work) : work();
  }

  /** new roles / entitlements must be in the tenant's catalogue, when one is served */
  async checkResource(resource: ScimJson, before: ScimJson | undefined, ctx: RequestContext): Promise<ScimJson> {
    return this.assignments ? this.assignments.check(ctx.tenantId, resource, before) : resource;
  }

  hashPassword(password: string): Promise<string> {
    return this.passwords.hash(password);
  }

  writeOperation(before: ScimJson, after: ScimJson, verb: 'replaced' | 'patched'): ResourceOperation {
    return userWriteOperation(before, after, verb);
  }

  createOptions(ctx: RequestContext): { linkByVerifiedEmail?: true } {
    return ctx.linkByVerifiedEmail ? { linkByVerifiedEmail: true } : {};
  }

  /** a deleted user leaves every group it was in (RFC 7643 §4.2 members reference live users) */
  async afterDelete(id: string, at: string, ctx: RequestContext): Promise<void> {
    // each of those groups gets a members-removed event
    await this.groups.removeMemberEverywhere(ctx.tenantId, id, at, eventsOf(ctx, at));
  }

  /**
   * GET /Users/{id}: the user and its groups in one read when the group store can (the
   * built-in stores), the manager's displayName only when the user names one.
   */
  async readOne(id: string, proj: ProjectionRequest, ctx: RequestContext) {
    const read = this.userWithGroups;
    if (!read || !wantsAttribute(proj, 'groups')) {
      return undefined;
    }
    const found = await read(ctx.tenantId, id);
    if (!found) {
      return null;
    }
    const managers = await this.managerNames([found.user], proj, ctx);
    return {
      stored: found.user,
      complete: (stored: StoredResource): Rendered => ({
        stored: withManagerRef(stored, ctx, managers),
        extra: groupsAttribute(found.groups, ctx),
      }),
    };
  }

  /**
   * PUT/PATCH: the current user with its groups, read with the write's row lock (the lock's
   * statement carries them: a user's own write never changes its groups)
   */
  async readForWrite(id: string, ctx: RequestContext) {
    const read = this.userWithGroups;
    if (!read) {
      return undefined;
    }
    const found = await read(ctx.tenantId, id);
    return found && { stored: found.user, kept: groupsAttribute(found.groups, ctx) };
  }

  /**
   * the page's memberships and managers in one query each, not one per user; `kept`: the one
   * user's groups as read for its write
   */
  async completePage(
    items: readonly StoredResource[],
    proj: ProjectionRequest,
    ctx: RequestContext,
    fresh: boolean,
    kept?: ScimJson,
  ): Promise<(stored: StoredResource) => Rendered> {
    if (kept && items.length === 1) {
      const managers = await this.managerNames(items, proj, ctx);
      return (stored) => ({ stored: withManagerRef(stored, ctx, managers), extra: kept });
    }
    const [groups, managers] = await Promise.all([
      // a new user is in no group yet
      !fresh && wantsAttribute(proj, 'groups')
        ? items.length === 1
          ? new Map([[items[0].id, await this.groups.groupsOf(ctx.tenantId, items[0].id)]])
          : this.groups.groupsOfMany(ctx.tenantId, items.map((s) => s.id))
        : undefined,
      this.managerNames(items, proj, ctx),
    ]);
    return (stored) => ({
      stored: withManagerRef(stored, ctx, managers),
      extra: groups ? groupsAttribute(groups.get(stored.id), ctx) : {},
    });
  }

  /**
   * RFC 7643 §4.3 manager.displayName (readOnly): the displayName of each manager the users
   * name, read at once for the whole page; nothing is read when no user has a manager or
   * the projection leaves the manager out. A manager id that names no user gets no displayName.
   */
  private async managerNames(
    items: readonly StoredResource[],
    proj: ProjectionRequest,
    ctx: RequestContext,
  ): Promise<ReadonlyMap<string, string> | undefined> {
    const ids = new Set<string>();
    for (const s of items) {
      const id = managerIdOf(s.resource);
      if (id !== undefined) {
        ids.add(id);
      }
    }
    if (!ids.size || !wantsAttribute(proj, `${ENTERPRISE_USER_SCHEMA_ID}:manager`)) {
      return undefined;
    }
    const managers = await findUsersByIds(this.users, ctx.tenantId, [...ids]);
    const names = new Map<string, string>();
    for (const m of managers) {
      const name = m.resource.displayName;
      if (typeof name === 'string' && name !== '') {
        names.set(m.id, name);
      }
    }
    return names;
  }

}

/** The User's readOnly `groups` (RFC 7643 §4.1.2), or nothing when it is in no group. */
function groupsAttribute(groups: readonly GroupOfMember[] | undefined, ctx: RequestContext): ScimJson {
  if (!groups?.length) {
    return {};
  }
  return {
    groups: groups.map((g) => ({
      value: g.value,
      $ref: `${ctx.baseUrl}/Groups/${g.value}`,
      display: g.display,
      type: g.type,
    })),
  };
}

/** the Enterprise extension's manager.value, when the user names a manager */
function managerIdOf(resource: ScimJson): string | undefined {
  const ext = resource[ENTERPRISE_USER_SCHEMA_ID] as { manager?: { value?: unknown } } | undefined;
  const v = ext?.manager?.value;
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * The manager sub-attributes the server fills in (RFC 7643 §4.3) when the manager is a user of
 * the tenant: `displayName` (readOnly) from the manager's current record, and `$ref` to the
 * manager's User resource when the client gave none. A manager id naming no user is left as
 * sent: the IdP may provision the manager later.
 */
function withManagerRef(
  stored: StoredResource,
  ctx: RequestContext,
  managers: ReadonlyMap<string, string> | undefined,
): StoredResource {
  const id = managerIdOf(stored.resource);
  if (id === undefined) {
    return stored;
  }
  const ext = stored.resource[ENTERPRISE_USER_SCHEMA_ID] as ScimJson & { manager: ScimJson };
  const { displayName: _stale, ...manager } = ext.manager;
  const name = managers?.get(id);
  if (name === undefined) {
    return _stale === undefined ? stored : { ...stored, resource: { ...stored.resource, [ENTERPRISE_USER_SCHEMA_ID]: { ...ext, manager } } };
  }
  return {
    ...stored,
    resource: {
      ...stored.resource,
      [ENTERPRISE_USER_SCHEMA_ID]: {
        ...ext,
        manager: {
          ...manager,
          $ref: manager.$ref ?? `${ctx.baseUrl}/Users/${id}`,
          displayName: name,
        },
      },
    },
  };
}
