import { ScimError } from '../../core/errors/scim-error';
import { ListResponse } from '../../core/messages/list-response';
import { applyPatch, requiresFullAttribute } from '../../core/patch/patch.engine';
import { changedAttributes } from '../../core/ports/change-event';
import { ScimJson, StoredResource } from '../../core/ports/resource.types';
import { ProjectionRequest, projectResource, wantsAttribute } from '../../core/projection/projection';
import { checkIfMatch, etagOf, isNotModified } from '../../core/resource/etag';
import { deepEqual } from '../../core/resource/json.util';
import { toWire } from '../../core/resource/wire';
import { ResourceTypeDefinition } from '../../core/schema/schema.types';
import { ListQueryDto, ProjectionQueryDto } from '../http/list-query.dto';
import { RequestContext } from '../http/request-context';
import { writeResource } from '../http/resource-write';
import { eventsOf, projectionOf } from '../http/resource.util';
import { hookContext } from '../lifecycle/lifecycle-hooks.service';
import { DetachedChange, DetachedInput } from './detached-attribute';
import { ResourceResult, noBody, withBody } from './resource-result';
import { ScimResourceService } from './resource-service';
import type { Rendered, ResourceStrategy } from './resource-strategy';
import { ResourcePipeline } from './resource.pipeline';
import { ServiceStore, ServiceUpdate } from './service-store';

export type { Rendered, ResourceStrategy } from './resource-strategy';

/** What a PUT or PATCH makes of the current resource. */
interface Change {
  readonly resource: ScimJson;
  readonly password?: string;
  readonly detached?: DetachedInput;
}

/**
 * The one resource service (RFC 7644 §3.3-§3.6): create, get (304 for a matching
 * If-None-Match), list and .search, replace, patch (204 when no attributes are asked for),
 * delete (a tombstone when the tenant deprovisions softly and the store keeps them), with
 * If-Match, lifecycle hooks and change events, through the one write policy (writeResource).
 * Parameterised by a resource type's definition, its store and its strategy.
 */
export class ResourceService<C = never, U = never> implements ScimResourceService {
  constructor(
    protected readonly rt: ResourceTypeDefinition,
    protected readonly store: ServiceStore<C, U>,
    protected readonly p: ResourcePipeline,
    private readonly strategy: ResourceStrategy<C, U> = {},
  ) {}

  async create(body: unknown, proj: ProjectionQueryDto, ctx: RequestContext): Promise<ScimJson> {
    this.writable('create');
    const normalized = this.p.normalize(`POST /${this.rt.name}`, body, this.rt, ctx);
    const { password } = normalized;
    const id = this.p.ids.newId();
    const d = this.strategy.detached;
    const split = this.split(normalized.resource);
    const { values } = split;
    const resource = (await this.strategy.checkResource?.(split.doc, undefined, ctx)) ?? split.doc;
    const detached = d && (await d.created(ctx, id, resource, values));
    const hookCtx = hookContext(ctx);
    await this.p.hooks.beforeCreate({ ctx: hookCtx, resourceType: this.rt.name, id, resource });
    await detached?.hooks?.before();
    const created = this.p.clock.nowIso();
    const changed = changedAttributes({}, detached?.nonEmpty ? { ...resource, [d!.name]: values } : resource, password !== undefined);
    const stored = await this.store.create(
      ctx.tenantId,
      {
        id,
        resource,
        created,
        passwordHash: await this.hash(password),
        ...this.strategy.createOptions?.(ctx),
        ...(detached ? { detached: detached.value } : {}),
      },
      // `restored` instead when the store brings a tombstone back
      eventsOf(ctx, created, 'created', changed),
    );
    await this.p.hooks.afterCreate({
      ctx: hookCtx,
      resourceType: this.rt.name,
      id: stored.id,
      resource: stored.resource,
      version: stored.version,
    });
    await detached?.hooks?.after();
    return this.renderOne(stored, projectionOf(proj), ctx, true);
  }

  async get(id: string, q: ProjectionQueryDto, ctx: RequestContext): Promise<ResourceResult> {
    const proj = projectionOf(q);
    // (a type with a detached attribute reads it apart: renderOne)
    const one = this.strategy.detached ? undefined : await this.strategy.readOne?.(id, proj, ctx);
    const stored = one === undefined ? await this.load(id, ctx) : await this.p.found(this.rt, id, Promise.resolve(one?.stored ?? null));
    if (isNotModified(ctx.ifNoneMatch, stored.version)) {
      return noBody(304, etagOf(stored.version));
    }
    return withBody(one ? this.render(one.complete(stored), proj, ctx) : await this.renderOne(stored, proj, ctx, false));
  }

