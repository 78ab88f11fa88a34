import { Inject, Injectable, Logger } from '@nestjs/common';
import { RateLimitRepository } from '../core/ports/audit.repository';
import { RATE_LIMIT_REPOSITORY } from '../core/ports/tokens';
import { AUDIT_OPTIONS, AuditOptions } from './audit.options';

/**
 * Per-token request limits in fixed windows aligned to the epoch, counted in
 * the database so that every instance behind a load balancer shares them (docs/deployment.md).
 * One upsert per request; nothing is cached in-process.
 */
@Injectable()
export class RateLimitService {
  private readonly logger = new Logger('ScimRateLimit');

  constructor(
    @Inject(RATE_LIMIT_REPOSITORY) private readonly repo: RateLimitRepository,
    @Inject(AUDIT_OPTIONS) private readonly options: AuditOptions,
  ) {}

  /** false when rate limiting is off (nothing is counted) */
  get enabled(): boolean {
    return this.options.rateLimit !== false;
  }

  /**
   * Counts one request of `tokenId`. Returns undefined when it is within the limit, else the
   * seconds until the window ends (for Retry-After). A database failure lets the request
   * through (it is logged): the limiter must not turn a slow database into an outage.
   */
  async check(tokenId: string, requestId: string, nowMs = Date.now()): Promise<number | undefined> {
    const limit = this.options.rateLimit;
    if (limit === false) {
      return undefined;
    }
    return this.checkWindow(tokenId, limit, requestId, nowMs);
  }

  /**
   * Counts one request under `key` against `limit` (another limit than the SCIM one, such as
   * the token endpoint's per client and per address), in the same shared counters. `key` is
   * at most 36 characters. Returns undefined within the limit, else the seconds to wait.
   */
  async checkWindow(
    key: string,
    limit: { requestsPerWindow: number; windowSeconds: number },
    requestId: string,
    nowMs = Date.now(),
  ): Promise<number | undefined> {
    const tokenId = key;
    const now = nowMs / 1000;
    const windowStart = Math.floor(now / limit.windowSeconds) * limit.windowSeconds;
    let count: number;
    try {
      count = await this.repo.hit(tokenId, windowStart);
    } catch (e) {
      this.logger.warn(
        `Rate limit not checked for request ${requestId}: ${e instanceof Error ? e.message : String(e)}`,
      );
      return undefined;
    }
    if (count <= limit.requestsPerWindow) {
      return undefined;
    }
    return Math.max(1, Math.ceil(windowStart + limit.windowSeconds - now));
  }

  describe(): string {
    const limit = this.options.rateLimit;
    return limit === false
      ? 'none'
      : `${limit.requestsPerWindow} requests per ${limit.windowSeconds} s`;
  }
}
