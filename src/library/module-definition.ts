import { ConfigurableModuleBuilder, InjectionToken, Provider } from '@nestjs/common';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AUDIT_OPTIONS, resolveAuditOptions } from '../audit/audit.options';
import { AuditService } from '../audit/audit.service';
import { RateLimitService } from '../audit/rate-limit.service';
import { RetentionService } from '../audit/retention.service';
import { SCIM_AUTH_OPTIONS, ScimAuthOptions, tokenCacheTtlOf } from '../auth/auth.options';
import { ScimBearerStrategy } from '../auth/scim-bearer.strategy';
import { TokenService } from '../auth/token.service';
import { ScimCallers } from '../auth/scim-caller.service';
import { EventDispatcher } from '../events/event-dispatcher.service';
import { EVENTS_OPTIONS, resolveEventsOptions } from '../events/events.options';
import { OutboxSignalHub } from '../events/outbox-signal';
import { WebhookSender } from '../events/webhook.sender';
import { SCIM_ENTITIES } from '../persistence/entities';
import { TypeOrmAuditRepository } from '../persistence/repositories/typeorm-audit.repository';
import { TypeOrmGroupRepository } from '../persistence/repositories/typeorm-group.repository';
import { TypeOrmOutboxRepository } from '../persistence/repositories/typeorm-outbox.repository';
import { TypeOrmRateLimitRepository } from '../persistence/repositories/typeorm-rate-limit.repository';
import { TypeOrmTenantRepository } from '../persistence/repositories/typeorm-tenant.repository';
import { TypeOrmTokenRepository } from '../persistence/repositories/typeorm-token.repository';
import { TypeOrmUserRepository } from '../persistence/repositories/typeorm-user.repository';
import { assertSafeSqlMode } from '../persistence/mysql-mode.check';

import { ScimError } from '../core/errors/scim-error';
import { dialectFor } from '../core/patch/patch.dialect';
import { OutboxSignal, ScimEventListener } from '../core/ports/change-event';
import { ScimLifecycleHooks } from '../core/ports/lifecycle';
import {
  GroupOfMember,
  GroupRepository,
  MemberPage,
  MemberType,
} from '../core/ports/group.repository';
import { ResourcePage, StoredResource } from '../core/ports/resource.types';
import {
  AUDIT_REPOSITORY,
  CLOCK,
  GROUP_REPOSITORY,
  ID_GENERATOR,
  OUTBOX_REPOSITORY,
  OUTBOX_SIGNAL,
  RATE_LIMIT_REPOSITORY,
  ROLE_HOLDER_DIRECTORY,
  SCIM_AUTHENTICATOR,
  SCIM_TENANCY_RESOLVER,
  SCIM_EVENT_LISTENERS,
  SCIM_LIFECYCLE_HOOKS,
  SCHEMA_REGISTRY,
  TENANT_REPOSITORY,
  TOKEN_REPOSITORY,
  USER_REPOSITORY,
} from '../core/ports/tokens';
import { Clock } from '../core/ports/clock';
import { IdGenerator } from '../core/ports/id-generator';
import { GROUP_SCHEMA } from '../core/schema/group.schema';
import {
  GROUP_RESOURCE_TYPE,
  SchemaRegistry,
  USER_RESOURCE_TYPE,
  createDefaultRegistry,
} from '../core/schema/schema.registry';
import { SchemaDefinition } from '../core/schema/schema.types';
import { SchemaDefinitionError, parseExtensionSchemas } from '../core/schema/schema.validator';
import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA } from '../core/schema/user.schema';
import {
  DEFAULT_MAX_OPERATIONS,
  DEFAULT_MAX_PAYLOAD_SIZE,
  DEFAULT_MAX_RESULTS,
  ScimAdapter,
  ScimModuleOptions,
  ScimResourceName,
  ScimStaticOptions,
} from '../scim/scim.options';
import { SCIM_STATIC_OPTIONS } from '../scim/di.tokens';
import {
  SCIM_DIALECT,
  SCIM_ENABLED_RESOURCES,
  SCIM_LIMITS,
  SCIM_ROLES_OPTIONS,
} from '../scim/di.tokens';
import { ScimLimits } from '../scim/scim.options';
import { LastOwnerProtection } from '../scim/lifecycle/last-owner.protection';
import { LifecycleHooks } from '../scim/lifecycle/lifecycle-hooks.service';
import { ScimRoleHolderDirectory } from '../scim/lifecycle/scim-role-holders.directory';
import { ScimRoles } from '../scim/lifecycle/scim-roles.service';

