/** The public API of the SCIM library. Code outside src/scim imports only from here. */
export { ScimModule } from './scim.module';
export { validateScimOptions } from './options.validate';
export { SCIM_OPTIONS } from '../scim/di.tokens';
export { DEFAULT_SCIM_PATH } from '../scim/scim.options';
export type { ScimForRootOptions, ScimForRootAsyncOptions } from './module-definition';
export type {
  ScimModuleOptions,
  ScimStaticOptions,
  ScimResourceName,
  ScimAdapter,
  ScimAdapters,
} from '../scim/scim.options';
// what a host needs to write its own store (docs/host-integration.md)
export type { UserRepository } from '../core/ports/user.repository';
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
export { SCHEMA_REGISTRY, USER_REPOSITORY, GROUP_REPOSITORY } from '../core/ports/tokens';
export { compileFilter, jsonMemberPath } from '../core/filter/filter-sql.compiler';
export type {
  ColumnRef,
  FilterSqlTarget,
  MultiValuedRef,
  SqlDialect,
  SqlFragment,
} from '../core/filter/filter-sql.compiler';
export type { FilterNode } from '../core/filter/filter.ast';
export { parseExtensionSchemas, SchemaDefinitionError } from '../core/schema/schema.validator';
export type { ExtensionSchemaOptions } from '../core/schema/schema.validator';
export { ScimExceptionFilter } from '../scim/http/scim-exception.filter';
export { toScimErrorResponse } from '../scim/http/scim-error.mapper';
export { ScimError } from '../core/errors/scim-error';
export { TokenService } from '../auth/token.service';
export { parseScopes } from '../auth/token.service';
export { ALL_SCOPES } from '../core/ports/token.repository';
export type { Scope } from '../core/ports/token.repository';
export { SCIM_ENTITIES } from '../persistence/entities';
export { SCIM_MIGRATIONS } from '../persistence/migrations';
export {
  buildDataSourceOptions,
  parseDatabaseUrl,
  prepareSqlite,
  redact,
} from '../persistence/data-source.options';
// an adapter's writes on SQLite join the module's queue of transactions (one connection)
export { dialectOf, inTransaction } from '../persistence/repositories/sql.util';
export * from '../core/schema';
// change events (in-process listeners, webhook signature checks)
export type {
  ScimChangeEvent,
  ScimEventListener,
  ScimEventOperation,
  ScimEventResourceType,
  NewChangeEvent,
  WriteEvents,
  EventOrigin,
} from '../core/ports/change-event';
export { documentEvent, membershipEvents, changedAttributes } from '../core/ports/change-event';
// an adapter on the module's database records its events in its own transaction
export { appendEvents } from '../persistence/repositories/typeorm-outbox.repository';
export { SCIM_EVENT_LISTENERS } from '../core/ports/tokens';
export type { ScimEventsOptions } from '../events/events.options';
export { EventDispatcher } from '../events/event-dispatcher.service';
export {
  signWebhookBody,
  verifyWebhookSignature,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  EVENT_ID_HEADER,
} from '../events/webhook-signature';
// the admin HTTP API (tenant settings, tokens, outbox) for a host to import
export { AdminModule } from '../admin/admin.module';
export type { AdminForRootOptions, AdminForRootAsyncOptions } from '../admin/admin.module-definition';
export type { AdminModuleOptions, AdminStaticOptions } from '../admin/admin.options';
export { TenantAdminService } from '../admin/tenant-admin.service';
export type { UnlinkedUsersView } from '../admin/tenant-admin.service';
export { EventAdminService } from '../admin/event-admin.service';
export type { EventPage, EventQuery } from '../admin/event-admin.service';
export type { TenantView, TokenView, IssuedTokenView, EventView } from '../admin/admin.views';
export type { TenantSettingsUpdate } from '../auth/token.service';
// the outbox as operators and metrics see it
export { OUTBOX_REPOSITORY } from '../core/ports/tokens';
export { OUTBOX_STATUSES } from '../core/ports/change-event';
export type {
  OutboxBacklog,
  OutboxRecord,
  OutboxRepository,
  OutboxStatus,
} from '../core/ports/change-event';
// lifecycle hooks, roles, break-glass, linking, the unlinked report
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
export type { ScimRolesOptions } from '../scim/scim.options';
export type { UnlinkedUser, UnlinkedUserPage } from '../core/ports/user.repository';
export type { LinkPolicy, RoleMapping } from '../core/ports/tenant.repository';
// host adapters call OutboxSignal.written() after committing events
export { OUTBOX_SIGNAL } from '../core/ports/tokens';
export type { OutboxSignal } from '../core/ports/change-event';
// the host's own authentication and tenancy
export type {
  ScimAuthenticator,
  ScimAuthRequest,
  ScimCaller,
  ScimTenancyResolver,
} from '../core/ports/authenticator';
export { ScimCallers } from '../auth/scim-caller.service';
