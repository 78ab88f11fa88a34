/**
 * private_key_jwt client authentication (RFC 7523 §2.2, §3) on SQLite and MariaDB/MySQL: a
 * client registers an inline JWKS; an assertion signed with one of its keys (picked by kid)
 * gets a token that works on SCIM; every check refuses with invalid_client: iss/sub not the
 * client, aud not the token endpoint or issuer, expired, not yet valid, too long-lived, issued
 * in the future, an unknown kid, a key of another client, a replayed jti. Registration refuses
 * private keys and malformed sets.
 */
import { DatabaseKind, TEST_DATABASES } from '../support/databases';
import { JWT_BEARER, clientKey, form } from '../support/oauth';
import { TestApp } from '../support/test-app';

const ADMIN_TOKEN = 'admin-token-0123456789abcdef0123456789abcdef';
const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };

describe.each(TEST_DATABASES)('private_key_jwt on %s', (kind: DatabaseKind) => {
  let t: TestApp;
  let base: string;
  let endpoint: string;
  const rsa = clientKey('rsa-1');
  const ec = clientKey('ec-1', 'ec');
  const stranger = clientKey('rsa-1');
  let clientId: string;

  const tokenReq = (assertion: string, extra: Record<string, string> = {}) =>
    t.http
      .post('/scim/v2/oauth/token')
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send(form({ grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: assertion, ...extra }));
  const refused = async (assertion: string, reason: RegExp, extra: Record<string, string> = {}) => {
    const res = await tokenReq(assertion, extra);
    expect({ status: res.status, error: res.body.error }).toEqual({ status: 401, error: 'invalid_client' });
    expect(res.body.error_description).toMatch(reason);
    expect(res.headers['cache-control']).toBe('no-store');
  };

  beforeAll(async () => {
    t = await TestApp.start(kind, { ADMIN_TOKEN });
    await t.tenantService.createTenant('acme');
    const addr = t.app.getHttpServer().address() as { port: number };
    base = `http://127.0.0.1:${addr.port}/scim/v2`;
    endpoint = `${base}/oauth/token`;
    const res = await t.http
      .post('/admin/v1/tenants/acme/oauth-clients')
      .set(admin)
      .send({ name: 'cert', scopes: ['users:read'], withSecret: false, jwks: { keys: [rsa.jwk, ec.jwk] } });
    expect(res.status).toBe(201);
    expect(res.body.jwksKeyIds).toEqual(['rsa-1', 'ec-1']);
    expect(res.body.clientSecret).toBeUndefined();
    clientId = res.body.clientId;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('is advertised in the metadata with the accepted algorithms', async () => {
    const md = (await t.http.get('/.well-known/oauth-authorization-server')).body;
    expect(md.token_endpoint_auth_methods_supported).toContain('private_key_jwt');
    expect(md.token_endpoint_auth_signing_alg_values_supported).toEqual(expect.arrayContaining(['RS256', 'ES256']));
    expect(md.token_endpoint_auth_signing_alg_values_supported).not.toContain('HS256');
  });

  it('an assertion signed by either key (kid) gets a token that works on SCIM; aud may be the issuer', async () => {
    for (const [key, aud] of [[rsa, endpoint], [ec, base]] as const) {
      const res = await tokenReq(key.assertion(clientId, aud));
      expect(res.status).toBe(200);
      expect(res.body.scope).toBe('users:read');
      expect((await t.http.get('/scim/v2/Users').set('Authorization', `Bearer ${res.body.access_token}`)).status).toBe(200);
    }
    // client_id may be sent along, and must then be the client's
    expect((await tokenReq(rsa.assertion(clientId, endpoint), { client_id: clientId })).status).toBe(200);
  });

  it('refuses a replayed assertion (jti used once)', async () => {
    const a = rsa.assertion(clientId, endpoint);
    expect((await tokenReq(a)).status).toBe(200);
    await refused(a, /used already/);
  });

  it('refuses every claim and key check with invalid_client', async () => {
    const now = Math.floor(Date.now() / 1000);
    await refused(rsa.assertion(clientId, endpoint, { iss: 'someone-else' }), /iss/);
    await refused(rsa.assertion(clientId, endpoint, { sub: 'someone-else' }), /sub|authentication failed/);
    await refused(rsa.assertion(clientId, 'https://elsewhere.example/token'), /aud/);
    await refused(rsa.assertion(clientId, endpoint, { exp: now - 120 }), /expired/);
    await refused(rsa.assertion(clientId, endpoint, { nbf: now + 600, exp: now + 900 }), /nbf/);
    await refused(rsa.assertion(clientId, endpoint, { exp: now + 7200 }), /at most one hour/);
    await refused(rsa.assertion(clientId, endpoint, { iat: now + 600 }), /iat|future/);
    await refused(rsa.assertion(clientId, endpoint, { jti: undefined }), /jti/);
    await refused(rsa.assertion(clientId, endpoint, {}, { kid: 'nope' }), /kid|No key/);
    await refused(stranger.assertion(clientId, endpoint), /signature/);
    await refused(rsa.assertion(clientId, endpoint, {}, { alg: 'HS256' }), /./);
    await refused('not.a.jwt', /./);
    const mismatch = await tokenReq(rsa.assertion(clientId, endpoint), { client_id: 'other-client' });
    expect(mismatch.status).toBe(401);
  });

  it('a client without keys cannot use private_key_jwt; registration refuses private and malformed keys', async () => {
    const plain = (await t.http.post('/admin/v1/tenants/acme/oauth-clients').set(admin).send({ name: 'plain', scopes: ['users:read'] })).body;
    await refused(rsa.assertion(plain.clientId, endpoint), /no keys/);
    const { generateKeyPairSync } = await import('node:crypto');
    const priv = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
    for (const jwks of [
      { keys: [{ ...priv, kid: 'p' }] },
      { keys: [] },
      { keys: [rsa.jwk, { ...ec.jwk, kid: 'rsa-1' }] },
      { keys: [{ kty: 'oct', k: 'c2VjcmV0', kid: 'h' }] },
      { nokeys: true },
      { keys: [{ kty: 'RSA', n: 'AQAB', e: 'AQAB', kid: 'tiny' }] },
    ]) {
      const res = await t.http.patch(`/admin/v1/oauth-clients/${plain.clientId}`).set(admin).send({ jwks });
      expect(res.status).toBe(400);
    }
    for (const jwksUri of ['http://keys.example.com/jwks', 'https://127.0.0.1/jwks', 'not a url']) {
      expect((await t.http.patch(`/admin/v1/oauth-clients/${plain.clientId}`).set(admin).send({ jwksUri })).status).toBe(400);
    }
    const ok = await t.http.patch(`/admin/v1/oauth-clients/${plain.clientId}`).set(admin).send({ jwks: { keys: [rsa.jwk] } });
    expect(ok.status).toBe(200);
    expect((await tokenReq(rsa.assertion(plain.clientId, endpoint))).status).toBe(200);
  });
});
