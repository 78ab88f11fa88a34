import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HostAuthGuard } from './common/host-auth.guard';
import { HostExceptionFilter } from './common/host-exception.filter';
import { HOST_CONFIG, HostConfig, HostConfigModule } from './config';
import { hostDataSourceOptions } from './database/data-source';
import { ACME_USER_EXTENSION } from './scim/acme-user.extension';
import { HostRoleHolderDirectory } from './scim/host-role-holder.directory';
import { HOST_ROLES, OWNER_ROLE } from './scim/host-roles';
import { HostTeamRepository } from './scim/host-team.repository';
import { HostUserRepository } from './scim/host-user.repository';
import { ROLE_CATALOGUE_TYPE, ScimAdapters, ScimModule } from './scim-nest';
import { HostPlanCatalogue } from './plans/host-plan.catalogue';
import { HostPlanGrants } from './plans/host-plan.grants';
import { HostPlansModule } from './plans/host-plans.module';
import { licenseCatalogueType } from './plans/license.catalogue';
import { HostTeamsModule } from './teams/host-teams.module';
import { HostUsersModule } from './users/host-users.module';

/**
 * A host application with its own users and teams tables, global guard, global error filter
 * and routes, that serves SCIM Users and Groups through ScimModule and its adapters
 * (HostUserRepository, HostTeamRepository), with group-to-role mapping and break-glass
 * protection of its owners (HostRoleHolderDirectory). It owns the one DataSource; SCIM only
 * adds its tables (tenants, tokens, audit, outbox) to it.
 */
@Module({})
export class HostAppModule {
  static forRoot(config: HostConfig): DynamicModule {
    const adapters: ScimAdapters =
      config.scimAdapterBinding === 'useExisting'
        ? // the instances HostUsersModule and HostTeamsModule provide (and may use themselves)
          {
            users: { useExisting: HostUserRepository },
            groups: { useExisting: HostTeamRepository },
            roleHolders: { useExisting: HostRoleHolderDirectory },
            imports: [HostUsersModule, HostTeamsModule, HostPlansModule],
          }
        : // ScimModule instantiates the classes; they inject the host's DataSource
          { users: HostUserRepository, groups: HostTeamRepository, roleHolders: HostRoleHolderDirectory };
    return {
      module: HostAppModule,
      imports: [
        HostConfigModule.forRoot(config),
        TypeOrmModule.forRootAsync({
          inject: [HOST_CONFIG],
          useFactory: (c: HostConfig) => hostDataSourceOptions(c.databaseUrl),
        }),
        HostUsersModule,
        HostTeamsModule,
        HostPlansModule,
        ScimModule.forRootAsync({
          // build-time options: where, which resource types, whose stores, who listens
          path: 'scim/v2',
          resources: ['User', 'Group'],
          adapters,
          // catalogues Okta Identity Governance imports: the host's roles (ScimModule `roles`,
          // the tenants' mappings) at /Roles, and its plans at /Licenses
          resourceTypes: [
            ROLE_CATALOGUE_TYPE,
            licenseCatalogueType(
              config.scimAdapterBinding === 'useExisting' ? { useExisting: HostPlanCatalogue } : HostPlanCatalogue,
            ),
          ],
          // plans granted and revoked from the users' License entitlements
          listeners: [HostPlanGrants, ...(config.scimListeners ?? [])],
          // runtime options, from the host's configuration
          inject: [HOST_CONFIG],
          useFactory: (c: HostConfig) => ({
            tokenPepper: c.scimTokenPepper,
            userExtensions: [ACME_USER_EXTENSION],
            // group-to-role mapping per tenant (admin API / CLI); SCIM never removes the last owner
            roles: { names: HOST_ROLES, protect: OWNER_ROLE },
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
