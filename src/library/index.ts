/** The public API of the SCIM library. Code outside src/ imports only from here. */

// --- The module and its options ----------------------------------------------------------
export { ScimModule } from './scim.module';
export type { ScimForRootOptions, ScimForRootAsyncOptions } from './module-definition';
export { validateScimOptions } from './options.validate';
export { SCIM_OPTIONS } from '../scim/di.tokens';
export { DEFAULT_SCIM_PATH } from '../scim/scim.options';
export type {
  ScimModuleOptions,
  ScimStaticOptions,
  ScimResourceName,
  ScimAdapter,
  ScimAdapters,
  ScimRolesOptions,
} from '../scim/scim.options';
export type { ScimEventsOptions } from '../events/events.options';

// --- Stores a host may implement (adapters.users / adapters.groups) --------------------------
export { SCHEMA_REGISTRY, USER_REPOSITORY, GROUP_REPOSITORY } from '../core/ports/tokens';
export type { UserRepository, UnlinkedUser, UnlinkedUserPage } from '../core/ports/user.repository';
export type {
  GroupRepository,
  GroupUpdate,
  GroupOfMember,
  MemberDelta,
  MemberPage,
  MemberRef,
  MemberType,
  MemberView,
  NewGroup,
} from '../core/ports/group.repository';
export type {
  NewResource,
  ResourcePage,
  ResourceQuery,
  ResourceUpdate,
  ScimJson,
  SortOrder,
  StoredResource,
} from '../core/ports/resource.types';

// --- The SQL stores over a host's own tables: a descriptor plus hooks ------------------------
// SqlResourceStore (Users, any resource type) and SqlGroupStore (groups and their membership
// table) keep filters, sorting, paging, versions, uniqueness and events; a host describes its
// columns (TableDescriptor) and overrides the protected hooks for its policies.
export { SqlResourceStore } from '../persistence/sql-store/sql-resource.store';
export { SqlGroupStore } from '../persistence/sql-store/sql-group.store';
export type { MemberColumns } from '../persistence/sql-store/sql-group-members';
export type { Adoption, AdoptedRow } from '../persistence/sql-store/sql-rows';
export type { ResourceRow } from '../persistence/sql-store/sql-query';
export type {
  ColumnDescriptor,
  MembersDescriptor,
  TableDescriptor,
  TableKeys,
} from '../persistence/sql-store/table-descriptor';
export { MAX_INDEXED_LENGTH, USER_TABLE, GROUP_TABLE } from '../persistence/sql-store/table-descriptor';
// reads of a host's own tables that see committed data only (SQLite: a reader connection)
export { readCommitted } from '../persistence/repositories/sql-transaction';

// --- SCIM filters compiled to SQL, for a host's store ----------------------------------------
export { compileFilter } from '../core/filter/filter-sql.compiler';
export { jsonMemberPath } from '../core/filter/filter-sql.dialect';
export type { SqlDialect } from '../core/filter/filter-sql.dialect';
export type {
  ColumnRef,
  FilterSqlTarget,
  MultiValuedRef,
  SqlFragment,
} from '../core/filter/filter-sql.target';
export type { FilterNode } from '../core/filter/filter.ast';
// what a host's store says it indexes (ResourceStore.filterIndexes), for the filter budget
export { DEFAULT_FILTER_BUDGET, DEFAULT_FILTER_INDEXES } from '../core/filter/filter.cost';
export type { FilterIndexes } from '../core/filter/filter.cost';

// --- Schemas and extension schemas ----------------------------------------------------------
export * from '../core/schema';
export { parseExtensionSchemas, SchemaDefinitionError } from '../core/schema/schema.validator';
export type { ExtensionSchemaOptions } from '../core/schema/schema.validator';

// --- Errors: SCIM error bodies, also for a host's own routes --------------------------------
export { ScimError } from '../core/errors/scim-error';
export { ScimExceptionFilter } from '../scim/http/scim-exception.filter';
export { toScimErrorResponse } from '../scim/http/scim-error.mapper';

// --- Authentication: the module's service-account tokens, or the host's own ------------------
export { TokenService, parseScopes } from '../auth/token.service';
export { TenantService } from '../auth/tenant.service';
export type { TenantSettingsUpdate } from '../auth/tenant.service';
export { ScimCallers } from '../auth/scim-caller.service';
export { ALL_SCOPES } from '../core/ports/token.repository';
export type { Scope } from '../core/ports/token.repository';
export type { LinkPolicy, RoleMapping } from '../core/ports/tenant.repository';
// OAuth 2.0 client credentials (docs/oauth.md): clients, secrets
export { OAuthClientService } from '../auth/oauth/oauth-client.service';
export type {
  IssuedClientSecret,
  NewOAuthClient,
  OAuthClientChanges,
  SecretCheck,
  SecretRefusal,
} from '../auth/oauth/oauth-client.service';
export type { ScimOAuthOptions, RateWindow } from '../auth/oauth/oauth.options';
export { AccessTokenService, InvalidAccessToken } from '../auth/oauth/access-token.service';
export type { AccessTokenClaims, IssuedAccessToken } from '../auth/oauth/access-token.service';
export { SigningKeyService } from '../auth/oauth/signing-key.service';
export type { SigningKeyView } from '../auth/oauth/signing-key.service';
export type { Clock } from '../core/ports/clock';
export type {
  JwkSet,
  OAuthClient,
  OAuthClientSecret,
  OAuthClientStatus,
} from '../core/ports/oauth-client.repository';
export type {
  ScimAuthenticator,
  ScimAuthRequest,
  ScimCaller,
  ScimTenancyResolver,
} from '../core/ports/authenticator';

