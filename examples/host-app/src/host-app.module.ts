import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HostAuthGuard } from './common/host-auth.guard';
import { HostExceptionFilter } from './common/host-exception.filter';
import { HOST_CONFIG, HostConfig, HostConfigModule } from './config';
import { hostDataSourceOptions } from './database/data-source';
import { ACME_USER_EXTENSION } from './scim/acme-user.extension';
import { HostUserRepository } from './scim/host-user.repository';
import { ScimAdapters, ScimModule } from './scim-nest';
import { HostUsersModule } from './users/host-users.module';

/**
 * A host application with its own users table, global guard, global error filter and routes,
 * that serves SCIM for its users through ScimModule and the HostUserRepository adapter. It owns
 * the one DataSource; SCIM only adds its tables (tenants, tokens, audit) to it.
 */
@Module({})
export class HostAppModule {
  static forRoot(config: HostConfig): DynamicModule {
    const adapters: ScimAdapters =
      config.scimAdapterBinding === 'useExisting'
        ? // the instance HostUsersModule provides (and may use itself)
          { users: { useExisting: HostUserRepository }, imports: [HostUsersModule] }
        : // ScimModule instantiates the class; it injects the host's DataSource
          { users: HostUserRepository };
    return {
      module: HostAppModule,
      imports: [
        HostConfigModule.forRoot(config),
        TypeOrmModule.forRootAsync({
          inject: [HOST_CONFIG],
          useFactory: (c: HostConfig) => hostDataSourceOptions(c.databaseUrl),
        }),
        HostUsersModule,
        ScimModule.forRootAsync({
          // build-time options: where, which resource types, whose stores
          path: 'scim/v2',
          resources: ['User'],
          adapters,
          // runtime options, from the host's configuration
          inject: [HOST_CONFIG],
          useFactory: (c: HostConfig) => ({
            tokenPepper: c.scimTokenPepper,
            userExtensions: [ACME_USER_EXTENSION],
          }),
        }),
      ],
      providers: [
        { provide: APP_GUARD, useClass: HostAuthGuard },
        { provide: APP_FILTER, useClass: HostExceptionFilter },
      ],
    };
  }
}
