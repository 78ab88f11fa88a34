import { DynamicModule, InjectionToken, Provider } from '@nestjs/common';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { OutboxSignal } from '../../core/ports/change-event';
import {
  GROUP_REPOSITORY,
  OUTBOX_SIGNAL,
  RESOURCE_STORES,
  SCHEMA_REGISTRY,
  TENANT_REPOSITORY,
  UNIT_OF_WORK,
  USER_REPOSITORY,
} from '../../core/ports/tokens';
import { SchemaRegistry } from '../../core/schema/schema.registry';
import { SCIM_ENTITIES } from '../../persistence/entities';
import { assertSafeSqlMode } from '../../persistence/mysql-mode.check';
import { assertScimMigrationsApplied, assertSqlitePrepared } from '../../persistence/schema.check';
import { NoGroupRepository } from '../../persistence/repositories/no-group.repository';
import { TypeOrmGroupRepository } from '../../persistence/repositories/typeorm-group.repository';
import {
  LookupCache,
  OAUTH_CLIENT_CACHE,
  TOKEN_LOOKUP_CACHE,
  TokenLookupCache,
} from '../../persistence/repositories/token-lookup.cache';
import { TypeOrmTenantRepository } from '../../persistence/repositories/typeorm-tenant.repository';
import { TypeOrmUnitOfWork } from '../../persistence/repositories/typeorm-unit-of-work';
import { TypeOrmUserRepository } from '../../persistence/repositories/typeorm-user.repository';
import { ScimModuleOptions, ScimStaticOptions, servedResourceTypes } from '../../scim/scim.options';
import { SCIM_OPTIONS } from '../../scim/di.tokens';
import { searchReads } from '../../persistence/search/search-reads';
import { ResourceStore, ResourceStores } from '../../core/ports/resource.store';
import { SqlResourceStore } from '../../persistence/sql-store/sql-resource.store';
import { portProvider } from './port-binding';
import { CATALOGUE_EXPORTS, catalogueProviders, catalogueStoreProviders } from './catalogue.providers';

/** the user repository when it is the built-in one itself (not a host's store or subclass) */
function builtInUsers(u: unknown): TypeOrmUserRepository | undefined {
  return u instanceof TypeOrmUserRepository && Object.getPrototypeOf(u) === TypeOrmUserRepository.prototype ? u : undefined;
}

/** resolved once the database was found fit for the module (its checks are listed below) */
const DATABASE_CHECKED = Symbol('scim:DatabaseChecked');
/** the DataSource's searches, configured with the module's statement time limit */
const SEARCH_READS = Symbol('scim:SearchReads');

/** The entities on the host's DataSource, and the modules the host's adapters inject from. */
export function persistenceImports(statics: ScimStaticOptions): NonNullable<DynamicModule['imports']> {
  return [
    TypeOrmModule.forFeature(SCIM_ENTITIES, statics.dataSource),
    ...(statics.adapters?.imports ?? []),
  ];
}

/**
 * The resource and tenant stores: the host's adapters where given, otherwise the TypeORM ones
 * on the `dataSource` named in the options. With Groups not served and no group adapter, the
 * group port is a store that holds no group.
 */
