import { ScimError } from '../../core/errors/scim-error';
import { ListResponse } from '../../core/messages/list-response';
import { applyPatch } from '../../core/patch/patch.engine';
import { ResourceOperation, changedAttributes } from '../../core/ports/change-event';
import { ResourceStore } from '../../core/ports/resource.store';
import { ScimJson, StoredResource } from '../../core/ports/resource.types';
import { ProjectionRequest, projectResource } from '../../core/projection/projection';
import { checkIfMatch, etagOf, isNotModified } from '../../core/resource/etag';
import { deepEqual } from '../../core/resource/json.util';
import { toWire } from '../../core/resource/wire';
import { ResourceTypeDefinition } from '../../core/schema/schema.types';
import { ListQueryDto, ProjectionQueryDto } from '../http/list-query.dto';
import { RequestContext } from '../http/request-context';
import { writeResource } from '../http/resource-write';
import { eventsOf, projectionOf } from '../http/resource.util';
import { hookContext } from '../lifecycle/lifecycle-hooks.service';
import { ResourceResult, noBody, withBody } from './resource-result';
import { ScimResourceService } from './resource-service';
import { ResourcePipeline } from './resource.pipeline';

/** A stored resource as rendered: the stored one (possibly completed) plus readOnly extras. */
export interface Rendered {
  readonly stored: StoredResource;
  readonly extra?: ScimJson;
}

/**
 * What differs between resource types, as small strategies; everything else is the same for
 * every type. Every member is optional: a type with none (a host's `Device`) is served from
 * its schema and store alone.
 */
export interface ResourceStrategy {
  /**
   * The readOnly attributes a type computes when rendering (a user's `groups`, a manager's
   * displayName), read once for a whole page; `fresh`: the resources were just created.
   */
  completePage?(
    items: readonly StoredResource[],
    proj: ProjectionRequest,
    ctx: RequestContext,
    fresh: boolean,
  ): Promise<(stored: StoredResource) => Rendered>;
  /** a password the schema core took out of the body (RFC 7643 §4.1.1), hashed for the store */
  hashPassword?(password: string): Promise<string>;
  /** the event of a PUT/PATCH (a user's `active` flip is `activated`/`deactivated`) */
  writeOperation?(before: ScimJson, after: ScimJson, verb: 'replaced' | 'patched'): ResourceOperation;
  /** what else a create tells the store (a tenant's link-by-verified-email policy) */
  createOptions?(ctx: RequestContext): { linkByVerifiedEmail?: true };
  /** what follows a delete in other resources (a deleted user leaves its groups) */
  afterDelete?(id: string, at: string, ctx: RequestContext): Promise<void>;
}

/**
 * The one resource service (RFC 7644 §3.3-§3.6): create, get (304 for a matching
 * If-None-Match), list and .search, replace, patch (204 when no attributes are asked for),
 * delete (a tombstone when the tenant deprovisions softly and the store keeps them), with
 * If-Match, lifecycle hooks and change events, through the one write policy (writeResource).
 * Parameterised by a resource type's definition, its store and its strategy.
 */
export class ResourceService implements ScimResourceService {
  constructor(
    protected readonly rt: ResourceTypeDefinition,
    protected readonly store: Omit<ResourceStore, 'findByIds'>,
    protected readonly p: ResourcePipeline,
    private readonly strategy: ResourceStrategy = {},
  ) {}

  async create(body: unknown, proj: ProjectionQueryDto, ctx: RequestContext): Promise<ScimJson> {
    const { resource, password } = this.p.normalize(`POST /${this.rt.name}`, body, this.rt, ctx);
    const id = this.p.ids.newId();
    const hookCtx = hookContext(ctx);
    await this.p.hooks.beforeCreate({ ctx: hookCtx, resourceType: this.rt.name, id, resource });
    const created = this.p.clock.nowIso();
    const stored = await this.store.create(
      ctx.tenantId,
      { id, resource, created, passwordHash: await this.hash(password), ...this.strategy.createOptions?.(ctx) },
      // `restored` instead when the store brings a tombstone back
      eventsOf(ctx, created, 'created', changedAttributes({}, resource, password !== undefined)),
    );
    await this.p.hooks.afterCreate({
      ctx: hookCtx,
      resourceType: this.rt.name,
      id: stored.id,
      resource: stored.resource,
      version: stored.version,
    });
    return this.renderOne(stored, projectionOf(proj), ctx, true);
  }

  async get(id: string, proj: ProjectionQueryDto, ctx: RequestContext): Promise<ResourceResult> {
    const stored = await this.load(id, ctx);
    if (isNotModified(ctx.ifNoneMatch, stored.version)) {
      return noBody(304, etagOf(stored.version));
    }
    return withBody(await this.renderOne(stored, projectionOf(proj), ctx, false));
  }

  async list(q: ListQueryDto, ctx: RequestContext): Promise<ListResponse<ScimJson>> {
    const plan = this.p.planSearch(q, this.rt, ctx);
    const page = await this.store.search(ctx.tenantId, plan.query);
    const proj = projectionOf(q);
    const complete = await this.completer(page.items, proj, ctx, false);
    return plan.respond(
      page,
      page.items.map((s) => this.render(complete(s), proj, ctx)),
    );
  }

