import { ConfigurableModuleBuilder, Provider } from '@nestjs/common';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AUDIT_OPTIONS, resolveAuditOptions } from '../audit/audit.options';
import { AuditService } from '../audit/audit.service';
import { RateLimitService } from '../audit/rate-limit.service';
import { RetentionService } from '../audit/retention.service';
import { SCIM_AUTH_OPTIONS, ScimAuthOptions } from '../auth/auth.options';
import { ScimBearerStrategy } from '../auth/scim-bearer.strategy';
import { TokenService } from '../auth/token.service';
import { SCIM_ENTITIES } from '../persistence/entities';
import { TypeOrmAuditRepository } from '../persistence/repositories/typeorm-audit.repository';
import { TypeOrmGroupRepository } from '../persistence/repositories/typeorm-group.repository';
import { TypeOrmRateLimitRepository } from '../persistence/repositories/typeorm-rate-limit.repository';
import { TypeOrmTenantRepository } from '../persistence/repositories/typeorm-tenant.repository';
import { TypeOrmTokenRepository } from '../persistence/repositories/typeorm-token.repository';
import { TypeOrmUserRepository } from '../persistence/repositories/typeorm-user.repository';
import { dialectFor } from './core/patch/patch.dialect';
import {
  AUDIT_REPOSITORY,
  CLOCK,
  Clock,
  GROUP_REPOSITORY,
  ID_GENERATOR,
  IdGenerator,
  RATE_LIMIT_REPOSITORY,
  SCHEMA_REGISTRY,
  TENANT_REPOSITORY,
  TOKEN_REPOSITORY,
  USER_REPOSITORY,
} from './core/ports/tokens';
import {
  GROUP_RESOURCE_TYPE,
  SchemaRegistry,
  USER_RESOURCE_TYPE,
  createDefaultRegistry,
} from './core/schema/schema.registry';
import {
  DEFAULT_MAX_OPERATIONS,
  DEFAULT_MAX_PAYLOAD_SIZE,
  DEFAULT_MAX_RESULTS,
  SCIM_STATIC_OPTIONS,
  ScimModuleOptions,
  ScimStaticOptions,
} from './scim.options';
import { SCIM_DIALECT, SCIM_ENABLED_RESOURCES, SCIM_LIMITS, ScimLimits } from './scim.tokens';

export const DEFAULT_SCIM_PATH = 'scim/v2';

/** Checks the options once, at boot: a bad value fails the start with a clear message. */
export function validateScimOptions(o: ScimModuleOptions): ScimModuleOptions {
  if (!o || typeof o.tokenPepper !== 'string' || o.tokenPepper.length < 16) {
    throw new Error('ScimModule: tokenPepper must be a string of at least 16 characters');
  }
  for (const [k, v] of [
    ['maxResults', o.maxResults],
    ['maxPayloadSize', o.maxPayloadSize],
    ['maxOperations', o.maxOperations],
  ] as const) {
    if (v !== undefined && (!Number.isInteger(v) || v < 1)) {
      throw new Error(`ScimModule: ${k} must be a positive integer`);
    }
  }
  return o;
}

