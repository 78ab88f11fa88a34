import { Body, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { SigningKeyService, SigningKeyView } from '../auth/oauth/signing-key.service';
import { AdminController } from './admin-controller.decorator';
import { ListView } from './admin.views';
import { parseNewOAuthClient, parseNewSecret, parseOAuthClientChanges } from './oauth-admin-input';
import {
  CreatedOAuthClientView,
  IssuedClientSecretView,
  OAuthClientView,
} from './oauth-admin.views';
import { OAuthClientAdminService } from './oauth-client-admin.service';

/**
 * OAuth 2.0 clients (client credentials grant, docs/oauth.md): listed and created per tenant,
 * changed, disabled and given secrets by client_id; the access-token signing keys listed and
 * rotated. A secret is in the answer that creates it,
 * this once; only its hash is stored.
 */
@AdminController()
export class AdminOAuthClientsController {
  constructor(
    private readonly clients: OAuthClientAdminService,
    private readonly keys: SigningKeyService,
  ) {}

  @Get('tenants/:slug/oauth-clients')
  list(@Param('slug') slug: string): Promise<ListView<OAuthClientView>> {
    return this.clients.list(slug);
  }

  @Post('tenants/:slug/oauth-clients')
  create(@Param('slug') slug: string, @Body() body: unknown): Promise<CreatedOAuthClientView> {
    return this.clients.create(slug, parseNewOAuthClient(body));
  }

  @Get('oauth-clients/:clientId')
  get(@Param('clientId') clientId: string): Promise<OAuthClientView> {
    return this.clients.get(clientId);
  }

  @Patch('oauth-clients/:clientId')
  update(@Param('clientId') clientId: string, @Body() body: unknown): Promise<OAuthClientView> {
    return this.clients.update(clientId, parseOAuthClientChanges(body));
  }

  @Post('oauth-clients/:clientId/secrets')
  addSecret(@Param('clientId') clientId: string, @Body() body: unknown): Promise<IssuedClientSecretView> {
    return this.clients.addSecret(clientId, parseNewSecret(body));
  }

  /** the keys that sign access tokens, and those still verifying the tokens they signed */
  @Get('oauth/signing-keys')
  async signingKeys(): Promise<ListView<SigningKeyView>> {
    return { items: await this.keys.list() };
  }

  /** a new signing key now; the previous one verifies until its tokens have expired */
  @Post('oauth/signing-keys/rotate')
  async rotateSigningKey(): Promise<ListView<SigningKeyView>> {
    await this.keys.rotate();
    return { items: await this.keys.list() };
  }

  @Delete('oauth-clients/:clientId/secrets/:secretId')
  @HttpCode(204)
  revokeSecret(@Param('clientId') clientId: string, @Param('secretId') secretId: string): Promise<void> {
    return this.clients.revokeSecret(clientId, secretId);
  }
}
