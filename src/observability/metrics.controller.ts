import { Controller, Get, Headers, Inject, Res } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { createHash, timingSafeEqual } from 'node:crypto';
import { HttpMetrics } from './http-metrics.service';
import { OBSERVABILITY_OPTIONS, ObservabilityOptions } from './observability.options';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * GET /metrics in Prometheus text format 0.0.4 (issue #6 item 6), on the server's own port.
 * Open unless METRICS_TOKEN is set; then `Authorization: Bearer <token>` is required (401).
 */
@Controller('metrics')
export class MetricsController {
  private readonly expected: Buffer | undefined;

  constructor(
    private readonly metrics: HttpMetrics,
    private readonly adapterHost: HttpAdapterHost,
    @Inject(OBSERVABILITY_OPTIONS) options: ObservabilityOptions,
  ) {
    this.expected = options.metricsToken ? digest(options.metricsToken) : undefined;
  }

  @Get()
  scrape(
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) res: unknown,
  ): string {
    const adapter = this.adapterHost.httpAdapter;
    if (!this.authorized(authorization)) {
      adapter.status(res, 401);
      adapter.setHeader(res, 'WWW-Authenticate', 'Bearer realm="metrics"');
      adapter.setHeader(res, 'Content-Type', 'text/plain; charset=utf-8');
      return 'A valid bearer token (METRICS_TOKEN) is required\n';
    }
    adapter.setHeader(res, 'Content-Type', 'text/plain; version=0.0.4; charset=utf-8');
    return this.metrics.render();
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
