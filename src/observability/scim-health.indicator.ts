import { Logger } from '@nestjs/common';
import type { HealthIndicatorResult } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { OutboxBacklog, OutboxRepository } from '../core/ports/change-event';
import { pendingAgeSeconds } from './scim-metrics';

/** When the outbox check reports down; each bound is optional. */
export interface OutboxThresholds {
  /** pending events (not delivered yet) above this: down. Default: no bound */
  readonly maxPending?: number;
  /** the oldest pending event waiting longer than this many seconds: down. Default 600 */
  readonly maxOldestPendingSeconds?: number;
  /** failed events (delivery given up) above this: down. Default: no bound */
  readonly maxFailed?: number;
  /** how long the backlog query may take before the check is down, in ms. Default 3000 */
  readonly timeoutMs?: number;
}

export const DEFAULT_MAX_OLDEST_PENDING_SECONDS = 600;
const DEFAULT_TIMEOUT_MS = 3_000;

/**
 * Health indicators for `@nestjs/terminus`, to list in the host's own `HealthCheckService.check`:
 *
 * ```ts
 * check() {
 *   return this.health.check([
 *     () => this.scim.database(),                               // readiness: SELECT 1
 *     () => this.scim.outbox('scim_outbox', { maxPending: 1000 }),
 *   ]);
 * }
 * ```
 *
 * Each resolves to a terminus HealthIndicatorResult, `status: 'up'` or `'down'` with the figures
 * (terminus answers 503 when one is down); it never throws. The outbox is shared by every
 * instance on the database, so its check belongs on an alerting endpoint rather than on each
 * instance's readiness probe. Driver error messages go to the log only (they can name hosts
 * and users).
 */
export class ScimHealthIndicator {
  private readonly logger = new Logger('ScimHealth');

  constructor(
    private readonly ds: DataSource,
    private readonly outboxRepository: OutboxRepository,
    private readonly now: () => number = Date.now,
  ) {}

  /** `SELECT 1` on the module's DataSource, answered within `timeoutMs` (default 3000). */
  async database<K extends string = 'scim_database'>(
    key: K = 'scim_database' as K,
    timeoutMs = DEFAULT_TIMEOUT_MS,
  ): Promise<HealthIndicatorResult<K>> {
    try {
      if (!this.ds.isInitialized) {
        throw new Error('the DataSource is not initialized');
      }
      await withTimeout(this.ds.query('SELECT 1'), timeoutMs, 'the database');
      return result(key, 'up', {});
    } catch (e) {
      this.logger.warn(`${key} down: ${messageOf(e)}`);
      return result(key, 'down', { message: 'the database did not answer' });
    }
  }

  /** The change-event outbox backlog within `thresholds` (pending, oldest age, failed). */
  async outbox<K extends string = 'scim_outbox'>(
    key: K = 'scim_outbox' as K,
    thresholds: OutboxThresholds = {},
  ): Promise<HealthIndicatorResult<K>> {
    let b: OutboxBacklog;
    try {
      b = await withTimeout(this.outboxRepository.backlog(), thresholds.timeoutMs ?? DEFAULT_TIMEOUT_MS, 'the outbox backlog');
    } catch (e) {
      this.logger.warn(`${key} down: ${messageOf(e)}`);
      return result(key, 'down', { message: 'the outbox backlog could not be read' });
    }
    const figures = {
      pending: b.pending,
      failed: b.failed,
      oldestPendingSeconds: pendingAgeSeconds(b, this.now()),
    };
    const maxAge = thresholds.maxOldestPendingSeconds ?? DEFAULT_MAX_OLDEST_PENDING_SECONDS;
    const over = [
      thresholds.maxPending !== undefined && figures.pending > thresholds.maxPending
        ? `${figures.pending} pending events (more than ${thresholds.maxPending})`
        : undefined,
      figures.oldestPendingSeconds > maxAge
        ? `the oldest pending event has waited ${figures.oldestPendingSeconds} s (more than ${maxAge})`
        : undefined,
      thresholds.maxFailed !== undefined && figures.failed > thresholds.maxFailed
        ? `${figures.failed} failed events (more than ${thresholds.maxFailed})`
        : undefined,
    ].filter((m): m is string => m !== undefined);
    return over.length
      ? result(key, 'down', { ...figures, message: over.join('; ') })
      : result(key, 'up', figures);
  }
}

function result<K extends string>(
  key: K,
  status: 'up' | 'down',
  details: Record<string, unknown>,
): HealthIndicatorResult<K> {
  return { [key]: { ...details, status } } as HealthIndicatorResult<K>;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer in ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
