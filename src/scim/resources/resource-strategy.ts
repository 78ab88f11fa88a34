import { ScimError } from '../../core/errors/scim-error';
import { ResourceOperation } from '../../core/ports/change-event';
import { ScimJson, StoredResource } from '../../core/ports/resource.types';
import { ProjectionRequest } from '../../core/projection/projection';
import { ProjectionQueryDto } from '../http/list-query.dto';
import { RequestContext } from '../http/request-context';
import { DetachedAttribute } from './detached-attribute';

/** A stored resource as rendered: the stored one (possibly completed) plus readOnly extras. */
export interface Rendered {
  readonly stored: StoredResource;
  readonly extra?: ScimJson;
}

/**
 * What differs between resource types, as small strategies; everything else is the same for
 * every type. Every member is optional: a type with none (a host's `Device`) is served from
 * its schema and store alone.
 */
export interface ResourceStrategy<C = never, U = never> {
  /**
   * The readOnly attributes a type computes when rendering (a user's `groups`, a manager's
   * displayName), read once for a whole page; `fresh`: the resources were just created.
   */
  completePage?(
    items: readonly StoredResource[],
    proj: ProjectionRequest,
    ctx: RequestContext,
    fresh: boolean,
    kept?: ScimJson,
  ): Promise<(stored: StoredResource) => Rendered>;
  /**
   * PUT/PATCH: the current resource for a read-change-write, with the readOnly attributes a
   * write of it cannot change (`kept`: a user's groups) read in the same statement, so that
   * completePage need not read them again (`kept`) for the answer; null when there is no such
   * resource, undefined when this read does not apply.
   */
  readForWrite?(id: string, ctx: RequestContext): Promise<{ stored: StoredResource; kept: ScimJson } | null | undefined>;
  /**
   * GET of one resource: the resource read together with what completePage would read for
   * it (a user with its groups) in one statement; null when there is no such resource,
   * undefined when this read does not apply (the service then reads and completes as usual).
   */
  readOne?(
    id: string,
    proj: ProjectionRequest,
    ctx: RequestContext,
  ): Promise<{ stored: StoredResource; complete: (stored: StoredResource) => Rendered } | null | undefined>;
  /** a password the schema core took out of the body (RFC 7643 §4.1.1), hashed for the store */
  hashPassword?(password: string): Promise<string>;
  /** the event of a PUT/PATCH (a user's `active` flip is `activated`/`deactivated`) */
  writeOperation?(before: ScimJson, after: ScimJson, verb: 'replaced' | 'patched'): ResourceOperation;
  /** what else a create tells the store (a tenant's link-by-verified-email policy) */
  createOptions?(ctx: RequestContext): { linkByVerifiedEmail?: true };
  /** what follows a delete in other resources (a deleted user leaves its groups) */
  afterDelete?(id: string, at: string, ctx: RequestContext): Promise<void>;
  /**
   * Runs a delete and its afterDelete as one unit of work (they commit together, in one
   * transaction); without it they commit one after the other.
   */
  atomically?<T>(work: () => Promise<T>): Promise<T>;
  /** a multi-valued attribute kept apart from the document (a group's members) */
  readonly detached?: DetachedAttribute<C, U>;
  /**
   * Whether a PATCH answers 200 with the resource rather than 204 (RFC 7644 §3.5.2 allows
   * both); by default 200 unless the client asks for no attributes (`attributes=`).
   */
  patchAnswersBody?(proj: ProjectionQueryDto): boolean;
  /**
   * The error a write of this type answers before its body is read (a read-only catalogue:
   * 405), or undefined when clients may write it; a type without it accepts writes.
   */
  refuseWrite?(verb: 'create' | 'replace' | 'patch' | 'delete'): ScimError | undefined;
  /**
   * What a type checks of a resource against other data before it is written (a User's new
   * roles and entitlements against the tenant's catalogue), after the schema core and PATCH:
   * the resource to write (possibly canonicalised), or a ScimError. `before`: the stored one.
   */
  checkResource?(resource: ScimJson, before: ScimJson | undefined, ctx: RequestContext): Promise<ScimJson>;
}
