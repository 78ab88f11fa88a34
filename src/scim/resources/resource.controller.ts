import {
  Body,
  Delete,
  Get,
  HttpCode,
  Inject,
  InjectionToken,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Type,
  UsePipes,
} from '@nestjs/common';
import { RequireScopes } from '../../auth/require-scopes.decorator';
import { Scope } from '../../core/ports/token.repository';
import { ListQueryDto, ProjectionQueryDto } from '../http/list-query.dto';
import { ReqCtx } from '../http/req-ctx.decorator';
import { RequestContext } from '../http/request-context';
import { ScimController } from '../http/scim-controller.decorator';
import { ScimRes, ScimResponse, scimCreated, scimResource, scimResult } from '../http/scim-reply';
import { scimValidationPipe } from '../http/scim-validation.pipe';
import { SearchRequestDto } from '../http/search-request.dto';
import { ScimResourceService } from './resource-service';

/** One resource type's endpoint: its path, its scopes and the service that answers it. */
export interface ResourceEndpoint {
  /** the endpoint relative to the SCIM base (RFC 7643 §6 `endpoint` without the slash) */
  readonly path: string;
  readonly readScope: Scope;
  readonly writeScope: Scope;
  readonly service: InjectionToken;
  /** the controller's class name (what Nest logs for its routes) */
  readonly name: string;
}

/**
 * The one controller shape of every resource type (RFC 7644 §3.3-§3.6): list, `.search`, get,
 * create, replace, patch, delete, each a single call of the type's service. Resource bodies
 * are validated by the schema core, not by DTOs (extension URN keys must reach it). A handler
 * that answers with a resource returns through scimResource/scimCreated, which set its ETag
 * and Location.
 */
export function resourceController(e: ResourceEndpoint): Type<unknown> {
  @ScimController(e.path)
  @UsePipes(scimValidationPipe)
  class ResourceController {
    constructor(@Inject(e.service) private readonly service: ScimResourceService) {}

    @Get()
    @RequireScopes(e.readScope)
    list(@Query() q: ListQueryDto, @ReqCtx() ctx: RequestContext) {
      return this.service.list(q, ctx);
    }

    /** RFC 7644 §3.4.3: the same query as GET, in a body (keeps filters out of URLs and logs). */
    @Post('.search')
    @HttpCode(200)
    @RequireScopes(e.readScope)
    search(@Body() body: SearchRequestDto, @ReqCtx() ctx: RequestContext) {
      return this.service.list(body.toListQuery(), ctx);
    }

    @Get(':id')
    @RequireScopes(e.readScope)
    get(
      @Param('id') id: string,
      @Query() q: ProjectionQueryDto,
      @ReqCtx() ctx: RequestContext,
      @ScimRes() res: ScimResponse,
    ) {
      return scimResult(res, this.service.get(id, q, ctx));
    }

    @Post()
    @HttpCode(201)
    @RequireScopes(e.writeScope)
    create(
      @Body() body: unknown,
      @Query() q: ProjectionQueryDto,
      @ReqCtx() ctx: RequestContext,
      @ScimRes() res: ScimResponse,
    ) {
      return scimCreated(res, this.service.create(body, q, ctx));
    }

    @Put(':id')
    @RequireScopes(e.writeScope)
    replace(
      @Param('id') id: string,
      @Body() body: unknown,
      @Query() q: ProjectionQueryDto,
      @ReqCtx() ctx: RequestContext,
      @ScimRes() res: ScimResponse,
    ) {
      return scimResource(res, this.service.replace(id, body, q, ctx));
    }

    @Patch(':id')
    @RequireScopes(e.writeScope)
    patch(
      @Param('id') id: string,
      @Body() body: unknown,
      @Query() q: ProjectionQueryDto,
      @ReqCtx() ctx: RequestContext,
      @ScimRes() res: ScimResponse,
    ) {
      return scimResult(res, this.service.patch(id, body, q, ctx));
    }

    @Delete(':id')
    @HttpCode(204)
    @RequireScopes(e.writeScope)
    delete(@Param('id') id: string, @ReqCtx() ctx: RequestContext) {
      return this.service.delete(id, ctx);
    }
  }
  Object.defineProperty(ResourceController, 'name', { value: e.name });
  return ResourceController;
}
