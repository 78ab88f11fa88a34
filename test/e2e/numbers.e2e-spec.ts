/**
 * Never a 500 for a number (RFC 7644 §3.4.2.4, §3.4.3, §3.7; RFC 9865): paging parameters and
 * body numbers out of the safe-integer range are 400 invalidValue, in-range ones are clamped as
 * the RFC says, and cursors are sealed: opaque, bound to the tenant and the query, and a forged
 * or tampered one is 400 invalidCursor. On SQLite and MariaDB.
 */
import fc from 'fast-check';
import { queryFingerprint } from '../../src/core/messages/cursor';
import { TEST_DATABASES } from '../support/databases';
import { SCIM_JSON, TestApp } from '../support/test-app';

const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
const SEARCH = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
const BULK = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

type Res = { status: number; body: Record<string, unknown> };

const expectScimError = (res: Res, status: number, scimType: string) => {
  expect({ status: res.status, scimType: res.body.scimType }).toEqual({ status, scimType });
  expect(res.body.schemas).toEqual([ERROR_SCHEMA]);
};

/** the fingerprint of a query without filter, by userName or unsorted */
const fingerprint = (sortBy?: string) => queryFingerprint([undefined, sortBy, undefined]);

/** an unsealed cursor a client could hand-craft: base64url JSON bound to the right query */
const forge = (position: object, sortBy?: string) =>
  Buffer.from(JSON.stringify({ v: 1, q: fingerprint(sortBy), ...position })).toString('base64url');

