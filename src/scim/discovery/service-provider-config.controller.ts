import { Get, Inject, Query, Req } from '@nestjs/common';
import { PublicEndpoint } from '../../auth/require-scopes.decorator';
import { OAuthPrincipals } from '../../auth/oauth/oauth-principals.service';
import { ScimCallers } from '../../auth/scim-caller.service';
import { ScimPrincipal, TokenService } from '../../auth/token.service';
import { ScimAuthRequest } from '../../core/ports/authenticator';
import { profileFor } from '../../core/profile/idp-profile';
import { chooseProfile } from '../../core/profile/profile-auto';
import { refuseDiscoveryFilter } from './discovery.util';
import { DEFAULT_MAX_OPERATIONS, ScimLimits, ScimStaticOptions, servedResourceTypes } from '../scim.options';
import { rolesAndEntitlementsConfig } from '../catalogue/catalogue-types';
import { SCIM_LIMITS, SCIM_STATIC_OPTIONS } from '../di.tokens';
import { ScimController } from '../http/scim-controller.decorator';
import { ScimHttpRequest, header, scimBaseUrl } from '../http/base-url';

/**
 * GET /ServiceProviderConfig (RFC 7643 §5). Truthful: a feature is advertised only when it
 * works end to end. The endpoint needs no token (RFC 7644 §4); a request that carries a valid
 * one gets its tenant's view: a tenant whose profile switches say `omitSpcPagination` does not
 * see RFC 9865's `pagination` block (docs/idp/profiles.md), and a caller under the `interop`
 * profile sees `interopProfileConformant: true`. A missing or invalid token is never an error
 * here.
 */
@ScimController('ServiceProviderConfig')
@PublicEndpoint()
export class ServiceProviderConfigController {
  constructor(
    @Inject(SCIM_LIMITS) private readonly limits: ScimLimits,
    @Inject(SCIM_STATIC_OPTIONS) private readonly options: ScimStaticOptions,
    private readonly tokens: TokenService,
    private readonly oauth: OAuthPrincipals,
    private readonly callers: ScimCallers,
  ) {}

  @Get()
  async get(@Query('filter') filter: string | undefined, @Req() req: ScimHttpRequest) {
    refuseDiscoveryFilter(filter);
    const caller = await this.callerOf(req);
    const chosen = caller && chooseProfile(caller.profile, { userAgent: header(req, 'user-agent') });
    const omitPagination = chosen ? profileFor(chosen.profile, caller.switches).omitSpcPagination : false;
    const { pagination, meta, ...config } = this.config(req);
    return {
      ...config,
      ...(omitPagination ? {} : { pagination }),
      // draft-zollner-scim-interop-profile §4: claimed only to callers under the interop profile,
      // whose requests get every refusal the profile asks of a service provider
      ...(chosen?.profile === 'interop' ? { interopProfileConformant: true } : {}),
      meta,
    };
  }

  /** The caller a request's credentials name, or undefined (none, invalid, tenant switched off). */
  private async callerOf(req: ScimHttpRequest): Promise<ScimPrincipal | undefined> {
    let principal: ScimPrincipal | null = null;
    try {
      if (this.callers.hostAuthenticates) {
        principal = await this.callers.authenticate(req as unknown as ScimAuthRequest);
      } else {
        const auth = header(req, 'authorization');
        const token = auth && /^bearer\s+(\S+)\s*$/i.exec(auth)?.[1];
        // as the SCIM guard reads it: a JWT is an OAuth access token, else a static token
        principal = !token
          ? null
          : OAuthPrincipals.isJwt(token)
            ? await this.oauth.verify(token)
            : await this.tokens.verify(token);
      }
    } catch {
      return undefined; // discovery answers anyway: the RFC's view
    }
    return principal && !principal.tenantDisabled ? principal : undefined;
  }

  private config(req: ScimHttpRequest) {
    return {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
      documentationUri: 'https://datatracker.ietf.org/doc/html/rfc7644',
      patch: { supported: true },
      bulk: {
        supported: true,
        maxOperations: this.limits.maxOperations ?? DEFAULT_MAX_OPERATIONS,
        maxPayloadSize: this.limits.maxPayloadSize,
      },
      filter: { supported: true, maxResults: this.limits.maxResults },
      changePassword: { supported: true },
      sort: { supported: true },
      etag: { supported: true },
      // draft-ietf-scim-roles-entitlements §3.1, when catalogue types are served
      ...rolesAndEntitlementsConfig(servedResourceTypes(this.options)),
      // RFC 9865 §4: both paging methods; cursors are keyset positions and do not expire
      pagination: {
        cursor: true,
        index: true,
        defaultPaginationMethod: 'index',
        defaultPageSize: this.limits.maxResults,
        maxPageSize: this.limits.maxResults,
      },
      authenticationSchemes: [
        {
          type: 'oauthbearertoken',
          name: 'OAuth Bearer Token',
          description: 'Service-account bearer token issued by the scim-nest CLI',
          specUri: 'https://www.rfc-editor.org/info/rfc6750',
          primary: true,
        },
      ],
      meta: {
        resourceType: 'ServiceProviderConfig',
        location: `${scimBaseUrl(req, this.options)}/ServiceProviderConfig`,
      },
    };
  }
}
