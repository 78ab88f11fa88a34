/**
 * Change events through the transactional outbox (delivered under leases), on SQLite and
 * MariaDB/MySQL: every write commits its events with the change; the dispatcher delivers them
 * at least once, in order per resource, to the host's in-process listeners and to the
 * tenant's webhook (HMAC-SHA256 signed), retrying with exponential back-off; nothing is
 * lost when the process is killed between the commit and the delivery; two instances on one
 * database deliver each event once. Everything on loopback; every wait is bounded.
 */
import { once } from 'node:events';
import request from 'supertest';
import { verifyWebhookSignature } from '../../src/library';
import { oktaUser } from '../fixtures/users.factory';
import { DatabaseKind, TEST_DATABASES, TestDatabase, createTestDatabase } from '../support/databases';
import { EventsApp } from '../support/events-app';
import { ServerProcess, cliWith, parseJsonLines } from '../support/server-process';
import { RECEIVER_ALLOW, ReceivedRequest, WebhookReceiver } from '../support/webhook-receiver';
import { query as dbQuery } from '../../src/persistence/repositories/sql.util';

const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const SECRET = 'webhook-shared-secret-0123456789';

type Json = Record<string, unknown>;

const userBody = (overrides: Json = {}) => {
  const { password: _p, groups: _g, ...u } = oktaUser(overrides);
  return u;
};
const patch = (...Operations: Json[]) => ({ schemas: [PATCH_OP], Operations });
const of = (id: string) => (e: Json) => e.resourceId === id;
const ops = (events: readonly Json[]) => events.map((e) => e.operation);

function expectSigned(r: ReceivedRequest): void {
  expect(verifyWebhookSignature(SECRET, r.body, r.headers['x-scim-signature'])).toBe(true);
  expect(verifyWebhookSignature('another-secret-0123456789', r.body, r.headers['x-scim-signature'])).toBe(false);
  expect(r.headers['x-scim-event-id']).toBe(r.json.id);
  const ts = Number(r.headers['x-scim-timestamp']);
  expect(Math.abs(ts - Date.now() / 1000)).toBeLessThan(60);
  expect(Math.floor(Date.parse(r.json.sentAt as string) / 1000)).toBe(ts);
}

