import { InjectionToken } from '@nestjs/common';
import { GROUP_SCHEMA } from '../core/schema/group.schema';
import { SchemaDefinition } from '../core/schema/schema.types';
import { SchemaDefinitionError, parseExtensionSchemas } from '../core/schema/schema.validator';
import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA } from '../core/schema/user.schema';
import {
  DEFAULT_SCIM_PATH,
  ScimModuleOptions,
  ScimResourceName,
  ScimStaticOptions,
} from '../scim/scim.options';
import { resolveResourceTypes } from './resource-types.validate';

/**
 * The options of ScimModule, checked once: a bad value fails the boot with a message that names
 * the option. The build-time options (extras) are checked while the module graph is built, the
 * runtime options when the core module's providers are created.
 */

export const SCIM_RESOURCE_NAMES: readonly ScimResourceName[] = ['User', 'Group'];

/** The build-time options (ConfigurableModuleBuilder extras) with their defaults, checked. */
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
  if (extras.oauthEndpoints !== undefined && typeof extras.oauthEndpoints !== 'boolean') {
    throw new Error('ScimModule: oauthEndpoints must be true or false');
  }
  if (extras.clock !== undefined && typeof extras.clock?.nowIso !== 'function') {
    throw new Error('ScimModule: clock must have a nowIso() method');
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
    resourceTypes: resolveResourceTypes(extras.resourceTypes),
    ...(extras.oauthEndpoints === true ? { oauthEndpoints: true } : {}),
    ...(extras.clock ? { clock: extras.clock } : {}),
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

/** The runtime options' own fields; the subsystems check theirs when they resolve them. */
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
    ['filterBudget', o.filterBudget],
  ] as const) {
    if (v !== undefined && (!Number.isInteger(v) || v < 1)) {
      throw new Error(`ScimModule: ${k} must be a positive integer`);
    }
  }
  if (o.statementTimeoutMs !== undefined && (!Number.isInteger(o.statementTimeoutMs) || o.statementTimeoutMs < 0)) {
    throw new Error('ScimModule: statementTimeoutMs must be a non-negative integer (ms; 0: no limit)');
  }
  if (o.requireMigrations !== undefined && typeof o.requireMigrations !== 'boolean') {
    throw new Error('ScimModule: requireMigrations must be true or false');
  }
  validateMetricsOptions(o.metrics);
  return o;
}

function validateMetricsOptions(m: ScimModuleOptions['metrics']): void {
  if (m === undefined || m === false) {
    return;
  }
  if (typeof m !== 'object' || m === null) {
    throw new Error('ScimModule: metrics must be false or { registry?, countRequests? }');
  }
  if (m.registry !== undefined && typeof (m.registry as { registerMetric?: unknown })?.registerMetric !== 'function') {
    throw new Error("ScimModule: metrics.registry must be a prom-client Registry (new Registry() or prom-client's register)");
  }
  if (m.countRequests !== undefined && typeof m.countRequests !== 'boolean') {
    throw new Error('ScimModule: metrics.countRequests must be true or false');
  }
}

/** userExtensions with the RFC 7643 §2.2 defaults; a bad definition fails the boot, naming it. */
export function validatedUserExtensions(input: unknown): SchemaDefinition[] {
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
