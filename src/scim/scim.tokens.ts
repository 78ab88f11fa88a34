/** DI tokens of the Nest layer (Symbols: never collide with host providers). */
export const SCIM_DIALECT = Symbol('scim:Dialect');
export const SCIM_LIMITS = Symbol('scim:Limits');

export interface ScimLimits {
  readonly maxResults: number;
  readonly maxPayloadSize: number;
  /** most operations in one bulk request (RFC 7644 §3.7.4); absent = DEFAULT_MAX_OPERATIONS */
  readonly maxOperations?: number;
}

/** Names of the resource types this server serves (e.g. ['User']); discovery lists only these. */
export const SCIM_ENABLED_RESOURCES = Symbol('scim:EnabledResources');

/** ScimRolesOptions | undefined: the host's roles and break-glass role */
export const SCIM_ROLES_OPTIONS = Symbol('scim:RolesOptions');