// --- Change events: in-process listeners, the outbox, webhook signatures ---------------------
export { SCIM_EVENT_LISTENERS, OUTBOX_REPOSITORY, OUTBOX_SIGNAL } from '../core/ports/tokens';
export type {
  ScimChangeEvent,
  ScimEventListener,
  ScimEventOperation,
  ScimEventResourceType,
  NewChangeEvent,
  WriteEvents,
  EventOrigin,
  OutboxBacklog,
  OutboxRecord,
  OutboxRepository,
  OutboxStatus,
  // host adapters call OutboxSignal.written() after committing events
  OutboxSignal,
} from '../core/ports/change-event';
export {
  documentEvent,
  membershipEvents,
  changedAttributes,
  OUTBOX_STATUSES,
} from '../core/ports/change-event';
export { EventDispatcher } from '../events/event-dispatcher.service';
export {
  signWebhookBody,
  verifyWebhookSignature,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  EVENT_ID_HEADER,
} from '../events/webhook-signature';
// where tenant webhooks may point (ScimModule events.webhookAllow, SCIM_WEBHOOK_ALLOW)
export { WEBHOOK_EGRESS_POLICY } from '../core/ports/tokens';
export { EgressPolicy, EgressAllowlistError } from '../core/egress/egress-policy';
export { classifyAddress, REFUSAL_WORDING } from '../core/egress/destination-address';
export type { AddressVerdict, RefusalReason } from '../core/egress/destination-address';
export type { WebhookFailure } from '../events/webhook.sender';

// --- Roles and lifecycle: hooks, break-glass protection, linking ----------------------------
export { ScimRoles } from '../scim/lifecycle/scim-roles.service';
export type { TenantRoleRules } from '../scim/lifecycle/scim-roles.service';
export { ROLE_HOLDER_DIRECTORY } from '../core/ports/tokens';
export type {
  ScimLifecycleHooks,
  HookContext,
  HookResourceType,
  CreateHookEvent,
  CreatedHookEvent,
  UpdateHookEvent,
  DeleteHookEvent,
  MembershipHookEvent,
  RoleHolderDirectory,
  RoleHolderExclusion,
} from '../core/ports/lifecycle';

// --- Persistence: entities, migrations, data sources, an adapter's transactions -------------
export { SCIM_ENTITIES } from '../persistence/entities';
export { SCIM_MIGRATIONS } from '../persistence/migrations';
// what a host adds to its DataSource: spread scimTypeOrmOptions({ type }) with migrationsRun: true
export {
  buildDataSourceOptions,
  connectionOptionsOf,
  parseDatabaseUrl,
  prepareSqlite,
  redact,
  scimTypeOrmOptions,
} from '../persistence/data-source.options';
export type {
  ScimDatabaseType,
  ScimTypeOrmOptions,
  ScimTypeOrmOptionsInput,
} from '../persistence/data-source.options';
// the module refuses to start while one of its migrations is pending (ScimModule requireMigrations)
export { pendingScimMigrations, SCIM_MIGRATIONS_TABLE } from '../persistence/schema.check';
// several instances starting together on one database migrate it once
export { runMigrationsLocked, MigrationLockError } from '../persistence/migration-lock';
// on SQLite an adapter's writes join the module's queue of transactions (one connection)
export { dialectOf, inTransaction } from '../persistence/repositories/sql.util';
// an adapter on the module's database records its events in its own transaction
export { appendEvents } from '../persistence/repositories/typeorm-outbox.repository';

// --- Operations: Prometheus metrics (prom-client) and @nestjs/terminus health indicators ---
export { ScimMetrics, LATENCY_BUCKETS, UNMATCHED_ROUTE } from '../observability/scim-metrics';
export type { ScimMetricsOptions } from '../observability/metrics.options';
export { ScimHealthIndicator, DEFAULT_MAX_OLDEST_PENDING_SECONDS } from '../observability/scim-health.indicator';
export type { OutboxThresholds } from '../observability/scim-health.indicator';

// --- The admin HTTP API: tenant settings, tokens, the outbox ---------------------------------
export { AdminModule } from '../admin/admin.module';
export type { AdminForRootOptions, AdminForRootAsyncOptions } from '../admin/admin.module-definition';
export type { AdminModuleOptions, AdminStaticOptions } from '../admin/admin.options';
export { TenantAdminService } from '../admin/tenant-admin.service';
export { EventAdminService } from '../admin/event-admin.service';
export type { EventQuery } from '../admin/event-admin.service';
export type {
  TenantView,
  TokenView,
  IssuedTokenView,
  EventView,
  EventPage,
  UnlinkedUsersView,
  CatalogueValueView,
} from '../admin/admin.views';

// --- Catalogue types: roles and entitlements as SCIM resources (Okta Identity Governance,
// draft-ietf-scim-roles-entitlements) ---------------------------------------------------------
export { ROLE_CATALOGUE_TYPE, ENTITLEMENT_CATALOGUE_TYPE } from '../scim/catalogue/catalogue-types';
export type { ScimResourceTypeOption, ScimCatalogueOption } from '../scim/scim.options';
export type {
  CatalogueEntry,
  CatalogueProvider,
  CatalogueRepository,
  StoredCatalogueEntry,
} from '../core/ports/catalogue';
export { CATALOGUE_REPOSITORY } from '../core/ports/tokens';
export { CatalogueAdminService } from '../admin/catalogue-admin.service';
export { parseCatalogueEntry } from '../admin/catalogue-input.dto';
export { OAuthClientAdminService } from '../admin/oauth-client-admin.service';
export type {
  ClientSecretView,
  CreatedOAuthClientView,
  IssuedClientSecretView,
  OAuthClientView,
} from '../admin/oauth-admin.views';
