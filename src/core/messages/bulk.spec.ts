import { ScimError, isScimError } from '../errors/scim-error';
import { planBulk } from './bulk.plan';
import { collectBulkIdRefs, replaceBulkIdRefs, stripBulkIdRefs } from './bulk.refs';
import { BulkOperation, BulkParseOptions, MAX_BULK_DATA_DEPTH, parseBulkRequest } from './bulk.request';
import { bulkResponse } from './bulk.response';
import { BULK_REQUEST_SCHEMA, BULK_RESPONSE_SCHEMA } from './list-response';

const OPTS: BulkParseOptions = { maxOperations: 10, endpoints: ['Users', 'Groups'] };
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const bulk = (Operations: unknown[], extra: Record<string, unknown> = {}) => ({
  schemas: [BULK_REQUEST_SCHEMA],
  ...extra,
  Operations,
});
const parse = (body: unknown, opts: BulkParseOptions = OPTS) => parseBulkRequest(body, opts);
const thrown = (fn: () => unknown): ScimError => {
  try {
    fn();
  } catch (e) {
    if (isScimError(e)) {
      return e;
    }
    throw e;
  }
  throw new Error('expected a ScimError');
};

/** a POST /Groups whose members reference `refs` by bulkId */
const group = (bulkId: string, ...refs: string[]) => ({
  method: 'POST',
  path: '/Groups',
  bulkId,
  data: {
    schemas: [GROUP],
    displayName: bulkId,
    members: refs.map((r) => ({ type: 'Group', value: `bulkId:${r}` })),
  },
});
const user = (bulkId: string) => ({
  method: 'POST',
  path: '/Users',
  bulkId,
  data: { schemas: [USER], userName: bulkId },
});

describe('parseBulkRequest: envelope (RFC 7644 §3.7)', () => {
  it.each<[string, unknown, number, string | undefined, RegExp]>([
    ['§3.7 body not an object', [], 400, 'invalidSyntax', /BulkRequest JSON object/],
    ['§3.7 no schemas', { Operations: [] }, 400, 'invalidSyntax', /schemas must contain/],
    [
      '§3.7 schemas without BulkRequest',
      { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [] },
      400,
      'invalidSyntax',
      /BulkRequest/,
    ],
    [
      '§3.7 schemas not an array',
      { schemas: BULK_REQUEST_SCHEMA, Operations: [] },
      400,
      'invalidSyntax',
      /schemas/,
    ],
    [
      '§3.7 Operations missing',
      { schemas: [BULK_REQUEST_SCHEMA] },
      400,
      'invalidSyntax',
      /Operations/,
    ],
    ['§3.7 Operations not an array', bulk({} as never), 400, 'invalidSyntax', /Operations/],
    ['§3.7 failOnErrors 0', bulk([], { failOnErrors: 0 }), 400, 'invalidValue', /failOnErrors/],
    [
      '§3.7 failOnErrors negative',
      bulk([], { failOnErrors: -1 }),
      400,
      'invalidValue',
      /failOnErrors/,
    ],
    [
      '§3.7 failOnErrors fraction',
      bulk([], { failOnErrors: 1.5 }),
      400,
      'invalidValue',
      /failOnErrors/,
    ],
    ['§3.7 failOnErrors 1e300', bulk([], { failOnErrors: 1e300 }), 400, 'invalidValue', /failOnErrors/],
    ['§3.7 failOnErrors 2^63', bulk([], { failOnErrors: 2 ** 63 }), 400, 'invalidValue', /failOnErrors/],
    [
      '§3.7 failOnErrors string',
      bulk([], { failOnErrors: '1' }),
      400,
      'invalidValue',
      /failOnErrors/,
    ],
    [
      '§3.7 bulkId not unique',
      bulk([user('a'), group('a')]),
      400,
      'invalidValue',
      /bulkId "a" is used by more than one POST/,
    ],
    [
      '§3.7.4 more operations than maxOperations → 413 naming the limit',
      bulk(Array.from({ length: 11 }, (_, i) => user(`u${i}`))),
      413,
      undefined,
      /number of operations \(11\) exceeds maxOperations \(10\)/,
    ],
  ])('%s', (_name, body, status, scimType, detail) => {
    const e = thrown(() => parse(body));
    expect(e.status).toBe(status);
    expect(e.scimType).toBe(scimType);
    expect(e.detail).toMatch(detail);
  });

  it('§3.7.4 exactly maxOperations is accepted', () => {
    const ops = Array.from({ length: 10 }, (_, i) => user(`u${i}`));
    expect(parse(bulk(ops)).operations).toHaveLength(10);
  });

  it('RFC 7643 §2.1 attribute names and the schema URN are case-insensitive', () => {
    const req = parse({
      SCHEMAS: [BULK_REQUEST_SCHEMA.toUpperCase()],
      failonerrors: 2,
      operations: [{ METHOD: 'post', Path: '/Users', BULKID: 'q', Data: { userName: 'a' } }],
    });
    expect(req.failOnErrors).toBe(2);
    expect(req.operations[0]).toMatchObject({
      method: 'POST',
      bulkId: 'q',
      target: { endpoint: 'Users' },
    });
    expect(req.operations[0].error).toBeUndefined();
  });

  it('§3.7 an empty Operations list and a null failOnErrors are valid', () => {
    expect(parse(bulk([], { failOnErrors: null }))).toEqual({ operations: [] });
  });
});

