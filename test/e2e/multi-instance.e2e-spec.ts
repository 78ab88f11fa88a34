/**
 * Two server processes on one database, as behind a load balancer (issue: several instances):
 * conflicting traffic sent to both gives the same results as one instance. On MariaDB (the
 * supported distributed setup) and on SQLite (two processes on one WAL file).
 */
import request from 'supertest';
import { oktaUser } from '../fixtures/users.factory';
import { DatabaseKind, TEST_DATABASES, TestDatabase, createTestDatabase } from '../support/databases';
import { ServerProcess, cli, parseJsonLines } from '../support/server-process';
import { DEFAULT_TOKEN_CACHE_TTL_MS } from '../../src/auth/auth.options';

const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

describe.each(TEST_DATABASES)('two instances on one %s database', (kind: DatabaseKind) => {
  let db: TestDatabase;
  let servers: ServerProcess[] = [];
  let token: string;

  /** supertest on instance i (alternating by index) */
  const on = (i: number) => {
    const s = servers[i % servers.length];
    const url = new URL(s.baseUrl);
    return { http: request(url.origin), base: url.pathname };
  };
  const auth = () => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    cli(db.url, 'migration', 'run');
    cli(db.url, 'tenant', 'create', 'acme');
    token = cli(db.url, 'token', 'create', '--tenant', 'acme', '--name', 'lb', '--scopes', 'users:write,groups:write').trim();
    servers = await Promise.all([
      ServerProcess.start(db.url, { MIGRATIONS_RUN: 'false' }),
      ServerProcess.start(db.url, { MIGRATIONS_RUN: 'false' }),
    ]);
  }, 90_000);

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await db?.drop();
  });

  it('20 parallel creates of one userName across both: exactly 1 x 201 and 19 x 409', async () => {
    const userName = `race-${Date.now()}@example.com`;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => {
        const { http, base } = on(i);
        const { password: _p, ...body } = oktaUser({ userName });
        return http.post(`${base}/Users`).set(auth()).send(body);
      }),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
  });

  it('50 parallel one-member PATCHes across both never lose a member', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) {
      const { http, base } = on(i);
      const { password: _p, ...body } = oktaUser();
      ids.push((await http.post(`${base}/Users`).set(auth()).send(body)).body.id);
    }
    const { http, base } = on(0);
    const group = (await http.post(`${base}/Groups`).set(auth()).send({ schemas: [GROUP], displayName: 'LB' })).body;
    const results = await Promise.all(
      ids.map((id, i) => {
        const o = on(i);
        return o.http
          .patch(`${o.base}/Groups/${group.id}`)
          .set(auth())
          .send({ schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: [{ value: id }] }] });
      }),
    );
    expect(results.map((r) => r.status)).toEqual(ids.map(() => 204));
    const read = await on(1).http.get(`${on(1).base}/Groups/${group.id}`).set(auth());
    expect(read.body.members.map((m: { value: string }) => m.value).sort()).toEqual([...ids].sort());
    expect(read.body.meta.version).toBe('W/"51"');
  });

  it('50 parallel PATCHes of one user without If-Match across both: all 200, all kept', async () => {
    const { http, base } = on(0);
    const { password: _p, emails: _e, ...body } = oktaUser();
    const user = (await http.post(`${base}/Users`).set(auth()).send(body)).body;
    const values = Array.from({ length: 50 }, (_, i) => `lb-writer-${i}@example.com`);
    const results = await Promise.all(
      values.map((value, i) => {
        const o = on(i);
        return o.http
          .patch(`${o.base}/Users/${user.id}`)
          .set(auth())
          .send({ schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'emails', value: [{ value }] }] });
      }),
    );
    // RFC 7644 §3.14: without If-Match no write is refused, whichever instance serves it
    expect(results.map((r) => r.status)).toEqual(values.map(() => 200));
    const read = await on(1).http.get(`${on(1).base}/Users/${user.id}`).set(auth());
    expect(read.body.emails.map((e: { value: string }) => e.value).sort()).toEqual([...values].sort());
    expect(read.body.meta.version).toBe('W/"51"');
  });

  it('conflicting PUTs with the same If-Match on both instances: one 200, one 412', async () => {
    const { http, base } = on(0);
    const { password: _p, ...body } = oktaUser();
    const created = (await http.post(`${base}/Users`).set(auth()).send(body)).body;
    const results = await Promise.all(
      [0, 1].map((i) =>
        on(i)
          .http.put(`${on(i).base}/Users/${created.id}`)
          .set(auth())
          .set('If-Match', created.meta.version)
          .send({ ...body, displayName: `writer ${i}` }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 412]);
    const winner = results.find((r) => r.status === 200)!.body.displayName;
    expect((await on(1).http.get(`${on(1).base}/Users/${created.id}`).set(auth())).body.displayName).toBe(winner);
  });

  it('a token revoked through the CLI is refused by both within the token cache bound (1 s by default)', async () => {
    const extra = cli(db.url, 'token', 'create', '--tenant', 'acme', '--name', 'tmp', '--scopes', 'users:read').trim();
    const status = async (i: number) =>
      (await on(i).http.get(`${on(i).base}/Users`).set('Authorization', `Bearer ${extra}`)).status;
    // both instances now hold the token in memory
    for (let i = 0; i < 2; i++) {
      expect(await status(i)).toBe(200);
    }
    const list = parseJsonLines<{ id: string; name: string }>(cli(db.url, 'token', 'list', '--json'));
    cli(db.url, 'token', 'revoke', list.find((t) => t.name === 'tmp')!.id);
    const revokedAt = Date.now();
    for (let i = 0; i < 2; i++) {
      // polled until refused: the bound is DEFAULT_TOKEN_CACHE_TTL_MS from the revocation (plus
      // this shared machine's scheduling slack); it must never be accepted after that
      while ((await status(i)) === 200 && Date.now() - revokedAt < 5_000) {
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(await status(i)).toBe(401);
      expect(Date.now() - revokedAt).toBeLessThan(DEFAULT_TOKEN_CACHE_TTL_MS + 2_000);
    }
  });

  it('with SCIM_TOKEN_CACHE_TTL_MS=0 a token revoked through the CLI is refused at once', async () => {
    const uncached = await ServerProcess.start(db.url, { MIGRATIONS_RUN: 'false', SCIM_TOKEN_CACHE_TTL_MS: '0' });
    try {
      const url = new URL(uncached.baseUrl);
      const get = async (t: string) =>
        (await request(url.origin).get(`${url.pathname}/Users`).set('Authorization', `Bearer ${t}`)).status;
      const extra = cli(db.url, 'token', 'create', '--tenant', 'acme', '--name', 'tmp0', '--scopes', 'users:read').trim();
      expect(await get(extra)).toBe(200);
      const list = parseJsonLines<{ id: string; name: string }>(cli(db.url, 'token', 'list', '--json'));
      cli(db.url, 'token', 'revoke', list.find((t) => t.name === 'tmp0')!.id);
      expect(await get(extra)).toBe(401);
    } finally {
      await uncached.stop();
    }
  }, 120_000);
});
