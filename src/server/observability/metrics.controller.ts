import { Controller, Get, Headers, Inject, Res } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Registry } from 'prom-client';
import { OBSERVABILITY_OPTIONS, ObservabilityOptions } from './observability.options';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * GET /metrics: the app's prom-client registry in Prometheus text format 0.0.4, on the
 * server's own port (ScimModule's request and outbox metrics, the statement counters,
 * prom-client's process metrics). Open unless METRICS_TOKEN is set; then
 * `Authorization: Bearer <token>` is required (401).
 */
@Controller('metrics')
export class MetricsController {
  private readonly expected: Buffer | undefined;
  private readonly registry: Registry;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(OBSERVABILITY_OPTIONS) options: ObservabilityOptions,
  ) {
    this.expected = options.metricsToken ? digest(options.metricsToken) : undefined;
    this.registry = options.registry;
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
    const text = await this.registry.metrics();
    adapter.setHeader(res, 'Content-Type', this.registry.contentType);
    return text;
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
