/**
 * Request ids, per-token rate limits, health probes and Prometheus metrics through the real
 * standalone app, on embedded SQLite and on MariaDB/MySQL; on MariaDB
 * also two server processes sharing one set of rate-limit counters. Last, the compiled
 * server's stdout: JSON log lines (pino), one access line per request, and the plain lines
 * for a person.
 */
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { getDataSourceToken } from '@nestjs/typeorm';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/server/app.module';
import { AuditService } from '../../src/audit/audit.service';
import { loadConfig } from '../../src/server/config/app.config';
import { TEST_DATABASES, createTestDatabase } from '../support/databases';
import { ServerProcess } from '../support/server-process';
import { TestApp } from '../support/test-app';

const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const METRICS_TOKEN = 'metrics-token-0123456789';
const LIMIT = 20;

describe.each(TEST_DATABASES)('Request ids, rate limits, health and metrics on %s', (kind) => {
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    // an hour-long window: a flood never straddles two windows in practice
    t = await TestApp.start(kind, { SCIM_RATE_LIMIT: `${LIMIT}/3600`, METRICS_TOKEN });
    token = await t.token('acme');
  });
  afterAll(async () => {
    await t?.close();
  });

  const auth = (tk = token) => ({ Authorization: `Bearer ${tk}` });

  describe('X-Request-Id', () => {
    const cases: Array<[string, () => request.Test, number]> = [
      ['a 200', () => t.http.get('/scim/v2/Users?count=1').set(auth()), 200],
      ['a 404 of the SCIM API', () => t.http.get('/scim/v2/Users/nope').set(auth()), 404],
      ['a 401', () => t.http.get('/scim/v2/Users').set(auth('scim_not-a-token')), 401],
      ['an unmatched route', () => t.http.get('/no/such/route'), 404],
      ['a probe', () => t.http.get('/health/live'), 200],
    ];

    it.each(cases)('echoes a sane incoming id on %s', async (_label, send, status) => {
      const res = await send().set('X-Request-Id', 'idp-req:42.a_b-C');
      expect(res.status).toBe(status);
      expect(res.headers['x-request-id']).toBe('idp-req:42.a_b-C');
    });

    it.each(cases)('generates a UUID on %s without one', async (_label, send, status) => {
      const res = await send();
      expect(res.status).toBe(status);
      expect(res.headers['x-request-id']).toMatch(UUID);
    });

    it.each(['has spaces', 'x'.repeat(129), 'quote"d', 'new\tline'])(
      'replaces the unsafe id %j with a UUID',
      async (id) => {
        const res = await t.http.get('/scim/v2/Users?count=1').set(auth()).set('X-Request-Id', id);
        expect(res.status).toBe(200);
        expect(res.headers['x-request-id']).toMatch(UUID);
      },
    );
  });

  describe('rate limit per token', () => {
    it(`answers a flood from one token 429 after ${LIMIT} requests, with Retry-After and a SCIM body`, async () => {
      const flooder = await t.token('acme');
      const other = await t.token('acme');
      const statuses: number[] = [];
      let limited: request.Response | undefined;
      // at most 2 x LIMIT + 1 requests: one window must then hold more than LIMIT
      for (let i = 0; i <= 2 * LIMIT && !limited; i++) {
        const res = await t.http.get('/scim/v2/Users?count=1').set(auth(flooder));
        statuses.push(res.status);
        if (res.status === 429) {
          limited = res;
        }
      }
      expect(statuses.slice(0, -1)).toEqual(Array(LIMIT).fill(200));
      expect(limited).toBeDefined();
      const res = limited!;
      expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
      expect(res.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '429' });
      expect(res.body.detail).toMatch(/Too many requests/);
      const retryAfter = Number(res.headers['retry-after']);
      expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 3600).toBe(true);
      expect(res.headers['x-request-id']).toMatch(UUID);

      // the same tenant's other token has counters of its own; the flooder stays limited
      expect((await t.http.get('/scim/v2/Users?count=1').set(auth(other))).status).toBe(200);
      expect((await t.http.get('/scim/v2/Groups').set(auth(flooder))).status).toBe(429);
      // discovery without a token is not counted against anyone
      expect((await t.http.get('/scim/v2/ServiceProviderConfig')).status).toBe(200);
    });

    if (kind !== 'sqlite') {
      it('is shared by two server processes on one database (docs/deployment.md)', async () => {
        const shared = await t.token('acme');
        const servers = await Promise.all(
          [0, 1].map(() =>
            ServerProcess.start(t.db.url, { MIGRATIONS_RUN: 'false', SCIM_RATE_LIMIT: '10/3600' }),
          ),
        );
        try {
          const get = (i: number) => {
            const url = new URL(servers[i % 2].baseUrl);
            return request(url.origin).get(`${url.pathname}/Users?count=1`).set(auth(shared));
          };
          const statuses: number[] = [];
          for (let i = 0; i < 21 && !statuses.includes(429); i++) {
            statuses.push((await get(i)).status);
          }
          // counted per instance, the first 429 would come after 20 requests, not 10
          expect(statuses).toEqual([...Array(10).fill(200), 429]);
          expect([(await get(0)).status, (await get(1)).status]).toEqual([429, 429]);
        } finally {
          await Promise.all(servers.map((s) => s.stop()));
        }
      }, 60_000);
    }
  });

  describe('health probes and metrics', () => {
    it('/health/live and /health/ready answer 200 with JSON', async () => {
      const live = await t.http.get('/health/live');
      expect(live.status).toBe(200);
      expect(live.body).toEqual({ status: 'ok' });
      const ready = await t.http.get('/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body).toEqual({ status: 'ok', checks: { database: 'up' } });
    });

    it('/metrics requires the METRICS_TOKEN, then counts requests by route template and status', async () => {
      const created = await t.http
        .post('/scim/v2/Users')
        .set(auth())
        .send({
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
          userName: `m-${Date.now()}`,
        });
      expect(created.status).toBe(201);
      expect((await t.http.get(`/scim/v2/Users/${created.body.id}`).set(auth())).status).toBe(200);

      for (const authorization of [undefined, 'Bearer wrong-token', `Basic ${METRICS_TOKEN}`]) {
        const req = t.http.get('/metrics');
        const res = await (authorization ? req.set('Authorization', authorization) : req);
        expect(res.status).toBe(401);
        expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
        expect(res.text).not.toContain('scim_http_requests_total');
      }

      const res = await t.http.get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
      const sample = (name: string, labels: string) => {
        const line = res.text.split('\n').find((l) => l.startsWith(`${name}{${labels}} `));
        return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
      };
      const users = 'route="/scim/v2/Users/:id"';
      expect(
        sample('scim_http_requests_total', `method="GET",${users},status="200"`),
      ).toBeGreaterThanOrEqual(1);
      expect(
        sample('scim_http_requests_total', `method="GET",${users},status="404"`),
      ).toBeGreaterThanOrEqual(2);
      expect(
        sample('scim_http_requests_total', 'method="POST",route="/scim/v2/Users",status="201"'),
      ).toBe(1);
      expect(
        sample('scim_http_requests_total', 'method="GET",route="/scim/v2/Users",status="429"'),
      ).toBeGreaterThanOrEqual(1);
      expect(
        sample('scim_http_requests_total', 'method="GET",route="unmatched",status="404"'),
      ).toBeGreaterThanOrEqual(2);
      expect(
        // prom-client writes a bucket's `le` first
        sample('scim_http_request_duration_seconds_bucket', `le="+Inf",method="GET",${users}`),
      ).toBe(sample('scim_http_request_duration_seconds_count', `method="GET",${users}`));
      expect(res.text).toMatch(
        /^scim_http_request_duration_seconds_bucket\{le="0\.005",method="GET",route="\/scim\/v2\/Users\/:id"\} \d+$/m,
      );
      expect(res.text).toMatch(/^process_resident_memory_bytes \d+$/m);
      expect(res.text).toMatch(/^nodejs_heap_size_used_bytes \d+$/m);
      // route templates only: never a raw id, a raw unmatched path, or a token
      expect(res.text).not.toContain(created.body.id);
      expect(res.text).not.toContain('/no/such/route');
      expect(res.text).not.toContain(token);
    });

    it('/health/ready answers 503 once the database is gone; /health/live still 200', async () => {
      await t.app.get<DataSource>(getDataSourceToken()).destroy();
      const ready = await t.http.get('/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body).toEqual({ status: 'unavailable', checks: { database: 'down' } });
      expect((await t.http.get('/health/live')).status).toBe(200);
    });
  });
});

