import { Controller, UseFilters, UseGuards, applyDecorators } from '@nestjs/common';
import { ScimExceptionFilter } from '../scim/http/scim-exception.filter';
import { AdminAuditGuard } from './admin-audit.guard';
import { AdminTokenGuard } from './admin-token.guard';

/**
 * An admin API controller: audit first (so refused requests are recorded
 * too), then the admin token; failures are SCIM error bodies. Attached per controller, so
 * nothing reaches a host's global pipeline, and no SCIM guard or token applies here.
 */
export function AdminController(path?: string): ClassDecorator {
  return applyDecorators(
    path === undefined ? Controller() : Controller(path),
    UseGuards(AdminAuditGuard, AdminTokenGuard),
    UseFilters(ScimExceptionFilter),
  );
}
