/** The scopes of the built-in resource types. */
export type BuiltInScope = 'users:read' | 'users:write' | 'groups:read' | 'groups:write';
/**
 * What a token may do: `<prefix>:read` / `<prefix>:write` per resource type (write implies
 * read); the prefixes are `users`, `groups` and those of the resource types a server adds.
 */
export type Scope = BuiltInScope | `${string}:read` | `${string}:write`;
export const ALL_SCOPES: readonly Scope[] = ['users:read', 'users:write', 'groups:read', 'groups:write'];

/** Scoped service-account bearer tokens: stored hashed, shown once, revocable. */
export interface ServiceToken {
  readonly id: string;
  readonly tenantId: string;
  readonly name: string;
  /** first characters of the token, for recognising it in listings (never enough to use it) */
  readonly prefix: string;
  readonly scopes: readonly Scope[];
  readonly createdAt: string;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
  readonly lastUsedAt: string | null;
  /** IdP profile name; null/absent = the tenant's */
  readonly profile?: string | null;
  /** the token's tenant's profile, when the repository loads it with the token (findByHash) */
  readonly tenantProfile?: string | null;
  /** the token's tenant's deprovisioning mode, loaded with the token (findByHash) */
  readonly tenantDeprovisioning?: string | null;
  /** the token's tenant's group cycle policy, loaded with the token (findByHash) */
  readonly tenantGroupCycles?: string | null;
  /** the token's tenant's disabled time (SCIM switched off), loaded with the token (findByHash) */
  readonly tenantDisabledAt?: string | null;
  /** the token's tenant's link policy, loaded with the token (findByHash) */
  readonly tenantLinkPolicy?: string | null;
  /** the token's tenant's token policy ('oauth-only' refuses it), loaded with the token (findByHash) */
  readonly tenantTokenPolicy?: string | null;
  /** the token's tenant's profile switches (canonical text), loaded with the token (findByHash) */
  readonly tenantSwitches?: string | null;
}

export interface NewServiceToken {
  readonly id: string;
  readonly tenantId: string;
  readonly name: string;
  readonly prefix: string;
  readonly hash: string;
  readonly scopes: readonly Scope[];
  readonly createdAt: string;
  readonly expiresAt: string | null;
  readonly profile?: string | null;
}

export interface TokenRepository {
  /** the token whose hash is `hash`, with its tenant, or null */
  findByHash(hash: string): Promise<ServiceToken | null>;
  findById(id: string): Promise<ServiceToken | null>;
  create(token: NewServiceToken): Promise<ServiceToken>;
  list(tenantId?: string): Promise<ServiceToken[]>;
  revoke(id: string, at: string): Promise<boolean>;
  touch(id: string, at: string): Promise<void>;
}
