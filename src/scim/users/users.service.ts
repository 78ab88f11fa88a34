import { Inject, Injectable } from '@nestjs/common';
import { ScimError } from '../../core/errors/scim-error';
import { ListResponse } from '../../core/messages/list-response';
import { applyPatch } from '../../core/patch/patch.engine';
import {
  changedAttributes,
  userWriteOperation,
} from '../../core/ports/change-event';
import { ScimJson, StoredResource } from '../../core/ports/resource.types';
import { GROUP_REPOSITORY, USER_REPOSITORY } from '../../core/ports/tokens';
import { GroupOfMember, GroupRepository } from '../../core/ports/group.repository';
import { UserRepository } from '../../core/ports/user.repository';
import { ProjectionRequest, projectResource, wantsAttribute } from '../../core/projection/projection';
import { ResourceTypeDefinition } from '../../core/schema/schema.types';
import { ENTERPRISE_USER_SCHEMA_ID } from '../../core/schema/user.schema';
import { ResourceResult, noBody, withBody } from '../resources/resource-result';
import { checkIfMatch, etagOf, isNotModified } from '../../core/resource/etag';
import { deepEqual } from '../../core/resource/json.util';
import { toWire } from '../../core/resource/wire';
import { ListQueryDto, ProjectionQueryDto } from '../http/list-query.dto';
import { PasswordHasher } from '../http/password.hasher';
import { RequestContext } from '../http/request-context';
import { writeResource } from '../http/resource-write';
import { findUsersByIds } from './users-by-id';
import { eventsOf, projectionOf } from '../http/resource.util';
import { ScimResourceService } from '../resources/resource-service';
import { ResourcePipeline } from '../resources/resource.pipeline';
import { hookContext } from '../lifecycle/lifecycle-hooks.service';

/**
 * Users: load through the port, apply the protocol core (normalize, patch, filter, project),
 * save through the port. No protocol rule lives here.
 */
@Injectable()
export class UsersService implements ScimResourceService {
  private readonly rt: ResourceTypeDefinition;

  constructor(
    @Inject(USER_REPOSITORY) private readonly users: UserRepository,
    @Inject(GROUP_REPOSITORY) private readonly groups: GroupRepository,
    private readonly p: ResourcePipeline,
    private readonly passwords: PasswordHasher,
  ) {
    this.rt = p.registry.resourceType('User');
  }

  async create(body: unknown, proj: ProjectionQueryDto, ctx: RequestContext): Promise<ScimJson> {
    const { resource, password } = this.p.normalize('POST /Users', body, this.rt, ctx);
    const id = this.p.ids.newId();
    const hookCtx = hookContext(ctx);
    await this.p.hooks.beforeCreate({ ctx: hookCtx, resourceType: 'User', id, resource });
    const created = this.p.clock.nowIso();
    const stored = await this.users.create(
      ctx.tenantId,
      {
        id,
        resource,
        created,
        passwordHash: password !== undefined ? await this.passwords.hash(password) : undefined,
        ...(ctx.linkByVerifiedEmail ? { linkByVerifiedEmail: true } : {}),
      },
      // `restored` instead when the store brings a soft-deleted user back
      eventsOf(ctx, created, 'created', changedAttributes({}, resource, password !== undefined)),
    );
    await this.p.hooks.afterCreate({
      ctx: hookCtx,
      resourceType: 'User',
      id: stored.id,
      resource: stored.resource,
      version: stored.version,
    });
    // a new user is in no group yet
    return this.renderOne(stored, projectionOf(proj), ctx, false);
  }

  async get(id: string, proj: ProjectionQueryDto, ctx: RequestContext): Promise<ResourceResult> {
    const stored = await this.load(id, ctx);
    if (isNotModified(ctx.ifNoneMatch, stored.version)) {
      return noBody(304, etagOf(stored.version));
    }
    return withBody(await this.renderOne(stored, projectionOf(proj), ctx));
  }

  async list(q: ListQueryDto, ctx: RequestContext): Promise<ListResponse<ScimJson>> {
    const plan = this.p.planSearch(q, this.rt, ctx);
    const page = await this.users.search(ctx.tenantId, plan.query);
    const proj = projectionOf(q);
    // the page's memberships and managers in one query each, not one per user
    const [groups, managers] = await Promise.all([
      wantsAttribute(proj, 'groups')
        ? this.groups.groupsOfMany(ctx.tenantId, page.items.map((s) => s.id))
        : undefined,
      this.managerNames(page.items, proj, ctx),
    ]);
    return plan.respond(
      page,
      page.items.map((s) =>
        this.render(s, proj, ctx, groups ? groupsAttribute(groups.get(s.id), ctx) : {}, managers),
      ),
    );
  }

  async replace(
    id: string,
    body: unknown,
    proj: ProjectionQueryDto,
    ctx: RequestContext,
  ): Promise<ScimJson> {
    return this.write(id, ctx, async (current) => {
      const { resource, password } = this.p.normalize(`PUT /Users/${id}`, body, this.rt, ctx, current.resource);
      return { resource, password };
    }, proj, 'replaced');
  }

