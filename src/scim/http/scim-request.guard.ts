import { CanActivate, ExecutionContext, Inject, Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage } from 'node:http';
import { stampRequest } from '../../audit/request-id.util';
import { ScimPrincipal } from '../../auth/token.service';
import { ScimError } from '../../core/errors/scim-error';
import { suggestProfile } from '../../core/profile/idp-profile';
import { chooseProfile } from '../../core/profile/profile-auto';
import { CursorSealer } from '../../core/ports/cursor-codec';
import { CURSOR_SEALER } from '../../core/ports/tokens';
import { SCIM_LIMITS, SCIM_STATIC_OPTIONS } from '../di.tokens';
import { ScimLimits, ScimStaticOptions } from '../scim.options';
import { ScimHttpRequest, header, scimBaseUrl } from './base-url';
import { clientGoneSignal } from './client-gone';
import { PROFILE_LABEL_KEY, REQUEST_CONTEXT_KEY, RequestContext } from './request-context';

interface AnyRequest extends ScimHttpRequest {
  method: string;
  url: string;
  originalUrl?: string;
  body?: unknown;
  user?: ScimPrincipal;
  [REQUEST_CONTEXT_KEY]?: RequestContext;
  [PROFILE_LABEL_KEY]?: string;
}

/** `application/scim+json` (RFC 7644 §3.8) or `application/json`, any parameters */
const JSON_MEDIA_TYPE = /^application\/(scim\+)?json\s*(;|$)/i;

const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

/**
 * Last guard of every SCIM controller (after the token, rate-limit and scope guards, so their
 * 401/403/429 win): everything a SCIM request needs before its handler, without a Nest
 * interceptor (Nest's InterceptorsConsumer costs two AsyncResource.bind and rxjs per
 * request, a third of the CPU of a discovery request). It
 * - builds the RequestContext that `@ReqCtx()` hands to the handler, from the token's principal
 *   and the request's headers and base URL (authenticated requests only);
 * - sets `Content-Type: application/scim+json` (RFC 7644 §3.8) on the answer;
 * - on Express, reads the JSON body no parser of the host took, such as application/scim+json
 *   (`parseBody`): a bad body is then a SCIM error (400, 413, 415) and the host has nothing to
 *   configure. Nothing of this runs on Fastify, whose content-type parser has run already.
 * It never refuses a request: it returns true, or throws a ScimError for a bad body.
 * ETag and Location are set by the handler's return helpers (`scim-reply.ts`).
 */
@Injectable()
export class ScimRequestGuard implements CanActivate {
  private readonly logger = new Logger('ScimProfile');
  /** tokens already given a profile suggestion (log hygiene only; not shared state) */
  private readonly suggested = new Set<string>();

