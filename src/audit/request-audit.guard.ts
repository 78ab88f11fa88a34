import { CanActivate, ExecutionContext, Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { AuditEntry } from '../core/ports/audit.repository';
import { refusalOf } from './audit-error.util';
import { RequestMetrics } from '../core/ports/request-metrics';
import { REQUEST_METRICS } from '../core/ports/tokens';
import { auditBody, clip, redactUrl } from './audit-redaction.util';
import { AUDIT_OPTIONS, AuditOptions } from './audit.options';
import { AuditService } from './audit.service';
import { RequestStamp, onResponseClosed } from './request-id.util';

/** What the guard reads of a request, on Fastify and Express alike. */
interface AuditedRequest {
  method: string;
  url: string;
  originalUrl?: string;
  ip?: string;
  socket?: { remoteAddress?: string };
  headers: Record<string, string | string[] | undefined>;
  params?: Record<string, string | undefined>;
  body?: unknown;
  /** the principal the bearer strategy attached (auth/token.service ScimPrincipal) */
  user?: { tenantId?: string; tokenId?: string };
  /** how the SCIM layer chose the request's IdP profile (scim/http request-context.ts) */
  scimProfile?: string;
  /** the matched route's template: Fastify */
  routeOptions?: { url?: string };
  /** the matched route's template: Express */
  route?: { path?: unknown };
}

/** The matched route's template (`/scim/v2/Users/:id`), never the raw path. */
function routeOf(req: AuditedRequest): string {
  const route = req.routeOptions?.url ?? req.route?.path;
  return typeof route === 'string' ? route : 'unmatched';
}

const RESOURCE_TYPES: Record<string, string> = { users: 'User', groups: 'Group' };
const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

const header = (req: AuditedRequest, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/**
 * First guard of every SCIM controller. It runs before the token guard
 * so that 401s are seen too: it stamps the request id and sends it as X-Request-Id (the
 * exception filter's responses keep the header), then, once the response is complete, hands
 * an audit entry to AuditService and counts the request in the metrics (when bound). It never
 * refuses a request and adds no I/O to it.
 */
@Injectable()
export class RequestAuditGuard implements CanActivate {
  private readonly logger = new Logger('ScimRequest');

  constructor(
    private readonly audit: AuditService,
    private readonly adapterHost: HttpAdapterHost,
    @Inject(AUDIT_OPTIONS) private readonly options: AuditOptions,
    @Optional() @Inject(REQUEST_METRICS) private readonly metrics?: RequestMetrics | null,
  ) {}

  private readonly setHeader = (res: object, name: string, value: string) =>
    this.adapterHost.httpAdapter.setHeader(res, name, value);

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') {
      return true;
    }
    const http = context.switchToHttp();
    const req = http.getRequest<AuditedRequest>();
    const res = http.getResponse<object>();
    onResponseClosed(req, res, this.setHeader, (stamp, raw) => this.finished(req, res, raw, stamp));
    return true;
  }

  private finished(
    req: AuditedRequest,
    res: object,
    raw: ServerResponse,
    stamp: RequestStamp,
  ): void {
    try {
      const entry = this.entryOf(req, res, raw, stamp);
      this.audit.record(entry);
      this.metrics?.observe(
        entry.method,
        routeOf(req),
        entry.status,
        Math.max(0, performance.now() - stamp.start) / 1000,
      );
      if (entry.status >= 500) {
        this.logger.error(
          `${entry.method} ${entry.path} answered ${entry.status} (request ${entry.requestId})`,
        );
      } else if (Logger.isLevelEnabled('debug')) {
        this.logger.debug(
          `${entry.method} ${entry.path} ${entry.status} ${entry.latencyMs} ms (request ${entry.requestId})`,
        );
      }
    } catch (e) {
      this.logger.error(
        `Could not audit request ${stamp.id}: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  }

  entryOf(req: AuditedRequest, res: object, raw: ServerResponse, stamp: RequestStamp): AuditEntry {
    const url = req.originalUrl ?? req.url;
    const status = raw.writableFinished ? raw.statusCode : 499;
    const { resourceType, resourceId } = this.resourceOf(req, res, url, status);
    return {
      at: stamp.at,
      tenantId: req.user?.tenantId ?? null,
      tokenId: req.user?.tokenId ?? null,
      requestId: stamp.id,
      method: req.method,
      path: clip(redactUrl(url), 2048)!,
      resourceType,
      resourceId: clip(resourceId, 255),
      status,
      latencyMs: Math.max(0, Math.round(performance.now() - stamp.start)),
      clientIp: clip(req.ip ?? req.socket?.remoteAddress, 64),
      userAgent: clip(header(req, 'user-agent'), 512),
      body: WITH_BODY.has(req.method) ? auditBody(req.body) : null,
      profile: clip(req.scimProfile, 32),
      error: refusalOf(req),
    };
  }

  /**
   * The endpoint below the SCIM mount point (`Users` → `User`, `Groups` → `Group`, else its
   * name: `Bulk`, `Schemas`, `.search`...) and the resource id: the `:id` route parameter, or
   * for a create the last segment of the Location header (RFC 7644 §3.3).
   */
  private resourceOf(
    req: AuditedRequest,
    res: object,
    url: string,
    status: number,
  ): { resourceType: string | null; resourceId: string | null } {
    const path = url.split('?')[0];
    const mount = '/' + this.options.mountPath.replace(/^\/+|\/+$/g, '');
    const at = path.toLowerCase().indexOf(mount.toLowerCase());
    const endpoint = (at >= 0 ? path.slice(at + mount.length) : path).split('/').find(Boolean);
    const resourceType = endpoint
      ? (RESOURCE_TYPES[endpoint.toLowerCase()] ?? clip(endpoint, 64))
      : null;
    let resourceId = req.params?.id ?? null;
    if (resourceId === null && status === 201) {
      // the framework's response (Fastify reply, Express response): Fastify keeps its headers
      // there, not on the Node response
      const location = (res as { getHeader?: (name: string) => unknown }).getHeader?.('location');
      resourceId = typeof location === 'string' ? (location.split('/').pop() ?? null) : null;
    }
    return { resourceType, resourceId };
  }
}
