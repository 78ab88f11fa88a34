import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { AuditService } from '../../audit/audit.service';
import { clip, redactUrl } from '../../audit/audit-redaction.util';
import { RateLimitService } from '../../audit/rate-limit.service';
import { stampRequest } from '../../audit/request-id.util';
import { AccessTokenService } from '../../auth/oauth/access-token.service';
import { OAuthClientService } from '../../auth/oauth/oauth-client.service';
import { ResolvedOAuthOptions, SCIM_OAUTH_OPTIONS } from '../../auth/oauth/oauth.options';
import { effectiveScopes } from '../../auth/token.service';
import { OAuthError } from '../../core/oauth/oauth-error';
import { ClientAuthentication, grantScopes, parseTokenRequest, singleParams } from '../../core/oauth/token-request';
import { OAuthClient } from '../../core/ports/oauth-client.repository';
import { AuditError, MAX_AUDIT_ERROR_DETAIL } from '../../core/ports/audit.repository';
import { TenantRepository } from '../../core/ports/tenant.repository';
import { TENANT_REPOSITORY } from '../../core/ports/tokens';
import { SCIM_STATIC_OPTIONS } from '../di.tokens';
import { ScimHttpRequest, header, scimBaseUrl } from '../http/base-url';
import { ScimStaticOptions } from '../scim.options';
import { CLIENT_ASSERTIONS, ClientAssertionCheck } from '../../core/ports/client-assertion';

/** What the token endpoint reads of a request, on Fastify and Express alike. */
export interface TokenHttpRequest extends ScimHttpRequest {
  method: string;
  body?: unknown;
  ip?: string;
  socket?: { remoteAddress?: string };
}

/** The answer to write: status, headers and a JSON body. */
export interface OAuthReply {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: object;
}

/** RFC 6749 §5.1: token responses and errors are never cached */
export const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };
const JSON_TYPE = { 'Content-Type': 'application/json; charset=utf-8' };
const FORM = /^application\/x-www-form-urlencoded\s*(;|$)/i;

/** a rate-limit counter key (at most 36 characters) for a client id or an address */
const limitKey = (kind: 'c' | 'a', value: string) =>
  `o${kind}:${createHash('sha256').update(value, 'utf8').digest('hex').slice(0, 32)}`;

interface Outcome {
  client?: OAuthClient;
  clientId?: string;
  method?: ClientAuthentication['method'];
  reason?: string;
  scope?: string;
  jti?: string;
}

/**
 * POST {prefix}/oauth/token, the client credentials grant (RFC 6749 §4.4): checks the form,
 * counts the request per source address and per client_id (against guessing), authenticates
 * the client (client_secret_basic, client_secret_post, private_key_jwt), narrows the scopes
 * and issues a signed access token (RFC 9068). Every answer is `no-store`; every issuance and
 * failure is audited with its reason, never with a secret or an assertion.
 */
@Injectable()
export class TokenEndpointService {
  private readonly logger = new Logger('ScimOAuth');

  constructor(
    private readonly clients: OAuthClientService,
    private readonly tokens: AccessTokenService,
    private readonly limits: RateLimitService,
    private readonly audit: AuditService,
    @Inject(TENANT_REPOSITORY) private readonly tenants: TenantRepository,
    @Inject(SCIM_OAUTH_OPTIONS) private readonly options: ResolvedOAuthOptions,
    @Inject(SCIM_STATIC_OPTIONS) private readonly statics: ScimStaticOptions,
    @Optional() @Inject(CLIENT_ASSERTIONS) private readonly assertions?: ClientAssertionCheck,
  ) {}

  /** the issuer (and audience) of the tokens issued to this request */
  issuerFor(req: ScimHttpRequest): string {
    return this.options.issuer ?? scimBaseUrl(req, this.statics);
  }

  async token(req: TokenHttpRequest): Promise<OAuthReply> {
    const stamp = stampRequest(req);
    const outcome: Outcome = {};
    let reply: OAuthReply;
    try {
      reply = await this.grant(req, stamp.id, outcome);
    } catch (e) {
      if (!(e instanceof OAuthError)) {
        this.logger.error(`Token request ${stamp.id} failed: ${e instanceof Error ? e.stack : String(e)}`);
      }
      const err = e instanceof OAuthError ? e : undefined;
      outcome.reason ??= err ? err.error : 'server_error';
      reply = {
        status: err?.status ?? 500,
        headers: { ...JSON_TYPE, ...NO_STORE, ...(err?.headers ?? {}) },
        body: err ? err.toBody() : { error: 'server_error', error_description: 'Internal server error' },
      };
    }
    this.record(req, stamp, reply, outcome);
    return reply;
  }

