import { Inject, Injectable, Optional } from '@nestjs/common';
import { ScimError } from '../../core/errors/scim-error';
import { BulkStep, planBulk } from '../../core/messages/bulk.plan';
import { BULK_ID_PREFIX, replaceBulkIdRefs, stripBulkIdRefs } from '../../core/messages/bulk.refs';
import { BulkOperation, BulkRequest, parseBulkRequest } from '../../core/messages/bulk.request';
import {
  BulkOperationResult,
  BulkResponse,
  bulkResponse,
} from '../../core/messages/bulk.response';
import { Scope } from '../../core/ports/token.repository';
import { ScimJson } from '../../core/ports/resource.types';
import { UNIT_OF_WORK } from '../../core/ports/tokens';
import { UnitOfWork } from '../../core/ports/unit-of-work';
import { LifecycleHooks } from '../lifecycle/lifecycle-hooks.service';
import { GroupsService } from '../groups/groups.service';
import { DEFAULT_MAX_OPERATIONS, ScimLimits } from '../scim.options';
import { SCIM_LIMITS, SCIM_SERVED_RESOURCES } from '../di.tokens';
import type { ServedResource } from '../resources/served-types.module';
import { ProjectionQueryDto } from '../http/list-query.dto';
import { RequestContext } from '../http/request-context';
import { toScimErrorResponse } from '../http/scim-error.mapper';
import { UsersService } from '../users/users.service';
import { ResourceResult } from '../resources/resource-result';
import { ScimResourceService } from '../resources/resource-service';

/** A resource type as Bulk runs it: its service, the scope it needs, a lean projection. */
interface BulkEndpoint {
  /** the scope each operation on this endpoint needs (STYLE §9: checked per operation) */
  readonly scope: Scope;
  readonly service: ScimResourceService;
  /** what each operation's answer needs to carry (meta only) */
  readonly lean: ProjectionQueryDto;
}

/** Each operation returns only what the BulkResponse carries (meta): skip the costly joins. */
function lean(excluded: string): ProjectionQueryDto {
  return Object.assign(new ProjectionQueryDto(), { excludedAttributes: excluded });
}

/**
 * POST /Bulk (RFC 7644 §3.7): runs the operations through the resource types' services, one
 * at a time and each on its own (non-atomic across operations, atomic per operation), in the
 * order planBulk gives, resolving bulkId references (§3.7.2). Operations that reference each
 * other in a cycle (§3.7.1) run as one unit of work: that set is atomic.
 */
@Injectable()
export class BulkService {
  private readonly endpoints: ReadonlyMap<string, BulkEndpoint>;

  constructor(
    users: UsersService,
    groups: GroupsService,
    @Inject(SCIM_LIMITS) private readonly limits: ScimLimits,
    @Inject(UNIT_OF_WORK) private readonly unitOfWork: UnitOfWork,
    private readonly hooks: LifecycleHooks,
    @Optional() @Inject(SCIM_SERVED_RESOURCES) served: readonly ServedResource[] = [],
  ) {
    this.endpoints = new Map<string, BulkEndpoint>([
      ['Users', { scope: 'users:write', service: users, lean: lean('groups') }],
      ['Groups', { scope: 'groups:write', service: groups, lean: lean('members') }],
      ...served.map((s): [string, BulkEndpoint] => [
        s.path,
        { scope: s.writeScope, service: s.service, lean: new ProjectionQueryDto() },
      ]),
    ]);
  }

  get maxOperations(): number {
    return this.limits.maxOperations ?? DEFAULT_MAX_OPERATIONS;
  }

  async execute(body: unknown, ctx: RequestContext): Promise<BulkResponse> {
    const request = parseBulkRequest(body, {
      maxOperations: this.maxOperations,
      endpoints: [...this.endpoints.keys()],
    });
    const run = new BulkRun(request, ctx, this.endpoints, this.unitOfWork, this.hooks);
    return bulkResponse(await run.execute(planBulk(request.operations)));
  }
}

/** The state of one bulk request: created ids by bulkId, results, the error count. */
class BulkRun {
  /** bulkId → id of the resource its POST created */
  private readonly ids = new Map<string, string>();
  private readonly results = new Map<number, BulkOperationResult>();
  private errors = 0;

  constructor(
    private readonly request: BulkRequest,
    private readonly ctx: RequestContext,
    private readonly endpoints: ReadonlyMap<string, BulkEndpoint>,
    private readonly unitOfWork: UnitOfWork,
    private readonly hooks: LifecycleHooks,
  ) {}

