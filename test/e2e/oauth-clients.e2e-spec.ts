/**
 * OAuth clients (client credentials grant) managed through the admin API and the CLI, on
 * SQLite and MariaDB/MySQL: created per tenant with a secret shown once, listed without
 * secrets, rotated through several active secrets, revoked one by one, disabled; look-ups
 * compare client and secret ids exactly (trailing spaces included, NO PAD on MySQL); every
 * admin write is audited without the secret.
 */
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../../src/audit/audit.service';
import { DatabaseKind, TEST_DATABASES, TestDatabase, createTestDatabase } from '../support/databases';
import { cli } from '../support/server-process';
import { TestApp } from '../support/test-app';

const ADMIN_TOKEN = 'admin-token-0123456789abcdef0123456789abcdef';
const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };
const DAY = 86_400_000;

describe.each(TEST_DATABASES)('OAuth clients in the admin API on %s', (kind: DatabaseKind) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await TestApp.start(kind, { ADMIN_TOKEN });
    await t.tenantService.createTenant('acme');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('creates a client with a two-year secret shown once; listings never show it', async () => {
    const res = await t.http
      .post('/admin/v1/tenants/acme/oauth-clients')
      .set(admin)
      .send({ name: 'Entra', scopes: ['users:write', 'groups:write'] });
    expect(res.status).toBe(201);
    const { clientId, clientSecret } = res.body;
    expect(clientId).toMatch(/^[0-9a-f-]{36}$/);
    expect(clientSecret.secret).toMatch(/^scimsec_/);
    expect(clientSecret.state).toBe('active');
    expect(Date.parse(clientSecret.expiresAt) - Date.parse(clientSecret.createdAt)).toBe(730 * DAY);
    expect(res.body).toMatchObject({ name: 'Entra', scopes: ['users:write', 'groups:write'], enabled: true });

    const list = await t.http.get('/admin/v1/tenants/acme/oauth-clients').set(admin);
    expect(list.status).toBe(200);
    expect(list.body.items.map((c: { clientId: string }) => c.clientId)).toContain(clientId);
    const one = await t.http.get(`/admin/v1/oauth-clients/${clientId}`).set(admin);
    expect(one.status).toBe(200);
    expect(one.body.secrets).toHaveLength(1);
    for (const body of [list.text, one.text]) {
      expect(body).not.toContain(clientSecret.secret);
    }
  });

  it('rotates: a second secret, then the first revoked; 409 past the active limit; 404 twice', async () => {
    const created = await t.http
      .post('/admin/v1/tenants/acme/oauth-clients')
      .set(admin)
      .send({ name: 'rotating', scopes: 'users:read', secretExpiresInDays: 365 });
    const id = created.body.clientId as string;
    const second = await t.http.post(`/admin/v1/oauth-clients/${id}/secrets`).set(admin).send({ expiresInDays: 1095 });
    expect(second.status).toBe(201);
    expect(second.body.secret).toMatch(/^scimsec_/);
    const revoke = await t.http.delete(`/admin/v1/oauth-clients/${id}/secrets/${created.body.clientSecret.id}`).set(admin);
    expect(revoke.status).toBe(204);
    const again = await t.http.delete(`/admin/v1/oauth-clients/${id}/secrets/${created.body.clientSecret.id}`).set(admin);
    expect(again.status).toBe(404);
    const states = (await t.http.get(`/admin/v1/oauth-clients/${id}`).set(admin)).body.secrets.map((s: { state: string }) => s.state);
    expect(states).toEqual(['revoked', 'active']);
    for (let i = 0; i < 4; i++) {
      expect((await t.http.post(`/admin/v1/oauth-clients/${id}/secrets`).set(admin)).status).toBe(201);
    }
    expect((await t.http.post(`/admin/v1/oauth-clients/${id}/secrets`).set(admin)).status).toBe(409);
  });

  it('refuses a lifetime outside 1-3 years, unknown scopes and unknown fields with 400', async () => {
    for (const body of [
      { name: 'x', scopes: ['users:read'], secretExpiresInDays: 30 },
      { name: 'x', scopes: ['users:read'], secretExpiresInDays: 1200 },
      { name: 'x', scopes: ['root'] },
      { name: 'x', scopes: ['users:read'], secret: 'mine' },
      { scopes: ['users:read'] },
    ]) {
      const res = await t.http.post('/admin/v1/tenants/acme/oauth-clients').set(admin).send(body);
      expect(res.status).toBe(400);
      expect(res.body.scimType).toBe('invalidValue');
    }
  });

  it('disables and enables a client; renames and rescopes it', async () => {
    const id = (await t.http.post('/admin/v1/tenants/acme/oauth-clients').set(admin).send({ name: 'a', scopes: ['users:read'] })).body.clientId;
    const off = await t.http.patch(`/admin/v1/oauth-clients/${id}`).set(admin).send({ enabled: false });
    expect(off.status).toBe(200);
    expect(off.body.enabled).toBe(false);
    expect(off.body.disabledAt).not.toBeNull();
    const on = await t.http.patch(`/admin/v1/oauth-clients/${id}`).set(admin).send({ enabled: true, name: 'b', scopes: ['groups:read'] });
    expect(on.body).toMatchObject({ enabled: true, disabledAt: null, name: 'b', scopes: ['groups:read'] });
  });

  it('compares ids exactly: a client or secret id with a trailing space is unknown (404)', async () => {
    const created = (await t.http.post('/admin/v1/tenants/acme/oauth-clients').set(admin).send({ name: 'pad', scopes: ['users:read'] })).body;
    expect((await t.http.get(`/admin/v1/oauth-clients/${created.clientId}%20`).set(admin)).status).toBe(404);
    const res = await t.http.delete(`/admin/v1/oauth-clients/${created.clientId}/secrets/${created.clientSecret.id}%20`).set(admin);
    expect(res.status).toBe(404);
    expect((await t.http.get(`/admin/v1/oauth-clients/${created.clientId}`).set(admin)).body.secrets[0].state).toBe('active');
  });

  it('audits the admin writes with the tenant, never the secret', async () => {
    const created = await t.http.post('/admin/v1/tenants/acme/oauth-clients').set(admin).send({ name: 'audited', scopes: ['users:read'] });
    const added = await t.http.post(`/admin/v1/oauth-clients/${created.body.clientId}/secrets`).set(admin);
    const audit = t.app.get(AuditService);
    // the entry is recorded once the response is complete: poll (bounded)
    let entries: Awaited<ReturnType<AuditService['search']>> = [];
    const mine = () => entries.filter((e) => e.path.includes(created.body.clientId));
    for (let i = 0; i < 100 && mine().length < 1; i++) {
      await new Promise((r) => setTimeout(r, 50));
      await audit.flush();
      entries = await audit.search({ tenant: 'acme', limit: 1000 });
    }
    expect(mine()).toHaveLength(1);
    expect(entries.some((e) => e.method === 'POST' && e.path === '/admin/v1/tenants/acme/oauth-clients')).toBe(true);
    expect(mine()[0]).toMatchObject({ resourceType: 'admin', resourceId: created.body.clientId, tokenId: 'admin' });
    const all = JSON.stringify(entries);
    expect(all).not.toContain(created.body.clientSecret.secret);
    expect(all).not.toContain(added.body.secret);
    const ds = t.app.get<DataSource>(getDataSourceToken());
    const rows = await ds.query('SELECT * FROM scim_oauth_client_secrets');
    expect(JSON.stringify(rows)).not.toContain(added.body.secret);
  });
});