describe.each(TEST_DATABASES)('change events in one app on %s', (kind: DatabaseKind) => {
  let db: TestDatabase;
  let app: EventsApp;
  let receiver: WebhookReceiver;
  let token: string;
  let tokenId: string;
  let tenantId: string;
  const auth = () => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    db = await createTestDatabase(kind);
    app = await EventsApp.start(db.url, { pollIntervalMs: 100, retryBaseMs: 300, webhookAllow: [RECEIVER_ALLOW] });
    tenantId = (await app.tenantService.createTenant('acme')).id;
    const issued = await app.tokens.issue('acme', 'idp', ['users:write', 'groups:write']);
    token = issued.token;
    tokenId = issued.record.id;
    await app.tenantService.updateTenant('acme', { webhookUrl: receiver.url, webhookSecret: SECRET });
  });

  afterAll(async () => {
    await app?.close();
    await receiver?.close();
    await db?.drop();
  });

  it('a deactivation reaches the listener and the signed webhook once, with who and which request', async () => {
    const created = (await app.http.post('/scim/v2/Users').set(auth()).send(userBody())).body;
    expect(created.id).toBeDefined();
    const res = await app.http
      .patch(`/scim/v2/Users/${created.id}`)
      .set(auth())
      .set('X-Request-Id', 'req-deactivate-1')
      .send(patch({ op: 'replace', value: { active: false } }));
    expect(res.status).toBe(200);
    await receiver.waitFor('the deactivation', () => receiver.deliveredEvents(of(created.id)).length >= 2);
    await new Promise((r) => setTimeout(r, 300)); // anything delivered twice would show now

    const delivered = receiver.delivered.filter((r) => r.json.resourceId === created.id);
    expect(ops(delivered.map((r) => r.json))).toEqual(['created', 'deactivated']);
    const event = delivered[1].json;
    expect(event).toEqual({
      id: expect.any(String),
      seq: expect.any(String),
      tenantId,
      resourceType: 'User',
      resourceId: created.id,
      operation: 'deactivated',
      changed: ['active'],
      version: 2,
      actorTokenId: tokenId,
      requestId: 'req-deactivate-1',
      occurredAt: expect.any(String),
      sentAt: expect.any(String),
    });
    delivered.forEach(expectSigned);
    expect(delivered[0].json.changed).toEqual(expect.arrayContaining(['userName', 'emails', 'active']));

    const heard = app.listener.events.filter((e) => e.resourceId === created.id);
    expect(heard.map((e) => e.operation)).toEqual(['created', 'deactivated']);
    const { sentAt: _s, ...sameEvent } = event;
    expect(heard[1]).toEqual(sameEvent);

    // active false -> true is an activation, whatever else changes with it
    await app.http
      .patch(`/scim/v2/Users/${created.id}`)
      .set(auth())
      .send(patch({ op: 'replace', value: { active: true, displayName: 'Back' } }));
    await receiver.waitFor('the activation', () => receiver.deliveredEvents(of(created.id)).length >= 3);
    expect(receiver.deliveredEvents(of(created.id))[2]).toMatchObject({
      operation: 'activated',
      changed: ['active', 'displayName'],
      version: 3,
    });
  });

  it('membership changes give members-removed / members-added with the ids that changed', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push((await app.http.post('/scim/v2/Users').set(auth()).send(userBody())).body.id);
    }
    const [u1, u2, u3] = ids;
    const group = (
      await app.http
        .post('/scim/v2/Groups')
        .set(auth())
        .send({ schemas: [GROUP], displayName: `Team ${kind}`, members: [{ value: u1 }] })
    ).body;
    const members = (...Operations: Json[]) =>
      app.http.patch(`/scim/v2/Groups/${group.id}`).set(auth()).send(patch(...Operations));
    expect(
      (
        await members(
          { op: 'remove', path: `members[value eq "${u1}"]` },
          { op: 'add', path: 'members', value: [{ value: u2 }, { value: u3 }] },
        )
      ).status,
    ).toBe(204);
    // an existing member added again and an absent one removed: no membership change, no event
    expect((await members({ op: 'add', path: 'members', value: [{ value: u2 }] })).status).toBe(204);
    // the rename is a `patched` event of the group itself
    expect((await members({ op: 'replace', path: 'displayName', value: `Team ${kind} 2` })).status).toBe(204);
    // deleting a member user removes it from the group: members-removed on the group
    expect((await app.http.delete(`/scim/v2/Users/${u3}`).set(auth())).status).toBe(204);

    await receiver.waitFor('the group events', () => receiver.deliveredEvents(of(group.id)).length >= 6);
    await receiver.waitFor('the user deletion', () =>
      receiver.deliveredEvents(of(u3)).some((e) => e.operation === 'deleted'),
    );
    const events = receiver.deliveredEvents(of(group.id));
    expect(events.map((e) => [e.operation, e.members ?? e.changed, e.version])).toEqual([
      ['created', ['displayName', 'members'], 1],
      ['members-added', [u1], 1],
      ['members-removed', [u1], 2],
      ['members-added', [u2, u3], 2],
      ['patched', ['displayName'], 4],
      ['members-removed', [u3], 5],
    ]);
    expect(events.map((e) => Number(e.seq))).toEqual([...events.map((e) => Number(e.seq))].sort((a, b) => a - b));
    expect(app.listener.events.filter((e) => e.resourceId === group.id).map((e) => e.operation)).toEqual(
      events.map((e) => e.operation),
    );

    // a deleted group leaves the groups it was in: deleted, and members-removed on the parent
    const parent = (
      await app.http
        .post('/scim/v2/Groups')
        .set(auth())
        .send({ schemas: [GROUP], displayName: `Parent ${kind}`, members: [{ value: group.id }] })
    ).body;
    expect((await app.http.delete(`/scim/v2/Groups/${group.id}`).set(auth())).status).toBe(204);
    await receiver.waitFor('the parent events', () => receiver.deliveredEvents(of(parent.id)).length >= 3);
    expect(receiver.deliveredEvents(of(group.id)).at(-1)).toMatchObject({ operation: 'deleted', version: 5 });
    expect(receiver.deliveredEvents(of(parent.id)).map((e) => [e.operation, e.members, e.version])).toEqual([
      ['created', undefined, 1],
      ['members-added', [group.id], 1],
      ['members-removed', [group.id], 2],
    ]);
  });

  it('a change and its events commit together: no event without the change, no change without its event', async () => {
    const body = userBody();
    await app.http.post('/scim/v2/Users').set(auth()).send(body);
    const count = async () =>
      Number(((await app.dataSource.query('SELECT COUNT(*) AS n FROM scim_outbox')) as Array<{ n: number }>)[0].n);
    const before = await count();
    expect((await app.http.post('/scim/v2/Users').set(auth()).send(body)).status).toBe(409);
    expect(await count()).toBe(before);
    // the event cannot be written (its table is away): the user is not created either
    const lost = userBody();
    await app.dataSource.query('ALTER TABLE scim_outbox RENAME TO scim_outbox_away');
    try {
      expect((await app.http.post('/scim/v2/Users').set(auth()).send(lost)).status).toBe(500);
    } finally {
      await app.dataSource.query('ALTER TABLE scim_outbox_away RENAME TO scim_outbox');
    }
    const found = await app.http
      .get('/scim/v2/Users')
      .query({ filter: `userName eq "${lost.userName}"` })
      .set(auth());
    expect(found.body.totalResults).toBe(0);
    expect(await count()).toBe(before);
  });

  it('a failing webhook is retried with back-off; later events of the resource wait for it', async () => {
    const user = (await app.http.post('/scim/v2/Users').set(auth()).send(userBody())).body;
    await receiver.waitFor('the creation', () => receiver.deliveredEvents(of(user.id)).length === 1);
    // the first PATCH's event is refused twice (HTTP 500), then accepted
    let refusals = 0;
    receiver.answer = (e) => (e.resourceId === user.id && e.version === 2 && refusals++ < 2 ? 'fail' : 'ok');
    try {
      for (const name of ['First', 'Second', 'Third']) {
        const res = await app.http
          .patch(`/scim/v2/Users/${user.id}`)
          .set(auth())
          .send(patch({ op: 'replace', path: 'displayName', value: name }));
        expect(res.status).toBe(200);
      }
      await receiver.waitFor('the three patches', () => receiver.deliveredEvents(of(user.id)).length >= 4, 10_000);
    } finally {
      receiver.answer = () => 'ok';
    }
    const sent = receiver.requests.filter((r) => r.json.resourceId === user.id && r.json.version !== 1);
    // in order, and nothing of version 3 or 4 before version 2 was accepted
    expect(sent.map((r) => [r.json.version, r.status])).toEqual([
      [2, 500],
      [2, 500],
      [2, 200],
      [3, 200],
      [4, 200],
    ]);
    expect(new Set(sent.map((r) => r.json.id)).size).toBe(3);
    // back-off: retryBase 300 ms x 2^(attempt-1), ±20 %: ≥ 240 ms, then ≥ 480 ms
    const gap1 = sent[1].at - sent[0].at;
    const gap2 = sent[2].at - sent[1].at;
    expect(gap1).toBeGreaterThanOrEqual(220);
    expect(gap2).toBeGreaterThanOrEqual(460);
    expect(gap2).toBeLessThan(3_000);
    // the listener heard the event once: only the webhook was retried
    expect(app.listener.events.filter((e) => e.resourceId === user.id).map((e) => e.version)).toEqual([1, 2, 3, 4]);
    // the dispatcher marks an event delivered once the webhook answered: wait for the last one
    type Row = { version: number; status: string; attempts: number; last_error: string | null };
    let rows: Row[] = [];
    for (let i = 0; i < 100; i++) {
      rows = (await dbQuery(
        app.dataSource,
        'SELECT version, status, attempts, last_error FROM scim_outbox WHERE resource_id = ? ORDER BY seq',
        [user.id],
      )) as Row[];
      if (rows.every((r) => r.status !== 'pending')) {
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(rows.map((r) => [Number(r.version), r.status, Number(r.attempts), r.last_error])).toEqual([
      [1, 'delivered', 0, null],
      [2, 'delivered', 2, null],
      [3, 'delivered', 0, null],
      [4, 'delivered', 0, null],
    ]);
  });

  it('a failing listener is retried too, and the webhook then gets the event once', async () => {
    app.listener.failures = 1;
    const user = (await app.http.post('/scim/v2/Users').set(auth()).send(userBody())).body;
    await receiver.waitFor('the creation', () => receiver.deliveredEvents(of(user.id)).length === 1);
    expect(app.listener.failures).toBe(0);
    expect(app.listener.events.filter((e) => e.resourceId === user.id)).toHaveLength(1);
    expect(receiver.requests.filter((r) => r.json.resourceId === user.id)).toHaveLength(1);
  });
});

