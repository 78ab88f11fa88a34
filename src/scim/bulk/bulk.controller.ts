import { Body, HttpCode, Post } from '@nestjs/common';
import { RequireScopes } from '../../auth/require-scopes.decorator';
import { ReqCtx } from '../http/req-ctx.decorator';
import { RequestContext } from '../http/request-context';
import { ScimController } from '../http/scim-controller.decorator';
import { BulkService } from './bulk.service';

/**
 * RFC 7644 §3.7 on /Bulk. Any valid token may call it; each operation is then authorized with
 * its own scope (users:write, groups:write). The envelope is validated by the pure core.
 */
@ScimController('Bulk')
export class BulkController {
  constructor(private readonly bulk: BulkService) {}

  @Post()
  @HttpCode(200)
  @RequireScopes()
  execute(@Body() body: unknown, @ReqCtx() ctx: RequestContext) {
    return this.bulk.execute(body, ctx);
  }
}