describe('parseBulkRequest: one operation (RFC 7644 §3.7)', () => {
  // routed: the path names a served endpoint in the shape the method needs; such an
  // operation keeps its target, so its scope is checked first and its location reported
  it.each<[string, unknown, number, string | undefined, boolean]>([
    ['§3.7 an operation that is not an object', 'POST /Users', 400, 'invalidSyntax', false],
    ['§3.7 method is REQUIRED', { path: '/Users/1' }, 400, 'invalidValue', true],
    [
      '§3.7 method is POST, PUT, PATCH or DELETE',
      { method: 'GET', path: '/Users/1' },
      400,
      'invalidValue',
      true,
    ],
    ['§3.7 path is REQUIRED', { method: 'DELETE' }, 400, 'invalidValue', false],
    [
      '§3.7 path is relative to the root',
      { method: 'DELETE', path: 'Users/1' },
      400,
      'invalidPath',
      false,
    ],
    [
      '§3.7 path has no query',
      { method: 'DELETE', path: '/Users/1?x=y' },
      400,
      'invalidPath',
      false,
    ],
    ['§3.7 path too deep', { method: 'DELETE', path: '/Users/1/x' }, 400, 'invalidPath', false],
    [
      '§3.7.3 unknown endpoint: what a single request gets',
      { method: 'DELETE', path: '/Devices/1' },
      404,
      undefined,
      false,
    ],
    [
      '§3.7 endpoints are case-sensitive',
      { method: 'DELETE', path: '/users/1' },
      404,
      undefined,
      false,
    ],
    [
      '§3.7 POST path is a resource type endpoint',
      { method: 'POST', path: '/Users/1', bulkId: 'a', data: {} },
      400,
      'invalidPath',
      false,
    ],
    [
      '§3.7 PUT path names a resource',
      { method: 'PUT', path: '/Users', data: {} },
      400,
      'invalidPath',
      false,
    ],
    [
      '§3.7 DELETE path names a resource',
      { method: 'DELETE', path: '/Groups' },
      400,
      'invalidPath',
      false,
    ],
    [
      '§3.7 bulkId is REQUIRED for POST',
      { method: 'POST', path: '/Users', data: {} },
      400,
      'invalidValue',
      true,
    ],
    [
      '§3.7 bulkId is a non-empty string',
      { method: 'POST', path: '/Users', bulkId: '', data: {} },
      400,
      'invalidValue',
      true,
    ],
    [
      '§3.7 bulkId is a string',
      { method: 'POST', path: '/Users', bulkId: 7, data: {} },
      400,
      'invalidValue',
      true,
    ],
    [
      '§3.7.2 bulkId is the bare id, not a reference',
      { method: 'POST', path: '/Users', bulkId: 'bulkId:a', data: {} },
      400,
      'invalidValue',
      true,
    ],
    [
      '§3.7 version is a string',
      { method: 'DELETE', path: '/Users/1', version: 1 },
      400,
      'invalidValue',
      true,
    ],
    [
      '§3.7 data is REQUIRED for POST',
      { method: 'POST', path: '/Users', bulkId: 'a' },
      400,
      'invalidValue',
      true,
    ],
    [
      '§3.7 data is REQUIRED for PUT',
      { method: 'PUT', path: '/Users/1' },
      400,
      'invalidValue',
      true,
    ],
    [
      '§3.7 data of PATCH is a PatchOp object',
      { method: 'PATCH', path: '/Users/1', data: [] },
      400,
      'invalidValue',
      true,
    ],
    [
      '§3.7.2 a reference no POST defines → 409',
      {
        method: 'PATCH',
        path: '/Groups/1',
        data: { Operations: [{ op: 'add', value: 'bulkId:nope' }] },
      },
      409,
      undefined,
      true,
    ],
    [
      '§3.7.2 a path reference no POST defines → 409',
      { method: 'DELETE', path: '/Users/bulkId:nope' },
      409,
      undefined,
      true,
    ],
  ])('%s', (_name, op, status, scimType, routed) => {
    const [parsed] = parse(bulk([op])).operations;
    expect(parsed.error?.status).toBe(status);
    expect(parsed.error?.scimType).toBe(scimType);
    expect(parsed.target !== undefined).toBe(routed);
  });

  // replacing the references of data 2,500 levels deep overflowed the stack: a 500 for the request
  it('data nested deeper than MAX_BULK_DATA_DEPTH is that operation\'s 400 invalidValue', () => {
    const nest = (levels: number) => {
      let v: unknown = 'bulkId:a';
      for (let i = 0; i < levels; i++) {
        v = i % 2 ? [v] : { value: v };
      }
      return v;
    };
    const deepUser = (levels: number) => ({
      method: 'POST',
      path: '/Users',
      bulkId: `d${levels}`,
      data: { schemas: [USER], userName: 'deep', x: nest(levels) },
    });
    const req = parse(bulk([user('a'), deepUser(MAX_BULK_DATA_DEPTH - 2), deepUser(100_000)]));
    expect(req.operations.map((o) => [o.error?.status, o.error?.scimType])).toEqual([
      [undefined, undefined],
      [undefined, undefined],
      [400, 'invalidValue'],
    ]);
  });

  it('§3.7 a bad operation fails alone: the others parse', () => {
    const req = parse(bulk([{ method: 'GET', path: '/Users' }, user('ok')]));
    expect(req.operations.map((o) => o.error?.status)).toEqual([400, undefined]);
  });

  it('§3.7 method is case-insensitive; version is the If-Match of PUT/PATCH/DELETE only', () => {
    const [post, del, put] = parse(
      bulk([
        { method: 'post', path: '/Users', bulkId: 'a', version: 'W/"1"', data: { userName: 'a' } },
        { method: 'Delete', path: '/Users/7%2F8', version: 'W/"3"', data: { ignored: 'bulkId:a' } },
        { method: 'put', path: '/Groups/bulkId:a', version: 'W/"2"', data: { displayName: 'x' } },
      ]),
    ).operations;
    expect(post).toEqual({
      index: 0,
      method: 'POST',
      bulkId: 'a',
      path: '/Users',
      target: { endpoint: 'Users' },
      data: { userName: 'a' },
      refs: [],
    });
    // DELETE carries no data (RFC 7644 §3.7: data is for POST, PUT, PATCH); ids are URL-decoded
    expect(del).toEqual({
      index: 1,
      method: 'DELETE',
      version: 'W/"3"',
      path: '/Users/7%2F8',
      target: { endpoint: 'Users', id: '7/8' },
      refs: [],
    });
    expect(put).toMatchObject({
      method: 'PUT',
      version: 'W/"2"',
      refs: ['a'],
      target: { id: 'bulkId:a' },
    });
  });
});

