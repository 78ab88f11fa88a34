/**
 * Concurrent writers of one resource (RFC 7644 §3.14). A client that sent no If-Match asked for
 * no precondition: its PUT/PATCH (or Bulk operation without `version`) is applied after the
 * concurrent ones, never refused with 412. A client that sent If-Match still gets 412 when the
 * resource changed under it. On SQLite and MariaDB; two server processes on one database are
 * covered by multi-instance.e2e-spec.ts.
 */
import { oktaUser } from '../fixtures/users.factory';
import { TEST_DATABASES } from '../support/databases';
import { SCIM_JSON, TestApp } from '../support/test-app';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const BULK_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const WRITERS = 50;

/** PATCH adding one distinct work email: every writer's change is visible afterwards */
const addEmail = (value: string) => ({
  schemas: [PATCH_OP],
  Operations: [{ op: 'add', path: 'emails', value: [{ value, type: 'work' }] }],
});

describe.each(TEST_DATABASES)('concurrent writes of one resource on %s', (kind) => {
  let t: TestApp;
  let token: string;
  const auth = () => ({ Authorization: `Bearer ${token}` });
  const send = (req: ReturnType<TestApp['http']['post']>, body: unknown) =>
    req.set(auth()).set('Content-Type', SCIM_JSON).send(JSON.stringify(body));
  const newUser = async () => {
    const { password: _p, emails: _e, ...body } = oktaUser();
    const res = await send(t.http.post('/scim/v2/Users'), body);
    expect(res.status).toBe(201);
    return res.body as { id: string; meta: { version: string } };
  };
  const emailsOf = async (id: string) =>
    ((await t.http.get(`/scim/v2/Users/${id}`).set(auth())).body.emails as { value: string }[]).map(
      (e) => e.value,
    );

  beforeAll(async () => {
    t = await TestApp.start(kind);
    token = await t.token('acme');
  });
  afterAll(async () => {
    await t?.close();
  });

  it(`${WRITERS} parallel PATCHes of one user without If-Match: all 200, all changes kept`, async () => {
    const user = await newUser();
    const values = Array.from({ length: WRITERS }, (_, i) => `writer-${i}@example.com`);
    const results = await Promise.all(
      values.map((v) => send(t.http.patch(`/scim/v2/Users/${user.id}`), addEmail(v))),
    );
    expect(results.map((r) => r.status)).toEqual(values.map(() => 200));
    expect((await emailsOf(user.id)).sort()).toEqual([...values].sort());
    const read = await t.http.get(`/scim/v2/Users/${user.id}`).set(auth());
    expect(read.body.meta.version).toBe(`W/"${WRITERS + 1}"`);
  });

  it(`${WRITERS} parallel PUTs of one group without If-Match: all applied in turn`, async () => {
    const group = (await send(t.http.post('/scim/v2/Groups'), { schemas: [GROUP], displayName: 'Busy' })).body;
    const results = await Promise.all(
      Array.from({ length: WRITERS }, (_, i) =>
        send(t.http.put(`/scim/v2/Groups/${group.id}`), { schemas: [GROUP], displayName: `Busy ${i}` }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(results.map(() => 200));
    const read = await t.http.get(`/scim/v2/Groups/${group.id}`).set(auth());
    expect(read.body.meta.version).toBe(`W/"${WRITERS + 1}"`);
  });

  it('parallel Bulk requests without version patching one user: every operation 200', async () => {
    const user = await newUser();
    const requests = 10;
    const perRequest = 5;
    const value = (r: number, o: number) => `bulk-${r}-${o}@example.com`;
    const results = await Promise.all(
      Array.from({ length: requests }, (_, r) =>
        send(t.http.post('/scim/v2/Bulk'), {
          schemas: [BULK_REQUEST],
          Operations: Array.from({ length: perRequest }, (_, o) => ({
            method: 'PATCH',
            path: `/Users/${user.id}`,
            data: addEmail(value(r, o)),
          })),
        }),
      ),
    );
    for (const res of results) {
      expect(res.status).toBe(200);
      expect(res.body.Operations.map((op: { status: string }) => op.status)).toEqual(
        Array.from({ length: perRequest }, () => '200'),
      );
    }
    const expected = Array.from({ length: requests }, (_, r) =>
      Array.from({ length: perRequest }, (_, o) => value(r, o)),
    ).flat();
    expect((await emailsOf(user.id)).sort()).toEqual(expected.sort());
  });

  it('parallel PATCHes with the same If-Match: one 200, every other one 412', async () => {
    const user = await newUser();
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        send(
          t.http.patch(`/scim/v2/Users/${user.id}`).set('If-Match', user.meta.version),
          addEmail(`guarded-${i}@example.com`),
        ),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 412)).toHaveLength(9);
    expect(await emailsOf(user.id)).toHaveLength(1);
  });
});
