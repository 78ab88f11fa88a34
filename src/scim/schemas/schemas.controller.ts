import { Get, Inject, Param, Query, Req } from '@nestjs/common';
import { PublicEndpoint } from '../../auth/require-scopes.decorator';
import { ScimError } from '../core/errors/scim-error';
import { listResponse } from '../core/messages/list-response';
import { SCHEMA_REGISTRY } from '../core/ports/tokens';
import { SchemaRegistry } from '../core/schema/schema.registry';
import { refuseDiscoveryFilter, renderSchema } from '../discovery.util';
import { ScimController } from '../shared/scim-controller.decorator';
import { ScimResponseInterceptor } from '../shared/scim-response.interceptor';
import { SCIM_ENABLED_RESOURCES } from '../scim.tokens';
import { SchemaDefinition } from '../core/schema/schema.types';

/** GET /Schemas[/:urn] rendered from the one schema registry (RFC 7644 §4). */
@ScimController('Schemas')
@PublicEndpoint()
export class SchemasController {
  constructor(
    @Inject(SCHEMA_REGISTRY) private readonly registry: SchemaRegistry,
    @Inject(SCIM_ENABLED_RESOURCES) private readonly enabled: readonly string[],
    private readonly urls: ScimResponseInterceptor,
  ) {}

  @Get()
  list(@Query('filter') filter: string | undefined, @Req() req: never) {
    refuseDiscoveryFilter(filter);
    const base = this.urls.baseUrl(req);
    const all = this.served().map((s) => renderSchema(s, base));
    return listResponse(all.length, 1, all);
  }

  /** the schemas of the resource types this server serves (a Group schema only with /Groups) */
  private served(): SchemaDefinition[] {
    const ids = new Set(
      this.registry
        .listResourceTypes()
        .filter((rt) => this.enabled.includes(rt.name))
        .flatMap((rt) => [rt.schema, ...rt.schemaExtensions.map((e) => e.schema)]),
    );
    return this.registry.listSchemas().filter((s) => ids.has(s.id));
  }

  @Get(':id')
  get(@Param('id') id: string, @Req() req: never) {
    const schema = this.served().find((s) => s.id.toLowerCase() === id.toLowerCase());
    if (!schema) {
      throw ScimError.notFound(`Schema ${id} not found`);
    }
    return renderSchema(schema, this.urls.baseUrl(req));
  }
}
