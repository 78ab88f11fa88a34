/** The public API of the SCIM library. Code outside src/scim imports only from here. */
export { ScimModule } from './scim.module';
export { SCIM_OPTIONS, validateScimOptions, DEFAULT_SCIM_PATH } from './scim.module-definition';
export type { ScimForRootOptions, ScimForRootAsyncOptions } from './scim.module-definition';
export type { ScimModuleOptions, ScimStaticOptions } from './scim.options';
export { ScimExceptionFilter } from './shared/scim-exception.filter';
export { toScimErrorResponse } from './shared/scim-error.mapper';
export { ScimError } from './core/errors/scim-error';
export { TokenService } from '../auth/token.service';
export { parseScopes } from '../auth/token.service';
export { ALL_SCOPES } from './core/ports/token.repository';
export type { Scope } from './core/ports/token.repository';
export { SCIM_ENTITIES } from '../persistence/entities';
export { SCIM_MIGRATIONS } from '../persistence/migrations';
export {
  buildDataSourceOptions,
  parseDatabaseUrl,
  prepareSqlite,
  redact,
} from '../persistence/data-source.options';
export * from './core/schema';