describe('bulkId references (RFC 7644 §3.7.2)', () => {
  it.each<[string, unknown, string[]]>([
    [
      '§3.7.2 group members',
      { members: [{ value: 'bulkId:a' }, { value: 'bulkId:b' }] },
      ['a', 'b'],
    ],
    [
      '§3.7.2 enterprise manager.value',
      { [ENTERPRISE]: { employeeNumber: '11250', manager: { value: 'bulkId:qwerty' } } },
      ['qwerty'],
    ],
    [
      '§3.7.2 a PatchOp value',
      { Operations: [{ op: 'add', path: 'members', value: [{ value: 'bulkId:x' }] }] },
      ['x'],
    ],
    ['each bulkId once, in order', ['bulkId:b', { v: 'bulkId:a' }, 'bulkId:b'], ['b', 'a']],
    [
      'a whole value only, not a substring',
      { a: 'see bulkId:a', b: 'xbulkId:b', c: 'BULKID:c' },
      [],
    ],
    ['the prefix alone is no reference', { a: 'bulkId:' }, []],
    ['keys are not values', { 'bulkId:a': 1 }, []],
    ['scalars', 42, []],
  ])('%s', (_name, value, refs) => {
    expect([...collectBulkIdRefs(value, new Set())]).toEqual(refs);
  });

  it('§3.7.2 "MUST replace the string bulkId:qwerty with the permanent resource id"', () => {
    const data = {
      schemas: [GROUP],
      displayName: 'Tour Guides',
      members: [
        { type: 'User', value: 'bulkId:qwerty' },
        { type: 'User', value: 'bulkId:unknown' },
      ],
    };
    const out = replaceBulkIdRefs(data, new Map([['qwerty', '92b725cd']]));
    expect(out.members).toEqual([
      { type: 'User', value: '92b725cd' },
      { type: 'User', value: 'bulkId:unknown' },
    ]);
    expect(data.members[0].value).toBe('bulkId:qwerty'); // the input is not changed
    expect(replaceBulkIdRefs('bulkId:qwerty', new Map([['qwerty', 'id1']]))).toBe('id1');
  });

  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    [
      '§3.7.1 a member that references the cycle is left out; the others stay',
      { displayName: 'A', members: [{ type: 'Group', value: 'bulkId:b' }, { value: 'u1' }] },
      { displayName: 'A', members: [{ value: 'u1' }] },
    ],
    [
      '§3.7.1 a complex attribute holding the reference goes, its siblings stay',
      {
        userName: 'Bob',
        [ENTERPRISE]: { employeeNumber: '11250', manager: { value: 'bulkId:b' } },
      },
      { userName: 'Bob', [ENTERPRISE]: { employeeNumber: '11250' } },
    ],
    [
      '§3.7.1 a top-level attribute that is a reference goes',
      { userName: 'x', externalId: 'bulkId:b' },
      { userName: 'x' },
    ],
    ['§3.7.1 strings in an array', { tags: ['bulkId:b', 'keep'] }, { tags: ['keep'] }],
    [
      '§3.7.1 references that are not selected stay',
      { members: [{ value: 'bulkId:done' }, { value: 'bulkId:b' }] },
      { members: [{ value: 'bulkId:done' }] },
    ],
  ])('%s', (_name, data, expected) => {
    expect(stripBulkIdRefs(data, (r) => r === 'b')).toEqual(expected);
  });
});

