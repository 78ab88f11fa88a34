import { Inject, Injectable, Logger } from '@nestjs/common';
import { ScimError } from '../../core/errors/scim-error';
import { ListResponse } from '../../core/messages/list-response';
import { IdpProfile } from '../../core/profile/idp-profile';
import { applyPatch, requiresFullAttribute } from '../../core/patch/patch.engine';
import { PatchOperation } from '../../core/patch/patch.types';
import { changedAttributes } from '../../core/ports/change-event';
import { GroupRepository, MemberView } from '../../core/ports/group.repository';
import { ScimJson, StoredResource } from '../../core/ports/resource.types';
import { GROUP_REPOSITORY } from '../../core/ports/tokens';
import { ProjectionRequest, projectResource, wantsAttribute } from '../../core/projection/projection';
import { ResourceTypeDefinition } from '../../core/schema/schema.types';
import { ScimResourceService } from '../resources/resource-service';
import { ResourcePipeline } from '../resources/resource.pipeline';
import {
  GroupMembership,
  PendingDelta,
  asElements,
  membershipEvent,
  splitMembers,
  toMemberDelta,
} from './group-membership';
import { hookContext } from '../lifecycle/lifecycle-hooks.service';
import { ResourceResult, noBody, withBody } from '../resources/resource-result';
import { checkIfMatch, etagOf, isNotModified } from '../../core/resource/etag';
import { deepEqual } from '../../core/resource/json.util';
import { toWire } from '../../core/resource/wire';
import { ListQueryDto, ProjectionQueryDto } from '../http/list-query.dto';
import { RequestContext } from '../http/request-context';
import { writeResource } from '../http/resource-write';
import { eventsOf, projectionOf } from '../http/resource.util';

/**
 * Groups (RFC 7643 §4.2): the document and the membership are stored apart, so membership
 * changes are set operations that cost the members changed, and reads that exclude
 * `members` never touch the membership table (docs/idp/quirks.md #6, #22, #31).
 */
@Injectable()
export class GroupsService implements ScimResourceService {
  private readonly logger = new Logger(GroupsService.name);
  private readonly rt: ResourceTypeDefinition;

  constructor(
    @Inject(GROUP_REPOSITORY) private readonly groups: GroupRepository,
    private readonly p: ResourcePipeline,
    private readonly members: GroupMembership,
  ) {
    this.rt = p.registry.resourceType('Group');
  }

  async create(body: unknown, proj: ProjectionQueryDto, ctx: RequestContext): Promise<ScimJson> {
    const { resource } = this.p.normalize('POST /Groups', body, this.rt, ctx);
    const { members, doc } = splitMembers(resource);
    const id = this.p.ids.newId();
    const refs = await this.members.checkMembers(ctx, id, members);
    const hookCtx = hookContext(ctx);
    await this.p.hooks.beforeCreate({ ctx: hookCtx, resourceType: 'Group', id, resource: doc });
    const membership = refs.length && this.membershipHooked()
      ? membershipEvent(hookCtx, id, doc, refs.map((r) => r.value), async () => [], false)
      : undefined;
    if (membership) {
      await this.p.hooks.beforeMembershipChange(membership);
    }
    const created = this.p.clock.nowIso();
    const changed = changedAttributes({}, refs.length ? { ...doc, members: refs } : doc);
    // the store adds a members-added event for the initial members
    const stored = await this.groups.create(
      ctx.tenantId,
      { id, resource: doc, created, members: refs },
      eventsOf(ctx, created, 'created', changed),
    );
    await this.p.hooks.afterCreate({
      ctx: hookCtx,
      resourceType: 'Group',
      id,
      resource: stored.resource,
      version: stored.version,
    });
    if (membership) {
      await this.p.hooks.afterMembershipChange(membership);
    }
    return this.render(stored, projectionOf(proj), ctx);
  }

  async get(id: string, proj: ProjectionQueryDto, ctx: RequestContext): Promise<ResourceResult> {
    const stored = await this.load(id, ctx);
    if (isNotModified(ctx.ifNoneMatch, stored.version)) {
      return noBody(304, etagOf(stored.version));
    }
    return withBody(await this.render(stored, projectionOf(proj), ctx));
  }

  async list(q: ListQueryDto, ctx: RequestContext): Promise<ListResponse<ScimJson>> {
    const plan = this.p.planSearch(q, this.rt, ctx);
    const proj = projectionOf(q);
    const page = await this.groups.search(ctx.tenantId, plan.query, wantsAttribute(proj, 'members'));
    return plan.respond(
      page,
      page.items.map((s) => this.renderLoaded(s, proj, ctx)),
    );
  }