  /** Express host (requests are Node's IncomingMessage): decided on the first request */
  private express: boolean | undefined;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(SCIM_STATIC_OPTIONS) private readonly options: ScimStaticOptions,
    @Inject(SCIM_LIMITS) private readonly limits: ScimLimits,
    @Inject(CURSOR_SEALER) private readonly cursors: CursorSealer,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const http = context.switchToHttp();
    const req = http.getRequest<AnyRequest>();
    const adapter = this.adapterHost.httpAdapter;
    adapter.setHeader(http.getResponse<unknown>(), 'Content-Type', SCIM_CONTENT_TYPE);
    this.express ??= adapter.getType() === 'express';
    if (this.express && req.body === undefined) {
      const contentType = unreadBody(req as AnyRequest & IncomingMessage);
      if (contentType !== undefined) {
        return this.parseBody(req as AnyRequest & IncomingMessage, contentType).then(() => {
          this.attachContext(req, http.getResponse<unknown>());
          return true;
        });
      }
    }
    this.attachContext(req, http.getResponse<unknown>());
    return true;
  }

  /**
   * The RequestContext of an authenticated request, with the profile it runs under: the
   * token's (or tenant's), or for `auto` the one its fingerprints name (core/profile/
   * profile-auto.ts, which reads the body too). How the profile was chosen is left on the
   * request for the audit row and the access log.
   */
  private attachContext(req: AnyRequest, response: unknown): void {
    const user = req.user;
    if (user) {
      const userAgent = header(req, 'user-agent');
      const chosen = chooseProfile(user.profile, {
        userAgent,
        url: req.originalUrl ?? req.url,
        body: req.body,
      });
      req[PROFILE_LABEL_KEY] = chosen.label;
      let signal: AbortSignal | undefined;
      req[REQUEST_CONTEXT_KEY] = {
        tenantId: user.tenantId,
        tokenId: user.tokenId,
        scopes: user.scopes,
        baseUrl: scimBaseUrl(req, this.options),
        ifMatch: header(req, 'if-match'),
        ifNoneMatch: header(req, 'if-none-match'),
        userAgent,
        ...(chosen.profile ? { profile: chosen.profile } : {}),
        ...(user.switches ? { switches: user.switches } : {}),
        ...(user.deprovisioning ? { deprovisioning: user.deprovisioning } : {}),
        ...(user.allowGroupCycles ? { allowGroupCycles: true } : {}),
        ...(user.linkByVerifiedEmail ? { linkByVerifiedEmail: true } : {}),
        // the id RequestAuditGuard (or the app's onRequest hook) stamped and sent back
        requestId: stampRequest(req).id,
        cursors: this.cursors.forTenant(user.tenantId),
        // made on first use (searches): most requests never need it
        get signal(): AbortSignal {
          return (signal ??= clientGoneSignal(response));
        },
      };
      this.suggestProfile(user, userAgent);
    }
  }

  /**
   * On Express, the body of a request no parser of the host took (Nest's default parser only
   * knows application/json): `application/scim+json` (RFC 7644 §3.8), or `application/json`
   * in a host without a JSON parser, read here, under the SCIM controller, so that a bad body
   * is a SCIM error (400 invalidSyntax, 413 beyond maxPayloadSize, 415) and the host has
   * nothing to configure. A token refused by an earlier guard leaves the body unread.
   */
  private async parseBody(req: AnyRequest & IncomingMessage, contentType: string): Promise<void> {
    if (!JSON_MEDIA_TYPE.test(contentType)) {
      req.resume();
      throw new ScimError(
        415,
        'Unsupported Content-Type: send application/scim+json or application/json',
      );
    }
    const text = await readBody(req, this.limits.maxPayloadSize);
    if (text.trim() === '') {
      return;
    }
    try {
      // `__proto__` keys are dropped, as the standalone server's parser does
      req.body = JSON.parse(text, (key, value: unknown) => (key === '__proto__' ? undefined : value));
    } catch {
      throw ScimError.invalidSyntax('The request body is not valid JSON');
    }
  }

  /**
   * When a token without its own profile is used by a client whose User-Agent names a known
   * IdP (docs/idp/quirks.md), say once per token which profile would fit (profiles are
   * opt-in; the default `lenient` profile already accepts every known form that loses no data).
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
}

/**
 * The Content-Type of a request whose body nobody has read yet (`''` when it has none), or
 * undefined when there is no body to read: no Content-Length nor chunked transfer, or already
 * consumed by a middleware of the host.
 */
function unreadBody(req: IncomingMessage): string | undefined {
  if (req.readableDidRead !== false || !req.readable) {
    return undefined;
  }
  const length = req.headers['content-length'];
  if ((length === undefined || length === '0') && req.headers['transfer-encoding'] === undefined) {
    return undefined;
  }
  return req.headers['content-type'] ?? '';
}

/**
 * The body as UTF-8 text (RFC 8259 §8.1), at most `limit` bytes: a larger one (announced or
 * streamed) is refused with 413 and the rest of it discarded, so the answer still goes out.
 */
function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const tooLarge = () => ScimError.payloadTooLarge('The request body exceeds maxPayloadSize');
  if (Number(req.headers['content-length']) > limit) {
    req.resume();
    return Promise.reject(tooLarge());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (error?: Error) => {
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      if (error) {
        req.resume();
        reject(error);
      } else {
        resolve(Buffer.concat(chunks, size).toString('utf8'));
      }
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        done(tooLarge());
      } else {
        chunks.push(chunk);
      }
    };
    const onEnd = () => done();
    const onError = () => done(ScimError.invalidSyntax('The request body could not be read'));
    const onClose = () => done(ScimError.invalidSyntax('The request was aborted'));
    req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}
