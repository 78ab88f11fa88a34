/**
 * Health and metrics in a host application, on SQLite and MariaDB/MySQL: the host lists
 * ScimHealthIndicator in its own @nestjs/terminus HealthCheckService (database reachability,
 * outbox backlog under a threshold: up, then down with 503), and ScimModule registers its
 * metrics in the host's prom-client registry (one passed as `metrics.registry`, or the global
 * one by default), counting SCIM requests by route template on Fastify and Express alike.
 */
import { Controller, DynamicModule, Get, INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Registry, register as globalRegistry } from 'prom-client';
import request from 'supertest';
import { DataSource } from 'typeorm';
import {
  ScimHealthIndicator,
  ScimModule,
  ScimModuleOptions,
  TenantService,
  TokenService,
  connectionOptionsOf,
  scimTypeOrmOptions,
} from '../../src/library';
import { TEST_DATABASES, TestDatabase, createTestDatabase } from '../support/databases';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';

/** The host's own health endpoints, built with terminus from the module's indicator. */
@Controller('health')
class HostHealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly scim: ScimHealthIndicator,
  ) {}

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([() => this.scim.database()]);
  }

  /** the outbox may hold no pending event at all */
  @Get('events')
  @HealthCheck()
  events() {
    return this.health.check([() => this.scim.outbox('scim_outbox', { maxPending: 0 })]);
  }
}

@Module({})
class ObservedHostModule {
  static forRoot(url: string, scim: Partial<ScimModuleOptions>): DynamicModule {
    const connection = connectionOptionsOf(url);
    return {
      module: ObservedHostModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => ({ ...connection, migrationsRun: true, ...scimTypeOrmOptions({ type: connection.type }) }),
        }),
        // the change events stay in the outbox: nothing delivers them here
        ScimModule.forRoot({ tokenPepper: 'a-pepper-of-16-chars-or-more', events: { dispatch: false }, ...scim }),
        TerminusModule.forRoot({ logger: false }),
      ],
      controllers: [HostHealthController],
    };
  }
}

async function start(
  url: string,
  scim: Partial<ScimModuleOptions>,
  adapter: 'fastify' | 'express' = 'fastify',
): Promise<INestApplication> {
  const app = await NestFactory.create(
    ObservedHostModule.forRoot(url, scim),
    adapter === 'fastify' ? new FastifyAdapter() : new ExpressAdapter(),
    { logger: false },
  );
  await app.listen(0, '127.0.0.1');
  return app;
}

