/** DI tokens: Symbols, so they can never collide with a host application's providers. */
export const USER_REPOSITORY = Symbol('scim:UserRepository');
export const TENANT_REPOSITORY = Symbol('scim:TenantRepository');
export const TOKEN_REPOSITORY = Symbol('scim:TokenRepository');
export const SCHEMA_REGISTRY = Symbol('scim:SchemaRegistry');
export const CLOCK = Symbol('scim:Clock');
export const ID_GENERATOR = Symbol('scim:IdGenerator');
// audit log and rate-limit counters (ports in ./audit.repository)
export const AUDIT_REPOSITORY = Symbol('scim:AuditRepository');
export const RATE_LIMIT_REPOSITORY = Symbol('scim:RateLimitRepository');

export interface Clock {
  /** ISO-8601 UTC with milliseconds */
  nowIso(): string;
}

export interface IdGenerator {
  newId(): string;
}
export const GROUP_REPOSITORY = Symbol('scim:GroupRepository');
// change events (ports in ./change-event)
export const OUTBOX_REPOSITORY = Symbol('scim:OutboxRepository');
export const OUTBOX_SIGNAL = Symbol('scim:OutboxSignal');
/** ScimEventListener[]: the host's in-process listeners (ScimModule `listeners`) */
export const SCIM_EVENT_LISTENERS = Symbol('scim:EventListeners');
// lifecycle hooks and break-glass protection (ports in ./lifecycle)
/** ScimLifecycleHooks[]: the host's hooks (ScimModule `hooks`), break-glass protection first */
export const SCIM_LIFECYCLE_HOOKS = Symbol('scim:LifecycleHooks');
/** RoleHolderDirectory: who holds a role (break-glass); the host may bind its own */
export const ROLE_HOLDER_DIRECTORY = Symbol('scim:RoleHolderDirectory');
// the host's own authentication and tenancy (ports in ./authenticator)
/** ScimAuthenticator | undefined: the host's own authentication of SCIM requests */
export const SCIM_AUTHENTICATOR = Symbol('scim:Authenticator');
/** ScimTenancyResolver | undefined: the tenant a request addresses */
export const SCIM_TENANCY_RESOLVER = Symbol('scim:TenancyResolver');
