import { DynamicModule, Logger, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { DataSource, DataSourceOptions } from 'typeorm';
import { AppConfig } from './config/app.config';
import { ObservabilityModule } from './observability/observability.module';
import { StatementCounter } from './observability/statement-counter';
import {
  AdminModule,
  ScimExceptionFilter,
  ScimModule,
  Clock,
  buildDataSourceOptions,
  runMigrationsLocked,
} from '../library';

/**
 * The DataSource, migrated under a database lock when MIGRATIONS_RUN is on: instances started
 * together on one empty database apply the migrations once instead of racing on the tables.
 */
async function openDataSource(options: DataSourceOptions, migrate: boolean): Promise<DataSource> {
  const ds = await new DataSource(options).initialize();
  if (migrate) {
    try {
      const t0 = performance.now();
      const applied = await runMigrationsLocked(ds);
      new Logger('scim-nest').log(migrationsLine(applied.map((m) => m.name), performance.now() - t0));
    } catch (e) {
      await ds.destroy();
      throw e;
    }
  }
  return ds;
}

/** What start-up says of the migrations: which were applied and how long it took, or none. */
export function migrationsLine(applied: readonly string[], ms: number): string {
  if (applied.length === 0) {
    return 'Migrations: the database schema is up to date';
  }
  const names = applied.length <= 3 ? applied.join(', ') : `${applied[0]} … ${applied[applied.length - 1]}`;
  return `Migrations: applied ${applied.length} (${names}) in ${Math.round(ms)} ms`;
}

/**
 * The standalone server: one TypeORM DataSource (SQLite by default, MySQL/MariaDB by URL),
 * ScimModule and the admin API. Only here, in the app, is a global filter registered: it turns unmatched routes
 * and body-parser failures into SCIM error bodies too.
 */
export interface AppOverrides {
  readonly clock?: Clock;
  /** false: start on a database whose migrations are pending (the CLI's `migration` commands) */
  readonly requireMigrations?: boolean;
}

@Module({})
export class AppModule {
  /** `overrides.clock`: the time source instead of the system clock (tests) */
  static forRoot(config: AppConfig, overrides: AppOverrides = {}): DynamicModule {
    // /metrics: this app's own registry, with prom-client's process metrics (memory, CPU, heap)
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    return {
      module: AppModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => ({
            ...buildDataSourceOptions({ url: config.databaseUrl, migrationsRun: false }),
            retryAttempts: 3,
            retryDelay: 1000,
          }),
          dataSourceFactory: (options) => openDataSource(options!, config.migrationsRun),
        }),
        ScimModule.forRoot({
          path: config.basePath,
          // SCIM_RESOURCE_TYPES
          resourceTypes: config.resourceTypes,
          baseUrl: config.baseUrl,
          tokenPepper: config.tokenPepper,
          // SCIM_TOKEN_CACHE_TTL_MS (0 = every request reads its token)
          tokenCacheTtlMs: config.tokenCacheTtlMs,
          maxResults: config.maxResults,
          maxPayloadSize: config.maxPayloadSize,
          maxOperations: config.maxBulkOperations,
          // SCIM_FILTER_BUDGET
          filterBudget: config.filterBudget,
          // SCIM_STATEMENT_TIMEOUT_MS
          statementTimeoutMs: config.statementTimeoutMs,
          auditRetentionDays: config.auditRetentionDays,
          rateLimit: config.rateLimit,
          // SCIM_SCHEMA_EXTENSIONS
          userExtensions: config.userExtensions,
          // SCIM_EVENTS_DISPATCH, SCIM_WEBHOOK_TIMEOUT_MS, SCIM_WEBHOOK_ALLOW
          events: {
            dispatch: config.eventsDispatch,
            deliveryTimeoutMs: config.webhookTimeoutMs,
            webhookAllow: config.webhookAllow,
          },
          // SCIM_ROLES, SCIM_PROTECTED_ROLE (break-glass)
          ...(config.roles ? { roles: config.roles } : {}),
          // SCIM_OAUTH, SCIM_OAUTH_* (docs/oauth.md)
          oauthEndpoints: config.oauth.enabled,
          oauth: config.oauth.options,
          ...(overrides.clock ? { clock: overrides.clock } : {}),
          // the HTTP hooks count every route (bootstrap.ts), SCIM's included
          metrics: { registry, countRequests: false },
          ...(overrides.requireMigrations === false ? { requireMigrations: false } : {}),
        }),
        // /health/live, /health/ready, /metrics at the server root (app only)
        // SCIM_COUNT_STATEMENTS: statement counters in /metrics (the drivers wrapped at once)
        ObservabilityModule.forRoot({
          registry,
          metricsToken: config.metricsToken,
          ...(config.countStatements ? { statements: StatementCounter.install() } : {}),
        }),
        // /admin/v1 at the server root, on with ADMIN_TOKEN (else 404)
        AdminModule.forRoot({ adminToken: config.adminToken }),
      ],
      providers: [{ provide: APP_FILTER, useClass: ScimExceptionFilter }],
    };
  }
}