  async list(q: ListQueryDto, ctx: RequestContext): Promise<ListResponse<ScimJson>> {
    const plan = this.p.planSearch(q, this.rt, ctx, this.store.filterIndexes);
    const proj = projectionOf(q);
    const d = this.strategy.detached;
    const page = d
      ? await this.store.search(ctx.tenantId, plan.query, wantsAttribute(proj, d.name))
      : await this.store.search(ctx.tenantId, plan.query);
    const complete = await this.completer(page.items, proj, ctx, false);
    return plan.respond(
      page,
      page.items.map((s) => this.render(complete(s), proj, ctx)),
    );
  }

  async replace(id: string, body: unknown, proj: ProjectionQueryDto, ctx: RequestContext): Promise<ScimJson> {
    this.writable('replace');
    const { stored, kept } = await this.write(
      id,
      ctx,
      async (current) => {
        const { resource, password } = this.p.normalize(`PUT /${this.rt.name}/${id}`, body, this.rt, ctx, current.resource);
        const { doc, values } = this.split(resource);
        // PUT replaces the whole resource (RFC 7644 §3.5.1): detached values as sent, none when absent
        return { resource: doc, password, ...(this.strategy.detached ? { detached: { replaceAll: values } } : {}) };
      },
      'replaced',
    );
    return this.renderOne(stored, projectionOf(proj), ctx, false, kept);
  }

  async patch(id: string, body: unknown, proj: ProjectionQueryDto, ctx: RequestContext): Promise<ResourceResult> {
    this.writable('patch');
    const { ops, profile } = this.p.parsePatch(body, ctx);
    const d = this.strategy.detached;
    // a filter on the detached values (e.g. `members[type eq "Group"]`) needs them loaded
    const full = d !== undefined && requiresFullAttribute(ops, d.name);
    const { stored, kept } = await this.write(
      id,
      ctx,
      async (current): Promise<Change> => {
        const values = full ? await d!.all(ctx.tenantId, id) : undefined;
        const patched = applyPatch({ ...current.resource, id: current.id, ...(full ? { [d!.name]: values } : {}) }, ops, {
          registry: this.p.registry,
          resourceType: this.rt,
          profile,
          ...(d && !full ? { deltaAttributes: [d.name] } : {}),
        });
        this.p.logIgnored(`PATCH /${this.rt.name}/${id}`, patched.ignored);
        const { id: _id, meta: _meta, ...rest } = patched.resource;
        const { doc: resource, values: after } = this.split(rest);
        let detached: DetachedInput | undefined;
        if (full) {
          detached = deepEqual(after ?? [], values) ? undefined : { replaceAll: after };
        } else if (d && patched.deltas[d.name]) {
          detached = { delta: patched.deltas[d.name] };
        }
        return { resource, password: patched.password, detached };
      },
      'patched',
    );
    const wantsBody = this.strategy.patchAnswersBody
      ? this.strategy.patchAnswersBody(proj)
      : !(proj.attributes !== undefined && proj.attributes.trim() === '');
    if (!wantsBody) {
      return noBody(204, etagOf(stored.version));
    }
    return withBody(await this.renderOne(stored, projectionOf(proj), ctx, false, kept));
  }

  async delete(id: string, ctx: RequestContext): Promise<void> {
    this.writable('delete');
    const d = this.strategy.detached;
    const hooked = this.p.hooks.has('beforeDelete') || this.p.hooks.has('afterDelete');
    const watched = d?.hooked() === true;
    const current = ctx.ifMatch !== undefined || hooked || watched ? await this.load(id, ctx) : undefined;
    if (ctx.ifMatch !== undefined) {
      checkIfMatch(ctx.ifMatch, current!.version);
    }
    const hookEvent = current && hooked ? { ctx: hookContext(ctx), resourceType: this.rt.name, id, resource: current.resource } : undefined;
    const bracket = current && watched ? d!.deleted(ctx, id, current) : undefined;
    if (hookEvent) {
      await this.p.hooks.beforeDelete(hookEvent);
    }
    await bracket?.before();
    const at = this.p.clock.nowIso();
    // the tenant's deprovisioning mode: 'soft' keeps a tombstone that a later POST restores
    const soft = ctx.deprovisioning === 'soft' ? { at } : undefined;
    const remove = async () => {
      if (!(await this.store.delete(ctx.tenantId, id, soft, eventsOf(ctx, at, 'deleted', [])))) {
        throw ScimError.notFound(`${this.rt.name} ${id} not found`);
      }
      await this.strategy.afterDelete?.(id, at, ctx);
    };
    await (this.strategy.atomically && this.strategy.afterDelete ? this.strategy.atomically(remove) : remove());
    if (hookEvent) {
      await this.p.hooks.afterDelete(hookEvent);
    }
    await bracket?.after();
  }

