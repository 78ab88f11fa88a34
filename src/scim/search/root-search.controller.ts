import { Body, HttpCode, Post, UsePipes } from '@nestjs/common';
import { RequireScopes } from '../../auth/require-scopes.decorator';
import { ReqCtx } from '../http/req-ctx.decorator';
import { RequestContext } from '../http/request-context';
import { ScimController } from '../http/scim-controller.decorator';
import { scimValidationPipe } from '../http/scim-validation.pipe';
import { SearchRequestDto } from '../http/search-request.dto';
import { RootSearchService } from './root-search.service';

/** POST /.search at the server root (RFC 7644 §3.4.3). */
@ScimController('')
@UsePipes(scimValidationPipe)
export class RootSearchController {
  constructor(private readonly search: RootSearchService) {}

  @Post('.search')
  @HttpCode(200)
  @RequireScopes()
  run(@Body() body: SearchRequestDto, @ReqCtx() ctx: RequestContext) {
    return this.search.search(body.toListQuery(), ctx);
  }
}