/** resolved once the database's SQL mode was found safe (see assertSafeSqlMode) */
const SQL_MODE_CHECKED = Symbol('scim:SqlModeChecked');

export const DEFAULT_SCIM_PATH = 'scim/v2';
export const SCIM_RESOURCE_NAMES: readonly ScimResourceName[] = ['User', 'Group'];

/**
 * The build-time options (ConfigurableModuleBuilder extras) with their defaults, checked while
 * the module graph is built: a bad value fails the boot with a clear message.
 */
export function resolveStaticOptions(extras: Partial<ScimStaticOptions>): ScimStaticOptions {
  const resources = extras.resources ?? SCIM_RESOURCE_NAMES;
  if (
    !Array.isArray(resources) ||
    resources.length === 0 ||
    new Set(resources).size !== resources.length ||
    !resources.every((r) => SCIM_RESOURCE_NAMES.includes(r))
  ) {
    const names = SCIM_RESOURCE_NAMES.map((r) => `'${r}'`).join(', ');
    throw new Error(`ScimModule: resources must be a non-empty list of distinct ${names}`);
  }
  const adapters = extras.adapters;
  for (const [name, adapter] of [
    ['users', adapters?.users],
    ['groups', adapters?.groups],
  ] as const) {
    if (adapter !== undefined && typeof adapter !== 'function' && !hasUseExisting(adapter)) {
      throw new Error(`ScimModule: adapters.${name} must be a class or { useExisting: <token> }`);
    }
  }
  if (adapters?.users && !adapters.groups && resources.includes('Group')) {
    // the built-in group store resolves members and their display names in scim_users
    throw new Error(
      'ScimModule: adapters.users replaces the User store, but Groups would stay on the built-in ' +
        'scim_groups tables, whose memberships refer to scim_users. Pass adapters.groups too, or ' +
        "serve Users only with resources: ['User'].",
    );
  }
  const hooks = extras.hooks ?? [];
  if (!Array.isArray(hooks) || !hooks.every((h) => typeof h === 'function' || hasUseExisting(h))) {
    throw new Error('ScimModule: hooks must be a list of classes or { useExisting: <token> }');
  }
  const roleHolders = adapters?.roleHolders;
  if (roleHolders !== undefined && typeof roleHolders !== 'function' && !hasUseExisting(roleHolders)) {
    throw new Error('ScimModule: adapters.roleHolders must be a class or { useExisting: <token> }');
  }
  const authenticator = extras.auth?.authenticator;
  if (extras.auth !== undefined && !isAdapter(authenticator)) {
    throw new Error('ScimModule: auth.authenticator must be a class or { useExisting: <token> }');
  }
  if (extras.tenancy !== undefined && !isAdapter(extras.tenancy)) {
    throw new Error('ScimModule: tenancy must be a class or { useExisting: <token> }');
  }
  const listeners = extras.listeners ?? [];
  if (
    !Array.isArray(listeners) ||
    !listeners.every((l) => typeof l === 'function' || hasUseExisting(l))
  ) {
    throw new Error('ScimModule: listeners must be a list of classes or { useExisting: <token> }');
  }
  return {
    path: extras.path ?? DEFAULT_SCIM_PATH,
    dataSource: extras.dataSource,
    baseUrl: extras.baseUrl,
    resources: [...resources],
    ...(adapters ? { adapters } : {}),
    ...(listeners.length ? { listeners: [...listeners] } : {}),
    ...(hooks.length ? { hooks: [...hooks] } : {}),
    ...(extras.auth ? { auth: extras.auth } : {}),
    ...(extras.tenancy ? { tenancy: extras.tenancy } : {}),
  };
}