describe('planBulk: dependency order and cycles (RFC 7644 §3.7, §3.7.1)', () => {
  const plan = (ops: unknown[]) =>
    planBulk(parse(bulk(ops), { ...OPTS, maxOperations: 5000 }).operations).map((s) =>
      s.circular ? { circular: s.ops } : s.ops,
    );

  it.each<[string, unknown[], unknown[]]>([
    ['§3.7 without references: request order', [user('a'), user('b'), group('g')], [[0], [1], [2]]],
    [
      '§3.7.2 the RFC example (user, then the group with it as member) keeps its order',
      [
        user('qwerty'),
        { ...group('ytrewq'), data: { members: [{ type: 'User', value: 'bulkId:qwerty' }] } },
      ],
      [[0], [1]],
    ],
    [
      '§3.7 a POST runs before the first operation that references it',
      [group('g', 'u'), user('x'), user('u')],
      [[2], [0], [1]],
    ],
    [
      '§3.7 a chain in reverse order',
      [group('a', 'b'), group('b', 'c'), group('c')],
      [[2], [1], [0]],
    ],
    [
      '§3.7 a path reference orders too',
      [{ method: 'DELETE', path: '/Users/bulkId:u' }, user('u')],
      [[1], [0]],
    ],
    [
      '§3.7.1 the RFC example: two groups, each a member of the other',
      [group('qwerty', 'ytrewq'), group('ytrewq', 'qwerty')],
      [{ circular: [0, 1] }],
    ],
    ['§3.7.1 a resource referencing itself', [group('self', 'self')], [{ circular: [0] }]],
    [
      '§3.7.1 a cycle runs before what depends on it',
      [
        { method: 'PUT', path: '/Groups/bulkId:a', data: { displayName: 'x' } },
        group('a', 'b'),
        group('b', 'a'),
      ],
      [{ circular: [1, 2] }, [0]],
    ],
    [
      '§3.7.1 a three-cycle and an unrelated operation',
      [group('a', 'b'), user('x'), group('b', 'c'), group('c', 'a')],
      [{ circular: [0, 2, 3] }, [1]],
    ],
    [
      '§3.7.2 an operation that already failed has no dependencies',
      [group('a', 'nope', 'b'), user('b')],
      [[0], [1]],
    ],
  ])('%s', (_name, ops, expected) => {
    expect(plan(ops)).toEqual(expected);
  });

  it('§3.7.4 a chain of 4,000 references plans without recursion', () => {
    const n = 4000;
    const ops = Array.from({ length: n }, (_, i) =>
      i < n - 1 ? group(`g${i}`, `g${i + 1}`) : group(`g${i}`),
    );
    const steps = plan(ops);
    expect(steps).toHaveLength(n);
    expect(steps[0]).toEqual([n - 1]);
    expect(steps[n - 1]).toEqual([0]);
    const ring = plan(ops.map((op, i) => (i === n - 1 ? group(`g${i}`, 'g0') : op)));
    expect(ring).toEqual([{ circular: Array.from({ length: n }, (_, i) => i) }]);
  });

  it('every operation is in exactly one step', () => {
    const ops: readonly BulkOperation[] = parse(
      bulk([group('a', 'b'), group('b', 'a'), user('c'), group('d', 'c', 'a'), { method: 'GET' }]),
    ).operations;
    expect(
      planBulk(ops)
        .flatMap((s) => s.ops)
        .sort(),
    ).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('bulkResponse (RFC 7644 §3.7.3)', () => {
  it('§3.7.3 has the BulkResponse schema and the results as given', () => {
    const results = [{ method: 'DELETE', location: 'https://x/Users/1', status: '204' }];
    expect(bulkResponse(results)).toEqual({ schemas: [BULK_RESPONSE_SCHEMA], Operations: results });
  });
});
