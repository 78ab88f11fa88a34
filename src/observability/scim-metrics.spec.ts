import { Registry } from 'prom-client';
import { OutboxBacklog, OutboxRepository } from '../core/ports/change-event';
import { ScimMetrics } from './scim-metrics';

/** an outbox whose backlog() answers `answer` and counts its calls */
function outboxOf(answer: () => Promise<OutboxBacklog>) {
  const calls = { n: 0 };
  const repo = {
    backlog: () => {
      calls.n++;
      return answer();
    },
  } as unknown as OutboxRepository;
  return { repo, calls };
}

/** the sample lines of a text exposition, labels sorted so their order does not matter */
async function samples(registry: Registry): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const line of (await registry.metrics()).split('\n')) {
    const m = /^([a-z_]+)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (m) {
      const labels = (m[2] ?? '').split(/,(?=[a-z_]+=")/).filter(Boolean).sort().join(',');
      out.set(labels ? `${m[1]}{${labels}}` : m[1], Number(m[3]));
    }
  }
  return out;
}

describe('ScimMetrics (prom-client)', () => {
  const NOW = Date.parse('2025-06-01T12:00:00.000Z');

  it('counts requests by method, route template and status, with a cumulative latency histogram', async () => {
    const registry = new Registry();
    const m = new ScimMetrics(registry);
    m.observe('GET', '/scim/v2/Users/:id', 200, 0.003);
    m.observe('GET', '/scim/v2/Users/:id', 200, 0.04);
    m.observe('GET', '/scim/v2/Users/:id', 404, 7);
    m.observe('POST', '/scim/v2/Users', 201, 0.02);
    const s = await samples(registry);
    const labels = 'method="GET",route="/scim/v2/Users/:id"';
    expect(s.get(`scim_http_requests_total{${labels},status="200"}`)).toBe(2);
    expect(s.get(`scim_http_requests_total{${labels},status="404"}`)).toBe(1);
    expect(s.get('scim_http_requests_total{method="POST",route="/scim/v2/Users",status="201"}')).toBe(1);
    const bucket = (le: string) => s.get(`scim_http_request_duration_seconds_bucket{le="${le}",${labels}}`);
    expect([bucket('0.005'), bucket('0.025'), bucket('0.05'), bucket('5'), bucket('+Inf')]).toEqual([1, 1, 2, 2, 3]);
    expect(s.get(`scim_http_request_duration_seconds_count{${labels}}`)).toBe(3);
    expect(s.get(`scim_http_request_duration_seconds_sum{${labels}}`)).toBeCloseTo(7.043, 6);
    const text = await registry.metrics();
    expect(text).toContain('# TYPE scim_http_requests_total counter');
    expect(text).toContain('# TYPE scim_http_request_duration_seconds histogram');
  });

  it('escapes label values', async () => {
    const registry = new Registry();
    new ScimMetrics(registry).observe('GET', 'a"b\\c', 200, 0);
    expect(await registry.metrics()).toContain('route="a\\"b\\\\c"');
  });

  it('reads the outbox backlog once per scrape, for both gauges', async () => {
    const registry = new Registry();
    const { repo, calls } = outboxOf(() =>
      Promise.resolve({ pending: 3, failed: 1, oldestPendingAt: '2025-06-01T11:59:30.500Z' }),
    );
    new ScimMetrics(registry, repo, () => NOW);
    const s = await samples(registry);
    expect(calls.n).toBe(1);
    expect(s.get('scim_outbox_events{status="pending"}')).toBe(3);
    expect(s.get('scim_outbox_events{status="failed"}')).toBe(1);
    expect(s.get('scim_outbox_oldest_pending_seconds')).toBe(29.5);
    const text = await registry.metrics();
    expect(text).toContain('# TYPE scim_outbox_events gauge');
    expect(text).toContain('# TYPE scim_outbox_oldest_pending_seconds gauge');
    expect(calls.n).toBe(2);
  });

  it('shows 0 as the oldest age when nothing is pending', async () => {
    const registry = new Registry();
    const { repo } = outboxOf(() => Promise.resolve({ pending: 0, failed: 0, oldestPendingAt: null }));
    new ScimMetrics(registry, repo, () => NOW);
    expect((await samples(registry)).get('scim_outbox_oldest_pending_seconds')).toBe(0);
  });

  it('leaves the outbox samples out when the database does not answer, and serves the rest', async () => {
    const registry = new Registry();
    let fail = false;
    const { repo } = outboxOf(() =>
      fail ? Promise.reject(new Error('connection lost')) : Promise.resolve({ pending: 2, failed: 0, oldestPendingAt: null }),
    );
    const m = new ScimMetrics(registry, repo, () => NOW);
    m.observe('GET', '/scim/v2/Users', 200, 0.01);
    expect((await samples(registry)).get('scim_outbox_events{status="pending"}')).toBe(2);
    fail = true;
    const s = await samples(registry);
    expect([...s.keys()].filter((k) => k.startsWith('scim_outbox'))).toEqual([]);
    expect(s.get('scim_http_requests_total{method="GET",route="/scim/v2/Users",status="200"}')).toBe(1);
  });

  it('replaces the metrics of an earlier instance in the registry, and removes only its own on close', () => {
    const registry = new Registry();
    const first = new ScimMetrics(registry);
    const before = registry.getSingleMetric('scim_http_requests_total');
    const second = new ScimMetrics(registry);
    const after = registry.getSingleMetric('scim_http_requests_total');
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    // the earlier instance closing leaves the newer one's metrics in place
    first.onModuleDestroy();
    expect(registry.getSingleMetric('scim_http_requests_total')).toBe(after);
    second.onModuleDestroy();
    expect(registry.getSingleMetric('scim_http_requests_total')).toBeUndefined();
    expect(registry.getSingleMetric('scim_http_request_duration_seconds')).toBeUndefined();
  });

  it('registers nothing without a registry (metrics: false) and still counts', async () => {
    const registry = new Registry();
    const m = new ScimMetrics(undefined);
    m.observe('GET', '/x', 200, 0.001);
    expect(await registry.metrics()).toBe('\n');
    m.onModuleDestroy();
  });
});