/**
 * Embedded in a host, the library has no app-level hook: RequestAuditGuard alone stamps the
 * request id, on successes and on the exception filter's responses (401) alike.
 */
describe('X-Request-Id from the library alone (no standalone hooks)', () => {
  it('is set by the SCIM controllers, 401 included, and stored in the audit entry', async () => {
    const db = await createTestDatabase('sqlite');
    const config = loadConfig({ DATABASE_URL: db.url, SCIM_BOOTSTRAP: 'false' });
    const app = await NestFactory.create<NestFastifyApplication>(
      AppModule.forRoot(config),
      new FastifyAdapter(),
      { logger: false },
    );
    try {
      await app.listen(0, '127.0.0.1');
      const http = request(
        `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`,
      );
      const denied = await http.get('/scim/v2/Users').set('X-Request-Id', 'host-req-1');
      expect(denied.status).toBe(401);
      expect(denied.headers['x-request-id']).toBe('host-req-1');
      const open = await http.get('/scim/v2/ServiceProviderConfig');
      expect(open.status).toBe(200);
      expect(open.headers['x-request-id']).toMatch(UUID);
      // outside the SCIM controllers the host's own pipeline is untouched
      expect((await http.get('/health/live')).headers['x-request-id']).toBeUndefined();
      await app.get(AuditService).flush();
      const entries = await app.get(AuditService).search({ limit: 10 });
      expect(entries.map((e) => [e.requestId, e.status])).toEqual([
        ['host-req-1', 401],
        [open.headers['x-request-id'], 200],
      ]);
    } finally {
      await app.close();
      await db.drop();
    }
  });
});

