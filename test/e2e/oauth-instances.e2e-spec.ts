/**
 * OAuth with two server processes on one database (SQLite and MariaDB/MySQL), as behind a load
 * balancer with one configured issuer: a token issued by one instance works on the other; a
 * signing-key rollover made elsewhere (the CLI) is picked up by both without a restart, the
 * old key's tokens still valid; a client disabled through one instance has its issued tokens
 * refused by the other within the documented bound (SCIM_OAUTH_CLIENT_CACHE_TTL_MS), and by
 * the first at once; a private_key_jwt assertion used on one instance is refused on the other
 * (jti single use through the database).
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DatabaseKind, TEST_DATABASES, TestDatabase, createTestDatabase } from '../support/databases';
import { JWT_BEARER, basic, clientKey, form } from '../support/oauth';
import { ServerProcess, cli } from '../support/server-process';

const ADMIN_TOKEN = 'admin-token-0123456789abcdef0123456789abcdef';
const TTL_MS = 1000;
const ISSUER = 'https://scim.example.test/scim/v2';

describe.each(TEST_DATABASES)('OAuth across two instances on one %s database', (kind: DatabaseKind) => {
  let db: TestDatabase;
  let servers: ServerProcess[] = [];
  let clientId: string;
  let secret: string;

  const on = (i: number) => {
    const url = new URL(servers[i].baseUrl);
    return { http: request(url.origin), base: url.pathname };
  };
  const token = async (i: number) => {
    const { http, base } = on(i);
    const res = await http
      .post(`${base}/oauth/token`)
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .set('Authorization', basic(clientId, secret))
      .send(form({ grant_type: 'client_credentials' }));
    expect(res.status).toBe(200);
    return res.body.access_token as string;
  };
  const users = (i: number, t: string) => on(i).http.get(`${on(i).base}/Users`).set('Authorization', `Bearer ${t}`);
  const kid = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[0], 'base64url').toString()).kid as string;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    cli(db.url, 'migration', 'run');
    cli(db.url, 'tenant', 'create', 'acme');
    [clientId, secret] = cli(db.url, 'oauth-client', 'create', '--tenant', 'acme', '--name', 'entra', '--scopes', 'users:read').trim().split('\n');
    const env = {
      MIGRATIONS_RUN: 'false',
      ADMIN_TOKEN,
      SCIM_OAUTH_ISSUER: ISSUER,
      SCIM_OAUTH_CLIENT_CACHE_TTL_MS: String(TTL_MS),
    };
    servers = await Promise.all([ServerProcess.start(db.url, env), ServerProcess.start(db.url, env)]);
  }, 90_000);
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await db?.drop();
  });

  it('a token issued by either instance works on both', async () => {
    for (const i of [0, 1]) {
      const t = await token(i);
      expect((await users(0, t)).status).toBe(200);
      expect((await users(1, t)).status).toBe(200);
    }
  });

  it('a rollover made by the CLI: the new key signs, both instances verify both keys', async () => {
    const old = await token(0);
    cli(db.url, 'oauth-key', 'rotate');
    const fresh = await token(1);
    expect(kid(fresh)).not.toBe(kid(old));
    for (const i of [0, 1]) {
      expect((await users(i, fresh)).status).toBe(200);
      expect((await users(i, old)).status).toBe(200);
    }
    const jwks = (await on(0).http.get(`${on(0).base}/oauth/jwks`)).body.keys.map((k: { kid: string }) => k.kid);
    expect(jwks).toEqual(expect.arrayContaining([kid(old), kid(fresh)]));
  });

  it('a private_key_jwt assertion used on one instance is refused on the other (replay)', async () => {
    const key = clientKey('k1');
    const file = join(tmpdir(), `jwks-${Date.now()}.json`);
    writeFileSync(file, JSON.stringify({ keys: [key.jwk] }));
    const [certClient] = cli(db.url, 'oauth-client', 'create', '--tenant', 'acme', '--name', 'cert', '--scopes', 'users:read', '--no-secret', '--jwks', file)
      .trim()
      .split('\n');
    const assertion = key.assertion(certClient, `${ISSUER}/oauth/token`);
    const send = (i: number) =>
      on(i)
        .http.post(`${on(i).base}/oauth/token`)
        .set('Content-Type', 'application/x-www-form-urlencoded')
        .send(form({ grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: assertion }));
    const first = await send(0);
    expect(first.status).toBe(200);
    expect((await users(1, first.body.access_token)).status).toBe(200);
    const replay = await send(1);
    expect(replay.status).toBe(401);
    expect(replay.body).toMatchObject({ error: 'invalid_client', error_description: expect.stringMatching(/used already/) });
    // and in parallel: of two sends of one fresh assertion to both instances, one wins
    const fresh = key.assertion(certClient, `${ISSUER}/oauth/token`);
    const both = await Promise.all([0, 1].map((i) =>
      on(i).http.post(`${on(i).base}/oauth/token`).set('Content-Type', 'application/x-www-form-urlencoded')
        .send(form({ grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: fresh }))));
    expect(both.map((r) => r.status).sort()).toEqual([200, 401]);
  });

  it('a client disabled through one instance: refused there at once, on the other within the bound', async () => {
    const t = await token(0);
    expect((await users(1, t)).status).toBe(200);
    const off = await on(0)
      .http.patch(`/admin/v1/oauth-clients/${clientId}`)
      .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
      .send({ enabled: false });
    expect(off.status).toBe(200);
    const disabledAt = Date.now();
    expect((await users(0, t)).status).toBe(401);
    let refusedAfter: number | undefined;
    while (Date.now() - disabledAt < TTL_MS + 3000) {
      if ((await users(1, t)).status === 401) {
        refusedAfter = Date.now() - disabledAt;
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(refusedAfter).toBeDefined();
    expect(refusedAfter!).toBeLessThanOrEqual(TTL_MS + 500);
    // and no new token
    const { http, base } = on(1);
    const res = await http
      .post(`${base}/oauth/token`)
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .set('Authorization', basic(clientId, secret))
      .send(form({ grant_type: 'client_credentials' }));
    expect(res.status).toBe(401);
  });
});
