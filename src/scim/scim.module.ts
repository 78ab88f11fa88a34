import { DynamicModule, Module, Type } from '@nestjs/common';
import { RouterModule } from '@nestjs/core';
import { BulkModule } from './bulk/bulk.module';
import { GroupsModule } from './groups/groups.module';
import { ResourceTypesModule } from './resource-types/resource-types.module';
import { SchemasModule } from './schemas/schemas.module';
import { ScimCoreModule } from './scim-core.module';
import {
  DEFAULT_SCIM_PATH,
  ScimForRootAsyncOptions,
  ScimForRootOptions,
} from './scim.module-definition';
import { SearchModule } from './search/search.module';
import { ServiceProviderConfigModule } from './service-provider-config/service-provider-config.module';
import { UsersModule } from './users/users.module';

/**
 * The public facade a host imports: `ScimModule.forRoot({...})` or `forRootAsync({...})`.
 * Registers no global guard, filter, pipe or interceptor: everything is per controller.
 */
@Module({})
export class ScimModule {
  static forRoot(options: ScimForRootOptions): DynamicModule {
    return ScimModule.compose(ScimCoreModule.forRoot(options), options.path);
  }

  static forRootAsync(options: ScimForRootAsyncOptions): DynamicModule {
    return ScimModule.compose(ScimCoreModule.forRootAsync(options), options.path);
  }

  private static compose(core: DynamicModule, path = DEFAULT_SCIM_PATH): DynamicModule {
    const features: Type[] = [
      UsersModule,
      GroupsModule,
      SchemasModule,
      ResourceTypesModule,
      ServiceProviderConfigModule,
      SearchModule,
      BulkModule,
    ];
    return {
      module: ScimModule,
      imports: [
        core,
        ...features,
        RouterModule.register(features.map((module) => ({ path, module }))),
      ],
    };
  }
}
