/**
 * SCIM requests with OAuth access tokens on SQLite and MariaDB/MySQL: the guard accepts both
 * static tokens and access tokens; every RFC 6750 §3.1 error comes with its WWW-Authenticate
 * challenge and a SCIM error body (no token, invalid_token for unknown/tampered/malformed/
 * expired/disabled, insufficient_scope); a tenant can accept OAuth tokens only; tokens of the
 * retired signing key keep working after a rollover; expiry follows an injected clock.
 */
import { oktaUser } from '../fixtures/users.factory';
import { DatabaseKind, TEST_DATABASES } from '../support/databases';
import { MovableClock, basic, form } from '../support/oauth';
import { ALL, TestApp } from '../support/test-app';

const ADMIN_TOKEN = 'admin-token-0123456789abcdef0123456789abcdef';
const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };
const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

type Res = { status: number; body: Record<string, unknown>; headers: Record<string, string> };

function expectChallenge(res: Res, status: number, error?: string, description?: RegExp): void {
  expect(res.status).toBe(status);
  expect(res.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: String(status) });
  expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
  const challenge = res.headers['www-authenticate'];
  expect(challenge).toMatch(/^Bearer realm="scim"/);
  if (error) {
    expect(challenge).toContain(`error="${error}"`);
    const m = /error_description="([^"]*)"/.exec(challenge);
    expect(m?.[1]).toMatch(description ?? /./);
  } else {
    expect(challenge).not.toContain('error=');
  }
}