  async replace(id: string, body: unknown, proj: ProjectionQueryDto, ctx: RequestContext) {
    const stored = await this.write(id, ctx, async (current) => {
      const { resource } = this.p.normalize(`PUT /Groups/${id}`, body, this.rt, ctx, current.resource);
      const { members, doc } = splitMembers(resource);
      // PUT replaces the whole resource (RFC 7644 §3.5.1): members as sent, [] when absent
      return { doc, members: { replaceAll: members, add: [], remove: [], removeAll: false } };
    }, 'replaced');
    return this.render(stored, projectionOf(proj), ctx);
  }

  async patch(
    id: string,
    body: unknown,
    proj: ProjectionQueryDto,
    ctx: RequestContext,
  ): Promise<ResourceResult> {
    const { ops, profile } = this.p.parsePatch(body, ctx);
    const full = requiresFullAttribute(ops, 'members');
    const stored = await this.write(id, ctx, async (current) => {
      if (full) {
        return this.patchWithAllMembers(id, current, ops, profile, ctx);
      }
      const patched = applyPatch({ ...current.resource, id: current.id }, ops, {
        registry: this.p.registry,
        resourceType: this.rt,
        profile,
        deltaAttributes: ['members'],
      });
      this.p.logIgnored(`PATCH /Groups/${id}`, patched.ignored);
      const { id: _i, meta: _m, members: _members, ...doc } = patched.resource;
      const delta = patched.deltas.members;
      if (delta?.removeAll) {
        this.logger.warn(`PATCH /Groups/${id} removed every member (explicit remove of members)`);
      }
      return { doc, members: delta ? toMemberDelta(delta) : undefined };
    }, 'patched');
    // RFC 7644 §3.5.2: 200 with the resource, or 204. A group's resource can hold 100,000
    // members, and both Okta and Entra accept 204 for group PATCH (docs/idp/quirks.md #21,
    // #31): so a group PATCH answers 204 unless the client asks for attributes (then 200,
    // projected).
    const wantsBody =
      (proj.attributes !== undefined && proj.attributes.trim() !== '') ||
      proj.excludedAttributes !== undefined;
    if (!wantsBody) {
      return noBody(204, etagOf(stored.version));
    }
    return withBody(await this.render(stored, projectionOf(proj), ctx));
  }

  async delete(id: string, ctx: RequestContext): Promise<void> {
    const hooked =
      this.p.hooks.has('beforeDelete') || this.p.hooks.has('afterDelete') || this.membershipHooked();
    const current = ctx.ifMatch !== undefined || hooked ? await this.load(id, ctx) : undefined;
    if (ctx.ifMatch !== undefined) {
      checkIfMatch(ctx.ifMatch, current!.version);
    }
    const hookCtx = hookContext(ctx);
    const deleted = current && { ctx: hookCtx, resourceType: 'Group' as const, id, resource: current.resource };
    // every member leaves with the group
    const membership = current && this.membershipHooked()
      ? membershipEvent(hookCtx, id, current.resource, [], async () => (await this.members.all(ctx.tenantId, id)).map((m) => m.value), true)
      : undefined;
    if (deleted) {
      await this.p.hooks.beforeDelete(deleted);
    }
    if (membership) {
      await this.p.hooks.beforeMembershipChange(membership);
    }
    const events = eventsOf(ctx, this.p.clock.nowIso(), 'deleted', []);
    if (!(await this.groups.delete(ctx.tenantId, id, events))) {
      throw ScimError.notFound(`Group ${id} not found`);
    }
    if (deleted) {
      await this.p.hooks.afterDelete(deleted);
    }
    if (membership) {
      await this.p.hooks.afterMembershipChange(membership);
    }
  }

  private membershipHooked(): boolean {
    return this.p.hooks.has('beforeMembershipChange') || this.p.hooks.has('afterMembershipChange');
  }

