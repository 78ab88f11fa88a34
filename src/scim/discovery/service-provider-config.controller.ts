import { Get, Inject, Query, Req } from '@nestjs/common';
import { PublicEndpoint } from '../../auth/require-scopes.decorator';
import { refuseDiscoveryFilter } from './discovery.util';
import { DEFAULT_MAX_OPERATIONS, ScimLimits, ScimStaticOptions, servedResourceTypes } from '../scim.options';
import { rolesAndEntitlementsConfig } from '../catalogue/catalogue-types';
import { SCIM_LIMITS, SCIM_STATIC_OPTIONS } from '../di.tokens';
import { ScimController } from '../http/scim-controller.decorator';
import { ScimHttpRequest, scimBaseUrl } from '../http/base-url';

/**
 * GET /ServiceProviderConfig (RFC 7643 §5). Truthful: a feature is advertised only when it
 * works end to end.
 */
@ScimController('ServiceProviderConfig')
@PublicEndpoint()
export class ServiceProviderConfigController {
  constructor(
    @Inject(SCIM_LIMITS) private readonly limits: ScimLimits,
    @Inject(SCIM_STATIC_OPTIONS) private readonly options: ScimStaticOptions,
  ) {}

  @Get()
  get(@Query('filter') filter: string | undefined, @Req() req: ScimHttpRequest) {
    refuseDiscoveryFilter(filter);
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
