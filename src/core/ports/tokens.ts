/**
 * DI tokens of the ports: Symbols, so they can never collide with a host application's
 * providers. Each names the contract it is bound to; the contracts live beside this file.
 */

// Resource and tenant stores (./user.repository, ./group.repository, ./tenant.repository)
export const USER_REPOSITORY = Symbol('scim:UserRepository');
export const GROUP_REPOSITORY = Symbol('scim:GroupRepository');
export const TENANT_REPOSITORY = Symbol('scim:TenantRepository');
/** TokenRepository (./token.repository): service-account bearer tokens */
export const TOKEN_REPOSITORY = Symbol('scim:TokenRepository');
/** OAuthClientRepository (./oauth-client.repository): OAuth clients and their secrets */
export const OAUTH_CLIENT_REPOSITORY = Symbol('scim:OAuthClientRepository');
/** SigningKeyRepository (./signing-key.repository): the keys that sign OAuth access tokens */
export const SIGNING_KEY_REPOSITORY = Symbol('scim:SigningKeyRepository');

/** SchemaRegistry (../schema/schema.registry): schemas and resource types served */
export const SCHEMA_REGISTRY = Symbol('scim:SchemaRegistry');
/** every scope this server knows (the built-in ones and those of its extra resource types) */
export const SCIM_SCOPES = Symbol('scim:Scopes');
/** the stores of the resource types beyond User and Group (ResourceStores) */
export const RESOURCE_STORES = Symbol('scim:ResourceStores');
/** CatalogueRepository (./catalogue): the tenant catalogue table (CLI / admin API) */
export const CATALOGUE_REPOSITORY = Symbol('scim:CatalogueRepository');
/** UnitOfWork (./unit-of-work): writes that commit together (a Bulk reference cycle) */
export const UNIT_OF_WORK = Symbol('scim:UnitOfWork');
/** Clock (./clock) */
export const CLOCK = Symbol('scim:Clock');
/** IdGenerator (./id-generator) */
export const ID_GENERATOR = Symbol('scim:IdGenerator');

// Audit log and rate-limit counters (./audit.repository)
export const AUDIT_REPOSITORY = Symbol('scim:AuditRepository');
export const RATE_LIMIT_REPOSITORY = Symbol('scim:RateLimitRepository');

// Metrics (./request-metrics)
/** RequestMetrics | null: where the SCIM controllers count their requests (null: nowhere) */
export const REQUEST_METRICS = Symbol('scim:RequestMetrics');

// Change events (./change-event)
export const OUTBOX_REPOSITORY = Symbol('scim:OutboxRepository');
export const OUTBOX_SIGNAL = Symbol('scim:OutboxSignal');
/**
 * EgressPolicy (../egress/egress-policy): where tenant webhooks may point, checked when a
 * webhook is registered and again, on resolved addresses, when it is delivered
 */
export const WEBHOOK_EGRESS_POLICY = Symbol('scim:WebhookEgressPolicy');
/** ScimEventListener[]: the host's in-process listeners (ScimModule `listeners`) */
export const SCIM_EVENT_LISTENERS = Symbol('scim:EventListeners');

// Lifecycle hooks and roles (./lifecycle)
/** ScimLifecycleHooks[]: the host's hooks (ScimModule `hooks`), break-glass protection first */
export const SCIM_LIFECYCLE_HOOKS = Symbol('scim:LifecycleHooks');
/** RoleHolderDirectory: who holds a role (break-glass); the host may bind its own */
export const ROLE_HOLDER_DIRECTORY = Symbol('scim:RoleHolderDirectory');

// The host's authentication and tenancy (./authenticator)
/** ScimAuthenticator | undefined: the host's own authentication of SCIM requests */
export const SCIM_AUTHENTICATOR = Symbol('scim:Authenticator');
/** ScimTenancyResolver | undefined: the tenant a request addresses */
export const SCIM_TENANCY_RESOLVER = Symbol('scim:TenancyResolver');

// Cursor sealing (./cursor-codec)
/** CursorSealer: seals and opens RFC 9865 cursors with a server key, per tenant */
export const CURSOR_SEALER = Symbol('scim:CursorSealer');