export function persistenceProviders(statics: ScimStaticOptions): Provider[] {
  const ds = getDataSourceToken(statics.dataSource);
  const adapters = statics.adapters ?? {};
  const groupsServed = statics.resources.includes('Group');
  return [
    portProvider(USER_REPOSITORY, adapters.users, {
      provide: USER_REPOSITORY,
      useFactory: (d: DataSource, r: SchemaRegistry, s: OutboxSignal) =>
        new TypeOrmUserRepository(d, r, s),
      inject: [ds, SCHEMA_REGISTRY, OUTBOX_SIGNAL],
    }),
    portProvider(
      GROUP_REPOSITORY,
      adapters.groups,
      groupsServed
        ? {
            provide: GROUP_REPOSITORY,
            // with the built-in user store (not a host's), a user and its groups are one read
            useFactory: (d: DataSource, r: SchemaRegistry, s: OutboxSignal, u: unknown) =>
              new TypeOrmGroupRepository(d, r, s, builtInUsers(u)),
            inject: [ds, SCHEMA_REGISTRY, OUTBOX_SIGNAL, USER_REPOSITORY],
          }
        : { provide: GROUP_REPOSITORY, useClass: NoGroupRepository },
    ),
    {
      provide: TENANT_REPOSITORY,
      useFactory: (d: DataSource, c: TokenLookupCache, o: LookupCache<{ id: string; tenantId: string }>) =>
        new TypeOrmTenantRepository(d, c, o),
      inject: [ds, TOKEN_LOOKUP_CACHE, OAUTH_CLIENT_CACHE],
    },
    ...resourceStoreProviders(statics, ds),
    // one transaction on the module's DataSource, joined by the stores' writes (Bulk cycles)
    { provide: UNIT_OF_WORK, useFactory: (d: DataSource) => new TypeOrmUnitOfWork(d), inject: [ds] },
    // searches take fair turns, off the event loop on SQLite, time-limited on MySQL
    {
      provide: SEARCH_READS,
      useFactory: (d: DataSource, o: ScimModuleOptions) =>
        searchReads(d, { statementTimeoutMs: o.statementTimeoutMs }),
      inject: [ds, SCIM_OPTIONS],
    },
    // refuses to start, before anything uses the database, on a MySQL server whose sql_mode
    // makes client-side escaping unsafe, on a SQLite connection without prepareSqlite, and on a
    // database the module's migrations are missing or pending on (unless requireMigrations is
    // false: a process that boots the module to migrate)
    {
      provide: DATABASE_CHECKED,
      useFactory: async (d: DataSource, o: ScimModuleOptions) => {
        await assertSafeSqlMode(d);
        await assertSqlitePrepared(d);
        if (o.requireMigrations !== false) {
          await assertScimMigrationsApplied(d);
        }
        return true;
      },
      inject: [ds, SCIM_OPTIONS],
    },
  ];
}

/**
 * One store per extra resource type (the host's, or the one SQL store with the type's table
 * descriptor), and RESOURCE_STORES, which finds them by type name.
 */
function resourceStoreProviders(statics: ScimStaticOptions, ds: InjectionToken): Provider[] {
  const types = servedResourceTypes(statics);
  const tokens = types.map((t) => Symbol(`scim:ResourceStore:${t.resourceType.name}`));
  return [
    ...catalogueProviders(statics, ds),
    ...types.flatMap((t, i) =>
      // a catalogue type's values come from its catalogue provider, not from a table
      t.catalogue
        ? catalogueStoreProviders(t, tokens[i])
        : [
            portProvider(tokens[i], t.store, {
              provide: tokens[i],
              useFactory: (d: DataSource, r: SchemaRegistry, s: OutboxSignal) => new SqlResourceStore(d, r, t.table, s),
              inject: [ds, SCHEMA_REGISTRY, OUTBOX_SIGNAL],
            }),
          ],
    ),
    {
      provide: RESOURCE_STORES,
      useFactory: (...stores: ResourceStore[]): ResourceStores => {
        const byName = new Map(types.map((t, i) => [t.resourceType.name, stores[i]]));
        return {
          storeFor: (name) => {
            const store = byName.get(name);
            if (!store) {
              throw new Error(`No store for resource type ${name}`);
            }
            return store;
          },
        };
      },
      inject: tokens,
    },
  ];
}

export const PERSISTENCE_EXPORTS: InjectionToken[] = [
  RESOURCE_STORES,
  USER_REPOSITORY,
  GROUP_REPOSITORY,
  TENANT_REPOSITORY,
  UNIT_OF_WORK,
  ...CATALOGUE_EXPORTS,
];
