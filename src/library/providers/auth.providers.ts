import { InjectionToken, Provider } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SCIM_AUTH_OPTIONS, ScimAuthOptions, tokenCacheTtlOf } from '../../auth/auth.options';
import { AesGcmCursorSealer } from '../../auth/cursor.sealer';
import { ScimCallers } from '../../auth/scim-caller.service';
import { ScimBearerStrategy } from '../../auth/scim-bearer.strategy';
import { TenantService } from '../../auth/tenant.service';
import { TokenService } from '../../auth/token.service';
import {
  CURSOR_SEALER,
  SCIM_AUTHENTICATOR,
  SCIM_TENANCY_RESOLVER,
  TOKEN_REPOSITORY,
} from '../../core/ports/tokens';
import { TOKEN_LOOKUP_CACHE, TokenLookupCache } from '../../persistence/repositories/token-lookup.cache';
import { TypeOrmTokenRepository } from '../../persistence/repositories/typeorm-token.repository';
import { SCIM_OPTIONS } from '../../scim/di.tokens';
import { ScimModuleOptions, ScimStaticOptions } from '../../scim/scim.options';
import { adapterProvider } from './port-binding';

/**
 * Who is calling: the module's scoped service-account tokens (stored hashed, looked up by the
 * bearer strategy), or the host's own authentication and tenancy when `auth` / `tenancy` are
 * given. ScimCallers turns either into the request's principal.
 */
export function authProviders(statics: ScimStaticOptions): Provider[] {
  const ds = getDataSourceToken(statics.dataSource);
  return [
    {
      provide: SCIM_AUTH_OPTIONS,
      useFactory: (o: ScimModuleOptions): ScimAuthOptions => ({
        tokenPepper: o.tokenPepper,
        tokenCacheTtlMs: tokenCacheTtlOf(o),
      }),
      inject: [SCIM_OPTIONS],
    },
    // one token look-up cache for tokens and tenants: a tenant's settings travel with its
    // cached tokens, so a change made through this process drops them at once
    {
      provide: TOKEN_LOOKUP_CACHE,
      useFactory: (a: ScimAuthOptions) => new TokenLookupCache(a.tokenCacheTtlMs),
      inject: [SCIM_AUTH_OPTIONS],
    },
    {
      provide: TOKEN_REPOSITORY,
      useFactory: (d: DataSource, c: TokenLookupCache) => new TypeOrmTokenRepository(d, { cache: c }),
      inject: [ds, TOKEN_LOOKUP_CACHE],
    },
    // RFC 9865 cursors: sealed with a key derived from the pepper (no setting of their own)
    {
      provide: CURSOR_SEALER,
      useFactory: (a: ScimAuthOptions) => new AesGcmCursorSealer(a.tokenPepper),
      inject: [SCIM_AUTH_OPTIONS],
    },
    TenantService,
    TokenService,
    ScimBearerStrategy,
    ...(statics.auth ? [adapterProvider(SCIM_AUTHENTICATOR, statics.auth.authenticator)] : []),
    ...(statics.tenancy ? [adapterProvider(SCIM_TENANCY_RESOLVER, statics.tenancy)] : []),
    ScimCallers,
  ];
}

export const AUTH_EXPORTS: InjectionToken[] = [
  SCIM_AUTH_OPTIONS,
  CURSOR_SEALER,
  TOKEN_REPOSITORY,
  TenantService,
  TokenService,
  ScimCallers,
];
