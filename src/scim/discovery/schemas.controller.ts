import { Get, Inject, Param, Query, Req } from '@nestjs/common';
import { PublicEndpoint } from '../../auth/require-scopes.decorator';
import { ScimError } from '../../core/errors/scim-error';
import { listResponse } from '../../core/messages/list-response';
import { SCHEMA_REGISTRY } from '../../core/ports/tokens';
import { SchemaRegistry } from '../../core/schema/schema.registry';
import { refuseDiscoveryFilter, renderSchema, withExternalId } from './discovery.util';
import { ScimController } from '../http/scim-controller.decorator';
import { ScimHttpRequest, scimBaseUrl } from '../http/base-url';
import { SCIM_ENABLED_RESOURCES, SCIM_STATIC_OPTIONS } from '../di.tokens';
import { ScimStaticOptions } from '../scim.options';
import { SchemaDefinition } from '../../core/schema/schema.types';

/** GET /Schemas[/:urn] rendered from the one schema registry (RFC 7644 §4). */
@ScimController('Schemas')
@PublicEndpoint()
export class SchemasController {
  constructor(
    @Inject(SCHEMA_REGISTRY) private readonly registry: SchemaRegistry,
    @Inject(SCIM_ENABLED_RESOURCES) private readonly enabled: readonly string[],
    @Inject(SCIM_STATIC_OPTIONS) private readonly options: ScimStaticOptions,
  ) {}

  @Get()
  list(@Query('filter') filter: string | undefined, @Req() req: ScimHttpRequest) {
    refuseDiscoveryFilter(filter);
    const base = scimBaseUrl(req, this.options);
    const all = this.served().map((s) => renderSchema(s, base));
    return listResponse(all.length, 1, all);
  }

  /**
   * the schemas of the resource types this server serves (a Group schema only with /Groups),
   * each core schema listing `externalId` too
   */
  private served(): SchemaDefinition[] {
    const types = this.registry.listResourceTypes().filter((rt) => this.enabled.includes(rt.name));
    const core = new Set(types.map((rt) => rt.schema));
    const ids = new Set(types.flatMap((rt) => [rt.schema, ...rt.schemaExtensions.map((e) => e.schema)]));
    return this.registry
      .listSchemas()
      .filter((s) => ids.has(s.id))
      .map((s) => (core.has(s.id) ? withExternalId(s) : s));
  }

  @Get(':id')
  get(@Param('id') id: string, @Req() req: ScimHttpRequest) {
    const schema = this.served().find((s) => s.id.toLowerCase() === id.toLowerCase());
    if (!schema) {
      throw ScimError.notFound(`Schema ${id} not found`);
    }
    return renderSchema(schema, scimBaseUrl(req, this.options));
  }
}