describe.each(TEST_DATABASES)('change events across server processes on %s', (kind: DatabaseKind) => {
  let db: TestDatabase;
  let receiver: WebhookReceiver;
  let servers: ServerProcess[] = [];
  let token: string;
  // a short delivery timeout makes the lease a dead instance leaves behind 3 s; the receiver
  // is on loopback, which the operator allows (CLI and servers alike)
  const allow = { SCIM_WEBHOOK_ALLOW: RECEIVER_ALLOW };
  const env = { MIGRATIONS_RUN: 'false', SCIM_WEBHOOK_TIMEOUT_MS: '1000', ...allow };
  const cli = (url: string, ...args: string[]) => cliWith(allow, url, ...args);
  const on = (s: ServerProcess) => {
    const url = new URL(s.baseUrl);
    return { http: request(url.origin), base: url.pathname };
  };
  const auth = () => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    db = await createTestDatabase(kind);
    // a new SQLite file only when asked (--create); the CLI applies the migrations first
    cli(db.url, 'tenant', 'create', 'acme', '--create');
    // without the operator's allowlist the CLI refuses a loopback webhook
    expect(() =>
      cliWith({ SCIM_WEBHOOK_ALLOW: '' }, db.url, 'tenant', 'set', 'acme', '--webhook-url', receiver.url, '--webhook-secret', SECRET),
    ).toThrow(/127\.0\.0\.1 is a loopback address/);
    const set = cli(db.url, 'tenant', 'set', 'acme', '--webhook-url', receiver.url, '--webhook-secret', SECRET);
    expect(set).toContain(`webhook ${receiver.url}`);
    expect(set).not.toContain(SECRET);
    const listed = cli(db.url, 'tenant', 'list', '--json');
    expect(parseJsonLines(listed)).toEqual([expect.objectContaining({ slug: 'acme', webhookUrl: receiver.url })]);
    expect(listed).not.toContain(SECRET);
    token = cli(db.url, 'token', 'create', '--tenant', 'acme', '--name', 'idp', '--scopes', 'users:write').trim();
  }, 60_000);

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await receiver?.close();
    await db?.drop();
  });

  it('events committed before the process is killed are delivered after a restart', async () => {
    receiver.answer = () => 'hang'; // nothing can be delivered while the first process lives
    const first = await ServerProcess.start(db.url, env);
    const { http, base } = on(first);
    let inFlight: string;
    let unsent: string;
    try {
      // x: its delivery is in flight (the POST hangs) when the process dies, holding the lease
      const x = await http.post(`${base}/Users`).set(auth()).send(userBody());
      expect(x.status).toBe(201); // the response follows the commit of the user and its event
      inFlight = x.body.id as string;
      await receiver.waitFor('the first attempt', () => receiver.requests.some((r) => r.json.resourceId === inFlight), 5_000);
      // y: committed, not yet claimed (the dispatcher is busy with x) when the process dies
      const y = await http.post(`${base}/Users`).set(auth()).send(userBody());
      expect(y.status).toBe(201);
      unsent = y.body.id as string;
    } finally {
      first.child.kill('SIGKILL');
      await once(first.child, 'exit');
    }
    expect(receiver.delivered).toEqual([]);
    expect(receiver.requests.filter((r) => r.json.resourceId === unsent)).toEqual([]);

    receiver.answer = () => 'ok';
    const restartedAt = Date.now();
    servers.push(await ServerProcess.start(db.url, env));
    await receiver.waitFor(
      'both events after the restart',
      () => [inFlight, unsent].every((id) => receiver.deliveredEvents(of(id)).length > 0),
      15_000,
    );
    for (const id of [inFlight, unsent]) {
      const delivered = receiver.delivered.filter((r) => r.json.resourceId === id);
      expect(delivered).toHaveLength(1);
      expect(delivered[0].json).toMatchObject({ operation: 'created', resourceType: 'User', version: 1 });
      expectSigned(delivered[0]);
    }
    // x waited for the dead process's lease (3 x the 1 s delivery timeout) to run out
    const xAt = receiver.delivered.find((r) => r.json.resourceId === inFlight)!.at;
    expect(xAt - restartedAt).toBeLessThan(10_000);
  }, 40_000);

  it('two instances on one database deliver each event once', async () => {
    servers.push(await ServerProcess.start(db.url, env));
    const live = servers.filter((s) => s.child.exitCode === null);
    expect(live).toHaveLength(2);
    const before = receiver.delivered.length;
    const ids = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const { http, base } = on(live[i % 2]);
        const created = await http.post(`${base}/Users`).set(auth()).send(userBody());
        expect(created.status).toBe(201);
        // the change is written through the other instance
        const other = on(live[(i + 1) % 2]);
        const patched = await other.http
          .patch(`${other.base}/Users/${created.body.id}`)
          .set(auth())
          .send(patch({ op: 'replace', value: { active: false } }));
        expect(patched.status).toBe(200);
        return created.body.id as string;
      }),
    );
    await receiver.waitFor('40 events', () => receiver.delivered.length - before >= 40, 15_000);
    await new Promise((r) => setTimeout(r, 500)); // a second delivery would show now
    const events = receiver.delivered.slice(before).map((r) => r.json);
    expect(events).toHaveLength(40);
    expect(new Set(events.map((e) => e.id)).size).toBe(40);
    for (const id of ids) {
      expect(ops(events.filter(of(id)))).toEqual(['created', 'deactivated']);
    }
  }, 40_000);
});
