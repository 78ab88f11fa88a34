import { Body, Delete, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
} from '@nestjs/swagger';
import { SCIM_SCOPES } from '../core/ports/tokens';
import { AdminController, AdminRefusals } from './admin-controller.decorator';
import { NewTokenDto } from './admin-input.dto';
import { IssuedTokenView, ListView, TokenView, listOf } from './admin.views';
import { TenantAdminService } from './tenant-admin.service';

/** Service-account (SCIM) tokens: listed and issued per tenant, revoked by id. */
@AdminController(undefined, 'tokens')
export class AdminTokensController {
  constructor(
    private readonly tenants: TenantAdminService,
    @Inject(SCIM_SCOPES) private readonly scopes: readonly string[],
  ) {}

  @Get('tenants/:slug/tokens')
  @ApiOperation({
    summary: "List the tenant's service-account (SCIM) tokens, without their secrets",
  })
  @ApiOkResponse({ type: listOf(TokenView), description: 'The tokens' })
  @AdminRefusals(404)
  list(@Param('slug') slug: string): Promise<ListView<TokenView>> {
    return this.tenants.listTokens(slug);
  }

  /** the answer carries the secret `token`, this once; only its hash is stored */
  @Post('tenants/:slug/tokens')
  @ApiOperation({
    summary:
      'Issue a SCIM token: the answer carries the secret, this once (only its hash is stored)',
  })
  @ApiCreatedResponse({
    type: IssuedTokenView,
    description: 'The token, with its secret this once',
  })
  @AdminRefusals(400, 404)
  issue(@Param('slug') slug: string, @Body() body: NewTokenDto): Promise<IssuedTokenView> {
    return this.tenants.issueToken(slug, body.toCommand(this.scopes));
  }

  @Delete('tokens/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a token from its next request on, on every instance' })
  @ApiNoContentResponse({ description: 'Revoked' })
  @AdminRefusals(404)
  revoke(@Param('id') id: string): Promise<void> {
    return this.tenants.revokeToken(id);
  }
}
