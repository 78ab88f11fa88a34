import { ConfigurableModuleBuilder } from '@nestjs/common';
import { SCIM_OPTIONS } from '../scim/di.tokens';
import { DEFAULT_SCIM_PATH, ScimModuleOptions, ScimStaticOptions } from '../scim/scim.options';
import { resolveStaticOptions } from './options.validate';
import { SCIM_CORE_EXPORTS, persistenceImports, scimCoreProviders } from './providers';

/**
 * The core module's forRoot / forRootAsync. The extras are what the module graph needs while it
 * is built (route prefix, data source, resources, adapters, listeners, hooks, auth, tenancy);
 * the runtime options reach the providers through SCIM_OPTIONS. The module is global and
 * exports only the library's own tokens and classes, so it cannot shadow a host provider.
 */
export const {
  ConfigurableModuleClass: ScimCoreModuleBase,
  OPTIONS_TYPE: SCIM_FOR_ROOT_OPTIONS,
  ASYNC_OPTIONS_TYPE: SCIM_FOR_ROOT_ASYNC_OPTIONS,
} = new ConfigurableModuleBuilder<ScimModuleOptions>({
  moduleName: 'Scim',
  optionsInjectionToken: SCIM_OPTIONS,
})
  .setClassMethodName('forRoot')
  .setExtras<Partial<ScimStaticOptions>>(
    // every key listed, so that none of them lands in the runtime options (omitExtras)
    {
      path: DEFAULT_SCIM_PATH,
      dataSource: undefined,
      baseUrl: undefined,
      resources: undefined,
      adapters: undefined,
      listeners: undefined,
      hooks: undefined,
      auth: undefined,
      tenancy: undefined,
      resourceTypes: undefined,
      oauthEndpoints: undefined,
      clock: undefined,
    },
    (def, extras) => {
      const statics = resolveStaticOptions(extras);
      return {
        ...def,
        global: true,
        imports: [...(def.imports ?? []), ...persistenceImports(statics)],
        providers: [...(def.providers ?? []), ...scimCoreProviders(statics)],
        exports: [...(def.exports ?? []), ...SCIM_CORE_EXPORTS],
      };
    },
  )
  .build();

export type ScimForRootOptions = typeof SCIM_FOR_ROOT_OPTIONS;
export type ScimForRootAsyncOptions = typeof SCIM_FOR_ROOT_ASYNC_OPTIONS;
