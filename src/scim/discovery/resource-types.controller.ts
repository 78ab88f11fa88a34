import { Get, Inject, Param, Query, Req } from '@nestjs/common';
import { PublicEndpoint } from '../../auth/require-scopes.decorator';
import { ScimError } from '../../core/errors/scim-error';
import { listResponse } from '../../core/messages/list-response';
import { SCHEMA_REGISTRY } from '../../core/ports/tokens';
import { SchemaRegistry } from '../../core/schema/schema.registry';
import { refuseDiscoveryFilter, renderResourceType } from './discovery.util';
import { ScimController } from '../http/scim-controller.decorator';
import { ScimHttpRequest, scimBaseUrl } from '../http/base-url';
import { SCIM_ENABLED_RESOURCES, SCIM_STATIC_OPTIONS } from '../di.tokens';
import { ScimStaticOptions } from '../scim.options';

/**
 * GET /ResourceTypes[/:name]: only the resource types this server serves
 * (docs/idp/quirks.md #26).
 */
@ScimController('ResourceTypes')
@PublicEndpoint()
export class ResourceTypesController {
  constructor(
    @Inject(SCHEMA_REGISTRY) private readonly registry: SchemaRegistry,
    @Inject(SCIM_ENABLED_RESOURCES) private readonly enabled: readonly string[],
    @Inject(SCIM_STATIC_OPTIONS) private readonly options: ScimStaticOptions,
  ) {}

  @Get()
  list(@Query('filter') filter: string | undefined, @Req() req: ScimHttpRequest) {
    refuseDiscoveryFilter(filter);
    const base = scimBaseUrl(req, this.options);
    const all = this.registry
      .listResourceTypes()
      .filter((rt) => this.enabled.includes(rt.name))
      .map((rt) => renderResourceType(rt, base));
    return listResponse(all.length, 1, all);
  }

  @Get(':name')
  get(@Param('name') name: string, @Req() req: ScimHttpRequest) {
    const rt = this.registry.getResourceType(name);
    if (!rt || !this.enabled.includes(rt.name)) {
      throw ScimError.notFound(`ResourceType ${name} not found`);
    }
    return renderResourceType(rt, scimBaseUrl(req, this.options));
  }
}
