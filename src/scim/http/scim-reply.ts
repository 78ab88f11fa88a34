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
 * Content-Type is set before the handler by ScimRequestGuard; answers without a body (204,
 * 304) are thrown as EmptyResponse and written by ScimExceptionFilter; lists and Bulk
 * responses carry no `meta` and need neither helper.
 */
import { Res } from '@nestjs/common';

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
