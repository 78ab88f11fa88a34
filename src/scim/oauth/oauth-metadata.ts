import { Controller, Get, Inject, Module, Optional, Req, Type, UseFilters } from '@nestjs/common';
import { CLIENT_ASSERTIONS, ClientAssertionCheck } from '../../core/ports/client-assertion';
import { SCIM_SCOPES } from '../../core/ports/tokens';
import { ScimHttpRequest } from '../http/base-url';
import { OAuthExceptionFilter } from './oauth-exception.filter';
import { OAuthModule } from './oauth.module';
import { TokenEndpointService } from './token-endpoint.service';
import { ASSERTION_ALGORITHMS } from '../../auth/oauth/client-assertion.verifier';


/**
 * RFC 8414 authorization server metadata, served at the server root: at
 * `/.well-known/oauth-authorization-server` and, for an issuer with a path (the SCIM base), at
 * that path inserted after it (RFC 8414 §3.1). Built per SCIM prefix, as the path is.
 */
export function oauthMetadataModule(scimPath: string): Type {
  const inserted = `.well-known/oauth-authorization-server/${scimPath.replace(/^\/+|\/+$/g, '')}`;

  @Controller()
  @UseFilters(OAuthExceptionFilter)
  class OAuthMetadataController {
    constructor(
      private readonly endpoint: TokenEndpointService,
      @Inject(SCIM_SCOPES) private readonly scopes: readonly string[],
      @Optional() @Inject(CLIENT_ASSERTIONS) private readonly assertions?: ClientAssertionCheck,
    ) {}

    @Get(['.well-known/oauth-authorization-server', inserted])
    metadata(@Req() req: ScimHttpRequest) {
      // the issuer is the SCIM base below whatever prefix the host mounts the root under
      const path = (req.originalUrl ?? req.url).split('?')[0];
      const root = path.slice(0, Math.max(0, path.indexOf('/.well-known/')));
      const issuer = this.endpoint.issuerFor({
        headers: req.headers,
        protocol: req.protocol,
        url: `${root}/${scimPath.replace(/^\/+|\/+$/g, '')}`,
      });
      return {
        issuer,
        token_endpoint: `${issuer}/oauth/token`,
        jwks_uri: `${issuer}/oauth/jwks`,
        grant_types_supported: ['client_credentials'],
        // no authorization endpoint: the client credentials grant uses none
        response_types_supported: [],
        token_endpoint_auth_methods_supported: [
          'client_secret_basic',
          'client_secret_post',
          ...(this.assertions ? ['private_key_jwt'] : []),
        ],
        ...(this.assertions ? { token_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGORITHMS } : {}),
        scopes_supported: [...this.scopes],
      };
    }
  }

  @Module({ imports: [OAuthModule], controllers: [OAuthMetadataController] })
  class OAuthMetadataModule {}
  return OAuthMetadataModule;
}
