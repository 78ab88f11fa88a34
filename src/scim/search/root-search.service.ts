import { Inject, Injectable, Optional } from '@nestjs/common';
import { SCIM_SERVED_RESOURCES } from '../di.tokens';
import type { ServedResource } from '../resources/served-types.module';
import { ScimError } from '../../core/errors/scim-error';
import { FilterTooExpensiveError } from '../../core/filter/filter.cost';
import { ListResponse, listResponse } from '../../core/messages/list-response';
import { Scope } from '../../core/ports/token.repository';
import { ScimJson } from '../../core/ports/resource.types';
import { GroupsService } from '../groups/groups.service';
import { ListQueryDto } from '../http/list-query.dto';
import { RequestContext } from '../http/request-context';
import { UsersService } from '../users/users.service';

interface Source {
  readonly scope: Scope;
  readonly list: (q: ListQueryDto, ctx: RequestContext) => Promise<ListResponse<ScimJson>>;
}

/**
 * POST /.search (RFC 7644 §3.4.3): one query over every resource type the token may read,
 * Users, Groups, then the other served types, paged as one list. A filter that names an attribute one type lacks matches
 * nothing of that type; it is a 400 only when no type can evaluate it.
 */
@Injectable()
export class RootSearchService {
  private readonly sources: Source[];

  constructor(
    users: UsersService,
    groups: GroupsService,
    @Optional() @Inject(SCIM_SERVED_RESOURCES) served: readonly ServedResource[] = [],
  ) {
    this.sources = [
      { scope: 'users:read', list: (q, c) => users.list(q, c) },
      { scope: 'groups:read', list: (q, c) => groups.list(q, c) },
      ...served.map((s): Source => ({ scope: s.readScope, list: (q, c) => s.service.list(q, c) })),
    ];
  }

  async search(q: ListQueryDto, ctx: RequestContext): Promise<ListResponse<ScimJson>> {
    const readable = this.sources.filter((s) => ctx.scopes.has(s.scope));
    if (!readable.length) {
      throw ScimError.forbidden('This token may read no resource type that /.search covers');
    }
    if (q.sortBy !== undefined && readable.length > 1) {
      // one order across types would need a merge of two sorted streams; say so instead
      throw ScimError.invalidValue('sortBy is not supported on the root /.search; search /Users or /Groups');
    }
    const startIndex = Math.max(1, q.startIndex ?? 1);
    const totals: number[] = [];
    let firstError: unknown;
    for (const s of readable) {
      try {
        totals.push((await s.list(withPage(q, 1, 0), ctx)).totalResults ?? 0);
      } catch (e) {
        // a type that cannot evaluate the filter is skipped; one that can, but only at too
        // high a cost, refuses the whole search
        if (!(e instanceof ScimError && e.scimType === 'invalidFilter') || e instanceof FilterTooExpensiveError) {
          throw e;
        }
        firstError ??= e;
        totals.push(-1);
      }
    }
    if (totals.every((t) => t < 0)) {
      throw firstError;
    }
    const total = totals.reduce((a, t) => a + Math.max(0, t), 0);
    let wanted = q.count === undefined ? Number.MAX_SAFE_INTEGER : Math.max(0, q.count);
    let skip = startIndex - 1;
    const resources: ScimJson[] = [];
    for (let i = 0; i < readable.length && wanted > 0; i++) {
      const n = Math.max(0, totals[i]);
      if (skip >= n) {
        skip -= n;
        continue;
      }
      const page = await readable[i].list(withPage(q, skip + 1, Math.min(wanted, n - skip)), ctx);
      resources.push(...page.Resources);
      wanted -= page.Resources.length;
      skip = 0;
    }
    return listResponse(total, startIndex, resources);
  }
}

function withPage(q: ListQueryDto, startIndex: number, count: number): ListQueryDto {
  const copy = Object.assign(new ListQueryDto(), q);
  copy.startIndex = startIndex;
  copy.count = count;
  return copy;
}