  /**
   * Read, change, write under the shared write policy (writeResource: 412 only for the client's
   * own If-Match). Nothing is written when the change leaves the resource as it was. A change
   * of the detached attribute alone does not rewrite the document: it is a set operation
   * (the store's events say which values changed), versioned only against the client's If-Match.
   */
  private async write(
    id: string,
    ctx: RequestContext,
    change: (current: StoredResource) => Promise<Change>,
    verb: 'replaced' | 'patched',
  ): Promise<{ stored: StoredResource; kept?: ScimJson }> {
    let kept: ScimJson | undefined;
    const { stored, hookEvent, detached } = await writeResource(this.store, ctx, id, async () => {
      const read = await this.strategy.readForWrite?.(id, ctx);
      kept = read?.kept;
      const current = read === undefined ? await this.load(id, ctx) : await this.p.found(this.rt, id, Promise.resolve(read?.stored ?? null));
      checkIfMatch(ctx.ifMatch, current.version);
      const changed = await change(current);
      const { password, detached: input } = changed;
      const resource = (await this.strategy.checkResource?.(changed.resource, current.resource, ctx)) ?? changed.resource;
      const detached: DetachedChange<U> | undefined =
        input && this.strategy.detached ? await this.strategy.detached.changed(ctx, id, resource, input) : undefined;
      const docChanged = password !== undefined || !deepEqual(resource, current.resource);
      if (!docChanged && !detached) {
        return { stored: current, hookEvent: undefined, detached };
      }
      const hookEvent =
        docChanged && this.p.hooks.wantsUpdate(current.resource, resource)
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
      await detached?.hooks?.before();
      const at = this.p.clock.nowIso();
      const operation = this.strategy.writeOperation?.(current.resource, resource, verb) ?? verb;
      const events = docChanged
        ? eventsOf(ctx, at, operation, changedAttributes(current.resource, resource, password !== undefined))
        : eventsOf(ctx, at);
      const update: ServiceUpdate<U> = docChanged
        ? {
            resource,
            lastModified: at,
            passwordHash: await this.hash(password),
            expectedVersion: current.version,
            ...(detached ? { detached: detached.value } : {}),
          }
        : {
            lastModified: at,
            expectedVersion: ctx.ifMatch !== undefined ? current.version : undefined,
            detached: detached!.value,
          };
      return { stored: await this.store.update(ctx.tenantId, id, update, events), hookEvent, detached };
    });
    if (hookEvent) {
      await this.p.hooks.afterUpdate({ ...hookEvent, after: stored.resource });
    }
    await detached?.hooks?.after();
    return { stored, kept };
  }

  /** The document without the detached attribute, and that attribute's values. */
  private split(resource: ScimJson): { doc: ScimJson; values: unknown } {
    const d = this.strategy.detached;
    if (!d) {
      return { doc: resource, values: undefined };
    }
    const { [d.name]: values, ...doc } = resource;
    return { doc, values };
  }

  private writable(verb: 'create' | 'replace' | 'patch' | 'delete'): void {
    const refused = this.strategy.refuseWrite?.(verb);
    if (refused) {
      throw refused;
    }
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

  private async renderOne(stored: StoredResource, proj: ProjectionRequest, ctx: RequestContext, fresh: boolean, kept?: ScimJson) {
    const d = this.strategy.detached;
    const loaded =
      d && wantsAttribute(proj, d.name)
        ? { ...stored, resource: { ...stored.resource, [d.name]: await d.all(ctx.tenantId, stored.id) } }
        : stored;
    const complete = await this.completer([loaded], proj, ctx, fresh, kept);
    return this.render(complete(loaded), proj, ctx);
  }

  private completer(
    items: readonly StoredResource[],
    proj: ProjectionRequest,
    ctx: RequestContext,
    fresh: boolean,
    kept?: ScimJson,
  ): Promise<(stored: StoredResource) => Rendered> {
    return this.strategy.completePage
      ? this.strategy.completePage(items, proj, ctx, fresh, kept)
      : Promise.resolve((stored) => ({ stored }));
  }

  /** `stored.resource` holds the detached values when they were read (else they are left out). */
  private render(r: Rendered, proj: ProjectionRequest, ctx: RequestContext): ScimJson {
    const d = this.strategy.detached;
    const { doc, values } = this.split(r.stored.resource);
    const detached = Array.isArray(values) && values.length ? { [d!.name]: d!.wire(values, ctx) } : {};
    const stored = d ? { ...r.stored, resource: doc } : r.stored;
    const full = toWire(stored, this.rt.name, `${ctx.baseUrl}${this.rt.endpoint}/${stored.id}`, { ...r.extra, ...detached });
    return projectResource(full, this.p.registry, this.rt, proj);
  }
}
