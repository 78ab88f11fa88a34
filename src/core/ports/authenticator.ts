import { Scope } from './token.repository';

/**
 * A host that authenticates SCIM requests itself (its own API keys, mTLS, a
 * gateway's signed header...) binds a ScimAuthenticator (ScimModule `auth.authenticator`)
 * instead of the module's bearer tokens. It sees the platform's request object (Fastify or
 * Express: `headers`, `url`, `method`, `ip`) and names the caller, or returns null (401).
 */
export interface ScimAuthenticator {
  authenticate(request: ScimAuthRequest): Promise<ScimCaller | null> | ScimCaller | null;
}

/** What every platform's request has (Fastify and Express alike). */
export interface ScimAuthRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly ip?: string;
}

/** An authenticated caller, as the host's authenticator names it. */
export interface ScimCaller {
  /** the SCIM tenant (`scim_tenants.id`, or its slug) the caller provisions */
  readonly tenant: string;
  /** who is calling (1-36 characters): recorded in the audit log, rate limits and change events where a token id would be */
  readonly actorId: string;
  readonly scopes: readonly Scope[];
  /** the IdP profile (rfc-strict | entra | okta | lenient); default the tenant's */
  readonly profile?: string;
}

/**
 * Which tenant a request addresses, for hosts whose tenants show in the URL
 * or host name (`acme.example.com/scim/v2`, `/scim/v2/acme/...` behind a rewrite). ScimModule
 * `tenancy` binds one; the credential's tenant must then be that tenant, else 403: a token of
 * one customer never works on another's address. Undefined = no opinion (the credential's
 * tenant applies).
 */
export interface ScimTenancyResolver {
  resolveTenant(request: ScimAuthRequest): Promise<string | undefined> | string | undefined;
}
