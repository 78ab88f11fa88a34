import { HttpMetrics } from './http-metrics.service';

describe('HttpMetrics (Prometheus text format 0.0.4)', () => {
  it('counts by method, route template and status, with a cumulative latency histogram', () => {
    const m = new HttpMetrics();
    m.observe('GET', '/scim/v2/Users/:id', 200, 0.003);
    m.observe('GET', '/scim/v2/Users/:id', 200, 0.04);
    m.observe('GET', '/scim/v2/Users/:id', 404, 7);
    m.observe('POST', '/scim/v2/Users', 201, 0.02);
    const text = m.render();
    const lines = text.split('\n');
    const labels = 'method="GET",route="/scim/v2/Users/:id"';
    expect(lines).toEqual(
      expect.arrayContaining([
        '# TYPE scim_http_requests_total counter',
        `scim_http_requests_total{${labels},status="200"} 2`,
        `scim_http_requests_total{${labels},status="404"} 1`,
        'scim_http_requests_total{method="POST",route="/scim/v2/Users",status="201"} 1',
        '# TYPE scim_http_request_duration_seconds histogram',
        `scim_http_request_duration_seconds_bucket{${labels},le="0.005"} 1`,
        `scim_http_request_duration_seconds_bucket{${labels},le="0.025"} 1`,
        `scim_http_request_duration_seconds_bucket{${labels},le="0.05"} 2`,
        `scim_http_request_duration_seconds_bucket{${labels},le="5"} 2`,
        `scim_http_request_duration_seconds_bucket{${labels},le="+Inf"} 3`,
        `scim_http_request_duration_seconds_count{${labels}} 3`,
        '# TYPE process_resident_memory_bytes gauge',
        '# TYPE nodejs_heap_size_used_bytes gauge',
      ]),
    );
    expect(
      lines.find((l) => l.startsWith(`scim_http_request_duration_seconds_sum{${labels}}`)),
    ).toMatch(/ 7\.043\d*$/);
    expect(text.endsWith('\n')).toBe(true);
    // every sample line is `name{labels} value` or `name value`
    for (const l of lines.filter((x) => x && !x.startsWith('#'))) {
      expect(l).toMatch(/^[a-z_]+(\{[^}]*\})? -?[\d.e+]+$/);
    }
  });

  it('adds the outbox backlog gauges when given one', () => {
    const now = Date.parse('2025-06-01T12:00:00.000Z');
    const text = new HttpMetrics().render(
      { pending: 3, failed: 1, oldestPendingAt: '2025-06-01T11:59:30.500Z' },
      now,
    );
    expect(text.split('\n')).toEqual(
      expect.arrayContaining([
        '# TYPE scim_outbox_events gauge',
        'scim_outbox_events{status="pending"} 3',
        'scim_outbox_events{status="failed"} 1',
        '# TYPE scim_outbox_oldest_pending_seconds gauge',
        'scim_outbox_oldest_pending_seconds 29.5',
      ]),
    );
    const idle = new HttpMetrics().render({ pending: 0, failed: 0, oldestPendingAt: null }, now);
    expect(idle).toContain('scim_outbox_oldest_pending_seconds 0\n');
    expect(new HttpMetrics().render()).not.toContain('scim_outbox');
  });

  it('escapes label values', () => {
    const m = new HttpMetrics();
    m.observe('GET', 'a"b\\c', 200, 0);
    expect(m.render()).toContain('route="a\\"b\\\\c"');
  });
});
