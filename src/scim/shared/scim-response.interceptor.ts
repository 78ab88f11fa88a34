import {
  CallHandler,
  ExecutionContext,
  Inject,
  Injectable,
  Logger,
  NestInterceptor,
} from '@nestjs/common';
import { suggestProfile } from '../core/patch/patch.dialect';
import { HttpAdapterHost } from '@nestjs/core';
import { Observable, map } from 'rxjs';
import { stampRequest } from '../../audit/request-id.util';
import { ScimPrincipal } from '../../auth/token.service';
import { SCIM_STATIC_OPTIONS, ScimStaticOptions } from '../scim.options';
import { REQUEST_CONTEXT_KEY, RequestContext } from './request-context';

interface AnyRequest {
  method: string;
  url: string;
  originalUrl?: string;
  protocol?: string;
  headers: Record<string, string | string[] | undefined>;
  user?: ScimPrincipal;
  [REQUEST_CONTEXT_KEY]?: RequestContext;
}

const header = (req: AnyRequest, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/**
 * Builds the RequestContext before the handler and, after it, sets the SCIM response headers:
 * Content-Type application/scim+json, ETag from meta.version, Location on create.
 * Adapter-agnostic (Express and Fastify).
 */
@Injectable()
export class ScimResponseInterceptor implements NestInterceptor {
  private readonly logger = new Logger('ScimProfile');
  /** tokens already given a profile suggestion (log hygiene only; not shared state) */
  private readonly suggested = new Set<string>();

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(SCIM_STATIC_OPTIONS) private readonly options: ScimStaticOptions,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const req = http.getRequest<AnyRequest>();
    const res = http.getResponse<unknown>();
    if (req.user) {
      req[REQUEST_CONTEXT_KEY] = {
        tenantId: req.user.tenantId,
        tokenId: req.user.tokenId,
        scopes: req.user.scopes,
        baseUrl: this.baseUrl(req),
        ifMatch: header(req, 'if-match'),
        ifNoneMatch: header(req, 'if-none-match'),
        userAgent: header(req, 'user-agent'),
        ...(req.user.profile ? { profile: req.user.profile } : {}),
        ...(req.user.deprovisioning ? { deprovisioning: req.user.deprovisioning } : {}),
        ...(req.user.allowGroupCycles ? { allowGroupCycles: true } : {}),
        ...(req.user.linkByVerifiedEmail ? { linkByVerifiedEmail: true } : {}),
        // the id RequestAuditGuard (or the app's onRequest hook) stamped and sent back
        requestId: stampRequest(req).id,
      };
      this.suggestProfile(req.user, header(req, 'user-agent'));
    }
    const adapter = this.adapterHost.httpAdapter;
    adapter.setHeader(res, 'Content-Type', 'application/scim+json; charset=utf-8');
    return next.handle().pipe(
      map((body: unknown) => {
        const meta = (body as { meta?: { version?: string; location?: string } } | undefined)?.meta;
        if (meta?.version) {
          adapter.setHeader(res, 'ETag', meta.version);
        }
        if (meta?.location && req.method === 'POST') {
          adapter.setHeader(res, 'Location', meta.location);
        }
        return body;
      }),
    );
  }

  /**
   * idp-quirks: when a token without its own profile is used by a client whose User-Agent names
   * a known IdP, say once per token which profile would fit (profiles are opt-in; the default
   * `lenient` dialect already accepts every known form that loses no data).
   */
  private suggestProfile(user: ScimPrincipal, userAgent: string | undefined): void {
    if (user.profile || this.suggested.has(user.tokenId)) {
      return;
    }
    const suggestion = suggestProfile(userAgent);
    if (suggestion) {
      this.suggested.add(user.tokenId);
      this.logger.log(
        `Token ${user.tokenId} is used by "${userAgent}": its requests match the "${suggestion}" ` +
          `profile (token create --profile ${suggestion}, or tenant create --profile ${suggestion})`,
      );
    }
  }

  /** Configured base URL, or the request's origin plus the path up to the SCIM mount point. */
  baseUrl(req: AnyRequest): string {
    if (this.options.baseUrl) {
      return this.options.baseUrl.replace(/\/+$/, '');
    }
    const proto = header(req, 'x-forwarded-proto')?.split(',')[0].trim() || req.protocol || 'http';
    const host = header(req, 'x-forwarded-host') ?? header(req, 'host') ?? 'localhost';
    const path = (req.originalUrl ?? req.url).split('?')[0];
    const mount = '/' + this.options.path.replace(/^\/+|\/+$/g, '');
    const idx = path.toLowerCase().indexOf(mount.toLowerCase());
    const prefix = idx >= 0 ? path.slice(0, idx + mount.length) : mount;
    return `${proto}://${host}${prefix}`;
  }
}
