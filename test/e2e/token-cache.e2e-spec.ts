/**
 * The token look-up cache (SCIM_TOKEN_CACHE_TTL_MS) on SQLite and MariaDB/MySQL: a token's
 * tenant settings travel with it in the cache, so a change made through this instance (the
 * admin API or TenantService) must drop the tenant's cached tokens at once, as a revocation
 * does; only changes made elsewhere wait for the TTL (docs/deployment.md).
 */
import { oktaUser } from '../fixtures/users.factory';
import { DatabaseKind, TEST_DATABASES } from '../support/databases';
import { ALL, TestApp } from '../support/test-app';

const ADMIN_TOKEN = 'admin-token-0123456789abcdef0123456789abcdef';
const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };

describe.each(TEST_DATABASES)('token cache on %s', (kind: DatabaseKind) => {
  let t: TestApp;
  let token: string;
  const scim = () => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    // a TTL far beyond the test: every effect below comes from invalidation
    t = await TestApp.start(kind, { ADMIN_TOKEN, SCIM_TOKEN_CACHE_TTL_MS: '60000' });
    token = await t.token('acme', ALL);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('SCIM off and on through the admin API takes effect on the next request', async () => {
    expect((await t.http.get('/scim/v2/Users').set(scim())).status).toBe(200);
    const off = await t.http.patch('/admin/v1/tenants/acme').set(admin).send({ scimEnabled: false });
    expect(off.status).toBe(200);
    const refused = await t.http.get('/scim/v2/Users').set(scim());
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toMatch(/disabled for this tenant/);
    expect((await t.http.patch('/admin/v1/tenants/acme').set(admin).send({ scimEnabled: true })).status).toBe(200);
    expect((await t.http.get('/scim/v2/Users').set(scim())).status).toBe(200);
  });

  it('a deprovisioning change through TenantService takes effect on the next request', async () => {
    const { password: _p, groups: _g, ...user } = oktaUser();
    const created = await t.http.post('/scim/v2/Users').set(scim()).send(user);
    expect(created.status).toBe(201);
    // soft: DELETE keeps a tombstone, and a POST with the same userName restores the same id
    await t.tenantService.updateTenant('acme', { deprovisioning: 'soft' });
    expect((await t.http.delete(`/scim/v2/Users/${created.body.id}`).set(scim())).status).toBe(204);
    const again = await t.http.post('/scim/v2/Users').set(scim()).send(user);
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(created.body.id);
    // hard again: DELETE removes the row, so the next POST gets a new id
    await t.tenantService.updateTenant('acme', { deprovisioning: 'hard' });
    expect((await t.http.delete(`/scim/v2/Users/${created.body.id}`).set(scim())).status).toBe(204);
    const fresh = await t.http.post('/scim/v2/Users').set(scim()).send(user);
    expect(fresh.status).toBe(201);
    expect(fresh.body.id).not.toBe(created.body.id);
  });

  it('a revocation through the admin API takes effect on the next request', async () => {
    const issued = await t.tokens.issue('acme', 'short-lived', ['users:read']);
    const auth = { Authorization: `Bearer ${issued.token}` };
    expect((await t.http.get('/scim/v2/Users').set(auth)).status).toBe(200);
    expect((await t.http.delete(`/admin/v1/tokens/${issued.record.id}`).set(admin)).status).toBe(204);
    expect((await t.http.get('/scim/v2/Users').set(auth)).status).toBe(401);
  });
});
