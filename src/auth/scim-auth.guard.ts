import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { ScimError } from '../scim/core/errors/scim-error';
import { PUBLIC_KEY } from './require-scopes.decorator';
import { SCIM_BEARER } from './scim-bearer.strategy';

/** 401 with `WWW-Authenticate: Bearer` and a SCIM body for a missing/unknown/expired/revoked token. */
@Injectable()
export class ScimAuthGuard extends AuthGuard(SCIM_BEARER) {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(context: ExecutionContext) {
    const isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) {
      return true;
    }
    return super.canActivate(context);
  }

  override handleRequest<T>(err: unknown, user: T | false): T {
    if (err) {
      throw err;
    }
    if (!user) {
      throw ScimError.unauthorized('A valid bearer token is required');
    }
    return user;
  }
}