function isAdapter(a: unknown): boolean {
  return typeof a === 'function' || hasUseExisting(a);
}

function hasUseExisting(a: unknown): a is { useExisting: InjectionToken } {
  return (
    typeof a === 'object' && a !== null && (a as { useExisting?: unknown }).useExisting !== undefined
  );
}

/** The port bound to the host's adapter (useClass / useExisting), or to the built-in store. */
function portProvider<T>(
  token: symbol,
  adapter: ScimAdapter<T> | undefined,
  builtIn: Provider,
): Provider {
  return adapter === undefined ? builtIn : adapterProvider(token, adapter);
}

/** The port bound to the host's class (useClass) or provider (useExisting). */
function adapterProvider<T>(token: symbol, adapter: ScimAdapter<T>): Provider {
  return typeof adapter === 'function'
    ? { provide: token, useClass: adapter }
    : { provide: token, useExisting: adapter.useExisting };
}

/**
 * The group store when Groups are not served (and the host supplies none): a user belongs to
 * no group, and nothing reads or writes scim_groups. Only UsersService reaches it (the readOnly
 * `groups` attribute, leaving groups on delete); the writes are unreachable without /Groups.
 */
export class NoGroupRepository implements GroupRepository {
  findById(): Promise<StoredResource | null> {
    return Promise.resolve(null);
  }
  search(): Promise<ResourcePage> {
    return Promise.resolve({ total: 0, items: [] });
  }
  create(): Promise<StoredResource> {
    return Promise.reject(ScimError.notFound('Groups are not served by this server'));
  }
  update(): Promise<StoredResource> {
    return Promise.reject(ScimError.notFound('Groups are not served by this server'));
  }
  delete(): Promise<boolean> {
    return Promise.resolve(false);
  }
  listMembers(): Promise<MemberPage> {
    return Promise.resolve({ members: [] });
  }
  resolveMembers(): Promise<Map<string, MemberType>> {
    return Promise.resolve(new Map());
  }
  wouldCreateCycle(): Promise<boolean> {
    return Promise.resolve(false);
  }
  groupsOf(): Promise<GroupOfMember[]> {
    return Promise.resolve([]);
  }
  groupsOfMany(): Promise<Map<string, GroupOfMember[]>> {
    return Promise.resolve(new Map());
  }
  removeMemberEverywhere(): Promise<void> {
    return Promise.resolve();
  }
}