  replace(id: string, body: unknown, proj: ProjectionQueryDto, ctx: RequestContext): Promise<ScimJson> {
    return this.write(
      id,
      ctx,
      async (current) => this.p.normalize(`PUT /${this.rt.name}/${id}`, body, this.rt, ctx, current.resource),
      proj,
      'replaced',
    );
  }

  async patch(id: string, body: unknown, proj: ProjectionQueryDto, ctx: RequestContext): Promise<ResourceResult> {
    const { ops, profile } = this.p.parsePatch(body, ctx);
    const result = await this.write(
      id,
      ctx,
      async (current) => {
        const patched = applyPatch({ ...current.resource, id: current.id }, ops, {
          registry: this.p.registry,
          resourceType: this.rt,
          profile,
        });
        this.p.logIgnored(`PATCH /${this.rt.name}/${id}`, patched.ignored);
        const { id: _id, meta: _meta, ...resource } = patched.resource;
        return { resource, password: patched.password };
      },
      proj,
      'patched',
    );
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
    const hookEvent = current && { ctx: hookContext(ctx), resourceType: this.rt.name, id, resource: current.resource };
    if (hookEvent) {
      await this.p.hooks.beforeDelete(hookEvent);
    }
    const at = this.p.clock.nowIso();
    // the tenant's deprovisioning mode: 'soft' keeps a tombstone that a later POST restores
    const soft = ctx.deprovisioning === 'soft' ? { at } : undefined;
    if (!(await this.store.delete(ctx.tenantId, id, soft, eventsOf(ctx, at, 'deleted', [])))) {
      throw ScimError.notFound(`${this.rt.name} ${id} not found`);
    }
    await this.strategy.afterDelete?.(id, at, ctx);
    if (hookEvent) {
      await this.p.hooks.afterDelete(hookEvent);
    }
  }

  /**
   * Read, change, write under the shared write policy (writeResource: 412 only for the client's
   * own If-Match). Nothing is written when the change leaves the resource as it was.
   */
  private async write(
    id: string,
    ctx: RequestContext,
    change: (current: StoredResource) => Promise<{ resource: ScimJson; password?: string }>,
    proj: ProjectionQueryDto,
    verb: 'replaced' | 'patched',
  ): Promise<ScimJson> {
    const { stored, hookEvent } = await writeResource(this.store, ctx, id, async () => {
      const current = await this.load(id, ctx);
      checkIfMatch(ctx.ifMatch, current.version);
      const { resource, password } = await change(current);
      if (password === undefined && deepEqual(resource, current.resource)) {
        return { stored: current, hookEvent: undefined };
      }
      const hookEvent = this.p.hooks.wantsUpdate(current.resource, resource)
        ? {
            ctx: hookContext(ctx),
            resourceType: this.rt.name,
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
      const operation = this.strategy.writeOperation?.(current.resource, resource, verb) ?? verb;
      const events = eventsOf(ctx, at, operation, changedAttributes(current.resource, resource, password !== undefined));
      const update = {
        resource,
        lastModified: at,
        passwordHash: await this.hash(password),
        expectedVersion: current.version,
      };
      return { stored: await this.store.update(ctx.tenantId, id, update, events), hookEvent };
    });
    if (hookEvent) {
      await this.p.hooks.afterUpdate({ ...hookEvent, after: stored.resource });
    }
    return this.renderOne(stored, projectionOf(proj), ctx, false);
  }

  protected load(id: string, ctx: RequestContext): Promise<StoredResource> {
    return this.p.found(this.rt, id, this.store.findById(ctx.tenantId, id));
  }

  private async hash(password: string | undefined): Promise<string | undefined> {
    if (password === undefined) {
      return undefined;
    }
    if (!this.strategy.hashPassword) {
      throw ScimError.invalidValue(`${this.rt.name} has no password`);
    }
    return this.strategy.hashPassword(password);
  }

  private async renderOne(stored: StoredResource, proj: ProjectionRequest, ctx: RequestContext, fresh: boolean) {
    const complete = await this.completer([stored], proj, ctx, fresh);
    return this.render(complete(stored), proj, ctx);
  }

  private completer(
    items: readonly StoredResource[],
    proj: ProjectionRequest,
    ctx: RequestContext,
    fresh: boolean,
  ): Promise<(stored: StoredResource) => Rendered> {
    return this.strategy.completePage
      ? this.strategy.completePage(items, proj, ctx, fresh)
      : Promise.resolve((stored) => ({ stored }));
  }

  private render(r: Rendered, proj: ProjectionRequest, ctx: RequestContext): ScimJson {
    const full = toWire(r.stored, this.rt.name, `${ctx.baseUrl}${this.rt.endpoint}/${r.stored.id}`, r.extra ?? {});
    return projectResource(full, this.p.registry, this.rt, proj);
  }
}
