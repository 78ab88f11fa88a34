import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ScimError } from '../scim/core/errors/scim-error';
import { Scope } from '../scim/core/ports/token.repository';
import { PUBLIC_KEY, SCOPES_KEY } from './require-scopes.decorator';
import { ScimPrincipal } from './token.service';

/** 403 SCIM error when the token lacks a scope the handler requires. */
@Injectable()
export class ScopesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) {
      return true;
    }
    const required = this.reflector.getAllAndOverride<Scope[]>(SCOPES_KEY, targets) ?? [];
    const principal = context.switchToHttp().getRequest<{ user?: ScimPrincipal }>().user;
    if (!principal) {
      throw ScimError.unauthorized();
    }
    if (principal.tenantDisabled) {
      // issue #6 item 4: the token is valid, its tenant has SCIM switched off
      throw ScimError.forbidden('SCIM provisioning is disabled for this tenant');
    }
    const missing = required.filter((s) => !principal.scopes.has(s));
    if (missing.length) {
      throw ScimError.forbidden(`This token lacks the scope ${missing.join(', ')}`);
    }
    return true;
  }
}
