import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ScimError } from '../core/errors/scim-error';
import { ADMIN_OPTIONS, ResolvedAdminOptions } from './admin.options';

/** `Bearer <token>`, the scheme in any letter case (RFC 7235 §2.1), one token, nothing else */
const BEARER = /^Bearer +(\S+) *$/i;

/**
 * Compares a presented admin token with the configured one in constant time: both sides are
 * HMAC-SHA256'd under a per-process random key, and the two 32-byte digests are compared with
 * timingSafeEqual. Neither the token's content nor its length changes how long a wrong guess
 * takes, and the digests are useless outside this process.
 */
export class AdminTokenMatcher {
  private readonly key = randomBytes(32);
  private readonly expected: Buffer;

  constructor(adminToken: string) {
    this.expected = this.mac(adminToken);
  }

  /** true when `authorization` is `Bearer <the admin token>` */
  matches(authorization: string | string[] | undefined): boolean {
    const header = Array.isArray(authorization) ? authorization[0] : authorization;
    const m = BEARER.exec(header ?? '');
    // a missing or malformed header is compared too (against a digest of nothing)
    const presented = this.mac(m ? m[1] : '');
    return timingSafeEqual(presented, this.expected) && m !== null;
  }

  private mac(token: string): Buffer {
    return createHmac('sha256', this.key).update(token, 'utf8').digest();
  }
}

/** marks requests the admin token authenticated (read by AdminAuditGuard) */
const authenticated = new WeakSet<object>();

export function isAdminAuthenticated(req: object): boolean {
  return authenticated.has(req);
}

/**
 * The admin API's only authentication: `Authorization: Bearer <admin token>`
 * or 401 with a SCIM error body. Service-account (SCIM) tokens are never accepted here, and the
 * admin token is no SCIM token. Without a configured admin token every admin route is 404,
 * as if it did not exist.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly matcher: AdminTokenMatcher | undefined;

  constructor(@Inject(ADMIN_OPTIONS) options: ResolvedAdminOptions) {
    this.matcher = options.adminToken ? new AdminTokenMatcher(options.adminToken) : undefined;
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.matcher) {
      throw ScimError.notFound('Resource endpoint not found');
    }
    const req = context.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined> }>();
    if (!this.matcher.matches(req.headers.authorization)) {
      throw new ScimError(401, 'A valid admin bearer token is required', undefined, {
        'WWW-Authenticate': 'Bearer realm="scim-admin"',
      });
    }
    authenticated.add(req);
    return true;
  }
}