  async execute(steps: readonly BulkStep[]): Promise<BulkOperationResult[]> {
    for (const step of steps) {
      if (step.circular) {
        await this.runCycle(step.ops.map((i) => this.request.operations[i]));
      } else {
        await this.runOne(this.request.operations[step.ops[0]]);
      }
      // RFC 7644 §3.7.3: stop at failOnErrors; the operations not processed are not listed
      // (a cycle is one step: its resources are completed or removed before stopping)
      if (this.request.failOnErrors !== undefined && this.errors >= this.request.failOnErrors) {
        break;
      }
    }
    return [...this.results.entries()].sort(([a], [b]) => a - b).map(([, r]) => r);
  }

  private async runOne(op: BulkOperation): Promise<void> {
    const refused = this.refusal(op);
    if (refused) {
      this.fail(op, refused);
      return;
    }
    const endpoint = this.endpoints.get(op.target!.endpoint)!;
    const unresolved = op.refs.find((r) => !this.ids.has(r));
    if (unresolved !== undefined) {
      this.fail(op, this.unresolved(unresolved));
      return;
    }
    const data = replaceBulkIdRefs(op.data, this.ids);
    const id = this.targetId(op);
    const ctx = this.contextOf(op);
    try {
      const { service, lean: proj } = endpoint;
      switch (op.method) {
        case 'POST':
          this.created(op, await service.create(data, proj, ctx));
          return;
        case 'PUT':
          this.succeeded(op, '200', await service.replace(id!, data, proj, ctx));
          return;
        case 'PATCH':
          this.answered(op, await service.patch(id!, data, proj, ctx));
          return;
        default:
          await service.delete(id!, ctx);
          this.results.set(op.index, this.success(op, '204', { location: this.locationOf(op) }));
          return;
      }
    } catch (e) {
      this.fail(op, e);
    }
  }

  /**
   * RFC 7644 §3.7.1: operations that reference each other in a cycle (all POSTs). Each
   * resource is created without its references to the cycle, then completed with a PUT of the
   * data as sent, every reference resolved: all in one unit of work, so the set commits whole
   * or not at all. A server stopped part-way keeps none of it; an operation that fails (refused,
   * or its completion refused, e.g. a group nesting cycle: the RFC's "MAY stop after a failed
   * attempt and instead return HTTP status code 409 (Conflict)") rolls the set back, reports
   * its error, and the others of the set report 409 without having changed anything.
   */
  private async runCycle(ops: readonly BulkOperation[]): Promise<void> {
    const inCycle = new Set(ops.map((op) => op.bulkId));
    for (const op of ops) {
      const outside = op.refs.find((r) => !inCycle.has(r) && !this.ids.has(r));
      const refused = this.refusal(op) ?? (outside !== undefined ? this.unresolved(outside) : undefined);
      if (refused) {
        this.failCycle(ops, op, refused);
        return;
      }
    }
    /** the operation being written, for the report when the unit of work fails */
    const step: { op?: BulkOperation; completing?: boolean } = {};
    try {
      const { value: written, release } = await this.unitOfWork.run(() =>
        this.hooks.holdingAfterHooks(async () => {
          // local state: a MySQL deadlock victim runs this again from the start
          const ids = new Map(this.ids);
          const answers = new Map<BulkOperation, ScimJson>();
          for (const op of ops) {
            Object.assign(step, { op, completing: false });
            const first = stripBulkIdRefs(op.data as ScimJson, (r) => inCycle.has(r));
            const { service, lean: proj } = this.endpoints.get(op.target!.endpoint)!;
            const res = await service.create(replaceBulkIdRefs(first, ids), proj, this.contextOf(op));
            ids.set(op.bulkId!, res.id as string);
            answers.set(op, res);
          }
          for (const op of ops) {
            Object.assign(step, { op, completing: true });
            const { service, lean: proj } = this.endpoints.get(op.target!.endpoint)!;
            // the password was set (and hashed) by the create already
            const data = withoutPassword(replaceBulkIdRefs(op.data as ScimJson, ids));
            answers.set(op, await service.replace(ids.get(op.bulkId!)!, data, proj, this.contextOf(op)));
          }
          Object.assign(step, { op: undefined, completing: false });
          return answers;
        }),
      );
      for (const [op, res] of written) {
        this.created(op, res);
      }
      await release();
    } catch (e) {
      const culprit = step.op;
      if (culprit && step.completing) {
        const { body } = toScimErrorResponse(e);
        this.failCycle(
          ops,
          culprit,
          ScimError.conflict(
            `Circular references could not be resolved (RFC 7644 §3.7.1): ${body.detail ?? ''}`,
          ),
        );
      } else {
        this.failCycle(ops, culprit, e);
      }
    }
  }

