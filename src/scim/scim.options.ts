import { DynamicModule, ForwardReference, InjectionToken, Type } from '@nestjs/common';
import { ScimEventsOptions } from '../events/events.options';
import { ScimOAuthOptions } from '../auth/oauth/oauth.options';
import { ScimEventListener } from '../core/ports/change-event';
import { RoleHolderDirectory, ScimLifecycleHooks } from '../core/ports/lifecycle';
import { ScimAuthenticator, ScimTenancyResolver } from '../core/ports/authenticator';
import { Clock } from '../core/ports/clock';
import { GroupRepository } from '../core/ports/group.repository';
import { UserRepository } from '../core/ports/user.repository';
import { ResourceStore } from '../core/ports/resource.store';
import { CatalogueProvider } from '../core/ports/catalogue';
import { ResourceTypeDefinition, SchemaDefinition } from '../core/schema/schema.types';
import { TableDescriptor } from '../persistence/sql-store/table-descriptor';
import { ScimMetricsOptions } from '../observability/metrics.options';

/** Runtime options of ScimModule (forRoot / forRootAsync useFactory result). */
export interface ScimModuleOptions {
  /**
   * HMAC key for token hashes, and the secret the RFC 9865 cursor key is derived from;
   * changing it invalidates every issued token and cursor
   */
  tokenPepper: string;
  /**
   * ms a process may answer a token look-up from memory (0-60000; default 1000; 0 = read
   * on every request). A revocation or tenant setting change made elsewhere (CLI, admin API
   * of another instance) takes up to this long to reach this process; made through this
   * process, at once.
   */
  tokenCacheTtlMs?: number;
  /** largest page a list returns (ServiceProviderConfig filter.maxResults); default 1000 */
  maxResults?: number;
  /** largest request body in bytes (ServiceProviderConfig bulk.maxPayloadSize); default 1 MiB */
  maxPayloadSize?: number;
  /** most operations in one POST /Bulk (ServiceProviderConfig bulk.maxOperations); default 1000 */
  maxOperations?: number;
  /**
   * Extra extension schemas for Users (RFC 7643 §3.3), checked at boot (parseExtensionSchemas:
   * URN ids, well-formed attributes, §2.2 defaults filled in). Listed in /Schemas and in
   * /ResourceTypes/User `schemaExtensions` (not required); validated, filtered, sorted, patched
   * and projected like the Enterprise User extension.
   */
  userExtensions?: readonly SchemaDefinition[];
  /**
   * What one filter may cost the database (core/filter/filter.cost.ts: an indexed look-up
   * costs 1, a term that cannot use an index 10, a sub-query over a multi-valued attribute 2);
   * a costlier filter is answered 400 invalidFilter before anything runs, so one tenant cannot
   * keep the database busy for the others. Default 200 (DEFAULT_FILTER_BUDGET)
   */
  filterBudget?: number;
  /**
   * Longest a search's SELECT may run on MySQL/MariaDB and PostgreSQL, in ms (the server stops
   * it: max_statement_time on MariaDB, MAX_EXECUTION_TIME on MySQL, statement_timeout on
   * PostgreSQL); such a search is answered 503
   * with Retry-After. 0: no limit. Default 10000. SQLite has no way to stop a statement: there
   * the filter budget bounds the work, and searches run on worker threads
   */
  statementTimeoutMs?: number;
  /** documentation URI advertised in ServiceProviderConfig */
  documentationUri?: string;
  /** days audit entries are kept (pruned at start-up, then hourly); default 90 */
  auditRetentionDays?: number;
  /**
   * requests per token per fixed window, counted in the database (shared by every
   * instance); over it → 429 with Retry-After. Default false (no limit)
   */
  rateLimit?: { requestsPerWindow: number; windowSeconds: number } | false;
  /** delivery of the outbox: polling, timeouts, retries (every field has a default) */
  events?: ScimEventsOptions;
  /**
   * The host's roles and group-to-role mapping. Each tenant maps IdP groups
   * (by displayName) to roles, with a default role for unmapped groups (admin API / CLI); a
   * user's role is the highest of their groups' roles, ranked by `names`.
   */
  roles?: ScimRolesOptions;
  /** the OAuth 2.0 client credentials grant: token lifetime, client secret lifetimes (docs/oauth.md) */
  oauth?: ScimOAuthOptions;
  /**
   * Refuse to start while the module's migrations are missing or pending on the DataSource
   * (looked up in its migrations table and in scim_migrations); default true. false: for a
   * process that boots the module in order to run the migrations itself.
   */
  requireMigrations?: boolean;
  /**
   * Prometheus metrics in a prom-client registry (default prom-client's global one): SCIM
   * requests by route, the outbox backlog. false: none are registered.
   */
  metrics?: ScimMetricsOptions | false;
}

