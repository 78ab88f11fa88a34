/**
 * Same strings, same answers on SQLite and MariaDB (docs/security.md "Same strings, same
 * answers"). One table of string pairs, one table of expected results for both databases:
 *
 * - caseExact:false attributes (RFC 7643 §2.2, §4.1.1 userName; a group's displayName, unique
 *   case-insensitively like Entra ID's, docs/idp/quirks.md #12; emails.value) fold case the
 *   way JavaScript's toLowerCase does, and nothing else: accents, ß/ss, dotted İ, NFC/NFD,
 *   full-width letters, leading and trailing spaces and tabs all make different values;
 * - caseExact attributes (externalId, ids) compare exactly;
 * - a string that is not well-formed Unicode (a lone surrogate, `"\ud800"` in JSON) is 400
 *   (invalidFilter in a filter, invalidValue anywhere else), never stored.
 */
import { Buffer } from 'node:buffer';
import { TEST_DATABASES } from '../support/databases';
import { SCIM_JSON, TestApp } from '../support/test-app';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const SEARCH = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
const BULK = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** 'same': one value where case does not count (the second POST is 409); 'distinct': two values */
type Folded = 'same' | 'distinct';

/**
 * [label, first, second, how the two compare where case does not count]. Where case counts
 * (externalId), every pair is two values.
 */
const PAIRS: ReadonlyArray<readonly [string, string, string, Folded]> = [
  ['upper and lower case', 'bob', 'Bob', 'same'],
  ['an address in capitals', 'bob@example.com', 'BOB@EXAMPLE.COM', 'same'],
  ['accented capitals', 'RENÉ', 'rené', 'same'],
  ['capital sharp s (ẞ lower-cases to ß)', 'STRAẞE', 'straße', 'same'],
  ['full-width capitals', 'ＢＯＢ', 'ｂｏｂ', 'same'],
  ['an accent (é / e)', 'rené', 'rene', 'distinct'],
  ['sharp s and ss', 'straße', 'strasse', 'distinct'],
  ['dotted capital İ and i', 'İnci', 'inci', 'distinct'],
  ['dotless ı and i', 'ınci', 'inci', 'distinct'],
  ['NFC and NFD (é / e + U+0301)', 'jos\u00e9', 'jose\u0301', 'distinct'],
  ['full-width and ASCII letters', 'ｂｏｂ', 'bob', 'distinct'],
  ['a trailing space', 'bob', 'bob ', 'distinct'],
  ['one and two trailing spaces', 'bob ', 'bob  ', 'distinct'],
  ['a leading space', 'bob', ' bob', 'distinct'],
  ['a trailing tab', 'bob', 'bob\t', 'distinct'],
  ['a trailing tab and a trailing space', 'bob\t', 'bob ', 'distinct'],
  ['a no-break space and a space', 'bob\u00a0', 'bob ', 'distinct'],
  ['a trailing space after an emoji', 'bob😀', 'bob😀 ', 'distinct'],
];

type Call = (h: Helpers) => Promise<{ status: number; body: Record<string, unknown> }>;

interface Helpers {
  post(path: string, body: unknown): ReturnType<TestApp['http']['post']>;
  put(path: string, body: unknown): ReturnType<TestApp['http']['put']>;
  patch(path: string, body: unknown): ReturnType<TestApp['http']['patch']>;
  get(path: string, query?: Record<string, string>): ReturnType<TestApp['http']['get']>;
  userId: string;
  groupId: string;
}

const patchOp = (...ops: unknown[]) => ({ schemas: [PATCH_OP], Operations: ops });