  /**
   * The whole circular set failed: `culprit` with `error`, every other operation of the set
   * with 409 (nothing of the set was kept). Without a culprit (the commit itself failed) every
   * operation reports `error`.
   */
  private failCycle(
    ops: readonly BulkOperation[],
    culprit: BulkOperation | undefined,
    error: unknown,
  ): void {
    for (const op of ops) {
      if (culprit === undefined || op === culprit) {
        this.fail(op, error);
      } else {
        this.fail(
          op,
          ScimError.conflict(
            `Not applied: Operations[${culprit.index}] failed, and operations whose bulkIds ` +
              'reference each other in a cycle are applied together or not at all (RFC 7644 §3.7.1)',
          ),
        );
      }
    }
  }

  /** Why the operation cannot run at all: its token's scope (checked first), then its envelope. */
  private refusal(op: BulkOperation): ScimError | undefined {
    const endpoint = op.target ? this.endpoints.get(op.target.endpoint) : undefined;
    if (endpoint && !this.ctx.scopes.has(endpoint.scope)) {
      return ScimError.forbidden(
        `This token lacks the scope ${endpoint.scope} ` +
          '(each bulk operation is authorized on its own)',
      );
    }
    return op.error;
  }

  private unresolved(bulkId: string): ScimError {
    return ScimError.conflict(
      `${BULK_ID_PREFIX}${bulkId} cannot be resolved: the POST operation with that bulkId ` +
        'failed (RFC 7644 §3.7.2)',
    );
  }

  /** The operation's own request context: same tenant and token, If-Match = its version. */
  private contextOf(op: BulkOperation): RequestContext {
    return { ...this.ctx, ifMatch: op.version, ifNoneMatch: undefined };
  }

  private targetId(op: BulkOperation): string | undefined {
    const id = op.target?.id;
    return id === undefined ? undefined : replaceBulkIdRefs(id, this.ids);
  }

  /** RFC 7644 §3.7.3: every result has a location except a failed POST. */
  private locationOf(op: BulkOperation): string | undefined {
    const id = this.targetId(op);
    if (!op.target || id === undefined || id.startsWith(BULK_ID_PREFIX)) {
      return undefined;
    }
    return `${this.ctx.baseUrl}/${op.target.endpoint}/${encodeURIComponent(id)}`;
  }

  private created(op: BulkOperation, res: ScimJson): void {
    this.ids.set(op.bulkId!, res.id as string);
    this.succeeded(op, '201', res);
  }

  /** A PATCH answers 200 with the resource's meta, or 204 (RFC 7644 §3.5.2) with its location. */
  private answered(op: BulkOperation, res: ResourceResult): void {
    if (res.kind === 'empty') {
      this.results.set(op.index, this.success(op, '204', { location: this.locationOf(op) }));
    } else {
      this.succeeded(op, '200', res.body);
    }
  }

  private succeeded(op: BulkOperation, status: string, res: ScimJson): void {
    const meta = res.meta as { location?: string; version?: string } | undefined;
    this.results.set(
      op.index,
      this.success(op, status, { location: meta?.location, version: meta?.version }),
    );
  }

  private success(
    op: BulkOperation,
    status: string,
    r: { location?: string; version?: string },
  ): BulkOperationResult {
    return {
      ...(r.location !== undefined ? { location: r.location } : {}),
      method: op.method,
      ...(op.bulkId !== undefined ? { bulkId: op.bulkId } : {}),
      ...(r.version !== undefined ? { version: r.version } : {}),
      status,
    };
  }

  /** A failed operation: its status and the SCIM error body as `response` (§3.7.3, §3.12). */
  private fail(op: BulkOperation, e: unknown): void {
    const { status, body } = toScimErrorResponse(e);
    const location = op.method === 'POST' ? undefined : this.locationOf(op);
    this.results.set(op.index, {
      ...(location !== undefined ? { location } : {}),
      method: op.method,
      ...(op.bulkId !== undefined ? { bulkId: op.bulkId } : {}),
      status: String(status),
      response: body,
    });
    this.errors++;
  }
}

function withoutPassword(data: ScimJson): ScimJson {
  return Object.fromEntries(Object.entries(data).filter(([k]) => k.toLowerCase() !== 'password'));
}