  private async grant(req: TokenHttpRequest, requestId: string, outcome: Outcome): Promise<OAuthReply> {
    const address = req.ip ?? req.socket?.remoteAddress ?? 'unknown';
    await this.limit(limitKey('a', address), this.options.tokenRateLimit.perAddress, requestId);
    if (!FORM.test(header(req, 'content-type') ?? '')) {
      throw OAuthError.invalidRequest('Send the parameters as application/x-www-form-urlencoded (RFC 6749 §4.4.2)');
    }
    const request = parseTokenRequest(singleParams(req.body), header(req, 'authorization'));
    const auth = request.auth;
    outcome.method = auth.method;
    outcome.clientId = auth.clientId ?? (this.assertions?.claimedClient(auth) || undefined);
    if (outcome.clientId !== undefined) {
      await this.limit(limitKey('c', outcome.clientId), this.options.tokenRateLimit.perClient, requestId);
    }
    const client = await this.authenticate(auth, req, outcome);
    outcome.client = client;
    const tenant = await this.tenants.findById(client.tenantId);
    if (!tenant || tenant.disabledAt) {
      outcome.reason = 'tenant_disabled';
      throw OAuthError.invalidGrant('SCIM provisioning is disabled for this client\'s tenant');
    }
    const scopes = grantScopes(request.scope, effectiveScopes(client.scopes), client.scopes);
    const issued = await this.tokens.issue(client, scopes, this.issuerFor(req));
    outcome.scope = issued.claims.scope;
    outcome.jti = issued.claims.jti;
    return {
      status: 200,
      headers: { ...JSON_TYPE, ...NO_STORE },
      body: {
        access_token: issued.token,
        token_type: 'Bearer',
        expires_in: issued.expiresIn,
        scope: issued.claims.scope,
      },
    };
  }

  /** The authenticated client, or invalid_client (the reason is audited, never answered). */
  private async authenticate(auth: ClientAuthentication, req: TokenHttpRequest, outcome: Outcome): Promise<OAuthClient> {
    if (auth.method === 'private_key_jwt') {
      if (!this.assertions) {
        outcome.reason = 'private_key_jwt_unsupported';
        throw OAuthError.invalidClient('private_key_jwt is not supported by this server');
      }
      const checked = await this.assertions.check(auth, this.tokenEndpointUrl(req), this.issuerFor(req));
      outcome.clientId = checked.clientId ?? outcome.clientId;
      if (!checked.ok) {
        outcome.client = checked.client;
        outcome.reason = checked.reason;
        throw OAuthError.invalidClient(checked.description);
      }
      return checked.client;
    }
    const checked = await this.clients.checkSecret(auth.clientId, auth.secret);
    if (!checked.ok) {
      outcome.client = checked.client;
      outcome.reason = checked.reason;
      throw OAuthError.invalidClient(
        checked.reason === 'secret_expired' ? 'The client secret expired' : 'Client authentication failed',
      );
    }
    return checked.client;
  }

  /** the token endpoint's own URL (an assertion's `aud`, RFC 7523 §3) */
  tokenEndpointUrl(req: ScimHttpRequest): string {
    return `${this.issuerFor(req)}/oauth/token`;
  }

  private async limit(key: string, window: { requestsPerWindow: number; windowSeconds: number }, requestId: string): Promise<void> {
    const retry = await this.limits.checkWindow(key, window, requestId);
    if (retry !== undefined) {
      throw OAuthError.tooManyRequests(retry);
    }
  }

  private record(req: TokenHttpRequest, stamp: { id: string; at: string; start: number }, reply: OAuthReply, o: Outcome): void {
    const { status } = reply;
    try {
      const ua = header(req, 'user-agent');
      this.audit.record({
        at: stamp.at,
        tenantId: o.client?.tenantId ?? null,
        tokenId: o.client?.id ?? null,
        requestId: stamp.id,
        method: req.method,
        path: clip(redactUrl(req.originalUrl ?? req.url), 2048)!,
        resourceType: 'oauth',
        resourceId: clip(o.clientId ?? null, 255),
        status,
        latencyMs: Math.max(0, Math.round(performance.now() - stamp.start)),
        clientIp: clip(req.ip ?? req.socket?.remoteAddress, 64),
        userAgent: clip(ua, 512),
        // what was asked and how it ended: never a secret, an assertion or a token
        body: JSON.stringify({
          grant_type: 'client_credentials',
          client_id: o.clientId?.slice(0, 255) ?? null,
          auth_method: o.method ?? null,
          outcome: status === 200 ? 'issued' : (o.reason ?? 'refused'),
          ...(o.scope !== undefined ? { scope: o.scope } : {}),
          ...(o.jti !== undefined ? { jti: o.jti } : {}),
        }),
        // no IdP profile: the token endpoint is not SCIM
        profile: null,
        // what the client was told (RFC 6749 §5.2 error, no scimType); the exact reason is the outcome above
        error: status === 200 ? null : oauthRefusal(status, reply.body),
      });
    } catch (e) {
      this.logger.error(`Could not audit token request ${stamp.id}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

/** an RFC 6749 §5.2 error body as the audit log keeps a refusal: `invalid_client: Client authentication failed` */
function oauthRefusal(status: number, body: object): AuditError {
  const { error, error_description: description } = body as { error?: string; error_description?: string };
  const detail = [error, description].filter(Boolean).join(': ');
  return { status, scimType: null, detail: clip(detail, MAX_AUDIT_ERROR_DETAIL)! };
}
