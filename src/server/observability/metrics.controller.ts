import { Controller, Get, Headers, Inject, Logger, Optional, Res } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { createHash, timingSafeEqual } from 'node:crypto';
import { OUTBOX_REPOSITORY, OutboxBacklog, OutboxRepository } from '../../library';
import { HttpMetrics } from './http-metrics.service';
import { OBSERVABILITY_OPTIONS, ObservabilityOptions } from './observability.options';
import { StatementCounter } from './statement-counter';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
/** how long a scrape waits for the outbox backlog query before leaving its gauges out */
const BACKLOG_TIMEOUT_MS = 2_000;

/**
 * GET /metrics in Prometheus text format 0.0.4, on the server's own port.
 * Open unless METRICS_TOKEN is set; then `Authorization: Bearer <token>` is required (401).
 * The outbox backlog gauges are read from the database at scrape time (one grouped query over
 * the status index); when the database does not answer they are left out, the rest is served.
 */
@Controller('metrics')
export class MetricsController {
  private readonly logger = new Logger('Metrics');
  private readonly expected: Buffer | undefined;
  private readonly statements: StatementCounter | undefined;

  constructor(
    private readonly metrics: HttpMetrics,
    private readonly adapterHost: HttpAdapterHost,
    @Inject(OBSERVABILITY_OPTIONS) options: ObservabilityOptions,
    @Optional() @Inject(OUTBOX_REPOSITORY) private readonly outbox?: OutboxRepository,
  ) {
    this.expected = options.metricsToken ? digest(options.metricsToken) : undefined;
    this.statements = options.statements;
  }

  @Get()
  async scrape(
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) res: unknown,
  ): Promise<string> {
    const adapter = this.adapterHost.httpAdapter;
    if (!this.authorized(authorization)) {
      adapter.status(res, 401);
      adapter.setHeader(res, 'WWW-Authenticate', 'Bearer realm="metrics"');
      adapter.setHeader(res, 'Content-Type', 'text/plain; charset=utf-8');
      return 'A valid bearer token (METRICS_TOKEN) is required\n';
    }
    const backlog = await this.backlog();
    adapter.setHeader(res, 'Content-Type', 'text/plain; version=0.0.4; charset=utf-8');
    return this.metrics.render(backlog, Date.now(), this.statements?.render());
  }

  private async backlog(): Promise<OutboxBacklog | undefined> {
    if (!this.outbox) {
      return undefined;
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        this.outbox.backlog(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no answer in ${BACKLOG_TIMEOUT_MS} ms`)),
            BACKLOG_TIMEOUT_MS,
          );
        }),
      ]);
    } catch (e) {
      this.logger.warn(`Outbox backlog left out of /metrics: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  /** constant-time compare of digests, so the token's length leaks nothing either */
  private authorized(authorization: string | undefined): boolean {
    if (this.expected === undefined) {
      return true;
    }
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    return m !== null && timingSafeEqual(digest(m[1]), this.expected);
  }
}
