import { DynamicModule, Global, Module } from '@nestjs/common';
import { ScimAdapter, ScimEventListener } from './scim-nest';

/** The host application's own configuration (in a real app: @nestjs/config, a vault...). */
export interface HostConfig {
  /** `sqlite:<file>`, `mysql://user:pass@host:3306/db` or `postgres://user:pass@host:5432/db` */
  readonly databaseUrl: string;
  /** HMAC key for SCIM token hashes (at least 16 characters) */
  readonly scimTokenPepper: string;
  /**
   * How the SCIM stores are bound to HostUserRepository, HostTeamRepository and
   * HostRoleHolderDirectory: 'useClass' (ScimModule instantiates them) or 'useExisting' (the
   * instances HostUsersModule and HostTeamsModule provide). Both work; a real app picks one.
   */
  readonly scimAdapterBinding?: 'useClass' | 'useExisting';
  /** in-process consumers of SCIM change events (ScimModule `listeners`), e.g. a cache or a queue */
  readonly scimListeners?: ReadonlyArray<ScimAdapter<ScimEventListener>>;
}

export const HOST_CONFIG = Symbol('host:Config');

@Global()
@Module({})
export class HostConfigModule {
  static forRoot(config: HostConfig): DynamicModule {
    return {
      module: HostConfigModule,
      providers: [{ provide: HOST_CONFIG, useValue: config }],
      exports: [HOST_CONFIG],
    };
  }
}
