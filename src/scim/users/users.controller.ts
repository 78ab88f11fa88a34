import { Body, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, UsePipes } from '@nestjs/common';
import { RequireScopes } from '../../auth/require-scopes.decorator';
import { ListQueryDto, ProjectionQueryDto } from '../http/list-query.dto';
import { SearchRequestDto } from '../http/search-request.dto';
import { ReqCtx } from '../http/req-ctx.decorator';
import { RequestContext } from '../http/request-context';
import { ScimController } from '../http/scim-controller.decorator';
import { ScimRes, ScimResponse, scimCreated, scimResource } from '../http/scim-reply';
import { scimValidationPipe } from '../http/scim-validation.pipe';
import { UsersService } from './users.service';

/**
 * RFC 7644 §3.3-§3.6 on /Users. Resource bodies are validated by the schema core, not DTOs.
 * A handler that answers with a resource returns through scimResource/scimCreated, which set
 * its ETag and Location.
 */
@ScimController('Users')
@UsePipes(scimValidationPipe)
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @RequireScopes('users:read')
  list(@Query() q: ListQueryDto, @ReqCtx() ctx: RequestContext) {
    return this.users.list(q, ctx);
  }

  /** RFC 7644 §3.4.3: the same query as GET, in a body (keeps filters out of URLs and logs). */
  @Post('.search')
  @HttpCode(200)
  @RequireScopes('users:read')
  search(@Body() body: SearchRequestDto, @ReqCtx() ctx: RequestContext) {
    return this.users.list(body.toListQuery(), ctx);
  }

  @Get(':id')
  @RequireScopes('users:read')
  get(
    @Param('id') id: string,
    @Query() q: ProjectionQueryDto,
    @ReqCtx() ctx: RequestContext,
    @ScimRes() res: ScimResponse,
  ) {
    return scimResource(res, this.users.get(id, q, ctx));
  }

  @Post()
  @HttpCode(201)
  @RequireScopes('users:write')
  create(
    @Body() body: unknown,
    @Query() q: ProjectionQueryDto,
    @ReqCtx() ctx: RequestContext,
    @ScimRes() res: ScimResponse,
  ) {
    return scimCreated(res, this.users.create(body, q, ctx));
  }

  @Put(':id')
  @RequireScopes('users:write')
  replace(
    @Param('id') id: string,
    @Body() body: unknown,
    @Query() q: ProjectionQueryDto,
    @ReqCtx() ctx: RequestContext,
    @ScimRes() res: ScimResponse,
  ) {
    return scimResource(res, this.users.replace(id, body, q, ctx));
  }

  @Patch(':id')
  @RequireScopes('users:write')
  patch(
    @Param('id') id: string,
    @Body() body: unknown,
    @Query() q: ProjectionQueryDto,
    @ReqCtx() ctx: RequestContext,
    @ScimRes() res: ScimResponse,
  ) {
    return scimResource(res, this.users.patch(id, body, q, ctx));
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScopes('users:write')
  delete(@Param('id') id: string, @ReqCtx() ctx: RequestContext) {
    return this.users.delete(id, ctx);
  }
}
