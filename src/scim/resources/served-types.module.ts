import { DynamicModule, Module } from '@nestjs/common';
import { ResourceStores } from '../../core/ports/resource.store';
import { RESOURCE_STORES } from '../../core/ports/tokens';
import { Scope } from '../../core/ports/token.repository';
import { ResourceTypeDefinition } from '../../core/schema/schema.types';
import { SCIM_SERVED_RESOURCES } from '../di.tokens';
import { ResolvedResourceType } from '../scim.options';
import { resourceController } from './resource.controller';
import { ResourcePipeline } from './resource.pipeline';
import { ResourceService } from './resource.service';
import { servedTypeStrategy } from '../catalogue/catalogue.strategy';

/** A resource type served beyond User and Group, as Bulk and root /.search reach it. */
export interface ServedResource {
  readonly resourceType: ResourceTypeDefinition;
  /** the endpoint without its slash, e.g. `Devices` (a Bulk operation's path segment) */
  readonly path: string;
  readonly readScope: Scope;
  readonly writeScope: Scope;
  readonly service: ResourceService;
}

/**
 * The endpoints of the resource types a host adds (the `resourceTypes` option): for each, the
 * one controller shape and the one resource service on its store, with its own scopes. No
 * class per type: a schema and a table descriptor are all a type needs.
 */
@Module({})
export class ServedTypesModule {
  static register(types: readonly ResolvedResourceType[]): DynamicModule {
    const served = types.map((t) => ({
      t,
      token: Symbol(`scim:ResourceService:${t.resourceType.name}`),
      path: t.resourceType.endpoint.slice(1),
    }));
    return {
      module: ServedTypesModule,
      // Bulk and /.search inject SCIM_SERVED_RESOURCES wherever they are
      global: true,
      controllers: served.map(({ t, token, path }) =>
        resourceController({
          path,
          readScope: `${t.scope}:read`,
          writeScope: `${t.scope}:write`,
          service: token,
          name: `${t.resourceType.name}Controller`,
        }),
      ),
      providers: [
        ResourcePipeline,
        ...served.map(({ t, token }) => ({
          provide: token,
          useFactory: (p: ResourcePipeline, stores: ResourceStores) =>
            new ResourceService(
              p.registry.resourceType(t.resourceType.name),
              stores.storeFor(t.resourceType.name),
              p,
              servedTypeStrategy(t),
            ),
          inject: [ResourcePipeline, RESOURCE_STORES],
        })),
        {
          provide: SCIM_SERVED_RESOURCES,
          useFactory: (...services: ResourceService[]): ServedResource[] =>
            served.map(({ t, path }, i) => ({
              resourceType: t.resourceType,
              path,
              readScope: `${t.scope}:read`,
              writeScope: `${t.scope}:write`,
              service: services[i],
            })),
          inject: served.map((s) => s.token),
        },
      ],
      exports: [SCIM_SERVED_RESOURCES],
    };
  }
}
