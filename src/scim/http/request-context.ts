import { ProfileName } from '../../core/profile/idp-profile';
import { ProfileSwitches } from '../../core/profile/profile-switches';
import { CursorCodec } from '../../core/ports/cursor-codec';
import { Scope } from '../../core/ports/token.repository';

/** What a SCIM service needs to know of the request it serves. */
export interface RequestContext {
  readonly tenantId: string;
  readonly tokenId: string;
  readonly scopes: ReadonlySet<Scope>;
  /** absolute base URL of the SCIM API, e.g. https://host/scim/v2 (for meta.location, $ref) */
  readonly baseUrl: string;
  readonly ifMatch?: string;
  readonly ifNoneMatch?: string;
  readonly userAgent?: string;
  /** IdP profile of the token or its tenant; undefined = the server default */
  readonly profile?: ProfileName;
  /** the tenant's profile switches, applied on top of the profile (absent = none) */
  readonly switches?: ProfileSwitches;
  /** the tenant's deprovisioning mode: 'soft' keeps a deleted user as a tombstone */
  readonly deprovisioning?: 'hard' | 'soft';
  /** the tenant allows nested groups that form a cycle (default: refused) */
  readonly allowGroupCycles?: boolean;
  /** the request's X-Request-Id: recorded with the change events it causes */
  readonly requestId?: string;
  /** POST /Users may link to an existing host user with that verified email */
  readonly linkByVerifiedEmail?: boolean;
  /**
   * seals and opens the tenant's RFC 9865 cursors (set by ScimRequestGuard on every request;
   * absent only in unit tests that page by index)
   */
  readonly cursors?: CursorCodec;
  /**
   * fires when the client closes the connection before its answer is written, so that work
   * done only for it (a search) can stop (set by ScimRequestGuard; absent in unit tests)
   */
  readonly signal?: AbortSignal;
}

export const REQUEST_CONTEXT_KEY = 'scimContext';

/**
 * The request property naming the profile a request ran under and how it was chosen
 * (`entra`, `default`, `auto:okta`, `auto:default`): read by the audit row and the access log.
 */
export const PROFILE_LABEL_KEY = 'scimProfile';