export interface ScimRolesOptions {
  /** the host's roles, most privileged first (e.g. ['owner', 'admin', 'member']) */
  readonly names: readonly string[];
  /**
   * Break-glass protection: SCIM cannot deactivate, delete or demote (remove from the group
   * that gives the role, rename or delete that group) the tenant's last active holder of this
   * role: such a request is answered 409 and changes nothing. Default: none.
   */
  readonly protect?: string;
}

/** The resource types ScimModule can serve. */
export type ScimResourceName = 'User' | 'Group';

/**
 * How a store port is bound: a class (Nest instantiates it in ScimModule's scope, `useClass`,
 * so it may inject the host's DataSource, repositories, or SCHEMA_REGISTRY), or an existing
 * provider of the host (`useExisting`: the host's own instance, visible to ScimModule because it
 * is global or exported by a module in `adapters.imports`).
 */
export type ScimAdapter<T> = Type<T> | { useExisting: InjectionToken };

/** The host's own stores for SCIM resources (see docs/host-integration.md). */
export interface ScimAdapters {
  /** replaces the built-in scim_users store */
  users?: ScimAdapter<UserRepository>;
  /** replaces the built-in scim_groups store */
  groups?: ScimAdapter<GroupRepository>;
  /**
   * who holds a role, for break-glass protection; default: the SCIM group
   * memberships and the tenant's role mapping, read through the users/groups ports
   */
  roleHolders?: ScimAdapter<RoleHolderDirectory>;
  /** modules whose exports the adapters inject (e.g. TypeOrmModule.forFeature([HostUser])) */
  imports?: Array<Type | DynamicModule | Promise<DynamicModule> | ForwardReference>;
}

/**
 * A resource type served beyond User and Group (RFC 7643 §6), from its schema and storage
 * description alone: the same endpoints, filters, sorting, paging, PATCH, ETags, Bulk,
 * discovery, events and hooks as the built-in types, with no class of its own.
 */
export interface ScimResourceTypeOption {
  /** its definition: name, endpoint (e.g. `/Devices`), core schema URN, extensions */
  readonly resourceType: Omit<ResourceTypeDefinition, 'id' | 'description' | 'schemaExtensions'> & {
    /** default: the name */
    readonly id?: string;
    readonly description?: string;
    readonly schemaExtensions?: ResourceTypeDefinition['schemaExtensions'];
  };
  /** its core schema and extension schemas (RFC 7643 §7), checked at boot */
  readonly schemas: readonly SchemaDefinition[];
  /**
   * The scope prefix of the tokens that may use it: `<scope>:read`, `<scope>:write` (write
   * implies read). Default: the endpoint lower-cased without the slash (`/Devices` → `devices`).
   */
  readonly scope?: string;
  /**
   * How the built-in SQL store keeps it; default the shared tables scim_resources and
   * scim_resource_values (genericTable). A descriptor naming the host's own table needs the
   * host's migration for it.
   */
  readonly table?: TableDescriptor;
  /** the host's own store instead of the built-in one */
  readonly store?: ScimAdapter<ResourceStore>;
  /**
   * A catalogue type (draft-ietf-scim-roles-entitlements; Okta Identity Governance): its core
   * schema is Okta's Role or Entitlement URN (the library's, not listed in `schemas`, which
   * then holds its extensions only), its resources are the values its provider lists, and a
   * User's `roles` (Role) or `entitlements` (Entitlement) accept only those values.
   */
  readonly catalogue?: ScimCatalogueOption;
}

