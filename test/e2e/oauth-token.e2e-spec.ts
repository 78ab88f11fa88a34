/**
 * The token endpoint of the client credentials grant on SQLite and MariaDB/MySQL: RFC 8414
 * metadata with the required fields; tokens by client_secret_basic and client_secret_post,
 * answered per RFC 6749 §5.1 (no-store) and verified against the published JWKS with
 * node:crypto; every §5.2 error; scope narrowing; rotation with two active secrets and the old
 * one revoked; a signing-key rollover; rate limits; the audit never holding a secret; an
 * expired secret refused (an injected clock).
 */
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../../src/audit/audit.service';
import { DatabaseKind, TEST_DATABASES } from '../support/databases';
import { DAY_MS, MovableClock, basic, form, verifyWithJwks } from '../support/oauth';
import { TestApp } from '../support/test-app';

const ADMIN_TOKEN = 'admin-token-0123456789abcdef0123456789abcdef';
const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };
const FORM = 'application/x-www-form-urlencoded';
const CC = { grant_type: 'client_credentials' };

describe.each(TEST_DATABASES)('OAuth token endpoint on %s', (kind: DatabaseKind) => {
  let t: TestApp;
  const clock = new MovableClock();
  let base: string;

  const newClient = async (scopes = ['users:write', 'groups:read'], days?: number) => {
    const res = await t.http
      .post('/admin/v1/tenants/acme/oauth-clients')
      .set(admin)
      .send({ name: 'entra', scopes, ...(days ? { secretExpiresInDays: days } : {}) });
    expect(res.status).toBe(201);
    return { id: res.body.clientId as string, secret: res.body.clientSecret.secret as string, secretId: res.body.clientSecret.id as string };
  };
  const tokenReq = (params: Record<string, string>, authorization?: string) => {
    const req = t.http.post('/scim/v2/oauth/token').set('Content-Type', FORM);
    return (authorization ? req.set('Authorization', authorization) : req).send(form(params));
  };
  const expectOAuthError = (res: { status: number; body: Record<string, unknown>; headers: Record<string, string> }, status: number, error: string) => {
    expect({ status: res.status, error: res.body.error }).toEqual({ status, error });
    expect(typeof res.body.error_description).toBe('string');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['cache-control']).toBe('no-store');
    if (error === 'invalid_client') {
      expect(res.headers['www-authenticate']).toMatch(/^Basic realm=/);
    }
  };
  const jwks = async () => (await t.http.get('/scim/v2/oauth/jwks')).body;

  beforeAll(async () => {
    t = await TestApp.start(kind, { ADMIN_TOKEN, SCIM_OAUTH_RATE_LIMIT_CLIENT: '20/60' }, { clock });
    await t.tenantService.createTenant('acme');
    const addr = t.app.getHttpServer().address() as { port: number };
    base = `http://127.0.0.1:${addr.port}/scim/v2`;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('publishes RFC 8414 metadata at the root and at the issuer path', async () => {
    for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/oauth-authorization-server/scim/v2']) {
      const res = await t.http.get(path);
      expect(res.status).toBe(200);
      // RFC 8414 §2: issuer and response_types_supported are required; token_endpoint since
      // a grant other than implicit is supported
      expect(res.body).toMatchObject({
        issuer: base,
        token_endpoint: `${base}/oauth/token`,
        jwks_uri: `${base}/oauth/jwks`,
        response_types_supported: [],
        grant_types_supported: ['client_credentials'],
        scopes_supported: ['users:read', 'users:write', 'groups:read', 'groups:write'],
      });
      expect(res.body.token_endpoint_auth_methods_supported).toEqual(expect.arrayContaining(['client_secret_basic', 'client_secret_post']));
      expect(new URL(res.body.issuer).search + new URL(res.body.issuer).hash).toBe('');
    }
  });

  it('client_secret_basic: an RFC 9068 JWT, no-store, verified with the JWKS by node:crypto', async () => {
    const c = await newClient();
    const res = await tokenReq(CC, basic(c.id, c.secret));
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers.pragma).toBe('no-cache');
    expect(res.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600, scope: 'users:write groups:read' });
    const { header, claims } = verifyWithJwks(res.body.access_token, await jwks());
    expect(header).toMatchObject({ alg: 'RS256', typ: 'at+jwt', kid: expect.any(String) });
    const tenant = (await t.tenantService.getTenant('acme')).id;
    expect(claims).toMatchObject({ iss: base, aud: base, sub: c.id, client_id: c.id, tenant, scope: 'users:write groups:read' });
    expect(claims.exp).toBe((claims.iat as number) + 3600);
    expect(Math.abs((claims.iat as number) - Date.parse(clock.nowIso()) / 1000)).toBeLessThan(5);
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('client_secret_post works too, and the scope parameter narrows the grant', async () => {
    const c = await newClient();
    const res = await tokenReq({ ...CC, client_id: c.id, client_secret: c.secret, scope: 'users:read' });
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe('users:read');
    expect(verifyWithJwks(res.body.access_token, await jwks()).claims.scope).toBe('users:read');
    expect((await t.http.get('/scim/v2/Users').set('Authorization', `Bearer ${res.body.access_token}`)).status).toBe(200);
    const wider = await tokenReq({ ...CC, client_id: c.id, client_secret: c.secret, scope: 'groups:write' });
    expectOAuthError(wider, 400, 'invalid_scope');
    const unknown = await tokenReq({ ...CC, client_id: c.id, client_secret: c.secret, scope: 'users:read admin' });
    expectOAuthError(unknown, 400, 'invalid_scope');
  });

  it('answers every RFC 6749 §5.2 error with its status and a JSON body', async () => {
    const c = await newClient();
    expectOAuthError(await tokenReq({ client_id: c.id, client_secret: c.secret }), 400, 'invalid_request');
    expectOAuthError(await tokenReq({ grant_type: 'password', client_id: c.id, client_secret: c.secret }), 400, 'unsupported_grant_type');
    expectOAuthError(await tokenReq(CC), 401, 'invalid_client');
    expectOAuthError(await tokenReq(CC, basic(c.id, c.secret + 'x')), 401, 'invalid_client');
    expectOAuthError(await tokenReq(CC, basic('no-such-client', c.secret)), 401, 'invalid_client');
    expectOAuthError(await tokenReq({ ...CC, client_id: c.id, client_secret: c.secret }, basic(c.id, c.secret)), 400, 'invalid_request');
    const repeated = await t.http.post('/scim/v2/oauth/token').set('Content-Type', FORM)
      .send(`grant_type=client_credentials&client_id=${c.id}&client_secret=${c.secret}&scope=users:read&scope=users:write`);
    expectOAuthError(repeated, 400, 'invalid_request');
    const json = await t.http.post('/scim/v2/oauth/token').set('Content-Type', 'application/json')
      .send({ ...CC, client_id: c.id, client_secret: c.secret });
    expectOAuthError(json, 400, 'invalid_request');
    expect((await t.http.patch(`/admin/v1/tenants/acme`).set(admin).send({ scimEnabled: false })).status).toBe(200);
    expectOAuthError(await tokenReq(CC, basic(c.id, c.secret)), 400, 'invalid_grant');
    expect((await t.http.patch(`/admin/v1/tenants/acme`).set(admin).send({ scimEnabled: true })).status).toBe(200);
    expect((await t.http.patch(`/admin/v1/oauth-clients/${c.id}`).set(admin).send({ enabled: false })).status).toBe(200);
    expectOAuthError(await tokenReq(CC, basic(c.id, c.secret)), 401, 'invalid_client');
  });

  it('rotation: two active secrets both work; the old one revoked is refused at once', async () => {
    const c = await newClient();
    const second = (await t.http.post(`/admin/v1/oauth-clients/${c.id}/secrets`).set(admin).send({})).body.secret;
    expect((await tokenReq(CC, basic(c.id, c.secret))).status).toBe(200);
    expect((await tokenReq(CC, basic(c.id, second))).status).toBe(200);
    expect((await t.http.delete(`/admin/v1/oauth-clients/${c.id}/secrets/${c.secretId}`).set(admin)).status).toBe(204);
    expectOAuthError(await tokenReq(CC, basic(c.id, c.secret)), 401, 'invalid_client');
    expect((await tokenReq(CC, basic(c.id, second))).status).toBe(200);
  });

  it('a signing-key rollover: new tokens get the new kid, and the JWKS verifies both', async () => {
    const c = await newClient();
    const before = (await tokenReq(CC, basic(c.id, c.secret))).body.access_token;
    const rotated = await t.http.post('/admin/v1/oauth/signing-keys/rotate').set(admin);
    expect(rotated.status).toBe(201);
    expect(rotated.body.items.map((k: { state: string }) => k.state)).toEqual(['signing', 'verifying']);
    const after = (await tokenReq(CC, basic(c.id, c.secret))).body.access_token;
    const set = await jwks();
    expect(set.keys).toHaveLength(2);
    const a = verifyWithJwks(before, set);
    const b = verifyWithJwks(after, set);
    expect(a.header.kid).not.toBe(b.header.kid);
    for (const k of set.keys) {
      expect(Object.keys(k)).not.toEqual(expect.arrayContaining(['d']));
    }
    const ds = t.app.get<DataSource>(getDataSourceToken());
    const rows = (await ds.query('SELECT private_key FROM scim_oauth_signing_keys')) as Array<{ private_key: string }>;
    expect(rows.every((r) => !r.private_key.includes('PRIVATE KEY'))).toBe(true);
  });

  it('limits token requests per client: 429 with Retry-After past the window', async () => {
    const c = await newClient();
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) {
      const res = await tokenReq(CC, basic(c.id, 'wrong-' + i));
      statuses.push(res.status);
      if (res.status === 429) {
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
        expect(res.headers['cache-control']).toBe('no-store');
      }
    }
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses[20]).toBe(429);
    // the limit is the client's: another client is unaffected
    const other = await newClient();
    expect((await tokenReq(CC, basic(other.id, other.secret))).status).toBe(200);
  });

  it('audits issuances and failures with the client and the reason, never a secret or a token', async () => {
    const c = await newClient();
    const ok = await tokenReq(CC, basic(c.id, c.secret));
    await tokenReq(CC, basic(c.id, 'not-the-secret-at-all'));
    const audit = t.app.get(AuditService);
    await audit.flush();
    const entries = (await audit.search({ tenant: 'acme', limit: 1000 })).filter((e) => e.resourceType === 'oauth' && e.resourceId === c.id);
    expect(entries.map((e) => [e.status, JSON.parse(e.body!).outcome])).toEqual([[200, 'issued'], [401, 'bad_secret']]);
    expect(entries[0].tokenId).toBe(c.id);
    // the refusal as the client got it (RFC 6749 §5.2), beside the exact reason above
    expect(entries.map((e) => e.error)).toEqual([
      null,
      { status: 401, scimType: null, detail: 'invalid_client: Client authentication failed' },
    ]);
    const ds = t.app.get<DataSource>(getDataSourceToken());
    const all = JSON.stringify(await ds.query('SELECT * FROM scim_audit'));
    expect(all).not.toContain(c.secret);
    expect(all).not.toContain('not-the-secret-at-all');
    expect(all).not.toContain(ok.body.access_token);
  });

  // last: the clock moves forward for good
  it('an expired secret is refused (invalid_client); a fresh one still works', async () => {
    const c = await newClient(['users:read'], 365);
    const fresh = (await t.http.post(`/admin/v1/oauth-clients/${c.id}/secrets`).set(admin).send({ expiresInDays: 1095 })).body.secret;
    clock.advance(366 * DAY_MS);
    const res = await tokenReq(CC, basic(c.id, c.secret));
    expectOAuthError(res, 401, 'invalid_client');
    expect(res.body.error_description).toMatch(/expired/);
    expect((await tokenReq(CC, basic(c.id, fresh))).status).toBe(200);
  });
});
