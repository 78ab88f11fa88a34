/**
 * What a SCIM handler that returns a resource does after its service answers, in place of a
 * Nest interceptor (Nest's interceptor machinery was a third of a discovery request's
 * CPU): the `ETag` (RFC 7644 §3.14) from `meta.version` and, on a create, the `Location`
 * (§3.3) from `meta.location`. The handler takes the framework's response with `@ScimRes()`
 * (Nest still sends what the handler returns, with the status of its decorators) and returns
 * through `scimResource` or `scimCreated`:
 *
 *   get(@Param('id') id: string, @ReqCtx() ctx: RequestContext, @ScimRes() res: ScimResponse) {
 *     return scimResource(res, this.users.get(id, ctx));
 *   }
 *
 * Content-Type is set before the handler by ScimRequestGuard. A service answers a read or a
 * PATCH with a ResourceResult value; `scimResult` sends an answer without a body (204, 304) as
 * EmptyResponse, which ScimExceptionFilter writes: a handler's status is fixed by its
 * decorator, and that is the one way past it. Lists and Bulk responses carry no `meta` and
 * need none of these helpers.
 */
import { Res } from '@nestjs/common';
import { ResourceResult } from '../resources/resource-result';
import { EmptyResponse } from './empty-response';

/**
 * Fastify's reply and Express's response alike: what Nest's adapters call to set a header
 * (Fastify's `reply.header`; Express's `res.set`, of which `res.header` is the same function).
 */
export interface ScimResponse {
  header(name: string, value: string): unknown;
}

/** `meta` of a returned resource (RFC 7643 §3.1) */
const metaOf = (body: unknown) =>
  (body as { meta?: { version?: string; location?: string } } | undefined)?.meta;

/** The framework's response, for `scimResource`/`scimCreated`; Nest still sends the result. */
export const ScimRes = (): ParameterDecorator => Res({ passthrough: true });

/** The resource `pending` resolves to, with its ETag set. */
export async function scimResource<T>(res: ScimResponse, pending: Promise<T>): Promise<T> {
  const body = await pending;
  const version = metaOf(body)?.version;
  if (version) {
    res.header('ETag', version);
  }
  return body;
}

/** The resource a create resolves to, with its ETag and Location set. */
export async function scimCreated<T>(res: ScimResponse, pending: Promise<T>): Promise<T> {
  const body = await scimResource(res, pending);
  const location = metaOf(body)?.location;
  if (location) {
    res.header('Location', location);
  }
  return body;
}

/** The body of a ResourceResult with its ETag set, or its 204/304 with only the ETag. */
export async function scimResult(res: ScimResponse, pending: Promise<ResourceResult>): Promise<unknown> {
  const result = await pending;
  if (result.kind === 'empty') {
    throw new EmptyResponse(result.status, { ETag: result.etag });
  }
  return scimResource(res, Promise.resolve(result.body));
}
