import { InjectionToken, Provider } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AccessTokenService } from '../../auth/oauth/access-token.service';
import { OAuthClientService } from '../../auth/oauth/oauth-client.service';
import { SigningKeyService } from '../../auth/oauth/signing-key.service';
import { SCIM_OAUTH_OPTIONS, resolveOAuthOptions } from '../../auth/oauth/oauth.options';
import { OAUTH_CLIENT_REPOSITORY, SIGNING_KEY_REPOSITORY } from '../../core/ports/tokens';
import { TypeOrmOAuthClientRepository } from '../../persistence/repositories/typeorm-oauth-client.repository';
import { TypeOrmSigningKeyRepository } from '../../persistence/repositories/typeorm-signing-key.repository';
import { SCIM_OPTIONS } from '../../scim/di.tokens';
import { ScimModuleOptions, ScimStaticOptions } from '../../scim/scim.options';

/**
 * The OAuth 2.0 client credentials grant: clients and their secrets, the keys that sign access
 * tokens (sealed at rest), and the access tokens themselves (RFC 9068).
 */
export function oauthProviders(statics: ScimStaticOptions): Provider[] {
  const ds = getDataSourceToken(statics.dataSource);
  return [
    {
      provide: SCIM_OAUTH_OPTIONS,
      useFactory: (o: ScimModuleOptions) => resolveOAuthOptions(o.oauth, o.tokenPepper),
      inject: [SCIM_OPTIONS],
    },
    {
      provide: OAUTH_CLIENT_REPOSITORY,
      useFactory: (d: DataSource) => new TypeOrmOAuthClientRepository(d),
      inject: [ds],
    },
    {
      provide: SIGNING_KEY_REPOSITORY,
      useFactory: (d: DataSource) => new TypeOrmSigningKeyRepository(d),
      inject: [ds],
    },
    OAuthClientService,
    SigningKeyService,
    AccessTokenService,
  ];
}

export const OAUTH_EXPORTS: InjectionToken[] = [
  SCIM_OAUTH_OPTIONS,
  OAUTH_CLIENT_REPOSITORY,
  SIGNING_KEY_REPOSITORY,
  OAuthClientService,
  SigningKeyService,
  AccessTokenService,
];