/** Checks the options once, at boot: a bad value fails the start with a clear message. */
export function validateScimOptions(o: ScimModuleOptions): ScimModuleOptions {
  if (!o || typeof o.tokenPepper !== 'string' || o.tokenPepper.length < 16) {
    throw new Error('ScimModule: tokenPepper must be a string of at least 16 characters');
  }
  if (o.roles !== undefined) {
    const names = o.roles?.names;
    if (
      !Array.isArray(names) ||
      names.length === 0 ||
      !names.every((n) => typeof n === 'string' && /^[A-Za-z0-9_.:-]{1,64}$/.test(n)) ||
      new Set(names).size !== names.length
    ) {
      throw new Error('ScimModule: roles.names must be a non-empty list of distinct role names ([A-Za-z0-9_.:-], at most 64)');
    }
    if (o.roles.protect !== undefined && !names.includes(o.roles.protect)) {
      throw new Error(`ScimModule: roles.protect "${o.roles.protect}" must be one of roles.names`);
    }
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

/** userExtensions with the RFC 7643 §2.2 defaults; a bad definition fails the boot, naming it. */
function checkedExtensions(input: unknown): SchemaDefinition[] {
  try {
    return parseExtensionSchemas(input, {
      taken: [USER_SCHEMA.id, ENTERPRISE_USER_SCHEMA.id, GROUP_SCHEMA.id],
    });
  } catch (e) {
    throw e instanceof SchemaDefinitionError
      ? new Error(`ScimModule userExtensions: ${e.message}`, { cause: e })
      : e;
  }
}

function coreProviders(statics: ScimStaticOptions): Provider[] {
  const ds = getDataSourceToken(statics.dataSource);
  const adapters = statics.adapters ?? {};
  const groupsServed = statics.resources.includes('Group');
  return [
    {
      provide: SCHEMA_REGISTRY,
      useFactory: (o: ScimModuleOptions) => {
        validateScimOptions(o);
        const extensions = checkedExtensions(o.userExtensions ?? []);
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
    { provide: SCIM_ENABLED_RESOURCES, useValue: statics.resources },
    {
      provide: SCIM_AUTH_OPTIONS,
      useFactory: (o: ScimModuleOptions): ScimAuthOptions => ({
        tokenPepper: o.tokenPepper,
        tokenCacheTtlMs: tokenCacheTtlOf(o),
      }),
      inject: [SCIM_OPTIONS],
    },
    { provide: CLOCK, useValue: { nowIso: () => new Date().toISOString() } satisfies Clock },
    { provide: ID_GENERATOR, useValue: { newId: () => randomUUID() } satisfies IdGenerator },
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
            useFactory: (d: DataSource, r: SchemaRegistry, s: OutboxSignal) =>
              new TypeOrmGroupRepository(d, r, s),
            inject: [ds, SCHEMA_REGISTRY, OUTBOX_SIGNAL],
          }
        : { provide: GROUP_REPOSITORY, useClass: NoGroupRepository },
    ),
    {
      provide: TENANT_REPOSITORY,
      useFactory: (d: DataSource) => new TypeOrmTenantRepository(d),
      inject: [ds],
    },
    // refuses a MySQL server whose sql_mode makes client-side escaping unsafe
    {
      provide: SQL_MODE_CHECKED,
      useFactory: async (d: DataSource) => {
        await assertSafeSqlMode(d);
        return true;
      },
      inject: [ds],
    },
    {
      provide: TOKEN_REPOSITORY,
      useFactory: (d: DataSource, a: ScimAuthOptions) =>
        new TypeOrmTokenRepository(d, { cacheTtlMs: a.tokenCacheTtlMs }),
      inject: [ds, SCIM_AUTH_OPTIONS],
    },
    TokenService,
    ScimBearerStrategy,
    // the host's own authentication and tenancy, when given
    ...(statics.auth ? [adapterProvider(SCIM_AUTHENTICATOR, statics.auth.authenticator)] : []),
    ...(statics.tenancy ? [adapterProvider(SCIM_TENANCY_RESOLVER, statics.tenancy)] : []),
    ScimCallers,
    // --- audit log, rate limits, retention (src/audit) ---
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
    // --- end audit log, rate limits, retention ---
    // --- change events (src/events) ---
    ...eventProviders(statics, ds),
    // --- end change events ---
    ...lifecycleProviders(statics),
  ];
}

/**
 * Roles, break-glass protection and the host's lifecycle hooks.
 * SCIM_LIFECYCLE_HOOKS lists break-glass protection first (when `roles.protect` is set), then
 * the host's hooks in the order given.
 */
function lifecycleProviders(statics: ScimStaticOptions): Provider[] {
  const hooks = statics.hooks ?? [];
  const classes = [...new Set(hooks.filter((h) => typeof h === 'function'))];
  const tokens: InjectionToken[] = hooks.map((h) => (typeof h === 'function' ? h : h.useExisting));
  return [
    {
      provide: SCIM_ROLES_OPTIONS,
      useFactory: (o: ScimModuleOptions) => o.roles,
      inject: [SCIM_OPTIONS],
    },
    ScimRoles,
    portProvider(ROLE_HOLDER_DIRECTORY, statics.adapters?.roleHolders, {
      provide: ROLE_HOLDER_DIRECTORY,
      useClass: ScimRoleHolderDirectory,
    }),
    LastOwnerProtection,
    ...classes,
    {
      provide: SCIM_LIFECYCLE_HOOKS,
      useFactory: (protection: LastOwnerProtection, ...found: ScimLifecycleHooks[]) => [
        ...(protection.enabled ? [protection] : []),
        ...new Set(found),
      ],
      inject: [LastOwnerProtection, ...tokens],
    },
    LifecycleHooks,
  ];
}

/**
 * The outbox, its dispatcher, and the host's listeners: a listener class becomes a provider
 * of this module; `{ useExisting }` names the host's own. SCIM_EVENT_LISTENERS is the list.
 */
function eventProviders(statics: ScimStaticOptions, ds: InjectionToken): Provider[] {
  const listeners = statics.listeners ?? [];
  const classes = [...new Set(listeners.filter((l) => typeof l === 'function'))];
  const tokens: InjectionToken[] = listeners.map((l) => (typeof l === 'function' ? l : l.useExisting));
  return [
    { provide: OUTBOX_SIGNAL, useFactory: () => new OutboxSignalHub() },
    {
      provide: EVENTS_OPTIONS,
      useFactory: (o: ScimModuleOptions) => resolveEventsOptions(o.events),
      inject: [SCIM_OPTIONS],
    },
    {
      provide: OUTBOX_REPOSITORY,
      useFactory: (d: DataSource) => new TypeOrmOutboxRepository(d),
      inject: [ds],
    },
    ...classes,
    {
      provide: SCIM_EVENT_LISTENERS,
      useFactory: (...found: ScimEventListener[]) => [...new Set(found)],
      inject: tokens,
    },
    WebhookSender,
    EventDispatcher,
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
  ScimCallers,
  // what RequestAuditGuard / RateLimitGuard and the CLI need
  AUDIT_OPTIONS,
  AUDIT_REPOSITORY,
  RATE_LIMIT_REPOSITORY,
  AuditService,
  RateLimitService,
  RetentionService,
  // change events
  OUTBOX_REPOSITORY,
  EVENTS_OPTIONS,
  EventDispatcher,
  // a host adapter's appendEvents wakes the dispatcher at once instead of at the next poll
  OUTBOX_SIGNAL,
  // roles, break-glass protection and the host's lifecycle hooks
  ScimRoles,
  ROLE_HOLDER_DIRECTORY,
  LifecycleHooks,
];

export const {
  ConfigurableModuleClass: ScimCoreModuleBase,
  MODULE_OPTIONS_TOKEN: SCIM_OPTIONS,
  OPTIONS_TYPE: SCIM_FOR_ROOT_OPTIONS,
  ASYNC_OPTIONS_TYPE: SCIM_FOR_ROOT_ASYNC_OPTIONS,
} = new ConfigurableModuleBuilder<ScimModuleOptions>({ moduleName: 'Scim' })
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
    },
    (def, extras) => {
      const statics = resolveStaticOptions(extras);
      return {
        ...def,
        global: true,
        imports: [
          ...(def.imports ?? []),
          TypeOrmModule.forFeature(SCIM_ENTITIES, statics.dataSource),
          ...(statics.adapters?.imports ?? []),
        ],
        providers: [
          ...(def.providers ?? []),
          { provide: SCIM_STATIC_OPTIONS, useValue: statics },
          ...coreProviders(statics),
        ],
        exports: [...(def.exports ?? []), ...EXPORTED],
      };
    },
  )
  .build();

export type ScimForRootOptions = typeof SCIM_FOR_ROOT_OPTIONS;
export type ScimForRootAsyncOptions = typeof SCIM_FOR_ROOT_ASYNC_OPTIONS;
