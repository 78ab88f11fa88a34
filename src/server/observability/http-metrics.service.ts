import { Injectable } from '@nestjs/common';
import type { OutboxBacklog } from '../../library';

/** Upper bounds of the latency histogram, in seconds (0.005 … 5). */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] as const;

/** Label of requests that matched no route (their raw paths would be unbounded). */
export const UNMATCHED_ROUTE = 'unmatched';

/** Counters of one (route, method): requests per status and a latency histogram. */
class Series {
  readonly byStatus = new Map<number, number>();
  /** non-cumulative: bucket i counts latencies in (bound[i-1], bound[i]]; the last one > 5 s */
  readonly buckets = new Float64Array(LATENCY_BUCKETS.length + 1);
  sum = 0;
  count = 0;
}

const escapeLabel = (v: string) =>
  v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/**
 * HTTP metrics in Prometheus text format 0.0.4, written by hand: two Map
 * look-ups and a few additions per request, everything else when /metrics is scraped.
 * Routes are templates (`/scim/v2/Users/:id`), never raw paths, so the label sets stay bounded.
 */
@Injectable()
export class HttpMetrics {
  private readonly routes = new Map<string, Map<string, Series>>();
  private readonly startedAt = Date.now() / 1000 - process.uptime();

  observe(method: string, route: string, status: number, seconds: number): void {
    let methods = this.routes.get(route);
    if (methods === undefined) {
      methods = new Map();
      this.routes.set(route, methods);
    }
    let s = methods.get(method);
    if (s === undefined) {
      s = new Series();
      methods.set(method, s);
    }
    s.byStatus.set(status, (s.byStatus.get(status) ?? 0) + 1);
    let i = 0;
    while (i < LATENCY_BUCKETS.length && seconds > LATENCY_BUCKETS[i]) {
      i++;
    }
    s.buckets[i]++;
    s.sum += seconds;
    s.count++;
  }

  /**
   * Everything in text format; with `outbox` (read from the database at scrape time) also the
   * change-event backlog gauges, the oldest pending event's age taken at `nowMs`; `extra`:
   * more series (the SQL statement counters).
   */
  render(outbox?: OutboxBacklog, nowMs = Date.now(), extra: readonly string[] = []): string {
    const requests: string[] = [
      '# HELP scim_http_requests_total HTTP requests by method, route template and status.',
      '# TYPE scim_http_requests_total counter',
    ];
    const latency: string[] = [
      '# HELP scim_http_request_duration_seconds HTTP request latency by method and route template.',
      '# TYPE scim_http_request_duration_seconds histogram',
    ];
    for (const [route, methods] of this.routes) {
      for (const [method, s] of methods) {
        const labels = `method="${escapeLabel(method)}",route="${escapeLabel(route)}"`;
        for (const [status, n] of s.byStatus) {
          requests.push(`scim_http_requests_total{${labels},status="${status}"} ${n}`);
        }
        let cumulative = 0;
        LATENCY_BUCKETS.forEach((le, i) => {
          cumulative += s.buckets[i];
          latency.push(
            `scim_http_request_duration_seconds_bucket{${labels},le="${le}"} ${cumulative}`,
          );
        });
        latency.push(`scim_http_request_duration_seconds_bucket{${labels},le="+Inf"} ${s.count}`);
        latency.push(`scim_http_request_duration_seconds_sum{${labels}} ${s.sum}`);
        latency.push(`scim_http_request_duration_seconds_count{${labels}} ${s.count}`);
      }
    }
    return (
      [
        ...requests,
        ...latency,
        ...(outbox ? outboxMetrics(outbox, nowMs) : []),
        ...extra,
        ...this.processMetrics(),
      ].join('\n') + '\n'
    );
  }

  /** The process metrics prom-client's defaults would give, under the same names. */
  private processMetrics(): string[] {
    const mem = process.memoryUsage();
    const cpu = process.cpuUsage();
    const gauge = (name: string, help: string, value: number, type = 'gauge') => [
      `# HELP ${name} ${help}`,
      `# TYPE ${name} ${type}`,
      `${name} ${value}`,
    ];
    return [
      ...gauge('process_resident_memory_bytes', 'Resident memory size in bytes.', mem.rss),
      ...gauge(
        'process_cpu_seconds_total',
        'User and system CPU time in seconds.',
        (cpu.user + cpu.system) / 1e6,
        'counter',
      ),
      ...gauge(
        'process_start_time_seconds',
        'Start time of the process since the epoch, in seconds.',
        Math.round(this.startedAt),
      ),
      ...gauge('nodejs_heap_size_total_bytes', 'V8 heap size in bytes.', mem.heapTotal),
      ...gauge('nodejs_heap_size_used_bytes', 'V8 heap used in bytes.', mem.heapUsed),
      ...gauge(
        'nodejs_external_memory_bytes',
        'Memory of C++ objects bound to JavaScript, in bytes.',
        mem.external,
      ),
    ];
  }
}

/**
 * "outbox backlog": change events not delivered yet (pending, including those
 * waiting for a retry) and given up (failed), and how long the oldest pending one has waited.
 * Shared by every instance (one database): alert on them from one instance's series.
 */
export function outboxMetrics(b: OutboxBacklog, nowMs: number): string[] {
  const oldest = b.oldestPendingAt === null ? NaN : Date.parse(b.oldestPendingAt);
  const age = Number.isNaN(oldest) ? 0 : Math.max(0, (nowMs - oldest) / 1000);
  return [
    '# HELP scim_outbox_events Change events in the outbox by status: pending (not delivered yet) or failed (given up).',
    '# TYPE scim_outbox_events gauge',
    `scim_outbox_events{status="pending"} ${b.pending}`,
    `scim_outbox_events{status="failed"} ${b.failed}`,
    '# HELP scim_outbox_oldest_pending_seconds Age of the oldest pending change event in seconds (0 when none is pending).',
    '# TYPE scim_outbox_oldest_pending_seconds gauge',
    `scim_outbox_oldest_pending_seconds ${Math.round(age * 1000) / 1000}`,
  ];
}
