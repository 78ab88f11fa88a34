/**
 * The admin HTTP API on SQLite and MariaDB/MySQL: in the standalone server
 * (ADMIN_TOKEN) and embedded in a host application next to ScimModule (AdminModule.forRootAsync,
 * with an in-process change-event listener). Only the admin token opens it, and it opens
 * nothing else; settings round-trip and take effect (SCIM off = 403, notifications off = no
 * webhook POST); the webhook secret is never returned; role mappings, tokens and the outbox
 * (list, retry) work end to end; every admin write lands in the audit log. Every wait is bounded.
 */
import { DynamicModule, Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AuditService } from '../../src/audit/audit.service';
import { AdminModule, ScimModule, TenantService, TokenService, buildDataSourceOptions } from '../../src/library';
import { oktaUser } from '../fixtures/users.factory';
import { DatabaseKind, TEST_DATABASES, TestDatabase, createTestDatabase } from '../support/databases';
import { RecordingListener } from '../support/events-app';
import { ALL, TestApp } from '../support/test-app';
import { RECEIVER_ALLOW, WebhookReceiver } from '../support/webhook-receiver';
import { query as dbQuery } from '../../src/persistence/repositories/sql.util';

const ADMIN_TOKEN = 'admin-token-0123456789abcdef0123456789abcdef';
const SECRET = 'webhook-shared-secret-0123456789';
const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };

type Json = Record<string, unknown>;

const userBody = (overrides: Json = {}) => {
  const { password: _p, groups: _g, ...u } = oktaUser(overrides);
  return u;
};

function expectScimError(res: request.Response, status: number, detail?: RegExp): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
  expect(res.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: String(status) });
  if (detail) {
    expect(res.body.detail).toMatch(detail);
  }
}

