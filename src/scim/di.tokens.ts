/**
 * DI tokens of the Nest layer: Symbols, so they can never collide with a host application's
 * providers. The ports' tokens are in core/ports/tokens.ts.
 */

/**
 * ScimModuleOptions: the runtime options (forRoot's object, forRootAsync's factory result).
 * A string, the name ConfigurableModuleBuilder gives a module named 'Scim', so that what a host
 * injects stays the same; the builder is handed this token rather than deriving it.
 */
export const SCIM_OPTIONS = 'SCIM_MODULE_OPTIONS';
/** ScimStaticOptions: the build-time options (route prefix, data source, resources, adapters) */
export const SCIM_STATIC_OPTIONS = Symbol('scim:StaticOptions');
/** ScimLimits: maxResults, maxPayloadSize and maxOperations with their defaults filled in */
export const SCIM_LIMITS = Symbol('scim:Limits');
/** IdpProfile: the tolerance switches used when the request's credential names no profile */
export const SCIM_DEFAULT_PROFILE = Symbol('scim:DefaultProfile');
/** string[]: the names of the resource types served (e.g. ['User', 'Device']); discovery lists only these */
export const SCIM_ENABLED_RESOURCES = Symbol('scim:EnabledResources');
/** ScimRolesOptions | undefined: the host's roles and its break-glass role */
export const SCIM_ROLES_OPTIONS = Symbol('scim:RolesOptions');
/** ServedResource[]: the resource types served beyond User and Group, with their services */
export const SCIM_SERVED_RESOURCES = Symbol('scim:ServedResources');
/** CatalogueAssignments | undefined: Users' roles / entitlements checked against the catalogue types served */
export const SCIM_CATALOGUE_ASSIGNMENTS = Symbol('scim:CatalogueAssignments');
