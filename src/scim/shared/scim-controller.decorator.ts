import { applyDecorators, Controller, UseFilters, UseGuards, UseInterceptors } from '@nestjs/common';
import { RateLimitGuard } from '../../audit/rate-limit.guard';
import { RequestAuditGuard } from '../../audit/request-audit.guard';
import { ScimAuthGuard } from '../../auth/scim-auth.guard';
import { ScopesGuard } from '../../auth/scopes.guard';
import { ScimExceptionFilter } from './scim-exception.filter';
import { ScimResponseInterceptor } from './scim-response.interceptor';

/**
 * A SCIM controller: token guard, scope guard, SCIM error filter and response interceptor,
 * attached per controller so nothing leaks into a host application's global pipeline.
 * Issue #6: RequestAuditGuard comes first (request id, audit entry even for a 401),
 * RateLimitGuard right after the token guard (a 403 still counts against the token).
 */
export function ScimController(path: string): ClassDecorator {
  return applyDecorators(
    Controller(path),
    UseGuards(RequestAuditGuard, ScimAuthGuard, RateLimitGuard, ScopesGuard),
    UseFilters(ScimExceptionFilter),
    UseInterceptors(ScimResponseInterceptor),
  );
}