describe.each(TEST_DATABASES)('SCIM with OAuth access tokens on %s', (kind: DatabaseKind) => {
  let t: TestApp;
  const clock = new MovableClock();
  let client: { id: string; secret: string };

  const accessToken = async (scope?: string, c = client) => {
    const res = await t.http
      .post('/scim/v2/oauth/token')
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .set('Authorization', basic(c.id, c.secret))
      .send(form({ grant_type: 'client_credentials', ...(scope ? { scope } : {}) }));
    expect(res.status).toBe(200);
    return res.body.access_token as string;
  };
  const users = (token?: string) => {
    const req = t.http.get('/scim/v2/Users');
    return token === undefined ? req : req.set('Authorization', `Bearer ${token}`);
  };
  const newClient = async (scopes: string[] = ['users:write', 'groups:write']) => {
    const res = await t.http.post('/admin/v1/tenants/acme/oauth-clients').set(admin).send({ name: 'entra', scopes });
    return { id: res.body.clientId as string, secret: res.body.clientSecret.secret as string };
  };

  beforeAll(async () => {
    t = await TestApp.start(kind, { ADMIN_TOKEN }, { clock });
    await t.tenantService.createTenant('acme');
    client = await newClient();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('an access token reads and writes SCIM like a static token, in its tenant', async () => {
    const token = await accessToken();
    const { password: _p, groups: _g, ...user } = oktaUser();
    const created = await t.http.post('/scim/v2/Users').set('Authorization', `Bearer ${token}`).send(user);
    expect(created.status).toBe(201);
    const read = await t.http.get(`/scim/v2/Users/${created.body.id}`).set('Authorization', `Bearer ${token}`);
    expect(read.status).toBe(200);
    const staticToken = await t.token('acme', ALL);
    expect((await t.http.get(`/scim/v2/Users/${created.body.id}`).set('Authorization', `Bearer ${staticToken}`)).status).toBe(200);
    // another tenant's static token does not see it
    const other = await t.token('globex', ALL);
    expect((await t.http.get(`/scim/v2/Users/${created.body.id}`).set('Authorization', `Bearer ${other}`)).status).toBe(404);
  });

  it('RFC 6750 §3.1: no token, unknown, tampered and malformed tokens', async () => {
    expectChallenge(await users(), 401);
    expectChallenge(await users('scim_unknown-token'), 401, 'invalid_token', /unknown, expired or revoked/);
    const token = await accessToken();
    const [h, p, s] = token.split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, scope: 'users:write groups:write extra:write' })).toString('base64url');
    expectChallenge(await users(`${h}.${forged}.${s}`), 401, 'invalid_token', /signature/);
    expectChallenge(await users(`${h}.${p}.${s.slice(0, -4)}AAAA`), 401, 'invalid_token', /signature/);
    expectChallenge(await users('eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.'), 401, 'invalid_token', /./);
    expectChallenge(await users('a.b.c'), 401, 'invalid_token', /malformed/);
  });

  it('insufficient_scope: 403 with the scope needed, for a narrowed token too', async () => {
    const readOnly = await accessToken('users:read');
    expect((await users(readOnly)).status).toBe(200);
    const { password: _p, groups: _g, ...user } = oktaUser();
    const res = await t.http.post('/scim/v2/Users').set('Authorization', `Bearer ${readOnly}`).send(user);
    expectChallenge(res, 403, 'insufficient_scope', /lacks the scope users:write/);
    expect(res.headers['www-authenticate']).toContain('scope="users:write"');
  });

  it('a client disabled through this instance: its issued tokens are refused at once', async () => {
    const c = await newClient(['users:read']);
    const token = await accessToken(undefined, c);
    expect((await users(token)).status).toBe(200);
    expect((await t.http.patch(`/admin/v1/oauth-clients/${c.id}`).set(admin).send({ enabled: false })).status).toBe(200);
    expectChallenge(await users(token), 401, 'invalid_token', /disabled/);
    expect((await t.http.patch(`/admin/v1/oauth-clients/${c.id}`).set(admin).send({ enabled: true })).status).toBe(200);
    expect((await users(token)).status).toBe(200);
  });

  it("a disabled tenant's access tokens get 403 like its static tokens", async () => {
    const token = await accessToken();
    expect((await t.http.patch('/admin/v1/tenants/acme').set(admin).send({ scimEnabled: false })).status).toBe(200);
    const res = await users(token);
    expect(res.status).toBe(403);
    expect(res.body.detail).toMatch(/disabled for this tenant/);
    expect((await t.http.patch('/admin/v1/tenants/acme').set(admin).send({ scimEnabled: true })).status).toBe(200);
    expect((await users(token)).status).toBe(200);
  });

  it('tokenPolicy oauth-only: static tokens get invalid_token, access tokens work', async () => {
    const staticToken = await t.token('acme', ALL);
    const token = await accessToken();
    const set = await t.http.patch('/admin/v1/tenants/acme').set(admin).send({ tokenPolicy: 'oauth-only' });
    expect(set.status).toBe(200);
    expect(set.body.tokenPolicy).toBe('oauth-only');
    expectChallenge(await users(staticToken), 401, 'invalid_token', /OAuth access tokens only/);
    expect((await users(token)).status).toBe(200);
    const bad = await t.http.patch('/admin/v1/tenants/acme').set(admin).send({ tokenPolicy: 'none' });
    expect(bad.status).toBe(400);
    expect((await t.http.patch('/admin/v1/tenants/acme').set(admin).send({ tokenPolicy: 'any' })).status).toBe(200);
    expect((await users(staticToken)).status).toBe(200);
  });

  it('after a signing-key rollover, tokens of the old key still work', async () => {
    const old = await accessToken();
    expect((await t.http.post('/admin/v1/oauth/signing-keys/rotate').set(admin)).status).toBe(201);
    const fresh = await accessToken();
    const kid = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[0], 'base64url').toString()).kid;
    expect(kid(fresh)).not.toBe(kid(old));
    expect((await users(old)).status).toBe(200);
    expect((await users(fresh)).status).toBe(200);
  });

  // last: the clock moves forward for good
  it('an access token expires after its lifetime (60 minutes by default)', async () => {
    const token = await accessToken();
    clock.advance(59 * 60_000);
    expect((await users(token)).status).toBe(200);
    clock.advance(2 * 60_000);
    expectChallenge(await users(token), 401, 'invalid_token', /expired/);
  });
});
