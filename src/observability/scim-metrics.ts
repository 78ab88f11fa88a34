import { Logger, OnModuleDestroy } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { OutboxBacklog, OutboxRepository } from '../core/ports/change-event';
import { RequestMetrics } from '../core/ports/request-metrics';

/** Upper bounds of the latency histogram, in seconds (0.005 … 5). */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** Label of requests that matched no route (their raw paths would be unbounded). */
export const UNMATCHED_ROUTE = 'unmatched';

/** how long a scrape waits for the outbox backlog query before leaving its gauges out */
const BACKLOG_TIMEOUT_MS = 2_000;

type Metric = Counter<string> | Gauge<string> | Histogram<string>;

/**
 * The module's Prometheus metrics, registered in the host's prom-client registry:
 * - `scim_http_requests_total{method,route,status}` and
 *   `scim_http_request_duration_seconds{method,route}`: requests by route template;
 * - `scim_outbox_events{status}` (pending: not delivered yet, including those waiting for a
 *   retry; failed: given up) and `scim_outbox_oldest_pending_seconds` (0 when none is
 *   pending), read from the database when the registry is scraped (one grouped query over the
 *   status index). Shared by every instance (one database): alert on one instance's series.
 *   When the database does not answer in time they are left out; the rest is served.
 * A metric of the same name already in the registry (an earlier instance of the module in this
 * process) is replaced; closing the module removes its own metrics.
 */
export class ScimMetrics implements RequestMetrics, OnModuleDestroy {
  private readonly logger = new Logger('ScimMetrics');
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly latency: Histogram<'method' | 'route'>;
  private readonly owned: Metric[];
  /** the backlog of the scrape in progress, shared by the two outbox gauges */
  private reading: Promise<OutboxBacklog | undefined> | undefined;

  constructor(
    private readonly registry: Registry | undefined,
    private readonly outbox?: OutboxRepository,
    private readonly now: () => number = Date.now,
  ) {
    this.requests = new Counter({
      name: 'scim_http_requests_total',
      help: 'HTTP requests by method, route template and status.',
      labelNames: ['method', 'route', 'status'],
      registers: [],
    });
    this.latency = new Histogram({
      name: 'scim_http_request_duration_seconds',
      help: 'HTTP request latency by method and route template.',
      labelNames: ['method', 'route'],
      buckets: LATENCY_BUCKETS,
      registers: [],
    });
    this.owned = [this.requests, this.latency, ...(outbox ? this.outboxGauges() : [])];
    for (const metric of this.owned) {
      this.register(metric);
    }
  }

  observe(method: string, route: string, status: number, seconds: number): void {
    this.requests.inc({ method, route, status });
    this.latency.observe({ method, route }, seconds);
  }

  /** Removes the module's metrics from the registry (those still its own). */
  onModuleDestroy(): void {
    for (const metric of this.owned) {
      if (this.registry?.getSingleMetric(nameOf(metric)) === metric) {
        this.registry.removeSingleMetric(nameOf(metric));
      }
    }
  }

  private register(metric: Metric): void {
    if (!this.registry) {
      return;
    }
    const name = nameOf(metric);
    if (this.registry.getSingleMetric(name)) {
      this.logger.debug(`Replacing the metric ${name} already registered (an earlier ScimModule in this process)`);
      this.registry.removeSingleMetric(name);
    }
    this.registry.registerMetric(metric);
  }

  private outboxGauges(): Metric[] {
    const metrics = this;
    const events = new Gauge({
      name: 'scim_outbox_events',
      help: 'Change events in the outbox by status: pending (not delivered yet) or failed (given up).',
      labelNames: ['status'],
      registers: [],
      async collect() {
        const b = await metrics.backlog();
        this.reset();
        if (b) {
          this.set({ status: 'pending' }, b.pending);
          this.set({ status: 'failed' }, b.failed);
        }
      },
    });
    const oldest = new Gauge({
      name: 'scim_outbox_oldest_pending_seconds',
      help: 'Age of the oldest pending change event in seconds (0 when none is pending).',
      registers: [],
      async collect() {
        const b = await metrics.backlog();
        if (b) {
          this.set(pendingAgeSeconds(b, metrics.now()));
        } else {
          // no sample rather than a made-up age
          this.remove();
        }
      },
    });
    return [events, oldest];
  }

  /** The backlog once per scrape: both gauges' collect() start together and share it. */
  private backlog(): Promise<OutboxBacklog | undefined> {
    this.reading ??= this.readBacklog().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  private async readBacklog(): Promise<OutboxBacklog | undefined> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        this.outbox!.backlog(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer in ${BACKLOG_TIMEOUT_MS} ms`)), BACKLOG_TIMEOUT_MS);
        }),
      ]);
    } catch (e) {
      this.logger.warn(`Outbox backlog left out of the metrics: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** How long the oldest pending event has waited at `nowMs`, in seconds (ms precision). */
export function pendingAgeSeconds(b: OutboxBacklog, nowMs: number): number {
  const oldest = b.oldestPendingAt === null ? NaN : Date.parse(b.oldestPendingAt);
  const age = Number.isNaN(oldest) ? 0 : Math.max(0, (nowMs - oldest) / 1000);
  return Math.round(age * 1000) / 1000;
}

/** prom-client keeps a metric's name on the instance; its typings do not show it. */
function nameOf(metric: Metric): string {
  return (metric as unknown as { name: string }).name;
}