  async patch(
    id: string,
    body: unknown,
    proj: ProjectionQueryDto,
    ctx: RequestContext,
  ): Promise<ResourceResult> {
    const { ops, profile } = this.p.parsePatch(body, ctx);
    const result = await this.write(id, ctx, async (current) => {
      const result = applyPatch({ ...current.resource, id: current.id }, ops, {
        registry: this.p.registry,
        resourceType: this.rt,
        profile,
      });
      this.p.logIgnored(`PATCH /Users/${id}`, result.ignored);
      const { id: _id, meta: _meta, ...resource } = result.resource;
      return { resource, password: result.password };
    }, proj, 'patched');
    if (proj.attributes !== undefined && proj.attributes.trim() === '') {
      // RFC 7644 §3.5.2: the server MAY answer 204; we do when the client asks for no attributes
      return noBody(204, (result.meta as { version: string }).version);
    }
    return withBody(result);
  }

  async delete(id: string, ctx: RequestContext): Promise<void> {
    const hooked = this.p.hooks.has('beforeDelete') || this.p.hooks.has('afterDelete');
    const current = ctx.ifMatch !== undefined || hooked ? await this.load(id, ctx) : undefined;
    if (ctx.ifMatch !== undefined) {
      checkIfMatch(ctx.ifMatch, current!.version);
    }
    const hookEvent = current && {
      ctx: hookContext(ctx),
      resourceType: 'User' as const,
      id,
      resource: current.resource,
    };
    if (hookEvent) {
      await this.p.hooks.beforeDelete(hookEvent);
    }
    const at = this.p.clock.nowIso();
    // the tenant's deprovisioning mode: 'soft' keeps a tombstone that a later POST restores
    const soft = ctx.deprovisioning === 'soft' ? { at } : undefined;
    if (!(await this.users.delete(ctx.tenantId, id, soft, eventsOf(ctx, at, 'deleted', [])))) {
      throw ScimError.notFound(`User ${id} not found`);
    }
    // a deleted user leaves every group it was in (RFC 7643 §4.2 members reference live users);
    // each of those groups gets a members-removed event
    await this.groups.removeMemberEverywhere(ctx.tenantId, id, at, eventsOf(ctx, at));
    if (hookEvent) {
      await this.p.hooks.afterDelete(hookEvent);
    }
  }

  /**
   * Read, change, write under the shared write policy (writeResource: 412 only for the client's
   * own If-Match). Nothing is written when the change leaves the resource as it was. The change
   * event is `activated` / `deactivated` when `active` flips, else `verb`.
   */
  private async write(
    id: string,
    ctx: RequestContext,
    change: (current: StoredResource) => Promise<{ resource: ScimJson; password?: string }>,
    proj: ProjectionQueryDto,
    verb: 'replaced' | 'patched',
  ): Promise<ScimJson> {
    const { stored, hookEvent } = await writeResource(this.users, ctx, id, async () => {
      const current = await this.load(id, ctx);
      checkIfMatch(ctx.ifMatch, current.version);
      const { resource, password } = await change(current);
      if (password === undefined && deepEqual(resource, current.resource)) {
        return { stored: current, hookEvent: undefined };
      }
      const hookEvent = this.p.hooks.wantsUpdate(current.resource, resource)
        ? {
            ctx: hookContext(ctx),
            resourceType: 'User' as const,
            id,
            method: verb === 'replaced' ? ('PUT' as const) : ('PATCH' as const),
            before: current.resource,
            after: resource,
          }
        : undefined;
      if (hookEvent) {
        await this.p.hooks.beforeUpdate(hookEvent);
      }
      const at = this.p.clock.nowIso();
      const events = eventsOf(
        ctx,
        at,
        userWriteOperation(current.resource, resource, verb),
        changedAttributes(current.resource, resource, password !== undefined),
      );
      const update = {
        resource,
        lastModified: at,
        passwordHash: password !== undefined ? await this.passwords.hash(password) : undefined,
        expectedVersion: current.version,
      };
      return { stored: await this.users.update(ctx.tenantId, id, update, events), hookEvent };
    });
    if (hookEvent) {
      await this.p.hooks.afterUpdate({ ...hookEvent, after: stored.resource });
    }
    return this.renderOne(stored, projectionOf(proj), ctx);
  }


  private load(id: string, ctx: RequestContext): Promise<StoredResource> {
    return this.p.found(this.rt, id, this.users.findById(ctx.tenantId, id));
  }

  /**
   * One user with its readOnly attributes, each read only when the projection returns it: the
   * `groups` (RFC 7643 §4.1.2: direct and indirect memberships, from the membership table) and
   * the Enterprise `manager.displayName` (§4.3: the manager's current displayName).
   */
  private async renderOne(
    stored: StoredResource,
    proj: ProjectionRequest,
    ctx: RequestContext,
    mayHaveGroups = true,
  ): Promise<ScimJson> {
    const [groups, managers] = await Promise.all([
      mayHaveGroups && wantsAttribute(proj, 'groups')
        ? this.groups.groupsOf(ctx.tenantId, stored.id)
        : undefined,
      this.managerNames([stored], proj, ctx),
    ]);
    return this.render(stored, proj, ctx, groupsAttribute(groups, ctx), managers);
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

  private render(
    stored: StoredResource,
    proj: ProjectionRequest,
    ctx: RequestContext,
    extra: ScimJson = {},
    managers?: ReadonlyMap<string, string>,
  ): ScimJson {
    const full = toWire(withManagerRef(stored, ctx, managers), 'User', `${ctx.baseUrl}/Users/${stored.id}`, extra);
    return projectResource(full, this.p.registry, this.rt, proj);
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