function coreProviders(dataSource: string | undefined): Provider[] {
  const ds = getDataSourceToken(dataSource);
  return [
    {
      provide: SCHEMA_REGISTRY,
      useFactory: (o: ScimModuleOptions) => {
        validateScimOptions(o);
        const extensions = o.userExtensions ?? [];
        return createDefaultRegistry({
          schemas: extensions,
          resourceTypes: [
            {
              ...USER_RESOURCE_TYPE,
              schemaExtensions: [
                ...USER_RESOURCE_TYPE.schemaExtensions,
                ...extensions.map((s) => ({ schema: s.id, required: false })),
              ],
            },
            GROUP_RESOURCE_TYPE,
          ],
        });
      },
      inject: [SCIM_OPTIONS],
    },
    {
      provide: SCIM_LIMITS,
      useFactory: (o: ScimModuleOptions): ScimLimits => ({
        maxResults: o.maxResults ?? DEFAULT_MAX_RESULTS,
        maxPayloadSize: o.maxPayloadSize ?? DEFAULT_MAX_PAYLOAD_SIZE,
        maxOperations: o.maxOperations ?? DEFAULT_MAX_OPERATIONS,
      }),
      inject: [SCIM_OPTIONS],
    },
    { provide: SCIM_DIALECT, useValue: dialectFor('lenient') },
    { provide: SCIM_ENABLED_RESOURCES, useValue: ['User', 'Group'] },
    {
      provide: SCIM_AUTH_OPTIONS,
      useFactory: (o: ScimModuleOptions): ScimAuthOptions => ({ tokenPepper: o.tokenPepper }),
      inject: [SCIM_OPTIONS],
    },
    { provide: CLOCK, useValue: { nowIso: () => new Date().toISOString() } satisfies Clock },
    { provide: ID_GENERATOR, useValue: { newId: () => randomUUID() } satisfies IdGenerator },
    {
      provide: USER_REPOSITORY,
      useFactory: (d: DataSource, r: SchemaRegistry) => new TypeOrmUserRepository(d, r),
      inject: [ds, SCHEMA_REGISTRY],
    },
    {
      provide: GROUP_REPOSITORY,
      useFactory: (d: DataSource, r: SchemaRegistry) => new TypeOrmGroupRepository(d, r),
      inject: [ds, SCHEMA_REGISTRY],
    },
    {
      provide: TENANT_REPOSITORY,
      useFactory: (d: DataSource) => new TypeOrmTenantRepository(d),
      inject: [ds],
    },
    {
      provide: TOKEN_REPOSITORY,
      useFactory: (d: DataSource) => new TypeOrmTokenRepository(d),
      inject: [ds],
    },
    TokenService,
    ScimBearerStrategy,
    // --- issue #6: audit log, rate limits, retention (src/audit) ---
    {
      provide: AUDIT_OPTIONS,
      useFactory: (o: ScimModuleOptions, s: ScimStaticOptions) => resolveAuditOptions(o, s.path),
      inject: [SCIM_OPTIONS, SCIM_STATIC_OPTIONS],
    },
    {
      provide: AUDIT_REPOSITORY,
      useFactory: (d: DataSource) => new TypeOrmAuditRepository(d),
      inject: [ds],
    },
    {
      provide: RATE_LIMIT_REPOSITORY,
      useFactory: (d: DataSource) => new TypeOrmRateLimitRepository(d),
      inject: [ds],
    },
    AuditService,
    RateLimitService,
    RetentionService,
    // --- end issue #6 ---
  ];
}

const EXPORTED = [
  SCHEMA_REGISTRY,
  SCIM_LIMITS,
  SCIM_DIALECT,
  SCIM_ENABLED_RESOURCES,
  SCIM_AUTH_OPTIONS,
  SCIM_STATIC_OPTIONS,
  CLOCK,
  ID_GENERATOR,
  USER_REPOSITORY,
  GROUP_REPOSITORY,
  TENANT_REPOSITORY,
  TOKEN_REPOSITORY,
  TokenService,
  // issue #6: what RequestAuditGuard / RateLimitGuard and the CLI need
  AUDIT_OPTIONS,
  AUDIT_REPOSITORY,
  RATE_LIMIT_REPOSITORY,
  AuditService,
  RateLimitService,
  RetentionService,
];

export const {
  ConfigurableModuleClass: ScimCoreModuleBase,
  MODULE_OPTIONS_TOKEN: SCIM_OPTIONS,
  OPTIONS_TYPE: SCIM_FOR_ROOT_OPTIONS,
  ASYNC_OPTIONS_TYPE: SCIM_FOR_ROOT_ASYNC_OPTIONS,
} = new ConfigurableModuleBuilder<ScimModuleOptions>({ moduleName: 'Scim' })
  .setClassMethodName('forRoot')
  .setExtras<Partial<ScimStaticOptions>>({ path: DEFAULT_SCIM_PATH }, (def, extras) => {
    const statics: ScimStaticOptions = {
      path: extras.path ?? DEFAULT_SCIM_PATH,
      dataSource: extras.dataSource,
      baseUrl: extras.baseUrl,
    };
    return {
      ...def,
      global: true,
      imports: [...(def.imports ?? []), TypeOrmModule.forFeature(SCIM_ENTITIES, extras.dataSource)],
      providers: [
        ...(def.providers ?? []),
        { provide: SCIM_STATIC_OPTIONS, useValue: statics },
        ...coreProviders(extras.dataSource),
      ],
      exports: [...(def.exports ?? []), ...EXPORTED],
    };
  })
  .build();

export type ScimForRootOptions = typeof SCIM_FOR_ROOT_OPTIONS;
export type ScimForRootAsyncOptions = typeof SCIM_FOR_ROOT_ASYNC_OPTIONS;
