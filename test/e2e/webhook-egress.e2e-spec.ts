/**
 * Outbound webhooks cannot reach inside the network, on SQLite and MariaDB/MySQL, in the
 * standalone server: a receiver on 127.0.0.1 gets events only while SCIM_WEBHOOK_ALLOW names
 * it. Without that, its URL is refused at registration (400, in every spelling of the
 * address), and a URL already stored (by an older release, or while it was allowed, or a name
 * that resolves to loopback at delivery) is never delivered to: the event's last_error says
 * "refused destination" and nothing more. Every wait is bounded.
 */
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { oktaUser } from '../fixtures/users.factory';
import { DatabaseKind, TEST_DATABASES, TestDatabase, createTestDatabase } from '../support/databases';
import { ALL, TestApp } from '../support/test-app';
import { RECEIVER_ALLOW, WebhookReceiver } from '../support/webhook-receiver';
import { query as dbQuery } from '../../src/persistence/repositories/sql.util';

const ADMIN_TOKEN = 'admin-token-0123456789abcdef0123456789abcdef';
const SECRET = 'webhook-shared-secret-0123456789';
const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };

type Json = Record<string, unknown>;

describe.each(TEST_DATABASES)('outbound webhooks on %s', (kind: DatabaseKind) => {
  let db: TestDatabase;
  let receiver: WebhookReceiver;
  let app: TestApp | undefined;
  let token: string;

  /** the standalone server on the suite's database; `allow` = SCIM_WEBHOOK_ALLOW */
  const restart = async (allow: string) => {
    await app?.app.close();
    app = await TestApp.attach(db.url, { ADMIN_TOKEN, SCIM_WEBHOOK_ALLOW: allow });
  };
  const createUser = async (): Promise<string> => {
    const { password: _p, groups: _g, ...user } = oktaUser();
    const res = await app!.http.post('/scim/v2/Users').set('Authorization', `Bearer ${token}`).send(user);
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  /** the user's creation event once the dispatcher has tried it at least once (bounded) */
  const firstAttempt = async (userId: string): Promise<Json> => {
    const until = Date.now() + 15_000;
    for (;;) {
      const res = await app!.http.get('/admin/v1/tenants/acme/events?limit=100').set(admin);
      const event = (res.body.items as Json[]).find((e) => e.resourceId === userId);
      if (event && Number(event.attempts) >= 1) {
        return event;
      }
      if (Date.now() > until) {
        throw new Error(`no delivery attempt for ${userId} in 15 s`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const setWebhook = (webhookUrl: string) =>
    app!.http.patch('/admin/v1/tenants/acme').set(admin).send({ webhookUrl, webhookSecret: SECRET });

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    db = await createTestDatabase(kind);
    await restart(RECEIVER_ALLOW);
    token = await app!.token('acme', ALL);
  });
  afterAll(async () => {
    await app?.app.close();
    await receiver?.close();
    await db?.drop();
  });

  it('with SCIM_WEBHOOK_ALLOW naming the receiver, the loopback receiver gets the event', async () => {
    const hooked = await setWebhook(receiver.url);
    expect(hooked.status).toBe(200);
    const id = await createUser();
    await receiver.waitFor('the allowed delivery', () => receiver.deliveredEvents((e) => e.resourceId === id).length === 1);
  });

  it('without it, the receiver URL is refused at registration, in every spelling of 127.0.0.1', async () => {
    await restart('');
    const port = new URL(receiver.url).port;
    for (const host of ['127.0.0.1', '0x7f000001', '2130706433', '0177.0.0.1', '127.1', '[::ffff:127.0.0.1]', '[::1]', 'localhost']) {
      const res = await setWebhook(`http://${host}:${port}/scim-events`);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ scimType: 'invalidValue' });
      expect(res.body.detail).toMatch(/is a loopback address: webhooks may reach public addresses only.*SCIM_WEBHOOK_ALLOW/);
    }
    for (const url of ['http://169.254.169.254/latest/meta-data/', 'http://10.0.0.1/hook', 'http://[fd00:ec2::254]/']) {
      expect((await setWebhook(url)).status).toBe(400);
    }
    // the webhook registered while it was allowed is still there
    const shown = await app!.http.get('/admin/v1/tenants/acme').set(admin);
    expect(shown.body).toMatchObject({ webhookUrl: receiver.url, webhookSecretSet: true });
  });

  it('a stored loopback URL is never delivered to; last_error is only "refused destination"', async () => {
    const before = receiver.requests.length;
    const id = await createUser();
    const event = await firstAttempt(id);
    expect(event).toMatchObject({ status: 'pending', lastError: 'refused destination' });
    expect(receiver.requests.length).toBe(before);
  });

  it('a stored name that resolves to loopback at delivery is refused too', async () => {
    // as an older release could have stored it: the name is checked when it is resolved
    const ds = app!.app.get<DataSource>(getDataSourceToken());
    const byName = receiver.url.replace('127.0.0.1', 'localhost');
    await dbQuery(ds, 'UPDATE scim_tenants SET webhook_url = ? WHERE slug = ?', [byName, 'acme']);
    const before = receiver.requests.length;
    const id = await createUser();
    const event = await firstAttempt(id);
    expect(event).toMatchObject({ status: 'pending', lastError: 'refused destination' });
    expect(receiver.requests.length).toBe(before);
  });

  it('with the name allowed, the refused events go out on their retry, by name', async () => {
    const refused = (await app!.http.get('/admin/v1/tenants/acme/events?status=pending').set(admin)).body.items as Json[];
    expect(refused.length).toBeGreaterThanOrEqual(2);
    await restart('localhost');
    // delivery is at least once: a retry may repeat one
    await receiver.waitFor(
      'the refused events',
      () => refused.every((e) => receiver.deliveredEvents((d) => d.id === e.id).length >= 1),
      15_000,
    ).catch(async (e: Error) => {
      const now = (await app!.http.get('/admin/v1/tenants/acme/events').set(admin)).body.items as Json[];
      throw new Error(`${e.message}\nrefused: ${JSON.stringify(refused)}\nnow: ${JSON.stringify(now)}\nreceived: ${JSON.stringify(receiver.requests.map((r) => [r.json.id, r.status]))}`);
    });
  });
});
