import { ListResponse } from '../../core/messages/list-response';
import { ScimJson } from '../../core/ports/resource.types';
import { ListQueryDto, ProjectionQueryDto } from '../http/list-query.dto';
import { RequestContext } from '../http/request-context';
import { ResourceResult } from './resource-result';

/**
 * What a resource type's endpoint asks of its service (RFC 7644 §3.3-§3.6): one method per
 * operation, the body still unvalidated (the schema core validates it), the projection and
 * request context as the HTTP layer parsed them. Users and Groups implement it; the one
 * controller shape (resourceController) and Bulk call it.
 */
export interface ScimResourceService {
  create(body: unknown, proj: ProjectionQueryDto, ctx: RequestContext): Promise<ScimJson>;
  /** 304 as a value when If-None-Match names the current version */
  get(id: string, proj: ProjectionQueryDto, ctx: RequestContext): Promise<ResourceResult>;
  list(q: ListQueryDto, ctx: RequestContext): Promise<ListResponse<ScimJson>>;
  replace(id: string, body: unknown, proj: ProjectionQueryDto, ctx: RequestContext): Promise<ScimJson>;
  /** 204 as a value when the type answers a PATCH without a representation */
  patch(id: string, body: unknown, proj: ProjectionQueryDto, ctx: RequestContext): Promise<ResourceResult>;
  delete(id: string, ctx: RequestContext): Promise<void>;
}
