import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AuditRepository, RateLimitRepository } from '../core/ports/audit.repository';
import { AUDIT_REPOSITORY, RATE_LIMIT_REPOSITORY } from '../core/ports/tokens';
import { AUDIT_OPTIONS, AuditOptions } from './audit.options';

const HOUR_MS = 3_600_000;
/** rows one DELETE removes at most: short statements, other writes get in between */
const PRUNE_BATCH = 1_000;

/**
 * Retention: audit entries older than `auditRetentionDays` and rate-limit
 * windows that have ended are deleted at start-up and then hourly, in bounded DELETEs.
 * Only a process that serves HTTP prunes (a CLI run has no HTTP adapter and never does);
 * several instances pruning at once is harmless. The timer is cleared on shutdown.
 */
@Injectable()
export class RetentionService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('ScimRetention');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    @Inject(AUDIT_REPOSITORY) private readonly audit: AuditRepository,
    @Inject(RATE_LIMIT_REPOSITORY) private readonly rateLimits: RateLimitRepository,
    @Inject(AUDIT_OPTIONS) private readonly options: AuditOptions,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.adapterHost.httpAdapter) {
      return;
    }
    this.runInBackground();
    this.timer = setInterval(() => this.runInBackground(), HOUR_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Deletes what retention allows; returns how many audit entries and windows went. */
  async prune(nowMs = Date.now()): Promise<{ audit: number; rateLimits: number }> {
    const before = new Date(nowMs - this.options.retentionDays * 86_400_000).toISOString();
    const audit = await this.drain((n) => this.audit.pruneBefore(before, n));
    // a window is over when it started more than one window length ago
    const windowSeconds =
      this.options.rateLimit === false ? 0 : this.options.rateLimit.windowSeconds;
    const ended = Math.floor(nowMs / 1000) - windowSeconds;
    const rateLimits = await this.drain((n) => this.rateLimits.pruneBefore(ended, n));
    return { audit, rateLimits };
  }

  private async drain(deleteSome: (limit: number) => Promise<number>): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await deleteSome(PRUNE_BATCH);
      total += n;
      if (n < PRUNE_BATCH || this.stopped) {
        return total;
      }
    }
  }

  private runInBackground(): void {
    if (this.running || this.stopped) {
      return;
    }
    this.running = this.prune()
      .then(({ audit, rateLimits }) => {
        if (audit + rateLimits > 0) {
          this.logger.log(`Pruned ${audit} audit entries and ${rateLimits} rate-limit windows`);
        }
      })
      .catch((e: unknown) =>
        this.logger.error(
          `Retention pruning failed: ${e instanceof Error ? e.message : String(e)}`,
        ),
      )
      .finally(() => {
        this.running = undefined;
      });
  }
}
