import { FastifyAdapter } from '@nestjs/platform-fastify';
import { REQUEST_ID_HEADER, stampRequest } from '../audit/request-id.util';
import { HttpMetrics, UNMATCHED_ROUTE } from './http-metrics.service';

/** the adapter's Fastify instance type (no direct import of fastify: not our dependency) */
type Fastify = FastifyAdapter extends FastifyAdapter<any, any, any, any, any, infer I> ? I : never;

/**
 * The standalone server's two hooks on every route (issue #6 items 5 and 6), including the
 * 404 of an unmatched path, body-parser errors, /health and /metrics:
 * - onRequest stamps the request id (the incoming X-Request-Id when sane, else a UUID) and
 *   sends it back; SCIM controllers reuse the same stamp for their audit entry;
 * - onResponse counts the request under its route template with Fastify's own elapsed time.
 * The library installs no such hook (STYLE §3): only this app does, from bootstrap.ts.
 */
export function installHttpHooks(fastify: Fastify, metrics: HttpMetrics): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header(REQUEST_ID_HEADER, stampRequest(request).id);
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    metrics.observe(
      request.method,
      request.routeOptions.url ?? UNMATCHED_ROUTE,
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
    done();
  });
}