describe.each(TEST_DATABASES)('Numbers and cursors on %s', (kind) => {
  let t: TestApp;
  let token: string;
  let other: string;
  const auth = (tk = token) => ({ Authorization: `Bearer ${tk}` });
  const list = (query: Record<string, string | number>, tk = token) =>
    t.http.get('/scim/v2/Users').query(query).set(auth(tk));
  const postJson = (path: string, text: string) =>
    t.http.post(path).set(auth()).set('Content-Type', SCIM_JSON).send(text);

  beforeAll(async () => {
    t = await TestApp.start(kind);
    token = await t.token('acme');
    other = await t.token('globex');
    for (let i = 0; i < 4; i++) {
      const body = { schemas: [USER], userName: `num-${i}@example.com` };
      const res = await postJson('/scim/v2/Users', JSON.stringify(body));
      expect(res.status).toBe(201);
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('query parameters (RFC 7644 §3.4.2.4)', () => {
    it.each([
      ['startIndex of 300 digits', { startIndex: '9'.repeat(300) }],
      ['startIndex = 2^63', { startIndex: '9223372036854775808' }],
      ['startIndex = -2^63', { startIndex: '-9223372036854775808' }],
      ['count beyond 64 bits', { count: '18446744073709551617' }],
      ['count = -10^40', { count: `-1${'0'.repeat(40)}` }],
    ])('%s is 400 invalidValue', async (_label, query) => {
      expectScimError(await list(query), 400, 'invalidValue');
    });

    it('clamps in-range values: startIndex < 1 is 1, count < 0 is 0', async () => {
      const low = await list({ startIndex: -5, count: 2 });
      expect(low.status).toBe(200);
      expect(low.body).toMatchObject({ startIndex: 1, itemsPerPage: 2, totalResults: 4 });
      const none = await list({ count: -3 });
      expect(none.status).toBe(200);
      expect(none.body).toMatchObject({ totalResults: 4, itemsPerPage: 0 });
    });

    it('answers the largest safe startIndex with an empty page', async () => {
      const res = await list({ startIndex: String(Number.MAX_SAFE_INTEGER) });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ totalResults: 4, Resources: [] });
    });
  });

  describe('bodies (RFC 7644 §3.4.3, §3.7)', () => {
    it.each([
      ['startIndex 1e300', '"startIndex": 1e300'],
      ['startIndex 2^63', '"startIndex": 9223372036854775808'],
      ['count -1e300', '"count": -1e300'],
      ['count 2^64', '"count": 18446744073709551616'],
    ])('.search with %s is 400 invalidValue', async (_label, member) => {
      const text = `{"schemas": ["${SEARCH}"], ${member}}`;
      expectScimError(await postJson('/scim/v2/Users/.search', text), 400, 'invalidValue');
      expectScimError(await postJson('/scim/v2/.search', text), 400, 'invalidValue');
    });

    it('Bulk with failOnErrors 1e300 is 400 invalidValue', async () => {
      const text = `{"schemas": ["${BULK}"], "failOnErrors": 1e300, "Operations": []}`;
      expectScimError(await postJson('/scim/v2/Bulk', text), 400, 'invalidValue');
    });
  });

  describe('cursors (RFC 9865)', () => {
    it('are opaque: no readable payload, no row numbers', async () => {
      const first = await list({ cursor: '', count: 1 });
      expect(first.status).toBe(200);
      const cursor = first.body.nextCursor as string;
      expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
      const decoded = Buffer.from(cursor, 'base64url').toString('latin1');
      expect(decoded).not.toMatch(/"[abo]"\s*:/);
      expect(() => JSON.parse(decoded) as unknown).toThrow();
      // the same position is sealed afresh each time: equal cursors reveal nothing either
      const again = await list({ cursor: '', count: 1 });
      expect(again.body.nextCursor).not.toBe(cursor);
      const next = await list({ cursor, count: 1 });
      const alsoNext = await list({ cursor: again.body.nextCursor as string, count: 1 });
      expect(next.status).toBe(200);
      expect(alsoNext.body.Resources).toEqual(next.body.Resources);
    });

    it.each([
      ['an offset of 1e300', { o: 1e300 }],
      ['an offset of 2^63', { o: 9223372036854775808 }],
      ['an offset of 2^53 - 1', { o: Number.MAX_SAFE_INTEGER }],
      ['a row number', { a: '1' }],
      ['a row number of 20 digits', { b: '99999999999999999999' }],
    ])('a hand-made cursor carrying %s is 400 invalidCursor', async (_label, position) => {
      expectScimError(await list({ cursor: forge(position) }), 400, 'invalidCursor');
      expectScimError(
        await list({ cursor: forge(position, 'userName'), sortBy: 'userName' }),
        400,
        'invalidCursor',
      );
    });

    it('a tampered cursor is 400 invalidCursor', async () => {
      const first = await list({ cursor: '', count: 1 });
      const cursor = first.body.nextCursor as string;
      const bytes = Buffer.from(cursor, 'base64url');
      for (const at of [0, Math.floor(bytes.length / 2), bytes.length - 1]) {
        const copy = Buffer.from(bytes);
        copy[at] ^= 1;
        expectScimError(await list({ cursor: copy.toString('base64url'), count: 1 }), 400, 'invalidCursor');
      }
    });

    it("a cursor of another tenant is 400 invalidCursor", async () => {
      const first = await list({ cursor: '', count: 1 });
      expect(first.body.nextCursor).toEqual(expect.any(String));
      expectScimError(await list({ cursor: first.body.nextCursor as string, count: 1 }, other), 400, 'invalidCursor');
    });

    it('.search refuses a forged cursor as well', async () => {
      const text = JSON.stringify({ schemas: [SEARCH], cursor: forge({ o: 1e300 }) });
      expectScimError(await postJson('/scim/v2/Users/.search', text), 400, 'invalidCursor');
    });
  });

  it('never answers 5xx to any number-like paging or filter parameter (property)', async () => {
    const digits = fc.stringMatching(/^[0-9]{1,320}$/);
    const numberText = fc.oneof(
      digits,
      fc.tuple(fc.constantFrom('', '-', '+', ' ', '-0'), digits).map(([s, d]) => s + d),
      fc.tuple(digits, fc.constantFrom('e', 'E', 'e-', 'e+', '.'), fc.stringMatching(/^[0-9]{1,4}$/)).map(
        ([m, e, x]) => m + e + x,
      ),
      fc.constantFrom('9223372036854775808', '18446744073709551616', '1e300', '-1e300', 'NaN', 'Infinity', '0x10'),
      fc.integer().map(String),
    );
    const cursor = fc.oneof(
      fc.constant(undefined),
      fc.constant(''),
      numberText.map((n) => forge({ o: n })),
      fc.oneof(fc.double(), fc.constantFrom(1e300, 2 ** 63, -1e300)).map((o) => forge({ o })),
      fc.oneof(fc.double(), fc.constantFrom(1e300, 2 ** 64)).map((o) => forge({ o }, 'userName')),
      numberText.map((a) => forge({ a })),
      numberText.map((b) => forge({ b })),
      fc.stringMatching(/^[A-Za-z0-9_-]{0,120}$/),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.option(numberText, { nil: undefined }),
        fc.option(numberText, { nil: undefined }),
        cursor,
        fc.boolean(),
        fc.option(
          fc.tuple(fc.constantFrom('userName', 'active', 'meta.created', 'name.givenName'), numberText),
          { nil: undefined },
        ),
        async (startIndex, count, c, sorted, filter) => {
          const query: Record<string, string> = {};
          for (const [k, v] of Object.entries({ startIndex, count, cursor: c })) {
            if (v !== undefined) {
              query[k] = v;
            }
          }
          if (sorted) {
            query.sortBy = 'userName';
          }
          if (filter) {
            query.filter = `${filter[0]} gt ${filter[1]}`;
          }
          const res = await list(query);
          expect(res.status).toBeLessThan(500);
        },
      ),
      { numRuns: 60 },
    );
  });
});
