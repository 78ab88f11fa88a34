import { Controller, UseFilters, UseGuards, UsePipes, applyDecorators } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtraModels,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { SCIM_ERROR_SCHEMA } from '../core/errors/scim-error';
import { ScimExceptionFilter } from '../scim/http/scim-exception.filter';
import { AdminAuditGuard } from './admin-audit.guard';
import { adminInputPipe } from './admin-input.pipe';
import { AdminTokenGuard } from './admin-token.guard';

/** the security scheme of the admin API's document: the admin bearer token */
export const ADMIN_SECURITY_SCHEME = 'adminToken';

/** Every admin API error: a SCIM error body (RFC 7644 §3.12), as on the SCIM API. */
export class AdminErrorView {
  @ApiProperty({ type: 'string', isArray: true, example: [SCIM_ERROR_SCHEMA] })
  readonly schemas!: string[];
  @ApiProperty({ type: 'string', description: 'the HTTP status, as a string', example: '400' })
  readonly status!: string;
  @ApiPropertyOptional({ type: 'string', example: 'invalidValue' })
  readonly scimType?: string;
  @ApiPropertyOptional({
    type: 'string',
    description: 'what is wrong; for bad input, which field and why',
  })
  readonly detail?: string;
}

const REFUSALS = {
  400: 'Bad input: the detail names the field and says why (scimType invalidValue)',
  401: 'No valid admin bearer token',
  404: 'No such tenant, token, event, client, entry or mapping (every route: the admin API is off)',
  409: 'The request conflicts with the current state (the detail says how)',
} as const;

/** The refusals an admin API operation may answer with, each a SCIM error body. */
export function AdminRefusals(
  ...statuses: (keyof typeof REFUSALS)[]
): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: REFUSALS[status],
        content: { 'application/scim+json': { schema: { $ref: getSchemaPath(AdminErrorView) } } },
        ...(status === 401
          ? {
              headers: {
                'WWW-Authenticate': {
                  description: 'Bearer realm="scim-admin"',
                  schema: { type: 'string' },
                },
              },
            }
          : {}),
      }),
    ),
  );
}

/**
 * An admin API controller: audit first (so refused requests are recorded
 * too), then the admin token; bodies and queries typed with @AdminInput DTOs are checked by
 * AdminInputPipe; failures are SCIM error bodies. Attached per controller, so nothing reaches a
 * host's global pipeline, and no SCIM guard, pipe or token applies here. `tag` groups the
 * controller's operations in the OpenAPI document.
 */
export function AdminController(path: string | undefined, tag: string): ClassDecorator {
  return applyDecorators(
    path === undefined ? Controller() : Controller(path),
    UseGuards(AdminAuditGuard, AdminTokenGuard),
    UsePipes(adminInputPipe),
    UseFilters(ScimExceptionFilter),
    ApiTags(tag),
    ApiBearerAuth(ADMIN_SECURITY_SCHEME),
    ApiExtraModels(AdminErrorView),
    AdminRefusals(401),
  );
}
