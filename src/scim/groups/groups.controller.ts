import { Body, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, UsePipes } from '@nestjs/common';
import { RequireScopes } from '../../auth/require-scopes.decorator';
import { ListQueryDto, ProjectionQueryDto } from '../http/list-query.dto';
import { SearchRequestDto } from '../http/search-request.dto';
import { ReqCtx } from '../http/req-ctx.decorator';
import { RequestContext } from '../http/request-context';
import { ScimController } from '../http/scim-controller.decorator';
import { ScimRes, ScimResponse, scimCreated, scimResource } from '../http/scim-reply';
import { scimValidationPipe } from '../http/scim-validation.pipe';
import { GroupsService } from './groups.service';

/**
 * RFC 7644 §3.3-§3.6 on /Groups. Resource bodies are validated by the schema core, not DTOs.
 * A handler that answers with a resource returns through scimResource/scimCreated, which set
 * its ETag and Location.
 */
@ScimController('Groups')
@UsePipes(scimValidationPipe)
export class GroupsController {
  constructor(private readonly groups: GroupsService) {}

  @Get()
  @RequireScopes('groups:read')
  list(@Query() q: ListQueryDto, @ReqCtx() ctx: RequestContext) {
    return this.groups.list(q, ctx);
  }

  /** RFC 7644 §3.4.3: the same query as GET, in a body (keeps filters out of URLs and logs). */
  @Post('.search')
  @HttpCode(200)
  @RequireScopes('groups:read')
  search(@Body() body: SearchRequestDto, @ReqCtx() ctx: RequestContext) {
    return this.groups.list(body.toListQuery(), ctx);
  }

  @Get(':id')
  @RequireScopes('groups:read')
  get(
    @Param('id') id: string,
    @Query() q: ProjectionQueryDto,
    @ReqCtx() ctx: RequestContext,
    @ScimRes() res: ScimResponse,
  ) {
    return scimResource(res, this.groups.get(id, q, ctx));
  }

  @Post()
  @HttpCode(201)
  @RequireScopes('groups:write')
  create(
    @Body() body: unknown,
    @Query() q: ProjectionQueryDto,
    @ReqCtx() ctx: RequestContext,
    @ScimRes() res: ScimResponse,
  ) {
    return scimCreated(res, this.groups.create(body, q, ctx));
  }

  @Put(':id')
  @RequireScopes('groups:write')
  replace(
    @Param('id') id: string,
    @Body() body: unknown,
    @Query() q: ProjectionQueryDto,
    @ReqCtx() ctx: RequestContext,
    @ScimRes() res: ScimResponse,
  ) {
    return scimResource(res, this.groups.replace(id, body, q, ctx));
  }

  @Patch(':id')
  @RequireScopes('groups:write')
  patch(
    @Param('id') id: string,
    @Body() body: unknown,
    @Query() q: ProjectionQueryDto,
    @ReqCtx() ctx: RequestContext,
    @ScimRes() res: ScimResponse,
  ) {
    return scimResource(res, this.groups.patch(id, body, q, ctx));
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScopes('groups:write')
  delete(@Param('id') id: string, @ReqCtx() ctx: RequestContext) {
    return this.groups.delete(id, ctx);
  }
}