/** Polls `probe` until it returns something truthy (bounded). */
async function eventually<T>(what: string, probe: () => Promise<T | undefined | false>, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) {
      return v;
    }
    if (Date.now() > until) {
      throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.each(TEST_DATABASES)('admin API of the standalone server on %s', (kind: DatabaseKind) => {
  let t: TestApp;
  let ds: DataSource;
  let scimToken: string;

  beforeAll(async () => {
    t = await TestApp.start(kind, { ADMIN_TOKEN });
    ds = t.app.get<DataSource>(getDataSourceToken());
    scimToken = await t.token('acme', ALL);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('needs the admin token: 401 without one, with a SCIM token or a wrong one; the admin token opens no SCIM route', async () => {
    for (const auth of [undefined, `Bearer ${scimToken}`, `Bearer ${ADMIN_TOKEN}x`, ADMIN_TOKEN]) {
      const req = t.http.get('/admin/v1/tenants');
      const res = auth === undefined ? await req : await req.set('Authorization', auth);
      expectScimError(res, 401, /admin bearer token/);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(JSON.stringify(res.body)).not.toContain(ADMIN_TOKEN);
    }
    const scim = await t.http.get('/scim/v2/Users').set(admin);
    expectScimError(scim, 401);
    // the admin API sits at the server root only, and discovery knows nothing of it
    expectScimError(await t.http.get('/scim/v2/admin/v1/tenants').set(admin), 404);
    const schemas = await t.http.get('/scim/v2/Schemas').set('Authorization', `Bearer ${scimToken}`);
    expect(schemas.status).toBe(200);
    expect(JSON.stringify(schemas.body)).not.toMatch(/admin/i);
    const ok = await t.http.get('/admin/v1/tenants').set(admin);
    expect(ok.status).toBe(200);
    expect(ok.headers['content-type']).toMatch(/^application\/json/);
    expect(ok.headers['x-request-id']).toBeDefined();
    expect(ok.body.items.map((x: Json) => x.slug)).toEqual(['acme']);
  });

  it('creates tenants and round-trips every setting; the webhook secret is never returned', async () => {
    const created = await t.http.post('/admin/v1/tenants').set(admin).send({ slug: 'beta', notifications: 'off' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      slug: 'beta',
      createdAt: expect.any(String),
      profile: null,
      deprovisioning: 'hard',
      groupCycles: 'refuse',
      webhookUrl: null,
      webhookSecretSet: false,
      scimEnabled: true,
      disabledAt: null,
      notifications: 'off',
      defaultRole: null,
      linkPolicy: 'off',
      tokenPolicy: 'any',
      switches: null,
    });
    expectScimError(await t.http.post('/admin/v1/tenants').set(admin).send({ slug: 'beta' }), 409, /already exists/);
    expectScimError(await t.http.post('/admin/v1/tenants').set(admin).send({ slug: 'Not A Slug' }), 400, /slug/);
    // a bad setting refuses the whole creation
    expectScimError(
      await t.http.post('/admin/v1/tenants').set(admin).send({ slug: 'gamma', linkPolicy: 'always' }),
      400,
      /Unknown link policy "always"/,
    );
    expectScimError(await t.http.get('/admin/v1/tenants/gamma').set(admin), 404, /Unknown tenant "gamma"/);

    const settings = {
      profile: 'okta',
      deprovisioning: 'soft',
      groupCycles: 'allow',
      webhookUrl: 'https://hooks.example.com/scim',
      webhookSecret: SECRET,
      notifications: 'on',
      defaultRole: 'member',
      linkPolicy: 'verified-email',
      switches: 'allowRemoveAll=true',
    };
    const patched = await t.http.patch('/admin/v1/tenants/beta').set(admin).send(settings);
    expect(patched.status).toBe(200);
    const { webhookSecret: _s, ...shown } = settings;
    expect(patched.body).toMatchObject({ ...shown, webhookSecretSet: true, scimEnabled: true });
    expect(patched.body).not.toHaveProperty('webhookSecret');
    const read = await t.http.get('/admin/v1/tenants/beta').set(admin);
    expect(read.body).toEqual(patched.body);
    const listed = await t.http.get('/admin/v1/tenants').set(admin);
    for (const res of [patched, read, listed]) {
      expect(res.text).not.toContain(SECRET);
    }
    // absent keys stay as they are; null goes back to the default
    const reset = await t.http.patch('/admin/v1/tenants/beta').set(admin).send({ defaultRole: null, profile: null });
    expect(reset.body).toMatchObject({ defaultRole: null, profile: null, deprovisioning: 'soft', linkPolicy: 'verified-email' });
    // profile switches merge into the stored ones (docs/idp/profiles.md); null drops them all
    const merged = await t.http.patch('/admin/v1/tenants/beta').set(admin).send({ switches: 'unknownAttributes=reject' });
    expect(merged.body.switches).toBe('allowRemoveAll=true,unknownAttributes=reject');
    expectScimError(
      await t.http.patch('/admin/v1/tenants/beta').set(admin).send({ switches: 'allowRemoveAll=please' }),
      400,
      /allowRemoveAll takes true, false, default/,
    );
    expect((await t.http.patch('/admin/v1/tenants/beta').set(admin).send({ switches: null })).body.switches).toBeNull();
    const unhooked = await t.http.patch('/admin/v1/tenants/beta').set(admin).send({ webhookUrl: null });
    expect(unhooked.body).toMatchObject({ webhookUrl: null, webhookSecretSet: false });

    for (const [body, detail] of [
      [{ scimEnabled: 'no' }, /"scimEnabled" must be a boolean/],
      [{ notifications: 'loud' }, /Unknown notifications setting "loud": use on or off/],
      [{ defaultRole: 'team admin' }, /default role must be 1 to 64 characters/],
      [{ webhookSecretSet: true }, /read-only/],
      [{ color: 'blue' }, /Unknown setting "color"/],
      [{ webhookUrl: 'ftp://x.example.com' }, /http:\/\/ or https:\/\//],
      [{ webhookSecret: SECRET }, /needs a webhook URL/],
      // no allowlist here: internal destinations are refused as written
      [{ webhookUrl: 'http://169.254.169.254/latest/meta-data/', webhookSecret: SECRET }, /cloud metadata/],
      [{ webhookUrl: 'http://0x7f000001:8080/hook', webhookSecret: SECRET }, /127\.0\.0\.1 is a loopback address.*SCIM_WEBHOOK_ALLOW/],
    ] as const) {
      expectScimError(await t.http.patch('/admin/v1/tenants/beta').set(admin).send(body), 400, detail);
    }
    expectScimError(await t.http.patch('/admin/v1/tenants/nope').set(admin).send({ notifications: 'off' }), 404);
  });

  it("switching SCIM off gives the tenant's tokens 403 with a SCIM error body; switching it on restores them", async () => {
    const other = await t.token('other', ALL);
    const users = (token: string) => t.http.get('/scim/v2/Users').set('Authorization', `Bearer ${token}`);
    expect((await users(scimToken)).status).toBe(200);

    const off = await t.http.patch('/admin/v1/tenants/acme').set(admin).send({ scimEnabled: false });
    expect(off.body).toMatchObject({ scimEnabled: false, disabledAt: expect.any(String) });
    expectScimError(await users(scimToken), 403, /SCIM provisioning is disabled for this tenant/);
    const post = await t.http.post('/scim/v2/Users').set('Authorization', `Bearer ${scimToken}`).send(userBody());
    expectScimError(post, 403);
    expect((await users(other)).status).toBe(200);
    // still off: the time it went off is kept
    const again = await t.http.patch('/admin/v1/tenants/acme').set(admin).send({ scimEnabled: false });
    expect(again.body.disabledAt).toBe(off.body.disabledAt);

    const on = await t.http.patch('/admin/v1/tenants/acme').set(admin).send({ scimEnabled: true });
    expect(on.body).toMatchObject({ scimEnabled: true, disabledAt: null });
    expect((await users(scimToken)).status).toBe(200);
  });

  it('role mappings: set, replace under another letter case, list, remove', async () => {
    const put = (group: string, body: unknown) =>
      t.http.put(`/admin/v1/tenants/acme/role-mappings/${encodeURIComponent(group)}`).set(admin).send(body as object);
    const list = async () => (await t.http.get('/admin/v1/tenants/acme/role-mappings').set(admin)).body;

    expect(await list()).toEqual({ items: [] });
    const set = await put('Engineering', { role: 'developer' });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ group: 'Engineering', role: 'developer' });
    expect((await put('Platform Admins / EU', { role: 'org:admin' })).status).toBe(200);
    expect((await put('ENGINEERING', { role: 'lead' })).body).toEqual({ group: 'ENGINEERING', role: 'lead' });
    expect(await list()).toEqual({
      items: [
        { group: 'ENGINEERING', role: 'lead' },
        { group: 'Platform Admins / EU', role: 'org:admin' },
      ],
    });
    expectScimError(await put('Engineering', { role: 'a b' }), 400, /role must be 1 to 64 characters/);
    expectScimError(await put('Engineering', {}), 400, /"role" is required/);
    expectScimError(await put('Engineering', { role: 'r'.repeat(65) }), 400, /role must be/);

    const del = (group: string) =>
      t.http.delete(`/admin/v1/tenants/acme/role-mappings/${encodeURIComponent(group)}`).set(admin);
    expect((await del('engineering')).status).toBe(204);
    expectScimError(await del('engineering'), 404, /no role mapping/);
    expect(await list()).toEqual({ items: [{ group: 'Platform Admins / EU', role: 'org:admin' }] });
    expectScimError(await t.http.get('/admin/v1/tenants/nope/role-mappings').set(admin), 404);
  });

  it('issues a token (its secret shown once) that works on SCIM, lists it without the secret, revokes it', async () => {
    const issued = await t.http
      .post('/admin/v1/tenants/acme/tokens')
      .set(admin)
      .send({ name: 'okta', scopes: ['users:read'], expiresInDays: 30 });
    expect(issued.status).toBe(201);
    expect(issued.body).toMatchObject({
      id: expect.any(String),
      name: 'okta',
      scopes: ['users:read'],
      token: expect.stringMatching(/^scim_[A-Za-z0-9_-]{43}$/),
      expiresAt: expect.any(String),
      revokedAt: null,
    });
    const secret = issued.body.token as string;
    expect(secret.startsWith(issued.body.prefix)).toBe(true);
    const scim = () => t.http.get('/scim/v2/Users').set('Authorization', `Bearer ${secret}`);
    expect((await scim()).status).toBe(200);
    expectScimError(await t.http.post('/scim/v2/Users').set('Authorization', `Bearer ${secret}`).send(userBody()), 403);

    const listed = await t.http.get('/admin/v1/tenants/acme/tokens').set(admin);
    expect(listed.body.items.map((x: Json) => x.id)).toContain(issued.body.id);
    expect(listed.text).not.toContain(secret);

    expectScimError(
      await t.http.post('/admin/v1/tenants/acme/tokens').set(admin).send({ name: 'x', scopes: ['users:admin'] }),
      400,
      /Unknown scope "users:admin"/,
    );
    expectScimError(
      await t.http.post('/admin/v1/tenants/nope/tokens').set(admin).send({ name: 'x', scopes: ['users:read'] }),
      404,
    );
    expect((await t.http.delete(`/admin/v1/tokens/${issued.body.id}`).set(admin)).status).toBe(204);
    expectScimError(await scim(), 401);
    expectScimError(await t.http.delete(`/admin/v1/tokens/${issued.body.id}`).set(admin), 404, /No active token/);
  });

  it('lists events and the backlog; the built-in store reports no unlinked users', async () => {
    const created = await t.http.post('/scim/v2/Users').set('Authorization', `Bearer ${scimToken}`).send(userBody());
    expect(created.status).toBe(201);
    const page = await eventually('the delivered event', async () => {
      const res = await t.http.get('/admin/v1/tenants/acme/events').query({ status: 'delivered', limit: 1 }).set(admin);
      return res.body.items?.length ? res.body : undefined;
    });
    expect(page.items[0]).toMatchObject({ resourceId: created.body.id, operation: 'created', status: 'delivered' });
    expect(page.nextBefore).toBe(page.items[0].seq);
    expectScimError(await t.http.get('/admin/v1/tenants/acme/events?status=dead').set(admin), 400, /status must be one of/);
    expectScimError(await t.http.get('/admin/v1/tenants/acme/events?limit=0').set(admin), 400, /limit must be/);
    expectScimError(await t.http.post('/admin/v1/events/no-such-event/retry').set(admin), 404);
    expectScimError(await t.http.post(`/admin/v1/events/${page.items[0].id}/retry`).set(admin), 409, /delivered/);
    const backlog = await t.http.get('/admin/v1/tenants/acme/events/backlog').set(admin);
    expect(backlog.body).toMatchObject({ pending: expect.any(Number), failed: 0 });
    expect(Object.keys(backlog.body).sort()).toEqual(['failed', 'oldestPendingAt', 'pending']);

    const unlinked = await t.http.get('/admin/v1/tenants/acme/unlinked-users?offset=0&limit=10').set(admin);
    expect(unlinked.status).toBe(200);
    expect(unlinked.body).toEqual({ total: 0, items: [], supported: false });
    expectScimError(await t.http.get('/admin/v1/tenants/acme/unlinked-users?limit=5000').set(admin), 400);

    const metrics = await t.http.get('/metrics');
    expect(metrics.text).toContain('scim_outbox_events{status="pending"} ');
    expect(metrics.text).toContain('scim_outbox_events{status="failed"} 0');
    expect(metrics.text).toMatch(/\nscim_outbox_oldest_pending_seconds [\d.]+\n/);
  });

  it('records every admin write in the audit log, under its tenant, with the webhook secret redacted', async () => {
    const res = await t.http
      .patch('/admin/v1/tenants/acme')
      .set(admin)
      .set('X-Request-Id', `admin-audit-${kind}`)
      .send({ webhookUrl: 'https://hooks.example.com/acme', webhookSecret: SECRET });
    expect(res.status).toBe(200);
    expect(res.headers['x-request-id']).toBe(`admin-audit-${kind}`);
    const refused = await t.http.delete('/admin/v1/tokens/whatever').set('X-Request-Id', `admin-refused-${kind}`);
    expect(refused.status).toBe(401);
    const read = await t.http.get('/admin/v1/tenants/acme').set(admin).set('X-Request-Id', `admin-read-${kind}`);
    expect(read.status).toBe(200);

    const audit = t.app.get(AuditService);
    const rows = await eventually('the audit entries', async () => {
      await audit.flush();
      const found = (await dbQuery(
        ds,
        `SELECT * FROM scim_audit WHERE request_id IN (?, ?, ?) ORDER BY seq`,
        [`admin-audit-${kind}`, `admin-refused-${kind}`, `admin-read-${kind}`],
      )) as Json[];
      return found.length >= 2 ? found : undefined;
    });
    await new Promise((r) => setTimeout(r, 200));
    await audit.flush();
    const all = (await dbQuery(ds, `SELECT request_id FROM scim_audit WHERE request_id = ?`, [
      `admin-read-${kind}`,
    ])) as Json[];
    expect(all).toEqual([]); // reads are not recorded
    const acme = (await t.tenantService.listTenants()).find((x) => x.slug === 'acme')!;
    // each entry is written once its tenant is looked up: their order in the table may vary
    const byRequest = new Map(rows.map((r) => [r.request_id, r]));
    const written = byRequest.get(`admin-audit-${kind}`)!;
    const denied = byRequest.get(`admin-refused-${kind}`)!;
    expect([written, denied].map((r) => [r.method, r.path, Number(r.status), r.token_id, r.tenant_id, r.resource_type])).toEqual([
      ['PATCH', '/admin/v1/tenants/acme', 200, 'admin', acme.id, 'admin'],
      ['DELETE', '/admin/v1/tokens/whatever', 401, null, null, 'admin'],
    ]);
    expect(String(written.body)).toContain('[REDACTED]');
    expect(String(written.body)).toContain('https://hooks.example.com/acme');
    // the refused one keeps why: its SCIM error (RFC 7644 §3.12); the one that succeeded has none
    expect([Number(denied.error_status), denied.error_scim_type]).toEqual([401, null]);
    expect(denied.error_detail).toEqual(expect.stringMatching(/\S/));
    expect([written.error_status, written.error_scim_type, written.error_detail]).toEqual([null, null, null]);
    const everything = JSON.stringify(await ds.query('SELECT * FROM scim_audit'));
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toContain(ADMIN_TOKEN);
  });
});

describe('admin API without ADMIN_TOKEN', () => {
  let t: TestApp;
  const logged: string[] = [];

  beforeAll(async () => {
    jest.spyOn(Logger.prototype, 'log').mockImplementation(function (this: Logger, message: unknown) {
      logged.push(String(message));
    });
    t = await TestApp.start('sqlite');
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await t?.close();
  });

  it('answers 404 on every admin route and says at boot how to turn it on', async () => {
    const token = await t.token('acme', ALL);
    for (const auth of [admin, { Authorization: `Bearer ${token}` }, {}]) {
      expectScimError(await t.http.get('/admin/v1/tenants').set(auth), 404);
      expectScimError(await t.http.patch('/admin/v1/tenants/acme').set(auth).send({ scimEnabled: false }), 404);
    }
    expect((await t.http.get('/scim/v2/Users').set('Authorization', `Bearer ${token}`)).status).toBe(200);
    const lines = logged.filter((l) => l.startsWith('Admin API'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Admin API off: .*ADMIN_TOKEN/);
  });
});

/** A host application: ScimModule with a listener, and AdminModule from its own configuration. */
@Module({})
class AdminHostModule {
  static forRoot(url: string): DynamicModule {
    return {
      module: AdminHostModule,
      imports: [
        TypeOrmModule.forRoot(buildDataSourceOptions({ url, migrationsRun: true })),
        ScimModule.forRoot({
          tokenPepper: 'admin-test-pepper-0123456789',
          listeners: [RecordingListener],
          // the test receiver is on loopback, allowed as an on-premises operator would
          events: { pollIntervalMs: 100, retryBaseMs: 200, maxAttempts: 2, webhookAllow: [RECEIVER_ALLOW] },
        }),
        AdminModule.forRootAsync({ useFactory: () => ({ adminToken: ADMIN_TOKEN }) }),
      ],
    };
  }
}

describe.each(TEST_DATABASES)('admin API embedded in a host, with a listener, on %s', (kind: DatabaseKind) => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let http: () => ReturnType<typeof request>;
  let receiver: WebhookReceiver;
  let listener: RecordingListener;
  let scimToken: string;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    db = await createTestDatabase(kind);
    app = await NestFactory.create<NestFastifyApplication>(AdminHostModule.forRoot(db.url), new FastifyAdapter(), {
      logger: false,
    });
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as { port: number };
    http = () => request(`http://127.0.0.1:${port}`);
    listener = app.get(RecordingListener, { strict: false });
    const tokens = app.get(TokenService);
    await app.get(TenantService).createTenant('acme');
    scimToken = (await tokens.issue('acme', 'idp', ALL)).token;
    const hooked = await http()
      .patch('/admin/v1/tenants/acme')
      .set(admin)
      .send({ webhookUrl: receiver.url, webhookSecret: SECRET });
    expect(hooked.body).toMatchObject({ webhookUrl: receiver.url, webhookSecretSet: true });
  });
  afterAll(async () => {
    await app?.close();
    await receiver?.close();
    await db?.drop();
  });

  const createUser = async () => {
    const res = await http().post('/scim/v2/Users').set('Authorization', `Bearer ${scimToken}`).send(userBody());
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const eventsOf = async (status: string) =>
    (await http().get(`/admin/v1/tenants/acme/events?status=${status}`).set(admin)).body.items as Json[];

  it('a webhook event that failed for good is listed, retried by id, and delivered once to the webhook', async () => {
    receiver.answer = () => 'fail';
    const id = await createUser();
    try {
      const failed = await eventually('the event to fail for good', async () =>
        (await eventsOf('failed')).find((e) => e.resourceId === id),
      );
      expect(failed).toMatchObject({
        operation: 'created',
        status: 'failed',
        attempts: 2,
        lastError: 'HTTP 5xx',
        finishedAt: expect.any(String),
      });
      const backlog = await http().get('/admin/v1/tenants/acme/events/backlog').set(admin);
      expect(backlog.body.failed).toBe(1);
      expect(receiver.requests.filter((r) => r.json.resourceId === id)).toHaveLength(2);

      receiver.answer = () => 'ok';
      const retried = await http().post(`/admin/v1/events/${failed.id as string}/retry`).set(admin);
      expect(retried.status).toBe(200);
      expect(retried.body).toMatchObject({ id: failed.id, status: 'pending', attempts: 0, finishedAt: null });
    } finally {
      receiver.answer = () => 'ok';
    }
    await receiver.waitFor('the retried delivery', () => receiver.deliveredEvents((e) => e.resourceId === id).length === 1);
    const delivered = await eventually('the event to be delivered', async () =>
      (await eventsOf('delivered')).find((e) => e.resourceId === id),
    );
    expect(delivered).toMatchObject({ status: 'delivered', lastError: null });
    // the listener had it before the webhook failed, and not again on the retry
    expect(listener.events.filter((e) => e.resourceId === id)).toHaveLength(1);
  });

  it('retry-failed sends every failed event of the tenant again', async () => {
    receiver.answer = () => 'fail';
    const ids: string[] = [];
    try {
      ids.push(await createUser(), await createUser());
      await eventually('both events to fail for good', async () => {
        const failed = await eventsOf('failed');
        return ids.every((id) => failed.some((e) => e.resourceId === id));
      });
    } finally {
      receiver.answer = () => 'ok';
    }
    const res = await http().post('/admin/v1/tenants/acme/events/retry-failed').set(admin);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ retried: 2 });
    await receiver.waitFor('both deliveries', () =>
      ids.every((id) => receiver.deliveredEvents((e) => e.resourceId === id).length === 1),
    );
    expect((await http().post('/admin/v1/tenants/acme/events/retry-failed').set(admin)).body).toEqual({ retried: 0 });
  });

  it('notifications off: no webhook POST, the listener still gets the event, which is marked skipped', async () => {
    const off = await http().patch('/admin/v1/tenants/acme').set(admin).send({ notifications: 'off' });
    expect(off.body).toMatchObject({ notifications: 'off', webhookSecretSet: true });
    const id = await createUser();
    await eventually('the listener', async () => listener.events.some((e) => e.resourceId === id));
    const skipped = await eventually('the skipped event', async () =>
      (await eventsOf('skipped')).find((e) => e.resourceId === id),
    );
    expect(skipped).toMatchObject({ operation: 'created', attempts: 0, lastError: null });
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.requests.filter((r) => r.json.resourceId === id)).toEqual([]);
    expectScimError(await http().post(`/admin/v1/events/${skipped.id as string}/retry`).set(admin), 409, /skipped/);

    await http().patch('/admin/v1/tenants/acme').set(admin).send({ notifications: 'on' });
    const next = await createUser();
    await receiver.waitFor('the webhook again', () => receiver.deliveredEvents((e) => e.resourceId === next).length === 1);
    expect(receiver.requests.filter((r) => r.json.resourceId === id)).toEqual([]);
  });
});
