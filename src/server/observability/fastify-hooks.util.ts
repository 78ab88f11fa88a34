import { FastifyAdapter } from '@nestjs/platform-fastify';
import { redactUrl } from '../../audit/audit-redaction.util';
import { REQUEST_ID_HEADER, stampOf, stampRequest } from '../../audit/request-id.util';
import { ScimMetrics, UNMATCHED_ROUTE } from '../../library';
import { AccessLog } from './json.logger';
import { StatementCounter } from './statement-counter';

/** the adapter's Fastify instance type (no direct import of fastify: not our dependency) */
type Fastify = FastifyAdapter extends FastifyAdapter<any, any, any, any, any, infer I> ? I : never;

/**
 * what the bearer strategy attached to the request (auth/token.service ScimPrincipal), and the
 * profile the SCIM layer chose for it (scim/http/request-context.ts PROFILE_LABEL_KEY)
 */
interface Authenticated {
  user?: { tenantId?: string; tokenId?: string };
  scimProfile?: string;
}

/**
 * The standalone server's two hooks on every route, including the
 * 404 of an unmatched path, body-parser errors, /health and /metrics:
 * - onRequest stamps the request id (the incoming X-Request-Id when sane, else a UUID) and
 *   sends it back; SCIM controllers reuse the same stamp for their audit entry;
 * - onResponse counts the request under its route template with Fastify's own elapsed time
 *   (ScimMetrics: the same series a host gets from the SCIM controllers) and, when `accessLog` is given (info level enabled), writes one access line: method,
 *   route, URL (credential-like query parameters redacted), status, duration, request id, tenant and token id
 *   (never the token), User-Agent and client IP, from fields Fastify already holds.
 * With `statements` (SCIM_COUNT_STATEMENTS), the SQL statements run between the two hooks are
 * counted as the request's.
 * The library installs no such hook (STYLE §3): only this app does, from bootstrap.ts.
 */
export function installHttpHooks(
  fastify: Fastify,
  metrics: ScimMetrics,
  accessLog?: AccessLog,
  statements?: StatementCounter,
): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header(REQUEST_ID_HEADER, stampRequest(request).id);
    done();
  });
  if (statements) {
    // the request's statements: from here until its response is sent (/metrics: not counted)
    const scopes = new WeakMap<object, ReturnType<StatementCounter['beginRequest']>>();
    fastify.addHook('onRequest', (request, _reply, done) => {
      scopes.set(request, statements.beginRequest(request.routeOptions.url === '/metrics'));
      done();
    });
    fastify.addHook('onResponse', (request, _reply, done) => {
      statements.endRequest(scopes.get(request));
      done();
    });
  }
  if (accessLog === undefined) {
    fastify.addHook('onResponse', (request, reply, done) => {
      metrics.observe(
        request.method,
        request.routeOptions.url ?? UNMATCHED_ROUTE,
        reply.statusCode,
        reply.elapsedTime / 1000,
      );
      done();
    });
    return;
  }
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
    const elapsed = reply.elapsedTime;
    metrics.observe(request.method, route, reply.statusCode, elapsed / 1000);
    const user = (request as Authenticated).user;
    accessLog.access({
      method: request.method,
      route,
      url: redactUrl(request.url),
      status: reply.statusCode,
      durationMs: Math.round(elapsed * 100) / 100,
      requestId: stampOf(request)?.id,
      tenantId: user?.tenantId,
      tokenId: user?.tokenId,
      userAgent: request.headers['user-agent'],
      clientIp: request.ip,
      profile: (request as Authenticated).scimProfile,
    });
    done();
  });
}