/** the value of one sample line, labels in any order */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) {
      continue;
    }
    const found = Object.fromEntries([...(m[2] ?? '').matchAll(/([a-z_]+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.keys(found).length === Object.keys(labels).length && Object.entries(labels).every(([k, v]) => found[k] === v)) {
      return Number(m[3]);
    }
  }
  return undefined;
}

describe.each(TEST_DATABASES)('ScimModule health and metrics in a host on %s', (kind) => {
  let db: TestDatabase;
  let app: INestApplication;
  let registry: Registry;
  let token: string;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    registry = new Registry();
    app = await start(db.url, { metrics: { registry } });
    await app.get(TenantService).createTenant('acme');
    token = (await app.get(TokenService).issue('acme', 'idp', ['users:write'])).token;
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const http = () => request(app.getHttpServer());
  const auth = () => ({ Authorization: `Bearer ${token}` });

  it("counts SCIM requests by route template in the host's registry, next to the outbox backlog", async () => {
    expect((await http().get('/scim/v2/Users')).status).toBe(401);
    const created = await http()
      .post('/scim/v2/Users')
      .set(auth())
      .set('Content-Type', 'application/json')
      .send({ schemas: [USER_SCHEMA], userName: 'metrics.ann' });
    expect(created.status).toBe(201);
    expect((await http().get(`/scim/v2/Users/${created.body.id}`).set(auth())).status).toBe(200);
    expect((await http().get('/scim/v2/Users/no-such-id').set(auth())).status).toBe(404);

    const text = await registry.metrics();
    const requests = (method: string, route: string, status: string) =>
      sample(text, 'scim_http_requests_total', { method, route, status });
    expect(requests('GET', '/scim/v2/Users', '401')).toBe(1);
    expect(requests('POST', '/scim/v2/Users', '201')).toBe(1);
    expect(requests('GET', '/scim/v2/Users/:id', '200')).toBe(1);
    expect(requests('GET', '/scim/v2/Users/:id', '404')).toBe(1);
    expect(
      sample(text, 'scim_http_request_duration_seconds_count', { method: 'GET', route: '/scim/v2/Users/:id' }),
    ).toBe(2);
    // the user's creation waits in the outbox (nothing dispatches it here)
    expect(sample(text, 'scim_outbox_events', { status: 'pending' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'scim_outbox_events', { status: 'failed' })).toBe(0);
    expect(sample(text, 'scim_outbox_oldest_pending_seconds')).toBeGreaterThanOrEqual(0);
    // route templates only: never a raw id; the host's own routes are the host's to count
    expect(text).not.toContain(created.body.id);
    expect(text).not.toContain('no-such-id');
    expect(text).not.toContain('/health');
    // nothing in the global registry when the host names its own
    expect(globalRegistry.getSingleMetric('scim_http_requests_total')).toBeUndefined();
  });

  it('answers the host\'s terminus check: database up, outbox down over its threshold (503)', async () => {
    const ready = await http().get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({
      status: 'ok',
      info: { scim_database: { status: 'up' } },
      error: {},
      details: { scim_database: { status: 'up' } },
    });
    const events = await http().get('/health/events');
    expect(events.status).toBe(503);
    expect(events.body.status).toBe('error');
    expect(events.body.error.scim_outbox).toMatchObject({
      status: 'down',
      pending: expect.any(Number),
      failed: 0,
      message: expect.stringMatching(/^\d+ pending events \(more than 0\)$/),
    });
    expect(events.body.error.scim_outbox.pending).toBeGreaterThanOrEqual(1);
  });

  it('answers the database down (503) once the DataSource is gone, without driver details', async () => {
    await app.get(DataSource).destroy();
    const ready = await http().get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.error).toEqual({ scim_database: { status: 'down', message: 'the database did not answer' } });
    // the scrape still answers, without the outbox figures it cannot read
    const text = await registry.metrics();
    expect(sample(text, 'scim_outbox_events', { status: 'pending' })).toBeUndefined();
    expect(sample(text, 'scim_http_requests_total', { method: 'POST', route: '/scim/v2/Users', status: '201' })).toBe(1);
  });
});

describe('ScimModule metrics registries', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('go to prom-client\'s global registry by default, and leave it when the app closes', async () => {
    const app = await start(db.url, {});
    try {
      expect(globalRegistry.getSingleMetric('scim_http_requests_total')).toBeDefined();
      expect((await http(app).get('/scim/v2/ServiceProviderConfig')).status).toBe(200);
      const text = await globalRegistry.metrics();
      expect(sample(text, 'scim_http_requests_total', { method: 'GET', route: '/scim/v2/ServiceProviderConfig', status: '200' })).toBe(1);
      expect(sample(text, 'scim_outbox_events', { status: 'failed' })).toBe(0);
    } finally {
      await app.close();
    }
    expect(globalRegistry.getSingleMetric('scim_http_requests_total')).toBeUndefined();
    expect(globalRegistry.getSingleMetric('scim_outbox_events')).toBeUndefined();
  });

  it('are left alone with metrics: false', async () => {
    const app = await start(db.url, { metrics: false });
    try {
      expect((await http(app).get('/scim/v2/ServiceProviderConfig')).status).toBe(200);
      expect(globalRegistry.getSingleMetric('scim_http_requests_total')).toBeUndefined();
    } finally {
      await app.close();
    }
  });

  it('count by route template on Express as on Fastify', async () => {
    const registry = new Registry();
    const app = await start(db.url, { metrics: { registry } }, 'express');
    try {
      expect((await http(app).get('/scim/v2/Users/some-id')).status).toBe(401);
      const text = await registry.metrics();
      expect(sample(text, 'scim_http_requests_total', { method: 'GET', route: '/scim/v2/Users/:id', status: '401' })).toBe(1);
    } finally {
      await app.close();
    }
  });
});

function http(app: INestApplication) {
  return request(app.getHttpServer());
}