/** Polls `find` (bounded) until it returns something. */
async function eventually<T>(what: string, find: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) {
      return found;
    }
    if (Date.now() > until) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('Logs of the compiled server with LOG_FORMAT=json', () => {
  it('writes JSON lines, one access line per request without the token, and plain text for a person', async () => {
    const db = await createTestDatabase('sqlite');
    const server = await ServerProcess.start(db.url, {
      SCIM_BOOTSTRAP: 'true',
      LOG_LEVEL: 'log',
      LOG_FORMAT: 'json',
    });
    try {
      // the bootstrap token, printed once as text (README "Quick start")
      const token = await eventually('the bootstrap token', () => /^ {4}(scim_\S+)$/m.exec(server.stdout)?.[1]);
      const url = new URL(server.baseUrl);
      const http = request(url.origin);
      const ok = await http
        .get(`${url.pathname}/Users?count=1`)
        .set('Authorization', `Bearer ${token}`)
        .set('X-Request-Id', 'json-log-1')
        .set('User-Agent', 'observability-test/1.0');
      expect(ok.status).toBe(200);
      const denied = await http
        .get(`${url.pathname}/Users`)
        .set('Authorization', 'Bearer scim_not-a-token')
        .set('X-Request-Id', 'json-log-2');
      expect(denied.status).toBe(401);
      // a token in the query string (RFC 6750 §2.3) is refused and redacted from the logged URL
      const inQuery = await http
        .get(`${url.pathname}/Users`)
        .query({ count: 1, access_token: token })
        .set('X-Request-Id', 'json-log-3');
      expect(inQuery.status).toBe(401);
      // with the header too, the header authenticates; the parameter (name encoded) is redacted
      const both = await http
        .get(`${url.pathname}/Users?count=1&access%5Ftoken=${token}`)
        .set('Authorization', `Bearer ${token}`)
        .set('X-Request-Id', 'json-log-4');
      expect(both.status).toBe(200);

      const json = () =>
        server.stdout
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as Record<string, unknown>);
      const accessLine = (id: string) =>
        eventually(`the access line of ${id}`, () => json().find((l) => l.requestId === id));

      expect(await accessLine('json-log-1')).toEqual({
        level: 'info',
        time: expect.any(Number),
        pid: server.child.pid,
        hostname: expect.any(String),
        context: 'HTTP',
        msg: 'request completed',
        method: 'GET',
        route: `${url.pathname}/Users`,
        url: `${url.pathname}/Users?count=1`,
        status: 200,
        durationMs: expect.any(Number),
        requestId: 'json-log-1',
        tenantId: expect.any(String),
        tokenId: expect.any(String),
        userAgent: 'observability-test/1.0',
        clientIp: '127.0.0.1',
        // the IdP profile the request ran under: the bootstrap token names none
        profile: 'default',
      });
      const refused = await accessLine('json-log-2');
      expect(refused).toMatchObject({ status: 401, context: 'HTTP' });
      expect(refused.tenantId).toBeUndefined();
      expect(refused.tokenId).toBeUndefined();
      expect(await accessLine('json-log-3')).toMatchObject({
        status: 401,
        url: `${url.pathname}/Users?count=1&access_token=[REDACTED]`,
      });
      expect(await accessLine('json-log-4')).toMatchObject({
        status: 200,
        url: `${url.pathname}/Users?count=1&access%5Ftoken=[REDACTED]`,
        tokenId: expect.any(String),
      });

      const lines = server.stdout.split('\n').filter(Boolean);
      // Nest's own lines are JSON too, with their context
      expect(json()).toContainEqual(
        expect.objectContaining({ level: 'info', context: 'NestApplication', msg: 'Nest application successfully started' }),
      );
      // every line is JSON except the ones for a person
      expect(lines.filter((l) => !l.startsWith('{'))).toEqual([
        `SCIM base URL: ${server.baseUrl}`,
        expect.stringMatching(/^Bootstrap: created tenant "default"/),
        `    ${token}`,
        `Try:  curl -H "Authorization: Bearer ${token}" ${server.baseUrl}/Users`,
      ]);
      // and no JSON line carries a token
      for (const line of lines.filter((l) => l.startsWith('{'))) {
        expect(line).not.toContain(token);
        expect(line).not.toContain('scim_not-a-token');
      }
    } finally {
      await server.stop();
      await db.drop();
    }
  }, 60_000);
});
