import { InjectionToken, Provider } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AccessTokenService } from '../../auth/oauth/access-token.service';
import { OAuthClientService } from '../../auth/oauth/oauth-client.service';
import { SigningKeyService } from '../../auth/oauth/signing-key.service';
import { SCIM_OAUTH_OPTIONS, resolveOAuthOptions } from '../../auth/oauth/oauth.options';
import { OAUTH_CLIENT_REPOSITORY, SIGNING_KEY_REPOSITORY } from '../../core/ports/tokens';
import { ASSERTION_JTI_REPOSITORY, CLIENT_ASSERTIONS } from '../../core/ports/client-assertion';
import { ClientAssertionVerifier } from '../../auth/oauth/client-assertion.verifier';
import { TypeOrmAssertionJtiRepository } from '../../persistence/repositories/typeorm-assertion-jti.repository';
import { TypeOrmOAuthClientRepository } from '../../persistence/repositories/typeorm-oauth-client.repository';
import { TypeOrmSigningKeyRepository } from '../../persistence/repositories/typeorm-signing-key.repository';
import { LookupCache, OAUTH_CLIENT_CACHE } from '../../persistence/repositories/token-lookup.cache';
import { ResolvedOAuthOptions } from '../../auth/oauth/oauth.options';
import { OAuthClientState } from '../../core/ports/oauth-client.repository';
import { OAuthPrincipals } from '../../auth/oauth/oauth-principals.service';
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
    // the client states behind access tokens, kept clientCacheTtlMs; shared with the tenant
    // repository, which drops a tenant's when its settings change
    {
      provide: OAUTH_CLIENT_CACHE,
      useFactory: (o: ResolvedOAuthOptions) => new LookupCache<OAuthClientState>(o.clientCacheTtlMs),
      inject: [SCIM_OAUTH_OPTIONS],
    },
    {
      provide: OAUTH_CLIENT_REPOSITORY,
      useFactory: (d: DataSource, c: LookupCache<OAuthClientState>) => new TypeOrmOAuthClientRepository(d, c),
      inject: [ds, OAUTH_CLIENT_CACHE],
    },
    {
      provide: SIGNING_KEY_REPOSITORY,
      useFactory: (d: DataSource) => new TypeOrmSigningKeyRepository(d),
      inject: [ds],
    },
    {
      provide: ASSERTION_JTI_REPOSITORY,
      useFactory: (d: DataSource) => new TypeOrmAssertionJtiRepository(d),
      inject: [ds],
    },
    // private_key_jwt client authentication (RFC 7523 §2.2)
    { provide: CLIENT_ASSERTIONS, useClass: ClientAssertionVerifier },
    OAuthClientService,
    SigningKeyService,
    AccessTokenService,
    OAuthPrincipals,
  ];
}

export const OAUTH_EXPORTS: InjectionToken[] = [
  SCIM_OAUTH_OPTIONS,
  OAUTH_CLIENT_REPOSITORY,
  SIGNING_KEY_REPOSITORY,
  OAuthClientService,
  SigningKeyService,
  AccessTokenService,
  OAuthPrincipals,
  CLIENT_ASSERTIONS,
];
