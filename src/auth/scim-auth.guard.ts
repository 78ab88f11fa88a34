import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { ScimError } from '../core/errors/scim-error';
import { ScimAuthRequest } from '../core/ports/authenticator';
import { PUBLIC_KEY } from './require-scopes.decorator';
import { SCIM_BEARER } from './scim-bearer.strategy';
import { ScimCallers } from './scim-caller.service';
import { ScimPrincipal } from './token.service';

/** 401 with `WWW-Authenticate: Bearer` and a SCIM body for a missing/unknown/expired/revoked token. */
@Injectable()
export class ScimAuthGuard extends AuthGuard(SCIM_BEARER) {
  /**
   * controller class → route handler → @PublicEndpoint() on either (metadata is fixed at
   * start-up; keyed by class too, as a subclass may share a handler)
   */
  private readonly publicRoutes = new WeakMap<object, WeakMap<object, boolean>>();

  constructor(
    private readonly reflector: Reflector,
    private readonly callers: ScimCallers,
  ) {
    super();
  }

  override canActivate(context: ExecutionContext) {
    if (this.isPublic(context)) {
      return true;
    }
    // the host's own authentication and/or tenancy, when ScimModule has them
    if (this.callers.hostAuthenticates || this.callers.checksTenancy) {
      return this.hostCanActivate(context);
    }
    return super.canActivate(context);
  }

  /** the host's authenticator (or the bearer token), then the tenancy check */
  private async hostCanActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<ScimAuthRequest & { user?: ScimPrincipal }>();
    if (this.callers.hostAuthenticates) {
      const principal = await this.callers.authenticate(req);
      if (!principal) {
        throw ScimError.unauthorized('The request is not authenticated');
      }
      req.user = principal;
    } else {
      await (super.canActivate(context) as Promise<boolean>);
    }
    await this.callers.checkTenancy(req, req.user!);
    return true;
  }

  private isPublic(context: ExecutionContext): boolean {
    const handler = context.getHandler();
    const controller = context.getClass();
    let routes = this.publicRoutes.get(controller);
    if (!routes) {
      routes = new WeakMap();
      this.publicRoutes.set(controller, routes);
    }
    let isPublic = routes.get(handler);
    if (isPublic === undefined) {
      const targets = [handler, controller];
      isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets) === true;
      routes.set(handler, isPublic);
    }
    return isPublic;
  }

  /**
   * RFC 6750 §3.1: a request without a token gets the bare challenge; one whose token is
   * refused gets error="invalid_token" with the reason (the strategy throws its own when it
   * knows more, such as "expired").
   */
  override handleRequest<T>(err: unknown, user: T | false, _info?: unknown, context?: ExecutionContext): T {
    if (err) {
      throw err;
    }
    if (!user) {
      const req = context?.switchToHttp().getRequest<ScimAuthRequest>();
      const header = req?.headers.authorization;
      const value = Array.isArray(header) ? header[0] : header;
      if (value !== undefined && /^Bearer\s+\S/i.test(value)) {
        throw ScimError.invalidToken('The bearer token is unknown, expired or revoked');
      }
      throw ScimError.unauthorized('A valid bearer token is required');
    }
    return user;
  }
}