/** Where a catalogue type's values come from, and whether SCIM clients may write them. */
export interface ScimCatalogueOption {
  /**
   * The host's source of the values (its plans, licences, permissions); default the library's:
   * the tenant catalogue table (CLI / admin API), plus the tenant's roles for a Role type.
   */
  readonly provider?: ScimAdapter<CatalogueProvider>;
  /**
   * SCIM clients may create, replace and delete values (through the provider's save/remove).
   * Default false: writes are 405 Method Not Allowed with `Allow: GET`.
   */
  readonly writable?: boolean;
}

/** A resource type option once checked at boot, every default filled in. */
export interface ResolvedResourceType extends ScimResourceTypeOption {
  readonly resourceType: ResourceTypeDefinition;
  readonly scope: string;
  readonly table: TableDescriptor;
}

/** The extra resource types of resolved static options (resolveStaticOptions checked them). */
export function servedResourceTypes(statics: ScimStaticOptions): readonly ResolvedResourceType[] {
  return (statics.resourceTypes ?? []) as readonly ResolvedResourceType[];
}

/** Needed while the module graph is built (ConfigurableModuleBuilder extras). */
export interface ScimStaticOptions {
  /** route prefix of the SCIM API, default `scim/v2` */
  path: string;
  /** name of the TypeORM DataSource to use; default the host's default one */
  dataSource?: string;
  /** absolute base URL for meta.location; default derived from each request */
  baseUrl?: string;
  /**
   * The resource types served (default both). A type left out has no endpoint (its URL answers
   * a SCIM 404), is not listed in /ResourceTypes and /Schemas, and Bulk/.search skip it.
   */
  resources: readonly ScimResourceName[];
  /** the host's own stores; default the built-in TypeORM ones on `dataSource` */
  adapters?: ScimAdapters;
  /** resource types served beyond User and Group (each with its own endpoint and scopes) */
  resourceTypes?: readonly ScimResourceTypeOption[];
  /**
   * the host's in-process change-event listeners. A class is instantiated by
   * ScimModule (it may inject global providers and what `adapters.imports` export); with
   * `{ useExisting: token }` the host's own provider (global) is called.
   */
  listeners?: ReadonlyArray<ScimAdapter<ScimEventListener>>;
  /**
   * lifecycle hooks (beforeCreate, afterDeactivate, ...) that may veto a change
   * with a ScimError; classes are instantiated by ScimModule, `{ useExisting }` names the host's.
   */
  hooks?: ReadonlyArray<ScimAdapter<ScimLifecycleHooks>>;
  /**
   * the host authenticates SCIM requests itself (`authenticator`) instead of
   * the module's bearer tokens; default: the module's scoped tokens (passport-http-bearer)
   */
  auth?: { readonly authenticator: ScimAdapter<ScimAuthenticator> };
  /**
   * which tenant a request addresses (host name, path...): a credential of
   * another tenant gets 403. Default: the credential's tenant, unchecked
   */
  tenancy?: ScimAdapter<ScimTenancyResolver>;
  /**
   * Serves the OAuth 2.0 client credentials grant (docs/oauth.md): `{path}/oauth/token`,
   * `{path}/oauth/jwks` and the RFC 8414 metadata at the server root
   * (`/.well-known/oauth-authorization-server`). Default false. Access tokens are accepted by
   * the SCIM endpoints either way.
   */
  oauthEndpoints?: boolean;
  /** the time source of every timestamp and expiry check; default the system clock (tests pass their own) */
  clock?: Clock;
}

/** route prefix of the SCIM API when `path` is not given */
export const DEFAULT_SCIM_PATH = 'scim/v2';
export const DEFAULT_MAX_RESULTS = 1000;
export const DEFAULT_MAX_PAYLOAD_SIZE = 1024 * 1024;
export const DEFAULT_MAX_OPERATIONS = 1000;

/** The size limits in force: the options' values with the defaults above filled in. */
export interface ScimLimits {
  readonly maxResults: number;
  readonly maxPayloadSize: number;
  /** most operations in one bulk request (RFC 7644 §3.7.4); absent = DEFAULT_MAX_OPERATIONS */
  readonly maxOperations?: number;
  /** what one filter may cost (ScimModuleOptions.filterBudget); absent = DEFAULT_FILTER_BUDGET */
  readonly filterBudget?: number;
}
