import { Body, HttpCode, Post } from '@nestjs/common';
import { RequireScopes } from '../../auth/require-scopes.decorator';
import { ScimError } from '../core/errors/scim-error';
import { ReqCtx } from '../shared/req-ctx.decorator';
import { RequestContext } from '../shared/request-context';
import { ScimController } from '../shared/scim-controller.decorator';
import { scimValidationPipe } from '../shared/scim-validation.pipe';
import { SearchRequestDto } from '../shared/search-request.dto';
import { UsersService } from '../users/users.service';
import { UsePipes } from '@nestjs/common';

/**
 * POST /.search at the server root (RFC 7644 §3.4.3): searches every resource type the token
 * may read. Users are the only resource type served so far, so this is the Users search with
 * `meta.resourceType` telling the type of each result.
 */
@ScimController('')
@UsePipes(scimValidationPipe)
export class RootSearchController {
  constructor(private readonly users: UsersService) {}

  @Post('.search')
  @HttpCode(200)
  @RequireScopes()
  search(@Body() body: SearchRequestDto, @ReqCtx() ctx: RequestContext) {
    if (!ctx.scopes.has('users:read')) {
      throw ScimError.forbidden('This token may read no resource type that /.search covers');
    }
    return this.users.list(body.toListQuery(), ctx);
  }
}

