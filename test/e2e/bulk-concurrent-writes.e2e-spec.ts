/**
 * Concurrent Bulk writers of one resource (RFC 7644 §3.7, §3.14), on SQLite and MariaDB. A Bulk
 * operation's `version` is its If-Match: an operation without one asked for no precondition,
 * so like a plain PATCH/PUT without If-Match it is applied after the concurrent writes (the
 * store's row lock serialises them), never answered 412. An operation with a `version` that is
 * no longer current still gets 412, and only that operation.
 */
import { ENTERPRISE, USER_SCHEMA } from '../fixtures/users.factory';
import { TEST_DATABASES } from '../support/databases';
import { SCIM_JSON, TestApp } from '../support/test-app';

const BULK_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';

/** 20 different attributes of a User, each with the value one writer sets */
const ATTRIBUTES: ReadonlyArray<[path: string, value: string]> = [
  ['displayName', 'Babs Jensen'],
  ['nickName', 'Babs'],
  ['profileUrl', 'https://login.example.com/bjensen'],
  ['title', 'Tour Guide'],
  ['userType', 'Employee'],
  ['preferredLanguage', 'en-US'],
  ['locale', 'en-US'],
  ['timezone', 'America/Los_Angeles'],
  ['externalId', 'ext-bjensen'],
  ['name.givenName', 'Barbara'],
  ['name.familyName', 'Jensen'],
  ['name.middleName', 'Jane'],
  ['name.honorificPrefix', 'Ms.'],
  ['name.honorificSuffix', 'III'],
  ['name.formatted', 'Ms. Barbara J Jensen, III'],
  [`${ENTERPRISE}:employeeNumber`, '701984'],
  [`${ENTERPRISE}:costCenter`, '4130'],
  [`${ENTERPRISE}:organization`, 'Universal Studios'],
  [`${ENTERPRISE}:division`, 'Theme Park'],
  [`${ENTERPRISE}:department`, 'Tour Operations'],
];

interface OpResult {
  status: string;
  version?: string;
  response?: { scimType?: string };
}

