import { All, DynamicModule, Module, Provider, Type } from '@nestjs/common';
import { RouterModule } from '@nestjs/core';
import { PublicEndpoint } from '../auth/require-scopes.decorator';
import { BulkController } from '../scim/bulk/bulk.controller';
import { BulkModule } from '../scim/bulk/bulk.module';
import { BulkService } from '../scim/bulk/bulk.service';
import { ScimError } from '../core/errors/scim-error';
import { listResponse } from '../core/messages/list-response';
import { GroupsModule } from '../scim/groups/groups.module';
import { GroupsService } from '../scim/groups/groups.service';
import { ResourceTypesModule } from '../scim/discovery/resource-types.module';
import { SchemasModule } from '../scim/discovery/schemas.module';
import { ScimCoreModule } from './scim-core.module';
import { ScimForRootAsyncOptions, ScimForRootOptions } from './module-definition';
import { resolveStaticOptions } from './options.validate';
import { ScimResourceName, ScimStaticOptions, servedResourceTypes } from '../scim/scim.options';
import { ServedTypesModule } from '../scim/resources/served-types.module';
import { RootSearchController } from '../scim/search/root-search.controller';
import { RootSearchService } from '../scim/search/root-search.service';
import { SearchModule } from '../scim/search/search.module';
import { ServiceProviderConfigModule } from '../scim/discovery/service-provider-config.module';
import { ScimController } from '../scim/http/scim-controller.decorator';
import { ListQueryDto } from '../scim/http/list-query.dto';
import { UsersModule } from '../scim/users/users.module';
import { UsersService } from '../scim/users/users.service';
import { OAuthModule } from '../scim/oauth/oauth.module';
import { oauthMetadataModule } from '../scim/oauth/oauth-metadata';

const ENDPOINTS: Record<ScimResourceName, string> = { User: 'Users', Group: 'Groups' };

/**
 * The public facade a host imports: `ScimModule.forRoot({...})` or `forRootAsync({...})`.
 * Registers no global guard, filter, pipe or interceptor: everything is per controller.
 * `resources` decides which resource modules are in the graph (docs/host-integration.md).
 */
@Module({})
export class ScimModule {
  static forRoot(options: ScimForRootOptions): DynamicModule {
    return ScimModule.compose(ScimCoreModule.forRoot(options), resolveStaticOptions(options));
  }

  static forRootAsync(options: ScimForRootAsyncOptions): DynamicModule {
    return ScimModule.compose(ScimCoreModule.forRootAsync(options), resolveStaticOptions(options));
  }

  private static compose(core: DynamicModule, statics: ScimStaticOptions): DynamicModule {
    const served = (r: ScimResourceName) => statics.resources.includes(r);
    const features: Type[] = [
      served('User') ? UsersModule : unservedModule('User'),
      served('Group') ? GroupsModule : unservedModule('Group'),
      SchemasModule,
      ResourceTypesModule,
      ServiceProviderConfigModule,
      ...fanOutModules(statics.resources),
      // the token endpoint and JWKS under the SCIM prefix; the RFC 8414 metadata at the root
      ...(statics.oauthEndpoints ? [OAuthModule] : []),
    ];
    // the resource types a host adds: one dynamic module serving them all
    const extraTypes = servedResourceTypes(statics);
    const extra = extraTypes.length ? [ServedTypesModule.register(extraTypes)] : [];
    return {
      module: ScimModule,
      imports: [
        core,
        ...features,
        ...extra,
        ...(statics.oauthEndpoints ? [oauthMetadataModule(statics.path)] : []),
        RouterModule.register(
          [...features, ...extra.map((d) => d.module)].map((module) => ({ path: statics.path, module })),
        ),
      ],
    };
  }
}

function notServed(name: ScimResourceName): ScimError {
  return ScimError.notFound(`${ENDPOINTS[name]} are not served by this server`);
}

/**
 * The endpoint of a resource type that is not served: a SCIM 404 for every method, also in a
 * host whose own global filter would answer an unmatched route in its own shape.
 */
function unservedModule(name: ScimResourceName): Type {
  @ScimController(ENDPOINTS[name])
  @PublicEndpoint()
  class UnservedResourceController {
    @All()
    collection(): never {
      throw notServed(name);
    }

    @All(':id')
    item(): never {
      throw notServed(name);
    }
  }
  @Module({ controllers: [UnservedResourceController] })
  class UnservedResourceModule {}
  return UnservedResourceModule;
}

/** Stands in for the service of a resource type that is not served, in Bulk and /.search. */
function unservedService(name: ScimResourceName) {
  const refuse = () => Promise.reject(notServed(name));
  return {
    // /.search: no resource of this type matches anything
    list: (q: ListQueryDto) => Promise.resolve(listResponse(0, Math.max(1, q.startIndex ?? 1), [])),
    get: refuse,
    create: refuse,
    replace: refuse,
    patch: refuse,
    delete: refuse,
  };
}

/**
 * POST /Bulk and POST /.search over the served resource types. With both served these are the
 * feature modules as they are; otherwise the same controllers and services with the unserved
 * type's service replaced, so that neither module pulls the unserved feature (and its
 * controller) into the graph.
 */
function fanOutModules(resources: readonly ScimResourceName[]): Type[] {
  if (resources.includes('User') && resources.includes('Group')) {
    return [SearchModule, BulkModule];
  }
  const imports: Type[] = resources.includes('User') ? [UsersModule] : [GroupsModule];
  const stand: Provider[] = resources.includes('User')
    ? [{ provide: GroupsService, useValue: unservedService('Group') }]
    : [{ provide: UsersService, useValue: unservedService('User') }];

  @Module({ imports, controllers: [RootSearchController], providers: [RootSearchService, ...stand] })
  class ServedSearchModule {}

  @Module({ imports, controllers: [BulkController], providers: [BulkService, ...stand] })
  class ServedBulkModule {}

  return [ServedSearchModule, ServedBulkModule];
}
