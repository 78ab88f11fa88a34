import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { ScimError } from '../core/errors/scim-error';
import { RateLimitService } from './rate-limit.service';
import { stampRequest } from './request-id.util';

/**
 * Per-token rate limit, after the token guard: over the limit the request is
 * answered 429 with `Retry-After` (RFC 6585 §4) and a SCIM error body (RFC 7644 §3.12).
 * Requests without a principal (discovery endpoints without a token) are not counted.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(private readonly limits: RateLimitService) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    // off (the default): nothing to count, and no promise for the guards consumer to await
    if (!this.limits.enabled || context.getType() !== 'http') {
      return true;
    }
    return this.count(context);
  }

  private async count(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<{
      headers: Record<string, string | string[] | undefined>;
      user?: { tokenId?: string };
    }>();
    const tokenId = req.user?.tokenId;
    if (tokenId === undefined) {
      return true;
    }
    const retryAfter = await this.limits.check(tokenId, stampRequest(req).id);
    if (retryAfter === undefined) {
      return true;
    }
    throw new ScimError(
      429,
      `Too many requests: this token may make ${this.limits.describe()}; retry in ${retryAfter} s`,
      undefined,
      { 'Retry-After': String(retryAfter) },
    );
  }
}
