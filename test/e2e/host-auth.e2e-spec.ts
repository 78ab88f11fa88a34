/**
 * The host's own authentication and tenancy over HTTP on SQLite and MariaDB/MySQL: a host
 * authenticates SCIM requests with its own API keys (ScimModule `auth.authenticator`) and/or checks
 * which tenant an address serves (`tenancy`): the caller's tenant settings apply as for a token,
 * scopes are enforced, the module's bearer tokens are not accepted in place of the host's keys, and
 * a credential of one tenant gets 403 at another tenant's address.
 */
import { DatabaseKind, TEST_DATABASES, TestDatabase, createTestDatabase } from '../support/databases';
import { HostAuthApp } from '../support/host-auth-app';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const user = (userName: string) => ({ schemas: [USER], userName });

describe.each(TEST_DATABASES)('host authentication and tenancy on %s', (kind: DatabaseKind) => {
  describe('the host\'s API keys, checked against the addressed tenant', () => {
    let db: TestDatabase;
    let app: HostAuthApp;
    const as = (key: string, host = 'acme.scim.example') => ({ 'x-api-key': key, host });

    beforeAll(async () => {
      db = await createTestDatabase(kind);
      app = await HostAuthApp.start(db.url, 'api-keys+tenancy');
      await app.tenantService.createTenant('acme');
      await app.tenantService.createTenant('beta');
    });

    afterAll(async () => {
      await app?.close();
      await db?.drop();
    });

    it('a valid key provisions its tenant; no key, an unknown key or a SCIM token is 401', async () => {
      const created = await app.http.post('/scim/v2/Users').set(as('acme-writer-key')).send(user('ann@acme.example'));
      expect(created.status).toBe(201);
      const got = await app.http.get(`/scim/v2/Users/${created.body.id}`).set(as('acme-reader-key'));
      expect(got.status).toBe(200);
      for (const headers of [{ host: 'acme.scim.example' }, as('no-such-key')]) {
        const res = await app.http.get('/scim/v2/Users').set(headers);
        expect(res.status).toBe(401);
        expect(res.body).toMatchObject({ schemas: [ERROR], status: '401' });
      }
      const token = (await app.tokens.issue('acme', 'idp', ['users:read'])).token;
      const withToken = await app.http.get('/scim/v2/Users').set({ host: 'acme.scim.example', Authorization: `Bearer ${token}` });
      expect(withToken.status).toBe(401);
    });

    it('the caller\'s scopes are enforced (a reader cannot write: 403)', async () => {
      const res = await app.http.post('/scim/v2/Users').set(as('acme-reader-key')).send(user('bob@acme.example'));
      expect(res.status).toBe(403);
      expect(res.body.detail).toMatch(/users:write/);
    });

    it('tenants stay apart: beta\'s key sees none of acme\'s users, and is refused at acme\'s address', async () => {
      const list = await app.http.get('/scim/v2/Users').set(as('beta-writer-key', 'beta.scim.example'));
      expect(list.status).toBe(200);
      expect(list.body.totalResults).toBe(0);
      const cross = await app.http.get('/scim/v2/Users').set(as('beta-writer-key', 'acme.scim.example'));
      expect(cross.status).toBe(403);
      expect(cross.body).toMatchObject({ schemas: [ERROR], status: '403' });
      expect(cross.body.detail).toMatch(/does not belong to the tenant/);
    });

    it('the tenant\'s settings apply to the host\'s callers: SCIM switched off is 403', async () => {
      await app.tenantService.updateTenant('beta', { scimEnabled: false });
      const res = await app.http.get('/scim/v2/Users').set(as('beta-writer-key', 'beta.scim.example'));
      expect(res.status).toBe(403);
      expect(res.body.detail).toMatch(/disabled/);
      await app.tenantService.updateTenant('beta', { scimEnabled: true });
      expect((await app.http.get('/scim/v2/Users').set(as('beta-writer-key', 'beta.scim.example'))).status).toBe(200);
    });
  });

  describe('the module\'s tokens, checked against the addressed tenant', () => {
    let db: TestDatabase;
    let app: HostAuthApp;
    let acmeToken: string;

    beforeAll(async () => {
      db = await createTestDatabase(kind);
      app = await HostAuthApp.start(db.url, 'tokens+tenancy');
      await app.tenantService.createTenant('acme');
      await app.tenantService.createTenant('beta');
      acmeToken = (await app.tokens.issue('acme', 'okta', ['users:read'])).token;
    });

    afterAll(async () => {
      await app?.close();
      await db?.drop();
    });

    it('a token works at its tenant\'s address and at neutral ones, not at another tenant\'s', async () => {
      const auth = (host: string) => ({ Authorization: `Bearer ${acmeToken}`, host });
      expect((await app.http.get('/scim/v2/Users').set(auth('acme.scim.example'))).status).toBe(200);
      expect((await app.http.get('/scim/v2/Users').set(auth('localhost'))).status).toBe(200);
      expect((await app.http.get('/scim/v2/Users').set(auth('beta.scim.example'))).status).toBe(403);
      expect((await app.http.get('/scim/v2/Users').set(auth('nobody.scim.example'))).status).toBe(403);
      expect((await app.http.get('/scim/v2/Users').set({ host: 'acme.scim.example' })).status).toBe(401);
    });
  });
});
