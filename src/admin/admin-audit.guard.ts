import { CanActivate, ExecutionContext, Inject, Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { performance } from 'node:perf_hooks';
import { refusalOf } from '../audit/audit-error.util';
import { REDACTED, auditBody, clip, redactUrl } from '../audit/audit-redaction.util';
import { AuditService } from '../audit/audit.service';
import { RequestStamp, onResponseClosed } from '../audit/request-id.util';
import { AuditEntry } from '../core/ports/audit.repository';
import { OutboxRepository } from '../core/ports/change-event';
import { TenantRepository } from '../core/ports/tenant.repository';
import { TokenRepository } from '../core/ports/token.repository';
import { OAuthClientRepository } from '../core/ports/oauth-client.repository';
import {
  OAUTH_CLIENT_REPOSITORY,
  OUTBOX_REPOSITORY,
  TENANT_REPOSITORY,
  TOKEN_REPOSITORY,
} from '../core/ports/tokens';
import { isAdminAuthenticated } from './admin-token.guard';

/** What the guard reads of a request, on Fastify and Express alike. */
interface AdminRequest {
  method: string;
  url: string;
  originalUrl?: string;
  ip?: string;
  socket?: { remoteAddress?: string };
  headers: Record<string, string | string[] | undefined>;
  params?: Record<string, string | undefined>;
  body?: unknown;
}

/** the audit entry's token column for a request the admin token authenticated */
export const ADMIN_ACTOR = 'admin';
/** the audit entry's resource type of an admin API request */
export const ADMIN_RESOURCE_TYPE = 'admin';
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The body as the audit log keeps it: the webhook secret (and any password) redacted. */
export function adminAuditBody(body: unknown): string | null {
  if (body !== null && typeof body === 'object' && !Array.isArray(body) && 'webhookSecret' in body) {
    return auditBody({ ...body, webhookSecret: REDACTED });
  }
  return auditBody(body);
}

/**
 * First guard of every admin controller: stamps the request id (sent as
 * X-Request-Id) and, once the response is complete, records every admin write, and every
 * refused request, in the audit log like a SCIM request: token `admin`, resource type `admin`,
 * the tenant it concerned (looked up after the response), the body with the webhook secret
 * redacted. It never refuses a request and adds no I/O to it.
 */
@Injectable()
export class AdminAuditGuard implements CanActivate {
  private readonly logger = new Logger('ScimAdmin');

  constructor(
    private readonly audit: AuditService,
    private readonly adapterHost: HttpAdapterHost,
    @Inject(TENANT_REPOSITORY) private readonly tenants: TenantRepository,
    @Inject(TOKEN_REPOSITORY) private readonly tokens: TokenRepository,
    @Inject(OUTBOX_REPOSITORY) private readonly outbox: OutboxRepository,
    @Inject(OAUTH_CLIENT_REPOSITORY) private readonly clients: OAuthClientRepository,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') {
      return true;
    }
    const http = context.switchToHttp();
    const req = http.getRequest<AdminRequest>();
    const res = http.getResponse<object>();
    const setHeader = (r: object, name: string, value: string) =>
      this.adapterHost.httpAdapter.setHeader(r, name, value);
    onResponseClosed(req, res, setHeader, (stamp, _raw, status) => {
      if (!WRITES.has(req.method) && status !== 401) {
        return;
      }
      const latencyMs = Math.max(0, Math.round(performance.now() - stamp.start));
      void this.record(req, stamp, status, latencyMs);
    });
    return true;
  }

  private async record(
    req: AdminRequest,
    stamp: RequestStamp,
    status: number,
    latencyMs: number,
  ): Promise<void> {
    try {
      const header = req.headers['user-agent'];
      const entry: AuditEntry = {
        at: stamp.at,
        tenantId: status === 401 ? null : await this.tenantOf(req),
        tokenId: isAdminAuthenticated(req) ? ADMIN_ACTOR : null,
        requestId: stamp.id,
        method: req.method,
        path: clip(redactUrl(req.originalUrl ?? req.url), 2048)!,
        resourceType: ADMIN_RESOURCE_TYPE,
        resourceId: clip(resourceIdOf(req), 255),
        status,
        latencyMs,
        clientIp: clip(req.ip ?? req.socket?.remoteAddress, 64),
        userAgent: clip(Array.isArray(header) ? header[0] : header, 512),
        body: WRITES.has(req.method) ? adminAuditBody(req.body) : null,
        // no IdP profile: the admin API is not SCIM
        profile: null,
        error: refusalOf(req),
      };
      this.audit.record(entry);
    } catch (e) {
      this.logger.error(
        `Could not audit admin request ${stamp.id}: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  }

  /** The tenant the request concerned: by slug, by a new tenant's slug, by token, event or client id. */
  private async tenantOf(req: AdminRequest): Promise<string | null> {
    const p = req.params ?? {};
    const bodySlug = (req.body as { slug?: unknown } | undefined)?.slug;
    const slug = p.slug ?? (typeof bodySlug === 'string' ? bodySlug : undefined);
    if (slug !== undefined) {
      return (await this.tenants.findBySlug(slug))?.id ?? null;
    }
    if (p.id !== undefined) {
      return (await this.tokens.findById(p.id))?.tenantId ?? null;
    }
    if (p.eventId !== undefined) {
      return (await this.outbox.findByEventId(p.eventId))?.tenantId ?? null;
    }
    if (p.clientId !== undefined) {
      return (await this.clients.findById(p.clientId))?.tenantId ?? null;
    }
    return null;
  }
}

/** The most specific route parameter: a group, a token, event, secret or client id, else the tenant slug. */
function resourceIdOf(req: AdminRequest): string | null {
  const p = req.params ?? {};
  return p.group ?? p.id ?? p.eventId ?? p.secretId ?? p.clientId ?? p.slug ?? null;
}
