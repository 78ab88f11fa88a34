/**
 * The SQL statements of the single-resource hot paths, counted at the drivers
 * (SCIM_COUNT_STATEMENTS, read from /metrics), on SQLite, MariaDB/MySQL and PostgreSQL: so that a statement
 * added to a GET by id, a create, a replace, a deactivation or a delete shows as a failure
 * here, not only as a slower benchmark. The token is answered from memory (the default
 * SCIM_TOKEN_CACHE_TTL_MS, here held for the whole suite so that no count depends on timing);
 * with the cache off every request reads it: one SELECT more (the last test).
 */
import { oktaUser } from '../fixtures/users.factory';
import { DatabaseKind, TEST_DATABASES } from '../support/databases';
import { TestApp } from '../support/test-app';

const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

type Counts = Record<string, number>;

describe.each(TEST_DATABASES)('statements per request on %s', (kind: DatabaseKind) => {
  let t: TestApp;
  let auth: { Authorization: string };

  /** the request statements by kind (scim_db_request_statements_total) */
  const counters = async (): Promise<Counts> => {
    const text = (await t.http.get('/metrics')).text;
    const out: Counts = {};
    for (const m of text.matchAll(/^scim_db_request_statements_total\{kind="(\w+)"\} (\d+)$/gm)) {
      out[m[1]] = Number(m[2]);
    }
    return out;
  };

  /** the statements `request` sent, by kind (kinds that did not occur are left out) */
  const statementsOf = async (request: () => Promise<{ status: number }>, status: number): Promise<Counts> => {
    const before = await counters();
    expect((await request()).status).toBe(status);
    const after = await counters();
    const diff: Counts = {};
    for (const [k, v] of Object.entries(after)) {
      if (v !== before[k]) {
        diff[k] = v - (before[k] ?? 0);
      }
    }
    return diff;
  };

  const newUser = async () => {
    const { password: _p, groups: _g, ...body } = oktaUser();
    const res = await t.http.post('/scim/v2/Users').set(auth).send(body);
    expect(res.status).toBe(201);
    return res.body as { id: string; userName: string } & Record<string, unknown>;
  };

  let member: { id: string; userName: string } & Record<string, unknown>;

  beforeAll(async () => {
    t = await TestApp.start(kind, { SCIM_COUNT_STATEMENTS: 'true', SCIM_TOKEN_CACHE_TTL_MS: '60000' });
    auth = { Authorization: `Bearer ${await t.token()}` };
    member = await newUser();
    const others = await Promise.all([newUser(), newUser()]);
    const group = await t.http
      .post('/scim/v2/Groups')
      .set(auth)
      .send({ schemas: [GROUP], displayName: 'Counted', members: [member, ...others].map((u) => ({ value: u.id })) });
    expect(group.status).toBe(201);
    // the token's first use writes its last-used time (at most once a minute): not counted below
    expect((await t.http.get(`/scim/v2/Users/${member.id}`).set(auth)).status).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('/metrics shows the request counters by kind', async () => {
    expect(Object.keys(await counters()).sort()).toEqual(
      ['begin', 'commit', 'delete', 'insert', 'other', 'rollback', 'select', 'update'],
    );
  });

  it('GET /Users/{id}: the user with its groups in one SELECT', async () => {
    const res = await t.http.get(`/scim/v2/Users/${member.id}`).set(auth);
    expect(res.body.groups).toHaveLength(1);
    expect(await statementsOf(() => t.http.get(`/scim/v2/Users/${member.id}`).set(auth), 200)).toEqual({ select: 1 });
  });

  it('GET /Users/{id} of a user whose group is in a group: the walk to the indirect groups is one more', async () => {
    const user = await newUser();
    const inner = await t.http
      .post('/scim/v2/Groups')
      .set(auth)
      .send({ schemas: [GROUP], displayName: 'Inner: a, b 🚀', members: [{ value: user.id }] });
    const outer = await t.http
      .post('/scim/v2/Groups')
      .set(auth)
      .send({ schemas: [GROUP], displayName: 'Outer', members: [{ value: inner.body.id, type: 'Group' }] });
    expect([inner.status, outer.status]).toEqual([201, 201]);
    const res = await t.http.get(`/scim/v2/Users/${user.id}`).set(auth);
    expect(res.body.groups).toEqual([
      expect.objectContaining({ value: inner.body.id, display: 'Inner: a, b 🚀', type: 'direct' }),
      expect.objectContaining({ value: outer.body.id, display: 'Outer', type: 'indirect' }),
    ]);
    expect(await statementsOf(() => t.http.get(`/scim/v2/Users/${user.id}`).set(auth), 200)).toEqual({ select: 2 });
  });

  it('POST /Users: the tombstone look-up, the row, its values and its event in one transaction', async () => {
    const { password: _p, groups: _g, ...body } = oktaUser();
    expect(await statementsOf(() => t.http.post('/scim/v2/Users').set(auth).send(body), 201)).toEqual({
      select: 1,
      begin: 1,
      insert: 3,
      commit: 1,
    });
  });

  it('PUT /Users/{id}: one locked read of the row with its groups, its UPDATE and event', async () => {
    const { id: _i, meta: _m, groups: _g, ...current } = (await t.http.get(`/scim/v2/Users/${member.id}`).set(auth)).body;
    const body = { ...current, displayName: 'Replaced', title: 'Counted' };
    const put = await t.http.put(`/scim/v2/Users/${member.id}`).set(auth).send({ ...body, title: 'First' });
    // the answer has the groups read with the lock
    expect(put.body.groups).toEqual([expect.objectContaining({ display: 'Counted', type: 'direct' })]);
    expect(await statementsOf(() => t.http.put(`/scim/v2/Users/${member.id}`).set(auth).send(body), 200)).toEqual({
      select: 1,
      begin: 1,
      update: 1,
      insert: 1,
      commit: 1,
    });
  });

  it('PUT /Users/{id} whose emails list their members in another order: the same statements', async () => {
    const { id: _i, meta: _m, groups: _g, ...current } = (await t.http.get(`/scim/v2/Users/${member.id}`).set(auth)).body;
    // the same values, each email's members reversed (a client need not keep the stored order,
    // and PostgreSQL's jsonb gives the document back in an order of its own)
    const reversed = (current.emails as Record<string, unknown>[]).map((e) => Object.fromEntries(Object.entries(e).reverse()));
    expect(reversed.length).toBeGreaterThan(0);
    const body = { ...current, emails: reversed, title: 'Reordered' };
    expect(await statementsOf(() => t.http.put(`/scim/v2/Users/${member.id}`).set(auth).send(body), 200)).toEqual({
      select: 1,
      begin: 1,
      update: 1,
      insert: 1,
      commit: 1,
    });
  });

  it('PATCH active=false (Okta, no path): as PUT', async () => {
    const patch = { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: false } }] };
    expect(await statementsOf(() => t.http.patch(`/scim/v2/Users/${member.id}`).set(auth).send(patch), 200)).toEqual({
      select: 1,
      begin: 1,
      update: 1,
      insert: 1,
      commit: 1,
    });
  });

  it('DELETE /Users/{id} of a group member: one transaction, one row of the group and one membership row', async () => {
    expect(await statementsOf(() => t.http.delete(`/scim/v2/Users/${member.id}`).set(auth), 204)).toEqual({
      select: 2,
      begin: 1,
      delete: 2,
      update: 1,
      insert: 1,
      commit: 1,
    });
  });

  it('DELETE /Users/{id} of a user in no group: nothing written to groups', async () => {
    const lone = await newUser();
    expect(await statementsOf(() => t.http.delete(`/scim/v2/Users/${lone.id}`).set(auth), 204)).toEqual({
      select: 2,
      begin: 1,
      delete: 1,
      insert: 1,
      commit: 1,
    });
  });

  it('with SCIM_TOKEN_CACHE_TTL_MS=0 every request reads its token: a GET by id is one SELECT more', async () => {
    const uncached = await TestApp.attach(t.db.url, { SCIM_COUNT_STATEMENTS: 'true', SCIM_TOKEN_CACHE_TTL_MS: '0' });
    try {
      const read = async () => {
        const text = (await uncached.http.get('/metrics')).text;
        return Number(/^scim_db_request_statements_total\{kind="select"\} (\d+)$/m.exec(text)?.[1] ?? 0);
      };
      const user = await uncached.http.post('/scim/v2/Users').set(auth).send((({ password: _p, groups: _g, ...b }) => b)(oktaUser()));
      expect(user.status).toBe(201);
      const before = await read();
      expect((await uncached.http.get(`/scim/v2/Users/${user.body.id}`).set(auth)).status).toBe(200);
      expect((await read()) - before).toBe(2);
    } finally {
      await uncached.app.close();
    }
  });
});
