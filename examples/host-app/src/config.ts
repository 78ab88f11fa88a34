import { DynamicModule, Global, Module } from '@nestjs/common';

/** The host application's own configuration (in a real app: @nestjs/config, a vault...). */
export interface HostConfig {
  /** `sqlite:<file>` or `mysql://user:pass@host:3306/db` */
  readonly databaseUrl: string;
  /** HMAC key for SCIM token hashes (at least 16 characters) */
  readonly scimTokenPepper: string;
  /**
   * How the SCIM store is bound to HostUserRepository: 'useClass' (ScimModule instantiates it)
   * or 'useExisting' (the instance HostUsersModule provides). Both work; a real app picks one.
   */
  readonly scimAdapterBinding?: 'useClass' | 'useExisting';
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