  /**
   * A PATCH whose member filter needs the values (e.g. `members[type eq "Group"]`): load the
   * members page by page, apply in full mode, store the result as a replacement.
   */
  private async patchWithAllMembers(
    id: string,
    current: StoredResource,
    ops: readonly PatchOperation[],
    profile: IdpProfile,
    ctx: RequestContext,
  ): Promise<{ doc: ScimJson; members?: PendingDelta }> {
    const members = await this.members.all(ctx.tenantId, id);
    const before = { ...current.resource, id: current.id, members };
    const patched = applyPatch(before, ops, { registry: this.p.registry, resourceType: this.rt, profile });
    this.p.logIgnored(`PATCH /Groups/${id}`, patched.ignored);
    const { id: _i, meta: _m, members: after, ...doc } = patched.resource;
    if (deepEqual(after ?? [], members)) {
      return { doc };
    }
    return {
      doc,
      members: { replaceAll: asElements(after), add: [], remove: [], removeAll: false },
    };
  }

  /**
   * read-change-write under the shared write policy (writeResource: 412 only for the client's
   * own If-Match). Change events: `verb` with the changed attributes when the
   * document changes; the store adds members-removed / members-added for what the delta really
   * changed.
   */
  private async write(
    id: string,
    ctx: RequestContext,
    change: (current: StoredResource) => Promise<{ doc: ScimJson; members?: PendingDelta }>,
    verb: 'replaced' | 'patched',
  ): Promise<StoredResource> {
    const { stored, updated, membership } = await writeResource(this.groups, ctx, id, async () => {
      const current = await this.load(id, ctx);
      checkIfMatch(ctx.ifMatch, current.version);
      const { doc, members } = await change(current);
      const delta = members ? await this.members.checkDelta(ctx, id, members) : undefined;
      if (!delta && deepEqual(doc, current.resource)) {
        return { stored: current };
      }
      // a members-only change is a set operation: the stored document is not rewritten
      const membersOnly = deepEqual(doc, current.resource);
      const updated =
        !membersOnly && this.p.hooks.wantsUpdate(current.resource, doc)
          ? {
              ctx: hookContext(ctx),
              resourceType: 'Group' as const,
              id,
              method: verb === 'replaced' ? ('PUT' as const) : ('PATCH' as const),
              before: current.resource,
              after: doc,
            }
          : undefined;
      const membership =
        delta && this.membershipHooked() ? this.members.change(ctx, id, doc, delta) : undefined;
      if (updated) {
        await this.p.hooks.beforeUpdate(updated);
      }
      if (membership) {
        await this.p.hooks.beforeMembershipChange(membership);
      }
      const at = this.p.clock.nowIso();
      const events = membersOnly
        ? eventsOf(ctx, at)
        : eventsOf(ctx, at, verb, changedAttributes(current.resource, doc));
      const update = {
        resource: membersOnly ? undefined : doc,
        lastModified: at,
        expectedVersion: membersOnly && ctx.ifMatch === undefined ? undefined : current.version,
        members: delta,
      };
      return { stored: await this.groups.update(ctx.tenantId, id, update, events), updated, membership };
    });
    if (updated) {
      await this.p.hooks.afterUpdate(updated);
    }
    if (membership) {
      await this.p.hooks.afterMembershipChange(membership);
    }
    return stored;
  }

  private load(id: string, ctx: RequestContext): Promise<StoredResource> {
    return this.p.found(this.rt, id, this.groups.findById(ctx.tenantId, id, false));
  }

  /** One group: members (if wanted) are read page by page from the membership table. */
  private async render(stored: StoredResource, proj: ProjectionRequest, ctx: RequestContext) {
    if (!wantsAttribute(proj, 'members')) {
      return this.renderLoaded(stored, proj, ctx);
    }
    const members = await this.members.all(ctx.tenantId, stored.id);
    return this.renderLoaded({ ...stored, resource: { ...stored.resource, members } }, proj, ctx);
  }

  /** Renders a group whose `resource.members` (MemberView[]) is loaded or deliberately absent. */
  private renderLoaded(stored: StoredResource, proj: ProjectionRequest, ctx: RequestContext) {
    const members = stored.resource.members as MemberView[] | undefined;
    const { members: _m, ...doc } = stored.resource;
    const extra: ScimJson = members?.length
      ? {
          members: members.map((m) => ({
            value: m.value,
            $ref: `${ctx.baseUrl}/${m.type === 'Group' ? 'Groups' : 'Users'}/${m.value}`,
            ...(m.display !== undefined ? { display: m.display } : {}),
            type: m.type,
          })),
        }
      : {};
    const full = toWire({ ...stored, resource: doc }, 'Group', `${ctx.baseUrl}/Groups/${stored.id}`, extra);
    return projectResource(full, this.p.registry, this.rt, proj);
  }


}