/** Lone surrogates (not Unicode characters) where a client can put them: [label, scimType, request]. */
const LONE_SURROGATES: ReadonlyArray<readonly [string, string, Call]> = [
  ['POST /Users userName', 'invalidValue', (h) => h.post('/Users', { schemas: [USER], userName: 'x\ud800' })],
  ['POST /Users userName (low half)', 'invalidValue', (h) => h.post('/Users', { schemas: [USER], userName: '\udc00x' })],
  ['POST /Users userName (pair reversed)', 'invalidValue', (h) => h.post('/Users', { schemas: [USER], userName: 'x\ude00\ud83d' })],
  ['POST /Users externalId', 'invalidValue', (h) => h.post('/Users', { schemas: [USER], userName: 'ls1', externalId: 'E\ud800' })],
  ['POST /Users name.givenName', 'invalidValue', (h) => h.post('/Users', { schemas: [USER], userName: 'ls2', name: { givenName: '\ud800' } })],
  ['POST /Users emails[0].value', 'invalidValue', (h) => h.post('/Users', { schemas: [USER], userName: 'ls3', emails: [{ value: 'a\udfff@example.com' }] })],
  ['POST /Users password', 'invalidValue', (h) => h.post('/Users', { schemas: [USER], userName: 'ls4', password: 'pw\ud800' })],
  ['POST /Users an attribute name', 'invalidValue', (h) => h.post('/Users', { schemas: [USER], userName: 'ls5', ['nick\ud800Name']: 'x' })],
  ['POST /Groups displayName', 'invalidValue', (h) => h.post('/Groups', { schemas: [GROUP], displayName: 'g\ud800' })],
  ['POST /Groups members[0].value', 'invalidValue', (h) => h.post('/Groups', { schemas: [GROUP], displayName: 'ls6', members: [{ value: '\ud800' }] })],
  ['PUT /Users/{id} userName', 'invalidValue', (h) => h.put(`/Users/${h.userId}`, { schemas: [USER], userName: 'u\ud800' })],
  ['PATCH /Users/{id} replace value', 'invalidValue', (h) => h.patch(`/Users/${h.userId}`, patchOp({ op: 'replace', path: 'displayName', value: 'd\ud800' }))],
  ['PATCH /Users/{id} add without path', 'invalidValue', (h) => h.patch(`/Users/${h.userId}`, patchOp({ op: 'add', value: { title: '\udbff' } }))],
  ['PATCH /Users/{id} a value filter in the path', 'invalidValue', (h) => h.patch(`/Users/${h.userId}`, patchOp({ op: 'remove', path: 'emails[value eq "\ud800"]' }))],
  ['PATCH /Groups/{id} add members', 'invalidValue', (h) => h.patch(`/Groups/${h.groupId}`, patchOp({ op: 'add', path: 'members', value: [{ value: '\ud800' }] }))],
  ['GET /Users filter with a \\ud800 escape', 'invalidFilter', (h) => h.get('/Users', { filter: 'userName eq "x\\ud800"' })],
  ['GET /Groups filter with a \\udc00 escape', 'invalidFilter', (h) => h.get('/Groups', { filter: 'displayName sw "\\udc00"' })],
  ['POST /Users/.search filter', 'invalidFilter', (h) => h.post('/Users/.search', { schemas: [SEARCH], filter: 'userName eq "x\ud800"' })],
  ['POST /.search filter', 'invalidFilter', (h) => h.post('/.search', { schemas: [SEARCH], filter: 'externalId eq "\ud800"' })],
];

/** UTF-8 byte order, which is Unicode code point order (what both databases sort by) */
const byCodePoint = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

