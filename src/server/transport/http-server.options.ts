import { HttpTimeouts } from '../config/app.config';
import { scimClientErrorHandler } from './client-error.handler';
import { scimFrameworkErrors } from './framework-errors.handler';

/**
 * The Fastify/node HTTP server options for HTTP_*_TIMEOUT_MS: a client that sends its headers
 * or its body too slowly gets a SCIM 408 and is closed (node checks open requests every
 * connectionsCheckingInterval, so the check runs often enough for the shortest timeout), an
 * idle keep-alive connection is closed after keepAliveTimeoutMs, and a request that never
 * reaches a route (malformed, headers too large: 400, 431; a path that is not valid
 * percent-encoding: 400) gets a SCIM error body too.
 */
export function httpServerOptions(t: HttpTimeouts) {
  return {
    requestTimeout: t.requestTimeoutMs,
    keepAliveTimeout: t.keepAliveTimeoutMs,
    http: {
      requestTimeout: t.requestTimeoutMs,
      headersTimeout: t.headersTimeoutMs,
      keepAliveTimeout: t.keepAliveTimeoutMs,
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(t.headersTimeoutMs / 4))),
    },
    clientErrorHandler: scimClientErrorHandler,
    frameworkErrors: scimFrameworkErrors,
  };
}
