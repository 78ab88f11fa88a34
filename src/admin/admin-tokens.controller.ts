import { Body, Delete, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { SCIM_SCOPES } from '../core/ports/tokens';
import { AdminController } from './admin-controller.decorator';
import { parseNewToken } from './admin-input';
import { IssuedTokenView, ListView, TokenView } from './admin.views';
import { TenantAdminService } from './tenant-admin.service';

/** Service-account (SCIM) tokens: listed and issued per tenant, revoked by id. */
@AdminController()
export class AdminTokensController {
  constructor(
    private readonly tenants: TenantAdminService,
    @Inject(SCIM_SCOPES) private readonly scopes: readonly string[],
  ) {}

  @Get('tenants/:slug/tokens')
  list(@Param('slug') slug: string): Promise<ListView<TokenView>> {
    return this.tenants.listTokens(slug);
  }

  /** the answer carries the secret `token`, this once; only its hash is stored */
  @Post('tenants/:slug/tokens')
  issue(@Param('slug') slug: string, @Body() body: unknown): Promise<IssuedTokenView> {
    return this.tenants.issueToken(slug, parseNewToken(body, this.scopes));
  }

  @Delete('tokens/:id')
  @HttpCode(204)
  revoke(@Param('id') id: string): Promise<void> {
    return this.tenants.revokeToken(id);
  }
}
