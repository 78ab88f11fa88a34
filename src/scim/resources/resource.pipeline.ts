import { Inject, Injectable, Logger } from '@nestjs/common';
import { ScimError } from '../../core/errors/scim-error';
import { parseFilter } from '../../core/filter/filter.parser';
import { DEFAULT_FILTER_BUDGET, DEFAULT_FILTER_INDEXES, FilterIndexes, checkFilterBudget } from '../../core/filter/filter.cost';
import { validateFilter } from '../../core/filter/filter.validator';
import { parsePatchRequest } from '../../core/patch/patch.request';
import { PatchOperation } from '../../core/patch/patch.types';
import { Clock } from '../../core/ports/clock';
import { IdGenerator } from '../../core/ports/id-generator';
import { StoredResource } from '../../core/ports/resource.types';
import { CLOCK, ID_GENERATOR, SCHEMA_REGISTRY } from '../../core/ports/tokens';
import { IdpProfile, filterParseOptions, profileFor } from '../../core/profile/idp-profile';
import { NormalizeResult, normalizeResource } from '../../core/resource/resource.normalizer';
import { ScimJson } from '../../core/ports/resource.types';
import { SchemaRegistry } from '../../core/schema/schema.registry';
import { ResourceTypeDefinition } from '../../core/schema/schema.types';
import { SCIM_DEFAULT_PROFILE, SCIM_LIMITS } from '../di.tokens';
import { ListPlan, planList } from '../http/list-paging';
import { ListQueryDto } from '../http/list-query.dto';
import { RequestContext } from '../http/request-context';
import { LifecycleHooks } from '../lifecycle/lifecycle-hooks.service';
import { ScimLimits } from '../scim.options';

/**
 * The steps every resource type's service takes the same way: the caller's IdP profile, a
 * request body through the schema core (POST/PUT) or the PATCH parser, a list request into a
 * validated search plan, a missing resource as 404. One place, so Users and Groups (and any
 * type after them) cannot drift apart on a protocol rule.
 */
@Injectable()
export class ResourcePipeline {
  private readonly logger = new Logger('ScimResources');

  constructor(
    @Inject(SCHEMA_REGISTRY) readonly registry: SchemaRegistry,
    @Inject(CLOCK) readonly clock: Clock,
    @Inject(ID_GENERATOR) readonly ids: IdGenerator,
    @Inject(SCIM_DEFAULT_PROFILE) private readonly defaultProfile: IdpProfile,
    @Inject(SCIM_LIMITS) private readonly limits: ScimLimits,
    readonly hooks: LifecycleHooks,
  ) {}

  /**
   * The token's (or its tenant's) IdP profile, else the server's default one, with the
   * tenant's explicit switches on top.
   */
  profileOf(ctx: RequestContext): IdpProfile {
    const profile = ctx.profile ? profileFor(ctx.profile) : this.defaultProfile;
    return ctx.switches ? { ...profile, ...ctx.switches } : profile;
  }

  /**
   * A POST or PUT body checked and canonicalised against the type's schemas (RFC 7643 §2,
   * RFC 7644 §3.3, §3.5.1); `existing` is the stored resource a PUT replaces.
   */
  normalize(
    what: string,
    body: unknown,
    rt: ResourceTypeDefinition,
    ctx: RequestContext,
    existing?: ScimJson,
  ): NormalizeResult {
    const result = normalizeResource(body, {
      registry: this.registry,
      resourceType: rt,
      profile: this.profileOf(ctx),
      ...(existing ? { existing } : {}),
    });
    this.logIgnored(what, result.ignored);
    return result;
  }

  /** A PatchOp message (RFC 7644 §3.5.2) parsed under the caller's profile. */
  parsePatch(body: unknown, ctx: RequestContext): { ops: PatchOperation[]; profile: IdpProfile } {
    const profile = this.profileOf(ctx);
    return { ops: parsePatchRequest(body, profile), profile };
  }

  /**
   * A list or .search request (RFC 7644 §3.4.2, §3.4.3) as a store query: the filter parsed and
   * resolved against the type's schemas, the page by index or by cursor (RFC 9865, sealed for
   * the caller's tenant). A filter over the budget is 400 invalidFilter before the store sees
   * it; `indexes`: what the store filters on with an index (its `filterIndexes`).
   */
  planSearch(
    q: ListQueryDto,
    rt: ResourceTypeDefinition,
    ctx: RequestContext,
    indexes: FilterIndexes = DEFAULT_FILTER_INDEXES,
  ): ListPlan {
    const parse = (text: string) => parseFilter(text, filterParseOptions(this.profileOf(ctx)));
    const filter =
      q.filter !== undefined && q.filter.trim() !== ''
        ? validateFilter(parse(q.filter), this.registry, rt)
        : undefined;
    if (filter) {
      checkFilterBudget(
        filter,
        { registry: this.registry, resourceType: rt, indexes },
        this.limits.filterBudget ?? DEFAULT_FILTER_BUDGET,
      );
    }
    const plan = planList(q, filter, this.limits.maxResults, ctx.cursors);
    // the search stops when its client goes away (the store drops or kills its statements)
    return ctx.signal ? { ...plan, query: { ...plan.query, signal: ctx.signal } } : plan;
  }

  /** The resource, or 404 (RFC 7644 §3.12) when the tenant has none with this id. */
  async found(
    rt: ResourceTypeDefinition,
    id: string,
    read: Promise<StoredResource | null>,
  ): Promise<StoredResource> {
    const stored = await read;
    if (!stored) {
      throw ScimError.notFound(`${rt.name} ${id} not found`);
    }
    return stored;
  }

  /** What the schema core dropped under a lenient profile, for whoever debugs a client. */
  logIgnored(what: string, ignored: readonly string[]): void {
    if (ignored.length) {
      this.logger.debug(`${what}: ignored ${ignored.join(', ')}`);
    }
  }
}