describe.each(TEST_DATABASES)('OAuth clients in the CLI on %s', (kind: DatabaseKind) => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    cli(db.url, 'migration', 'run');
    cli(db.url, 'tenant', 'create', 'acme');
  }, 60_000);
  afterAll(async () => {
    await db?.drop();
  });

  it('creates, shows, rotates, revokes and disables a client', () => {
    const [clientId, secret] = cli(db.url, 'oauth-client', 'create', '--tenant', 'acme', '--name', 'entra', '--scopes', 'users:write,groups:write').trim().split('\n');
    expect(clientId).toMatch(/^[0-9a-f-]{36}$/);
    expect(secret).toMatch(/^scimsec_/);
    const second = cli(db.url, 'oauth-client', 'secret-add', clientId, '--expires-in', '365').trim();
    expect(second).toMatch(/^scimsec_/);
    const shown = JSON.parse(cli(db.url, 'oauth-client', 'show', clientId, '--json'));
    expect(shown.secrets.map((s: { state: string }) => s.state)).toEqual(['active', 'active']);
    cli(db.url, 'oauth-client', 'secret-revoke', clientId, shown.secrets[0].id);
    cli(db.url, 'oauth-client', 'set', clientId, '--status', 'disabled');
    const after = JSON.parse(cli(db.url, 'oauth-client', 'show', clientId, '--json'));
    expect(after.enabled).toBe(false);
    expect(after.secrets.map((s: { state: string }) => s.state)).toEqual(['revoked', 'active']);
    const listed = cli(db.url, 'oauth-client', 'list', '--tenant', 'acme');
    expect(listed).toContain(clientId);
    expect(listed + JSON.stringify(after)).not.toContain(secret);
    expect(() => cli(db.url, 'oauth-client', 'secret-add', clientId, '--expires-in', '10')).toThrow(/365 to 1095 days/);
  });
});
