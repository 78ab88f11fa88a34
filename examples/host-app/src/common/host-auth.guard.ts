import { CanActivate, ExecutionContext, Injectable, SetMetadata, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { HostUser } from '../users/host-user.entity';

const PUBLIC = 'host:public';
/** A host route that needs no session. */
export const HostPublic = () => SetMetadata(PUBLIC, true);

export interface HostRequest {
  url: string;
  headers: Record<string, string | string[] | undefined>;
  hostUser?: HostUser;
}

/** Where ScimModule is mounted (global prefix + ScimModule `path`): it has its own bearer auth. */
export const SCIM_MOUNT = '/api/scim/';

/**
 * The host's own global guard (APP_GUARD): a "session" names an active host user in the
 * `x-host-session` header (a stand-in for cookies/JWTs). A global guard runs before every
 * controller's guards, SCIM's included, so it lets the SCIM mount point through: SCIM requests
 * authenticate with SCIM bearer tokens.
 */
@Injectable()
export class HostAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly ds: DataSource,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<HostRequest>();
    if (req.url.startsWith(SCIM_MOUNT)) {
      return true;
    }
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, [context.getHandler(), context.getClass()])) {
      return true;
    }
    const session = req.headers['x-host-session'];
    const email = Array.isArray(session) ? session[0] : session;
    const user = email ? await this.ds.getRepository(HostUser).findOneBy({ email }) : null;
    if (!user?.isActive) {
      // an IdP deactivating the user through SCIM ends its sessions here
      throw new UnauthorizedException('Sign in with an active account');
    }
    req.hostUser = user;
    return true;
  }
}
