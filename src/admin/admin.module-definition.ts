import { ConfigurableModuleBuilder } from '@nestjs/common';
import { AdminModuleOptions, AdminStaticOptions, DEFAULT_ADMIN_PATH } from './admin.options';

/**
 * AdminModule.forRoot / forRootAsync (STYLE §4): runtime options (the admin token) through
 * ADMIN_MODULE_OPTIONS, the route prefix as a build-time extra. The extras callback is in
 * admin.module.ts, where the controllers are.
 */
export const {
  ConfigurableModuleClass: AdminModuleBase,
  MODULE_OPTIONS_TOKEN: ADMIN_MODULE_OPTIONS,
  OPTIONS_TYPE: ADMIN_FOR_ROOT_OPTIONS,
  ASYNC_OPTIONS_TYPE: ADMIN_FOR_ROOT_ASYNC_OPTIONS,
} = new ConfigurableModuleBuilder<AdminModuleOptions>({ moduleName: 'ScimAdmin' })
  .setClassMethodName('forRoot')
  .setExtras<AdminStaticOptions>({ path: DEFAULT_ADMIN_PATH }, (def) => def)
  .build();

export type AdminForRootOptions = typeof ADMIN_FOR_ROOT_OPTIONS;
export type AdminForRootAsyncOptions = typeof ADMIN_FOR_ROOT_ASYNC_OPTIONS;
