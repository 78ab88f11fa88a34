import { Inject, Injectable } from '@nestjs/common';
import { OAuthClientService } from '../auth/oauth/oauth-client.service';
import { Clock } from '../core/ports/clock';
import { CLOCK } from '../core/ports/tokens';
import { NewOAuthClient, OAuthClientChanges } from '../auth/oauth/oauth-client.service';
import { ListView } from './admin.views';
import {
  CreatedOAuthClientView,
  IssuedClientSecretView,
  OAuthClientView,
  issuedSecretView,
  oauthClientView,
  secretView,
} from './oauth-admin.views';

/**
 * OAuth clients and their secrets as operators manage them, for the admin API and the CLI
 * alike: OAuthClientService checks and writes, this service shapes what is shown.
 */
@Injectable()
export class OAuthClientAdminService {
  constructor(
    private readonly clients: OAuthClientService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async list(slug?: string): Promise<ListView<OAuthClientView>> {
    return { items: (await this.clients.listClients(slug)).map((c) => oauthClientView(c)) };
  }

  async create(slug: string, cmd: NewOAuthClient): Promise<CreatedOAuthClientView> {
    const { client, secret } = await this.clients.createClient(slug, cmd);
    const now = this.clock.nowIso();
    return {
      ...oauthClientView(client, secret ? [secretView(secret.record, now)] : []),
      ...(secret ? { clientSecret: issuedSecretView(secret, now) } : {}),
    };
  }

  async get(clientId: string): Promise<OAuthClientView> {
    const client = await this.clients.getClient(clientId);
    const now = this.clock.nowIso();
    const secrets = await this.clients.listSecrets(client.id);
    return oauthClientView(client, secrets.map((s) => secretView(s, now)));
  }

  async update(clientId: string, changes: OAuthClientChanges): Promise<OAuthClientView> {
    await this.clients.updateClient(clientId, changes);
    return this.get(clientId);
  }

  async addSecret(clientId: string, expiresInDays?: number): Promise<IssuedClientSecretView> {
    return issuedSecretView(await this.clients.addSecret(clientId, expiresInDays), this.clock.nowIso());
  }

  revokeSecret(clientId: string, secretId: string): Promise<void> {
    return this.clients.revokeSecret(clientId, secretId);
  }
}