describe.each(TEST_DATABASES)('Same strings, same answers on %s', (kind) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await TestApp.start(kind);
  });
  afterAll(async () => {
    await t?.close();
  });

  const helpers = (token: string) => {
    const auth = { Authorization: `Bearer ${token}` };
    const send = <R extends { set: (k: string, v: string) => R; send: (b: string) => R }>(r: R, body: unknown) =>
      r.set('Content-Type', SCIM_JSON).send(JSON.stringify(body));
    return {
      post: (path: string, body: unknown) => send(t.http.post(`/scim/v2${path}`).set(auth), body),
      put: (path: string, body: unknown) => send(t.http.put(`/scim/v2${path}`).set(auth), body),
      patch: (path: string, body: unknown) => send(t.http.patch(`/scim/v2${path}`).set(auth), body),
      get: (path: string, query: Record<string, string> = {}) => t.http.get(`/scim/v2${path}`).query(query).set(auth),
      del: (path: string) => t.http.delete(`/scim/v2${path}`).set(auth),
    };
  };
  type H = ReturnType<typeof helpers>;

  const created = async (h: H, path: string, body: Record<string, unknown>): Promise<string> => {
    const res = await h.post(path, body);
    expect({ status: res.status, body: res.body }).toMatchObject({ status: 201 });
    return res.body.id as string;
  };
  const ids = async (h: H, path: string, filter: string): Promise<string[]> => {
    const res = await h.get(path, { filter, count: '10' });
    expect(res.status).toBe(200);
    return (res.body.Resources as Array<{ id: string }>).map((r) => r.id).sort();
  };
  const eq = (attr: string, v: string) => `${attr} eq ${JSON.stringify(v)}`;

  describe.each(PAIRS.map((p, i) => [i, ...p] as const))(
    'pair %i: %s (%j / %j)',
    (i, _label, first, second, folded) => {
      const same = folded === 'same';

      it(`userName: the second is ${same ? '409' : '201'}; eq finds exactly the one it names`, async () => {
        const h = helpers(await t.token(`p${i}-users`));
        const one = await created(h, '/Users', { schemas: [USER], userName: first });
        const res = await h.post('/Users', { schemas: [USER], userName: second });
        expect({ status: res.status, scimType: res.body.scimType }).toEqual(
          same ? { status: 409, scimType: 'uniqueness' } : { status: 201, scimType: undefined },
        );
        const two = same ? one : (res.body.id as string);
        expect(res.status === 201 ? res.body.userName : second).toBe(second);
        expect(await ids(h, '/Users', eq('userName', first))).toEqual([one]);
        expect(await ids(h, '/Users', eq('userName', second))).toEqual([two]);
      });

      it('externalId (caseExact) and emails.value: eq finds exactly what it names', async () => {
        const h = helpers(await t.token(`p${i}-ext`));
        const a = await created(h, '/Users', { schemas: [USER], userName: 'a', externalId: first, emails: [{ value: first }] });
        const b = await created(h, '/Users', { schemas: [USER], userName: 'b', externalId: second, emails: [{ value: second }] });
        expect(await ids(h, '/Users', eq('externalId', first))).toEqual([a]);
        expect(await ids(h, '/Users', eq('externalId', second))).toEqual([b]);
        const both = [a, b].sort();
        expect(await ids(h, '/Users', eq('emails.value', first))).toEqual(same ? both : [a]);
        expect(await ids(h, '/Users', `emails[${eq('value', second)}]`)).toEqual(same ? both : [b]);
      });

      it(`group displayName: the second is ${same ? '409' : '201'}; eq finds exactly the one it names`, async () => {
        const h = helpers(await t.token(`p${i}-groups`));
        const one = await created(h, '/Groups', { schemas: [GROUP], displayName: first });
        const res = await h.post('/Groups', { schemas: [GROUP], displayName: second });
        expect({ status: res.status, scimType: res.body.scimType }).toEqual(
          same ? { status: 409, scimType: 'uniqueness' } : { status: 201, scimType: undefined },
        );
        const two = same ? one : (res.body.id as string);
        expect(await ids(h, '/Groups', eq('displayName', first))).toEqual([one]);
        expect(await ids(h, '/Groups', eq('displayName', second))).toEqual([two]);
      });

      it(`a tombstone comes back by externalId never, by userName ${same ? 'yes' : 'no'}`, async () => {
        const slug = `p${i}-soft`;
        const h = helpers(await t.token(slug));
        await t.tenantService.updateTenant(slug, { deprovisioning: 'soft' });
        const gone = await created(h, '/Users', { schemas: [USER], userName: first, externalId: first });
        expect((await h.del(`/Users/${gone}`)).status).toBe(204);
        const byExternalId = await created(h, '/Users', { schemas: [USER], userName: 'someone else', externalId: second });
        expect(byExternalId).not.toBe(gone);
        const byUserName = await created(h, '/Users', { schemas: [USER], userName: second });
        expect(byUserName === gone).toBe(same);
      });
    },
  );

  it('sortBy=userName orders every value of the table the same way (code point order)', async () => {
    const h = helpers(await t.token('sorting'));
    const names = [...new Set(PAIRS.flatMap(([, a, b]) => [a, b]).map((s) => s.toLowerCase()))];
    for (const n of names) {
      await created(h, '/Users', { schemas: [USER], userName: n });
    }
    const res = await h.get('/Users', { sortBy: 'userName', count: '100' });
    expect(res.status).toBe(200);
    const got = (res.body.Resources as Array<{ userName: string }>).map((r) => r.userName);
    expect(got).toEqual([...names].sort(byCodePoint));
  });

  it('an id followed by spaces or a tab is not the id: 404, not a member, not matched', async () => {
    const h = helpers(await t.token('ids'));
    const user = await created(h, '/Users', { schemas: [USER], userName: 'ids' });
    const group = await created(h, '/Groups', { schemas: [GROUP], displayName: 'ids' });
    for (const suffix of ['%20', '%20%20', '%09']) {
      for (const path of [`/Users/${user}${suffix}`, `/Groups/${group}${suffix}`]) {
        const body = path.startsWith('/Users')
          ? { schemas: [USER], userName: 'ids' }
          : { schemas: [GROUP], displayName: 'ids' };
        // one after the other: a DELETE that found the resource must not hide the others
        const statuses = [
          (await h.get(path)).status,
          (await h.put(path, body)).status,
          (await h.patch(path, patchOp({ op: 'replace', path: 'displayName', value: 'x' }))).status,
          (await h.del(path)).status,
        ];
        expect({ path, statuses }).toEqual({ path, statuses: [404, 404, 404, 404] });
      }
    }
    expect((await h.get(`/Users/${user}`)).status).toBe(200);
    expect((await h.get(`/Groups/${group}`)).status).toBe(200);
    // nor a member, nor a match for `id eq` / `members.value eq`
    for (const value of [`${user} `, `${user}\t`]) {
      const add = await h.patch(`/Groups/${group}`, patchOp({ op: 'add', path: 'members', value: [{ value }] }));
      expect({ status: add.status, scimType: add.body.scimType }).toEqual({ status: 400, scimType: 'invalidValue' });
      expect(await ids(h, '/Users', eq('id', value))).toEqual([]);
    }
    const member = await h.patch(`/Groups/${group}`, patchOp({ op: 'add', path: 'members', value: [{ value: user }] }));
    expect(member.status).toBe(204);
    expect(await ids(h, '/Groups', eq('members.value', user))).toEqual([group]);
    expect(await ids(h, '/Groups', eq('members.value', `${user} `))).toEqual([]);
  });

  describe('strings that are not well-formed Unicode (lone surrogates)', () => {
    let h: H & { userId: string; groupId: string };

    beforeAll(async () => {
      const base = helpers(await t.token('lone'));
      const userId = await created(base, '/Users', { schemas: [USER], userName: 'lone' });
      const groupId = await created(base, '/Groups', { schemas: [GROUP], displayName: 'lone' });
      h = { ...base, userId, groupId };
    });

    it.each(LONE_SURROGATES)('%s is 400 %s', async (_label, scimType, call) => {
      const res = await call(h);
      expect({ status: res.status, scimType: res.body.scimType, schemas: res.body.schemas }).toEqual({
        status: 400,
        scimType,
        schemas: [ERROR_SCHEMA],
      });
    });

    it('nothing was stored: the tenant still has its one user and group', async () => {
      expect((await h.get('/Users')).body.totalResults).toBe(1);
      expect((await h.get('/Groups')).body.totalResults).toBe(1);
    });

    it('Bulk: each operation with one is its own 400 invalidValue; the others run', async () => {
      const res = await h.post('/Bulk', {
        schemas: [BULK],
        Operations: [
          { method: 'POST', path: '/Users', bulkId: 'a', data: { schemas: [USER], userName: 'bulk\ud800' } },
          { method: 'DELETE', path: '/Users/\ud800' },
          { method: 'PATCH', path: `/Users/${h.userId}`, data: patchOp({ op: 'replace', path: 'title', value: '\udc00' }) },
          { method: 'POST', path: '/Users', bulkId: 'b', data: { schemas: [USER], userName: 'bulk-ok' } },
        ],
      });
      expect(res.status).toBe(200);
      const ops = res.body.Operations as Array<{ status: string; response?: { scimType?: string } }>;
      expect(ops.map((o) => [o.status, o.response?.scimType])).toEqual([
        ['400', 'invalidValue'],
        ['400', 'invalidValue'],
        ['400', 'invalidValue'],
        ['201', undefined],
      ]);
    });

    it('a path whose percent-encoding is not UTF-8 (a lone surrogate, CESU-8) is 400', async () => {
      for (const path of ['/Users/%ED%A0%80', '/Groups/%ED%B0%80']) {
        expect((await h.get(path)).status).toBe(400);
      }
    });
  });
});
