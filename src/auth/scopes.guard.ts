import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ScimError } from '../core/errors/scim-error';
import { Scope } from '../core/ports/token.repository';
import { PUBLIC_KEY, SCOPES_KEY } from './require-scopes.decorator';
import { ScimPrincipal } from './token.service';

/** What a route requires, read once from its metadata (fixed at start-up). */
interface RouteScopes {
  readonly isPublic: boolean;
  readonly required: readonly Scope[];
}

/** 403 SCIM error when the token lacks a scope the handler requires. */
@Injectable()
export class ScopesGuard implements CanActivate {
  /** controller class → route handler → what it requires (a subclass may share a handler) */
  private readonly routes = new WeakMap<object, WeakMap<object, RouteScopes>>();

  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const route = this.routeOf(context);
    if (route.isPublic) {
      return true;
    }
    const principal = context.switchToHttp().getRequest<{ user?: ScimPrincipal }>().user;
    if (!principal) {
      throw ScimError.unauthorized();
    }
    if (principal.tenantDisabled) {
      // the token is valid, its tenant has SCIM switched off
      throw ScimError.forbidden('SCIM provisioning is disabled for this tenant');
    }
    let missing: Scope[] | undefined;
    for (const s of route.required) {
      if (!principal.scopes.has(s)) {
        (missing ??= []).push(s);
      }
    }
    if (missing) {
      // RFC 6750 §3.1 insufficient_scope, with the scopes the request needs
      throw ScimError.insufficientScope(`This token lacks the scope ${missing.join(', ')}`, route.required);
    }
    return true;
  }

  private routeOf(context: ExecutionContext): RouteScopes {
    const handler = context.getHandler();
    const controller = context.getClass();
    let routes = this.routes.get(controller);
    if (!routes) {
      routes = new WeakMap();
      this.routes.set(controller, routes);
    }
    let route = routes.get(handler);
    if (!route) {
      const targets = [handler, controller];
      route = {
        isPublic: this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets) === true,
        required: this.reflector.getAllAndOverride<Scope[]>(SCOPES_KEY, targets) ?? [],
      };
      routes.set(handler, route);
    }
    return route;
  }
}
