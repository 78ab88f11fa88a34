import { applyDecorators, Controller, UseFilters, UseGuards, UseInterceptors } from '@nestjs/common';
import { ScimAuthGuard } from '../../auth/scim-auth.guard';
import { ScopesGuard } from '../../auth/scopes.guard';
import { ScimExceptionFilter } from './scim-exception.filter';
import { ScimResponseInterceptor } from './scim-response.interceptor';

/**
 * A SCIM controller: token guard, scope guard, SCIM error filter and response interceptor,
 * attached per controller so nothing leaks into a host application's global pipeline.
 */
export function ScimController(path: string): ClassDecorator {
  return applyDecorators(
    Controller(path),
    UseGuards(ScimAuthGuard, ScopesGuard),
    UseFilters(ScimExceptionFilter),
    UseInterceptors(ScimResponseInterceptor),
  );
}