describe.each(TEST_DATABASES)('concurrent Bulk writes of one resource on %s', (kind) => {
  let t: TestApp;
  let token: string;
  const auth = () => ({ Authorization: `Bearer ${token}` });
  const send = (req: ReturnType<TestApp['http']['post']>, body: unknown) =>
    req.set(auth()).set('Content-Type', SCIM_JSON).send(JSON.stringify(body));
  const bulk = (...operations: unknown[]) =>
    send(t.http.post('/scim/v2/Bulk'), { schemas: [BULK_REQUEST], Operations: operations });
  const statuses = (res: { body: { Operations: OpResult[] } }) => res.body.Operations.map((o) => o.status);
  const newUser = async (userName: string) => {
    const res = await send(t.http.post('/scim/v2/Users'), { schemas: [USER_SCHEMA], userName });
    expect(res.status).toBe(201);
    return res.body as { id: string; meta: { version: string } };
  };
  const read = async (path: string) => (await t.http.get(`/scim/v2${path}`).set(auth())).body;
  /** the value at `path` (`a.b`, or `<extension URN>:attr`) of a wire resource */
  const valueAt = (resource: Record<string, unknown>, path: string): unknown => {
    if (path.startsWith(`${ENTERPRISE}:`)) {
      const enterprise = resource[ENTERPRISE] as Record<string, unknown> | undefined;
      return enterprise?.[path.slice(ENTERPRISE.length + 1)];
    }
    const step = (v: unknown, k: string) => (v as Record<string, unknown> | undefined)?.[k];
    return path.split('.').reduce<unknown>(step, resource);
  };

  beforeAll(async () => {
    t = await TestApp.start(kind);
    token = await t.token('acme');
  });
  afterAll(async () => {
    await t?.close();
  });

  it(`${ATTRIBUTES.length} parallel Bulk PATCHes of other attributes, no version: all kept`, async () => {
    const user = await newUser('bjensen@example.com');
    const results = await Promise.all(
      ATTRIBUTES.map(([path, value]) =>
        bulk({
          method: 'PATCH',
          path: `/Users/${user.id}`,
          data: { schemas: [PATCH_OP], Operations: [{ op: 'replace', path, value }] },
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(ATTRIBUTES.map(() => 200));
    expect(results.map((r) => statuses(r)[0])).toEqual(ATTRIBUTES.map(() => '200'));
    const after = await read(`/Users/${user.id}`);
    expect(ATTRIBUTES.map(([path]) => [path, valueAt(after, path)])).toEqual(ATTRIBUTES);
    expect(after.meta.version).toBe(`W/"${ATTRIBUTES.length + 1}"`);
    // each writer reported the version its own write produced: all different
    const versions = results.map((r) => (r.body.Operations as OpResult[])[0].version);
    expect(new Set(versions).size).toBe(ATTRIBUTES.length);
  });

  it('parallel Bulk PUTs and PATCHes of one user without version, beside plain PATCHes: no 412', async () => {
    const user = await newUser('busy@example.com');
    const puts = Array.from({ length: 10 }, (_, i) =>
      bulk({
        method: 'PUT',
        path: `/Users/${user.id}`,
        data: { schemas: [USER_SCHEMA], userName: 'busy@example.com', title: `put-${i}` },
      }),
    );
    const patches = Array.from({ length: 10 }, (_, i) =>
      bulk({
        method: 'PATCH',
        path: `/Users/${user.id}`,
        data: {
          schemas: [PATCH_OP],
          Operations: [{ op: 'replace', path: 'nickName', value: `patch-${i}` }],
        },
      }),
    );
    const plain = Array.from({ length: 10 }, (_, i) =>
      send(t.http.patch(`/scim/v2/Users/${user.id}`), {
        schemas: [PATCH_OP],
        Operations: [{ op: 'replace', path: 'displayName', value: `plain-${i}` }],
      }),
    );
    // all sent at once (a supertest request starts when awaited)
    const all = await Promise.all([...puts, ...patches, ...plain]);
    const bulkResults = all.slice(0, puts.length + patches.length);
    const plainResults = all.slice(puts.length + patches.length);
    expect(bulkResults.map((r) => statuses(r)[0])).toEqual(bulkResults.map(() => '200'));
    expect(plainResults.map((r) => r.status)).toEqual(plainResults.map(() => 200));
    expect((await read(`/Users/${user.id}`)).meta.version).toBe('W/"31"');
  });

  it('parallel Bulk requests adding a member each to one group without version: all kept', async () => {
    const members = await Promise.all(
      Array.from({ length: 20 }, (_, i) => newUser(`member-${i}@example.com`)),
    );
    const crowd = { schemas: [GROUP], displayName: 'Crowd' };
    const group = (await send(t.http.post('/scim/v2/Groups'), crowd)).body;
    const results = await Promise.all(
      members.map((m) =>
        bulk({
          method: 'PATCH',
          path: `/Groups/${group.id}`,
          data: {
            schemas: [PATCH_OP],
            Operations: [{ op: 'add', path: 'members', value: [{ value: m.id }] }],
          },
        }),
      ),
    );
    for (const res of results) {
      expect(['200', '204']).toContain(statuses(res)[0]);
    }
    const after = await read(`/Groups/${group.id}`);
    expect((after.members as { value: string }[]).map((m) => m.value).sort()).toEqual(
      members.map((m) => m.id).sort(),
    );
  });

  it('a stale version is still 412, for that operation only', async () => {
    const user = await newUser('guarded@example.com');
    const replace = (value: string, version?: string) => ({
      method: 'PATCH',
      path: `/Users/${user.id}`,
      ...(version !== undefined ? { version } : {}),
      data: { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value }] },
    });
    // ten requests race with the same (current) version: one wins, nine find it stale
    const raced = await Promise.all(
      Array.from({ length: 10 }, (_, i) => bulk(replace(`raced-${i}`, user.meta.version))),
    );
    const raceStatuses = raced.map((r) => statuses(r)[0]);
    expect(raceStatuses.filter((s) => s === '200')).toHaveLength(1);
    expect(raceStatuses.filter((s) => s === '412')).toHaveLength(9);
    for (const res of raced.filter((r) => statuses(r)[0] === '412')) {
      expect((res.body.Operations as OpResult[])[0].response?.scimType).toBeUndefined();
    }
    // a version two writes old fails; the next operation of the request, without one, applies
    const res = await bulk(replace('stale', user.meta.version), replace('fresh'));
    expect(statuses(res)).toEqual(['412', '200']);
    const after = await read(`/Users/${user.id}`);
    expect(after.title).toBe('fresh');
    expect(after.meta.version).toBe('W/"3"');
  });
});
