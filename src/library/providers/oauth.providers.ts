import { InjectionToken, Provider } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { OAuthClientService } from '../../auth/oauth/oauth-client.service';
import { SCIM_OAUTH_OPTIONS, resolveOAuthOptions } from '../../auth/oauth/oauth.options';
import { OAUTH_CLIENT_REPOSITORY } from '../../core/ports/tokens';
import { TypeOrmOAuthClientRepository } from '../../persistence/repositories/typeorm-oauth-client.repository';
import { SCIM_OPTIONS } from '../../scim/di.tokens';
import { ScimModuleOptions, ScimStaticOptions } from '../../scim/scim.options';

/** OAuth 2.0 clients of the client credentials grant and their secrets. */
export function oauthProviders(statics: ScimStaticOptions): Provider[] {
  const ds = getDataSourceToken(statics.dataSource);
  return [
    {
      provide: SCIM_OAUTH_OPTIONS,
      useFactory: (o: ScimModuleOptions) => resolveOAuthOptions(o.oauth),
      inject: [SCIM_OPTIONS],
    },
    {
      provide: OAUTH_CLIENT_REPOSITORY,
      useFactory: (d: DataSource) => new TypeOrmOAuthClientRepository(d),
      inject: [ds],
    },
    OAuthClientService,
  ];
}

export const OAUTH_EXPORTS: InjectionToken[] = [SCIM_OAUTH_OPTIONS, OAUTH_CLIENT_REPOSITORY, OAuthClientService];
