import { applyDecorators, Controller, UseFilters, UseGuards } from '@nestjs/common';
import { RateLimitGuard } from '../../audit/rate-limit.guard';
import { RequestAuditGuard } from '../../audit/request-audit.guard';
import { ScimAuthGuard } from '../../auth/scim-auth.guard';
import { ScopesGuard } from '../../auth/scopes.guard';
import { ScimExceptionFilter } from './scim-exception.filter';
import { ScimRequestGuard } from './scim-request.guard';

/**
 * A SCIM controller: its guards and the SCIM error filter, attached per controller so nothing
 * leaks into a host application's global pipeline.
 * RequestAuditGuard comes first (request id, audit entry even for a 401),
 * RateLimitGuard right after the token guard (a 403 still counts against the token).
 * ScimRequestGuard comes last (RequestContext, Content-Type, the Express body) and
 * there is no interceptor: Nest's interceptor machinery (rxjs, two AsyncResource.bind per
 * request) cost a third of a discovery request's CPU. Handlers set ETag/Location through
 * `scim-reply.ts`; EmptyResponse (204/304) is written by ScimExceptionFilter.
 */
export function ScimController(path: string): ClassDecorator {
  return applyDecorators(
    Controller(path),
    UseGuards(RequestAuditGuard, ScimAuthGuard, RateLimitGuard, ScopesGuard, ScimRequestGuard),
    UseFilters(ScimExceptionFilter),
  );
}
