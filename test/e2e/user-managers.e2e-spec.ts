/**
 * RFC 7643 §4.3 manager.displayName on a large list page: the server fills in each manager's
 * current displayName for a whole page at once, whatever the number of distinct managers (the
 * look-up is the server's own, never a client filter with a client filter's limits).
 */
import { ENTERPRISE, USER_SCHEMA } from '../fixtures/users.factory';
import { TEST_DATABASES } from '../support/databases';
import { SCIM_JSON, TestApp } from '../support/test-app';

const BULK_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const USERS = 1000;
/** operations per Bulk request while seeding (under maxOperations and maxPayloadSize) */
const CHUNK = 250;

interface Op {
  method: 'POST' | 'PATCH';
  path: string;
  bulkId?: string;
  data: unknown;
}

describe.each(TEST_DATABASES)('manager.displayName on a page of %s users', (kind) => {
  let t: TestApp;
  let token: string;
  const auth = () => ({ Authorization: `Bearer ${token}` });

  const bulk = async (ops: Op[]) => {
    const out: { status: string; location?: string }[] = [];
    for (let i = 0; i < ops.length; i += CHUNK) {
      const res = await t.http
        .post('/scim/v2/Bulk')
        .set(auth())
        .set('Content-Type', SCIM_JSON)
        .send(JSON.stringify({ schemas: [BULK_REQUEST], Operations: ops.slice(i, i + CHUNK) }));
      expect(res.status).toBe(200);
      out.push(...res.body.Operations);
    }
    return out;
  };

  beforeAll(async () => {
    t = await TestApp.start(kind);
    token = await t.token('acme');
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it(`GET /Users?count=${USERS} where every user has a distinct manager: 200 with each displayName`, async () => {
    const created = await bulk(
      Array.from({ length: USERS }, (_, i) => ({
        method: 'POST' as const,
        path: '/Users',
        bulkId: `u${i}`,
        data: { schemas: [USER_SCHEMA, ENTERPRISE], userName: `person-${i}@example.com`, displayName: `Person ${i}` },
      })),
    );
    expect(created.every((r) => r.status === '201')).toBe(true);
    const ids = created.map((r) => r.location!.split('/').pop()!);
    // user i is managed by user i+1 (the last by the first): 1000 distinct managers
    const managerOf = (i: number) => (i + 1) % USERS;
    const patched = await bulk(
      ids.map((id, i) => ({
        method: 'PATCH' as const,
        path: `/Users/${id}`,
        data: {
          schemas: [PATCH_OP],
          Operations: [{ op: 'add', path: `${ENTERPRISE}:manager`, value: { value: ids[managerOf(i)] } }],
        },
      })),
    );
    expect(patched.every((r) => r.status === '200')).toBe(true);

    const res = await t.http.get('/scim/v2/Users').query({ count: String(USERS) }).set(auth());
    expect(res.status).toBe(200);
    expect(res.body.totalResults).toBe(USERS);
    expect(res.body.Resources).toHaveLength(USERS);
    const index = new Map(ids.map((id, i) => [id, i]));
    for (const u of res.body.Resources as { id: string; [k: string]: unknown }[]) {
      const manager = (u[ENTERPRISE] as { manager: { value: string; displayName?: string } }).manager;
      const m = managerOf(index.get(u.id)!);
      expect(manager).toMatchObject({ value: ids[m], displayName: `Person ${m}` });
    }
  }, 180_000);
});
