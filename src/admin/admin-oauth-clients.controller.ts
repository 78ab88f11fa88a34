import { Body, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
} from '@nestjs/swagger';
import { SigningKeyService, SigningKeyView } from '../auth/oauth/signing-key.service';
import { AdminController, AdminRefusals } from './admin-controller.decorator';
import { ListView, listOf } from './admin.views';
import {
  NewClientSecretDto,
  NewOAuthClientDto,
  OAuthClientChangesDto,
} from './oauth-client-input.dto';
import {
  CreatedOAuthClientView,
  IssuedClientSecretView,
  OAuthClientView,
  OAuthSigningKeyView,
} from './oauth-admin.views';
import { OAuthClientAdminService } from './oauth-client-admin.service';

/**
 * OAuth 2.0 clients (client credentials grant, docs/oauth.md): listed and created per tenant,
 * changed, disabled and given secrets by client_id; the access-token signing keys listed and
 * rotated. A secret is in the answer that creates it,
 * this once; only its hash is stored.
 */
const SigningKeyList = listOf(OAuthSigningKeyView, 'SigningKeyList');

@AdminController(undefined, 'oauth-clients')
export class AdminOAuthClientsController {
  constructor(
    private readonly clients: OAuthClientAdminService,
    private readonly keys: SigningKeyService,
  ) {}

  @Get('tenants/:slug/oauth-clients')
  @ApiOperation({ summary: "List the tenant's OAuth clients" })
  @ApiOkResponse({ type: listOf(OAuthClientView), description: 'The clients' })
  @AdminRefusals(404)
  list(@Param('slug') slug: string): Promise<ListView<OAuthClientView>> {
    return this.clients.list(slug);
  }

  @Post('tenants/:slug/oauth-clients')
  @ApiOperation({ summary: 'Create a client: the answer carries its first secret, this once' })
  @ApiCreatedResponse({
    type: CreatedOAuthClientView,
    description: 'The client, and its first secret',
  })
  @AdminRefusals(400, 404)
  create(
    @Param('slug') slug: string,
    @Body() body: NewOAuthClientDto,
  ): Promise<CreatedOAuthClientView> {
    return this.clients.create(slug, body.toCommand());
  }

  @Get('oauth-clients/:clientId')
  @ApiOperation({ summary: 'Read a client with its secrets (their prefixes and states)' })
  @ApiOkResponse({ type: OAuthClientView, description: 'The client and its secrets' })
  @AdminRefusals(404)
  get(@Param('clientId') clientId: string): Promise<OAuthClientView> {
    return this.clients.get(clientId);
  }

  @Patch('oauth-clients/:clientId')
  @ApiOperation({
    summary: 'Rename, rescope, disable or enable a client; set or remove its public keys',
  })
  @ApiOkResponse({ type: OAuthClientView, description: 'The client as changed, and its secrets' })
  @AdminRefusals(400, 404)
  update(
    @Param('clientId') clientId: string,
    @Body() body: OAuthClientChangesDto,
  ): Promise<OAuthClientView> {
    return this.clients.update(clientId, body.toChanges());
  }

  @Post('oauth-clients/:clientId/secrets')
  @ApiOperation({ summary: 'Add a secret (rotation): the answer carries it, this once' })
  @ApiBody({ type: NewClientSecretDto, required: false })
  @ApiCreatedResponse({ type: IssuedClientSecretView, description: 'The secret, shown this once' })
  @AdminRefusals(400, 404, 409)
  addSecret(
    @Param('clientId') clientId: string,
    @Body() body: NewClientSecretDto,
  ): Promise<IssuedClientSecretView> {
    return this.clients.addSecret(clientId, body.expiresInDays ?? undefined);
  }

  /** the keys that sign access tokens, and those still verifying the tokens they signed */
  @Get('oauth/signing-keys')
  @ApiOperation({
    summary: 'The keys that sign access tokens, and those still verifying the tokens they signed',
  })
  @ApiOkResponse({ type: SigningKeyList, description: 'The signing key and the verifying ones' })
  async signingKeys(): Promise<ListView<SigningKeyView>> {
    return { items: await this.keys.list() };
  }

  /** a new signing key now; the previous one verifies until its tokens have expired */
  @Post('oauth/signing-keys/rotate')
  @ApiOperation({
    summary: 'A new signing key now; the previous one verifies until its tokens have expired',
  })
  @ApiCreatedResponse({ type: SigningKeyList, description: 'The keys after the rotation' })
  async rotateSigningKey(): Promise<ListView<SigningKeyView>> {
    await this.keys.rotate();
    return { items: await this.keys.list() };
  }

  @Delete('oauth-clients/:clientId/secrets/:secretId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a secret' })
  @ApiNoContentResponse({ description: 'Revoked' })
  @AdminRefusals(404)
  revokeSecret(
    @Param('clientId') clientId: string,
    @Param('secretId') secretId: string,
  ): Promise<void> {
    return this.clients.revokeSecret(clientId, secretId);
  }
}
