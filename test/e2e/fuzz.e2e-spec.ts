/**
 * Nothing a client sends produces a 5xx (RFC 7644 §3.12: a request the server cannot honour is
 * a 4xx with a SCIM error body). fast-check drives the real HTTP server (one app per database,
 * SQLite and MariaDB) with filters from a grammar-aware generator (valid, near-valid, garbage,
 * huge and deep), paging/sorting/projection parameters, .search bodies, POST/PUT bodies of any
 * shape, PATCH bodies, Bulk requests with bulkId references and cycles, bodies that are not
 * JSON or carry the wrong Content-Type, and odd resource ids. Every answer must be < 500; every
 * answer >= 400 must be a SCIM error (`schemas` holds the Error URN, `status` is the status as
 * a string); every Bulk operation's own status must be < 500; Object.prototype must stay clean.
 *
 * Reproduce a failure with its seed (printed at the start of the file):
 *   FUZZ_SEED=<seed> npx jest test/e2e/fuzz.e2e-spec.ts
 * FUZZ_RUNS=<n> multiplies the number of runs (and the time budget) of every property;
 * FUZZ_DUMP=<file> appends every failing request, in full, to that file (one JSON per line);
 * FUZZ_STATS=1 prints how often each status came back, per property (is the fuzz reaching past
 * the first 400?).
 */
import fc from 'fast-check';
import { appendFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { TEST_DATABASES } from '../support/databases';
import { TestApp } from '../support/test-app';
import {
  attrList,
  attrPath,
  filter,
  patchPath,
  sortOrder,
} from '../support/fuzz-filter.arbitraries';
import {
  BULK,
  ENTERPRISE,
  GROUP,
  J,
  Obj,
  PATCH_OP,
  SEARCH,
  USER,
  deep,
  hugeText,
  json,
  key,
  mutate,
  obj,
  schemasFor,
  text,
  toJson,
} from '../support/fuzz-json.arbitraries';

const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Date.now() % 2 ** 31;
const SCALE = Math.max(1, Number(process.env.FUZZ_RUNS) || 1);
console.log(`fuzz seed ${SEED} (reproduce: FUZZ_SEED=${SEED} npx jest test/e2e/fuzz.e2e-spec.ts)`);

/** runs and wall-clock budget of a property; the whole file stays under ~60 s per database */
const budget = (numRuns: number, seconds: number): fc.Parameters<unknown> => ({
  seed: SEED,
  numRuns: numRuns * SCALE,
  interruptAfterTimeLimit: seconds * 1000 * SCALE,
  markInterruptAsFailure: false,
});

interface Res {
  status: number;
  text: string;
}

interface Req {
  method: string;
  path: string;
  token?: string;
  contentType?: string;
  headers?: Record<string, string>;
  body?: string;
}

const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype).sort().join(',');

const show = (r: Req) =>
  `${r.method} ${r.path.slice(0, 300)}${r.contentType ? ` (${r.contentType})` : ''}` +
  `${r.body !== undefined ? `\n  body: ${r.body.slice(0, 600)}` : ''}`;

/** The rule under test: < 500, and a SCIM error body for every 4xx. Throws with the request. */
function check(req: Req, res: Res): void {
  const fail = (why: string) => {
    if (process.env.FUZZ_DUMP) {
      appendFileSync(process.env.FUZZ_DUMP, `${JSON.stringify({ why, ...req, status: res.status })}\n`);
    }
    throw new Error(`${why}\n  ${show(req)}\n  -> ${res.status} ${res.text.slice(0, 600)}`);
  };
  if (Object.getOwnPropertyNames(Object.prototype).sort().join(',') !== PROTOTYPE_NAMES) {
    fail('Object.prototype was changed');
  }
  if (res.status >= 500) {
    fail(`a ${res.status}`);
  }
  let body: unknown;
  if (res.status >= 400 || req.path.includes('/Bulk')) {
    try {
      body = JSON.parse(res.text);
    } catch {
      fail('the body is not JSON');
    }
  }
  if (res.status >= 400) {
    const b = body as { schemas?: unknown; status?: unknown };
    if (!Array.isArray(b?.schemas) || !b.schemas.includes(ERROR_SCHEMA)) {
      fail('not a SCIM error body');
    }
    if (b.status !== String(res.status)) {
      fail('status is not the HTTP status as a string');
    }
  } else if (req.path.includes('/Bulk') && res.status === 200) {
    const ops = (body as { Operations?: Array<{ status?: unknown }> }).Operations ?? [];
    const bad = ops.find((o) => !(Number(o.status) < 500));
    if (bad) {
      fail(`a Bulk operation answered ${String(bad.status)}`);
    }
  }
}

/**
 * FUZZ_STATS=1: how often each status and scimType came back, per property; FUZZ_STATS=detail
 * also the most frequent error details (to see whether the generators get past the first 400).
 */
class StatusCounts {
  private readonly byTest = new Map<string, Map<string, number>>();
  private readonly details = new Map<string, number>();
  private readonly mode = process.env.FUZZ_STATS;

  count(res: Res): void {
    if (!this.mode) {
      return;
    }
    const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
    const name = expect.getState().currentTestName ?? '';
    const counts = this.byTest.get(name) ?? new Map<string, number>();
    this.byTest.set(name, counts);
    const scimType = res.status >= 400 ? (/"scimType":"(\w+)"/.exec(res.text)?.[1] ?? '') : '';
    bump(counts, `${res.status} ${scimType}`.trim());
    if (res.status === 200 && res.text.includes('BulkResponse')) {
      type Op = { status: string; response?: { detail?: string } };
      const ops = (JSON.parse(res.text) as { Operations?: Op[] }).Operations ?? [];
      for (const o of ops) {
        bump(counts, `operation ${o.status}`);
        if (this.mode === 'detail' && o.response?.detail) {
          bump(this.details, `operation: ${o.response.detail.slice(0, 70).replace(/[0-9a-f-]{36}|\d+/g, '#')}`);
        }
      }
    }
    if (this.mode === 'detail' && res.status >= 400) {
      const detail = /"detail":"(.{0,70})/.exec(res.text)?.[1] ?? '';
      bump(this.details, detail.replace(/[0-9a-f-]{36}|\d+/g, '#'));
    }
  }

  print(): void {
    const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
    for (const [name, counts] of this.byTest) {
      console.log(`${name}\n  ${sorted(counts).map(([k, n]) => `${k}: ${n}`).join(', ')}`);
    }
    if (this.details.size) {
      console.log(sorted(this.details).slice(0, 60).map(([k, n]) => `${n} ${k}`).join('\n'));
    }
  }
}

describe.each(TEST_DATABASES)('Fuzz: no 5xx on %s', (kind) => {
  let t: TestApp;
  let agent: Agent;
  let port: number;
  /** per tenant profile: the token, and the ids of its seeded users and groups */
  const tenants: Array<{ token: string; users: string[]; groups: string[]; victims: string[] }> = [];
  const pick = <T>(xs: readonly T[], i: number) => xs[i % xs.length];

  /** one HTTP request over a keep-alive connection, bytes as given (no client-side encoding) */
  const send = (req: Req): Promise<Res> =>
    new Promise((resolve, reject) => {
      const headers: Record<string, string> = { ...(req.headers ?? {}) };
      if (req.token) {
        headers.Authorization = `Bearer ${req.token}`;
      }
      if (req.contentType !== undefined) {
        headers['Content-Type'] = req.contentType;
      }
      const body = req.body !== undefined ? Buffer.from(req.body, 'utf8') : undefined;
      if (body) {
        headers['Content-Length'] = String(body.length);
      }
      const r = request(
        { host: '127.0.0.1', port, method: req.method, path: req.path, headers, agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
          );
          res.on('error', reject);
        },
      );
      r.on('error', reject);
      r.end(body);
    });

  const stats = new StatusCounts();
  const exchange = async (req: Req) => {
    const res = await send(req);
    stats.count(res);
    check(req, res);
    return res;
  };

  const post = async (token: string, path: string, body: unknown) => {
    const res = await send({ method: 'POST', path, token, contentType: 'application/scim+json', body: JSON.stringify(body) });
    expect(res.status).toBe(201);
    return (JSON.parse(res.text) as { id: string }).id;
  };

  beforeAll(async () => {
    t = await TestApp.start(kind);
    port = (t.app.getHttpServer().address() as { port: number }).port;
    agent = new Agent({ keepAlive: true, maxSockets: 1 });
    await t.tenantService.createTenant('strict', 'rfc-strict');
    for (const slug of ['acme', 'strict']) {
      const token = await t.token(slug);
      const seed = async (prefix: string, n: number) => {
        const ids: string[] = [];
        for (let i = 0; i < n; i++) {
          ids.push(
            await post(token, '/scim/v2/Users', {
              schemas: [USER, ENTERPRISE],
              userName: `${prefix}-${i}@example.com`,
              name: { givenName: `Given ${i}`, familyName: 'Family' },
              emails: [{ value: `${prefix}-${i}@example.com`, type: 'work', primary: true }],
              active: i % 2 === 0,
              [ENTERPRISE]: { employeeNumber: String(i), ...(ids[0] ? { manager: { value: ids[0] } } : {}) },
            }),
          );
        }
        return ids;
      };
      const users = await seed('seed', 4);
      const victims = await seed('victim', 4);
      const groups: string[] = [];
      for (let i = 0; i < 3; i++) {
        const members = [...users.slice(0, i + 1), ...groups.slice(-1)].map((value) => ({ value }));
        groups.push(await post(token, '/scim/v2/Groups', { schemas: [GROUP], displayName: `seed-group-${i}`, members }));
      }
      tenants.push({ token, users, groups, victims });
    }
  });
  afterAll(async () => {
    stats.print();
    agent?.destroy();
    await t?.close();
  });

  const tenantIndex = fc.nat({ max: 1 });
  const anyId = (tn: (typeof tenants)[number]) => [...tn.users, ...tn.groups, ...tenants[0].users.slice(0, 1), ...tenants[1].groups.slice(0, 1)];

  /** `a` present with probability odds / (odds + 3), else undefined */
  const sometimes = <T>(a: fc.Arbitrary<T>, odds = 1) =>
    fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: odds, arbitrary: a });

  /** stands for a cursor the server issued (for the same query or another one) */
  const ISSUED = '\u0000issued';

  /** a query string: known parameters (each at most once), sometimes repeated or unknown ones */
  const queryString = fc
    .tuple(
      fc.record({
        filter: sometimes(filter, 4),
        sortBy: sometimes(attrPath),
        sortOrder: sometimes(sortOrder),
        startIndex: sometimes(
          fc.oneof({ weight: 4, arbitrary: fc.integer({ min: -2, max: 20 }) }, { weight: 1, arbitrary: fc.integer() }).map(String),
        ),
        count: sometimes(fc.integer({ min: -5, max: 2000 }).map(String)),
        attributes: sometimes(attrList),
        excludedAttributes: sometimes(attrList),
        cursor: sometimes(fc.oneof(fc.constant(''), fc.constant(ISSUED), fc.base64String({ maxLength: 80 }), text(40))),
      }),
      fc.array(
        fc.tuple(
          fc.constantFrom('filter', 'startIndex', 'count', 'Filter', 'COUNT', 'sortby', 'x', '', '__proto__', 'constructor', 'filter[]', 'attributes[0]'),
          text(20),
        ),
        { maxLength: 2, size: 'xsmall' },
      ),
    )
    .map(([known, extra]) =>
      [...Object.entries(known).filter(([, v]) => v !== undefined), ...extra]
        .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v as string)}`)
        .join('&'),
    );

  it('GET /Users and /Groups with random filters, paging, sorting and projections', async () => {
    // mostly lists; sometimes one resource, whose read takes the same projection parameters
    const target = fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom('Users', 'Groups').map((type) => ({ type, which: undefined })) },
      { weight: 1, arbitrary: fc.tuple(fc.constantFrom('Users', 'Groups'), fc.nat()).map(([type, which]) => ({ type, which })) },
    );
    await fc.assert(
      fc.asyncProperty(tenantIndex, target, queryString, fc.boolean(), async (ti, { type, which }, qs, same) => {
        const tn = tenants[ti];
        const id = which === undefined ? '' : `/${pick(type === 'Users' ? tn.users : tn.groups, which)}`;
        let query = qs;
        if (qs.includes(encodeURIComponent(ISSUED))) {
          // a real cursor (RFC 9865), issued for this query or for an unfiltered one
          const first = await exchange({
            method: 'GET',
            path: `/scim/v2/${type}?${same ? qs.replace(encodeURIComponent(ISSUED), '') : 'cursor=&count=1'}`,
            token: tn.token,
          });
          const next = first.status === 200 ? (JSON.parse(first.text) as { nextCursor?: string }).nextCursor : undefined;
          query = qs.replace(encodeURIComponent(ISSUED), encodeURIComponent(next ?? ''));
        }
        await exchange({ method: 'GET', path: `/scim/v2/${type}${id}?${query}`, token: tn.token });
      }),
      budget(1500, 10),
    );
  });

  it('POST /.search bodies (per type and at the root)', async () => {
    const searchBody = fc
      .record({
        filter: sometimes(filter, 6),
        sortBy: sometimes(attrPath),
        sortOrder: sometimes(sortOrder),
        startIndex: sometimes(fc.integer({ min: -3, max: 20 })),
        count: sometimes(fc.integer({ min: -3, max: 50 })),
        cursor: sometimes(fc.constantFrom('', 'x')),
        attributes: sometimes(attrList.map((a) => a.split(','))),
        excludedAttributes: sometimes(attrList.map((a) => a.split(','))),
      })
      .chain((members) => {
        const present = Object.entries(members).filter(([, v]) => v !== undefined) as Array<[string, J]>;
        return mutate(new Obj([['schemas', [SEARCH]], ...present]));
      });
    await fc.assert(
      fc.asyncProperty(tenantIndex, fc.constantFrom('/Users', '/Users', '/Groups', '/Groups', ''), searchBody, async (ti, at, body) => {
        await exchange({ method: 'POST', path: `/scim/v2${at}/.search`, token: tenants[ti].token, contentType: 'application/scim+json', body: toJson(body) });
      }),
      budget(600, 5),
    );
  });

  const userTemplate = (n: number, manager: string, group: string): Obj =>
    obj({
      schemas: [USER, ENTERPRISE],
      userName: `fuzz-${n}@example.com`,
      externalId: `ext-${n}`,
      name: obj({ givenName: 'Ada', familyName: 'Lovelace', formatted: 'Ada Lovelace' }),
      displayName: 'Ada',
      active: true,
      password: 'S3cret-pass!',
      emails: [obj({ value: `fuzz-${n}@example.com`, type: 'work', primary: true }), obj({ value: 'home@example.com', type: 'home' })],
      phoneNumbers: [obj({ value: '+1 555 0100', type: 'mobile' })],
      addresses: [obj({ locality: 'Paris', country: 'FR', type: 'work' })],
      roles: [obj({ value: 'admin', primary: true })],
      x509Certificates: [obj({ value: 'MIIBIjANBgkq' })],
      groups: [obj({ value: group })],
      meta: obj({ resourceType: 'User' }),
      [ENTERPRISE]: obj({ employeeNumber: '7', department: 'R&D', manager: obj({ value: manager }) }),
    });
  const groupTemplate = (n: number, members: string[]): Obj =>
    obj({
      schemas: [GROUP],
      displayName: `fuzz-group-${n}`,
      externalId: `gext-${n}`,
      members: members.map((value, i) => obj(i % 2 ? { value, type: 'User' } : { value })),
    });

  /** a User or Group body, mostly well-formed, with any attribute of any type */
  const resourceBody = (ti: number, type: string, ids: readonly string[]): fc.Arbitrary<J> =>
    fc.tuple(fc.nat({ max: 10_000 }), fc.nat(), fc.nat()).chain(([n, a, b]) => {
      const template =
        type === 'Users'
          ? userTemplate(n, pick(ids, a), pick(tenants[ti].groups, b))
          : groupTemplate(n, [pick(ids, a), pick(ids, b), pick(ids, a + b)]);
      const core = type === 'Users' ? USER : GROUP;
      return fc.oneof(
        { weight: 14, arbitrary: mutate(template) },
        // schemas: the other core schema, unknown or extension URNs, wrong types (RFC 7643 §3)
        {
          weight: 2,
          arbitrary: fc
            .tuple(fc.oneof(schemasFor(core), schemasFor(core === USER ? GROUP : USER)), mutate(template))
            .map(([schemas, body]) =>
              body instanceof Obj ? new Obj([['schemas', schemas], ...body.entries.filter(([k]) => k !== 'schemas')]) : body,
            ),
        },
        { weight: 1, arbitrary: fc.tuple(schemasFor(type === 'Users' ? USER : GROUP), deep).map(([s, d]) => obj({ schemas: s, userName: `deep-${n}`, displayName: `deep-${n}`, name: d, members: d })) },
        { weight: 1, arbitrary: json },
      );
    });

  /** mostly no precondition (RFC 7644 §3.14), else a right, wrong or malformed one */
  const preconditions = fc.oneof(
    { weight: 6, arbitrary: fc.constant(undefined) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom('*', 'W/"1"', '"x"', 'W/', '', 'garbage', 'W/"999999999999999999999"', '*, W/"1"')
        .map((v) => ({ 'If-Match': v })),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom('*', 'W/"1"', 'W/"2"').map((v) => ({ 'If-None-Match': v })),
    },
  );

  /** an arbitrary built for one tenant's ids, with the tenant's index */
  const perTenant = <T>(f: (ti: number) => fc.Arbitrary<T>): fc.Arbitrary<[number, T]> =>
    fc.oneof(...tenants.map((_, ti) => f(ti).map((x): [number, T] => [ti, x])));

  it('POST and PUT /Users and /Groups with bodies of every shape', async () => {
    const typed = fc.constantFrom('Users', 'Groups').chain((type) =>
      perTenant((ti) => resourceBody(ti, type, anyId(tenants[ti]))).map(([ti, body]) => ({ type, ti, body })),
    );
    await fc.assert(
      fc.asyncProperty(typed, fc.boolean(), fc.nat(), preconditions, async ({ type, ti, body }, put, which, headers) => {
        const tn = tenants[ti];
        const id = pick(type === 'Users' ? tn.users : tn.groups, which);
        await exchange({
          method: put ? 'PUT' : 'POST',
          path: `/scim/v2/${type}${put ? `/${id}` : ''}`,
          token: tn.token,
          contentType: 'application/scim+json',
          headers: put ? headers : undefined,
          body: toJson(body),
        });
      }),
      budget(800, 8),
    );
  });

  /** one PATCH operation: op in any case, path, value of any JSON type; members keys in any case */
  const randomOperation = (ids: readonly string[]): fc.Arbitrary<J> =>
    fc
      .tuple(
        fc.oneof(
          { weight: 16, arbitrary: fc.constantFrom('add', 'remove', 'replace', 'Add', 'Remove', 'Replace', 'ADD', 'REPLACE') },
          { weight: 1, arbitrary: fc.constantFrom('copy', 'move', 'test', '', 'delete') },
          { weight: 1, arbitrary: json },
        ),
        fc.oneof(
          { weight: 6, arbitrary: patchPath(ids) },
          { weight: 2, arbitrary: fc.constant(undefined) },
          { weight: 1, arbitrary: json },
        ),
        fc.oneof(
          { weight: 1, arbitrary: fc.constant(undefined) },
          {
            weight: 6,
            arbitrary: fc.oneof(
            { weight: 4, arbitrary: json },
            { weight: 2, arbitrary: fc.tuple(fc.nat(), fc.nat()).chain(([a, b]) => mutate(userTemplate(a, pick(ids, a), pick(ids, b)))) },
            { weight: 2, arbitrary: fc.array(fc.constantFrom(...ids), { maxLength: 4 }).map((m) => m.map((value) => obj({ value }))) },
            { weight: 1, arbitrary: hugeText },
            { weight: 1, arbitrary: deep },
            ),
          },
        ),
        fc.constantFrom(['op', 'path', 'value'], ['Op', 'Path', 'Value'], ['OP', 'PATH', 'VALUE']),
      )
      .map(([op, path, value, [o, p, v]]) => {
        const entries: Array<[string, J]> = [[o, op]];
        if (path !== undefined) {
          entries.push([p, path]);
        }
        if (value !== undefined) {
          entries.push([v, value]);
        }
        return new Obj(entries);
      });

  /** operations IdPs send (RFC 7644 §3.5.2 examples, Entra and Okta shapes), then edited */
  const realisticOperation = (ids: readonly string[]): fc.Arbitrary<J> =>
    fc.tuple(fc.nat(), fc.nat()).chain(([a, b]) => {
      const id = pick(ids, a);
      const op = (o: string, path: string | undefined, value?: J) =>
        obj({ op: o, ...(path === undefined ? {} : { path }), ...(value === undefined ? {} : { value }) });
      const templates: Obj[] = [
        op('replace', 'displayName', `renamed-${b}`),
        op('Add', 'members', [obj({ value: id })]),
        op('remove', `members[value eq "${id}"]`),
        op('Remove', 'members', [obj({ value: id })]),
        op('replace', 'members', [obj({ value: id }), obj({ value: pick(ids, b) })]),
        op('replace', 'emails[type eq "work"].value', `w${b}@example.com`),
        op('add', 'emails', [obj({ value: `e${b}@example.com`, type: 'home', primary: true })]),
        op('remove', 'emails[type eq "work"]'),
        op('replace', 'active', false),
        op('Replace', undefined, obj({ active: 'False' })),
        op('replace', 'name.givenName', 'Given'),
        op('add', undefined, obj({ displayName: 'x', 'name.givenName': 'y', [`${ENTERPRISE}:employeeNumber`]: '9' })),
        op('replace', `${ENTERPRISE}:manager`, obj({ value: id })),
        op('replace', `${ENTERPRISE}:manager`, id),
        op('add', ENTERPRISE, obj({ department: 'R&D' })),
        op('replace', undefined, obj({ id, displayName: `okta-${b}` })),
        op('remove', 'members[value eq "nobody"]'),
        op('remove', 'members'),
        op('replace', 'roles[primary eq "True"].value', 'admin'),
        op('add', 'phoneNumbers[type eq "fax"].value', '+1 555'),
      ];
      const template = pick(templates, b);
      return fc.oneof({ weight: 2, arbitrary: fc.constant(template) }, { weight: 1, arbitrary: mutate(template) });
    });

  const patchOperation = (ids: readonly string[]): fc.Arbitrary<J> =>
    fc.oneof({ weight: 3, arbitrary: realisticOperation(ids) }, { weight: 2, arbitrary: randomOperation(ids) });

  const patchBody = (ids: readonly string[]): fc.Arbitrary<J> =>
    fc.oneof(
      {
        weight: 16,
        arbitrary: fc
          .tuple(
            fc.oneof({ weight: 8, arbitrary: fc.constant<J>([PATCH_OP]) }, { weight: 1, arbitrary: schemasFor(PATCH_OP) }),
            fc.oneof(
              { weight: 12, arbitrary: fc.array(patchOperation(ids), { minLength: 1, maxLength: 2 }) },
              { weight: 1, arbitrary: fc.array(patchOperation(ids), { maxLength: 6 }) },
              { weight: 1, arbitrary: json },
            ),
            fc.constantFrom('Operations', 'Operations', 'operations', 'OPERATIONS'),
          )
          .map(([schemas, ops, name]) => new Obj([['schemas', schemas], [name, ops]])),
      },
      { weight: 1, arbitrary: json },
    );

  it('PATCH /Users and /Groups with random operations, paths and values', async () => {
    await fc.assert(
      fc.asyncProperty(
        perTenant((ti) => patchBody(anyId(tenants[ti]))),
        fc.constantFrom('Users', 'Groups'),
        fc.nat(),
        preconditions,
        async ([ti, body], type, which, headers) => {
          const tn = tenants[ti];
          await exchange({
            method: 'PATCH',
            path: `/scim/v2/${type}/${pick(type === 'Users' ? tn.users : tn.groups, which)}`,
            token: tn.token,
            contentType: 'application/scim+json',
            headers,
            body: toJson(body),
          });
        },
      ),
      budget(800, 8),
    );
  });

  const BULK_IDS = ['a', 'b', 'c'];

  /**
   * one Bulk operation: mostly a well-formed one (method, path and data that go together, a
   * bulkId from a small pool so that references and cycles are frequent), sometimes edited
   */
  const bulkOperation = (ti: number): fc.Arbitrary<J> => {
    const tn = tenants[ti];
    const targets = [...tn.victims, ...BULK_IDS.map((b) => `bulkId:${b}`)];
    const refs = [...tn.victims, ...BULK_IDS.map((b) => `bulkId:${b}`)];
    const endpoint = fc.constantFrom('Users', 'Groups');
    const coherent = fc.oneof(
      fc
        .tuple(endpoint, fc.constantFrom(...BULK_IDS), fc.nat())
        .chain(([e, bulkId]) => resourceBody(ti, e, refs).map((data) => obj({ method: 'POST', bulkId, path: `/${e}`, data }))),
      fc
        .tuple(endpoint, fc.constantFrom(...targets))
        .chain(([e, id]) => resourceBody(ti, e, refs).map((data) => obj({ method: 'PUT', path: `/${e}/${id}`, data }))),
      fc
        .tuple(endpoint, fc.constantFrom(...targets), fc.option(fc.constantFrom('W/"1"', '*'), { nil: undefined }))
        .chain(([e, id, version]) =>
          patchBody(refs).map((data) => obj({ method: 'PATCH', path: `/${e}/${id}`, data, ...(version ? { version } : {}) })),
        ),
      fc.tuple(endpoint, fc.constantFrom(...targets)).map(([e, id]) => obj({ method: 'DELETE', path: `/${e}/${id}` })),
    );
    const odd = fc.record({
      method: fc.oneof(fc.constantFrom('POST', 'PUT', 'PATCH', 'DELETE', 'post', 'Patch', 'GET', '', 'HEAD'), json),
      path: fc.oneof(
        fc.constantFrom('/Users', '/Groups', '/Users/bulkId:', '/Users/bulkId:zz', '/Groups/unknown-id', '/Schemas'),
        fc.constantFrom('/Users?x=1', 'Users', '', '/', '/Users/a/b', '/Bulk', '/Users/%zz', '/Users/.search'),
        json,
      ),
      bulkId: fc.oneof(fc.constantFrom(...BULK_IDS, 'bulkId:a', ''), json),
      version: fc.oneof(fc.constantFrom('W/"1"', '*', ''), json),
      data: fc.oneof(resourceBody(ti, 'Users', refs), patchBody(refs), json),
    }, { requiredKeys: [] }).map((o) => obj(o as Record<string, J>));
    return fc.oneof(
      { weight: 6, arbitrary: coherent },
      { weight: 2, arbitrary: coherent.chain(mutate) },
      { weight: 1, arbitrary: odd },
    );
  };

  it('POST /Bulk with random operations, bulkId references and cycles', async () => {
    /**
     * RFC 7644 §3.7.2's circular references: two groups that are members of each other, two
     * users who manage each other, a PATCH and a DELETE of what the request creates
     */
    const cycles = (ti: number, n: number): Obj => {
      const post = (bulkId: string, path: string, data: Obj) => obj({ method: 'POST', bulkId, path, data });
      const user = (name: string, manager: string) =>
        obj({ schemas: [USER, ENTERPRISE], userName: `cycle-${ti}-${n}-${name}@example.com`, [ENTERPRISE]: obj({ manager: obj({ value: manager }) }) });
      const group = (name: string, member: string) =>
        obj({ schemas: [GROUP], displayName: `cycle-${ti}-${n}-${name}`, members: [obj({ value: member, type: 'Group' })] });
      return obj({
        schemas: [BULK],
        Operations: [
          post('a', '/Groups', group('a', 'bulkId:b')),
          post('b', '/Groups', group('b', 'bulkId:a')),
          post('c', '/Users', user('c', 'bulkId:d')),
          post('d', '/Users', user('d', 'bulkId:c')),
          obj({ method: 'PATCH', path: '/Groups/bulkId:a', data: obj({ schemas: [PATCH_OP], Operations: [obj({ op: 'add', path: 'members', value: [obj({ value: 'bulkId:c' })] })] }) }),
          obj({ method: 'DELETE', path: '/Users/bulkId:d' }),
        ],
      });
    };
    const bulkBody = (ti: number): fc.Arbitrary<J> =>
      fc.oneof(
        {
          weight: 8,
          arbitrary: fc
            .tuple(
              fc.oneof({ weight: 4, arbitrary: fc.constant<J>([BULK]) }, { weight: 1, arbitrary: schemasFor(BULK) }),
              fc.array(bulkOperation(ti), { maxLength: 6 }),
              fc.oneof(
                { weight: 4, arbitrary: fc.constant(undefined) },
                { weight: 2, arbitrary: fc.integer({ min: 1, max: 3 }) },
                { weight: 1, arbitrary: json },
              ),
            )
            .map(
              ([schemas, ops, failOnErrors]) =>
                new Obj([
                  ['schemas', schemas],
                  ['Operations', ops],
                  ...(failOnErrors === undefined ? [] : [['failOnErrors', failOnErrors] as [string, J]]),
                ]),
            ),
        },
        { weight: 2, arbitrary: fc.nat().chain((n) => mutate(cycles(ti, n))) },
        { weight: 1, arbitrary: mutate(obj({ schemas: [BULK], Operations: [] })) },
      );
    await fc.assert(
      fc.asyncProperty(perTenant(bulkBody), async ([ti, body]) => {
        await exchange({
          method: 'POST',
          path: '/scim/v2/Bulk',
          token: tenants[ti].token,
          contentType: 'application/scim+json',
          body: toJson(body),
        });
      }),
      budget(300, 8),
    );
  });

  it('bodies that are not JSON, or JSON under the wrong Content-Type', async () => {
    const validUser = JSON.stringify({ schemas: [USER], userName: 'raw@example.com' });
    const depth = fc.oneof(
      { weight: 4, arbitrary: fc.integer({ min: 1_500, max: 3_500 }) },
      { weight: 1, arbitrary: fc.integer({ min: 3_500, max: 60_000 }) },
    );
    const rawBody = fc.oneof(
      text(200),
      fc.constantFrom(
        '',
        ' ',
        'null',
        '[]',
        '"string"',
        '123',
        'true',
        '{',
        '{"a":1}garbage',
        '{"a":1}{"b":2}',
        `\ufeff${validUser}`,
        validUser.slice(0, 20),
        '{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], /* comment */ "userName": "x"}',
        "{'userName': 'x'}",
        '<User><userName>x</userName></User>',
        'userName=x&schemas=y',
        '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}',
        '{"userName": "\\ud800"}'.replace('\\ud800', '\\u0041'),
      ),
      fc.integer({ min: 1_000, max: 200_000 }).map((n) => '['.repeat(n)),
      fc.integer({ min: 1_000, max: 200_000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`),
      // deep documents: mostly around the depth where the server's JSON reviver gives up
      // (about 2,500 levels), where they just get through to the code behind it
      depth.map((n) => `{"schemas":["${USER}"],"userName":"deep","name":${'{"a":'.repeat(n)}1${'}'.repeat(n)}}`),
      depth.map((n) => `{"schemas":["${BULK}"],"Operations":[{"method":"POST","bulkId":"a","path":"/Users","data":{"schemas":["${USER}"],"userName":"d","x":${'['.repeat(n)}"bulkId:a"${']'.repeat(n)}}}]}`),
      depth.map((n) => `{"schemas":["${PATCH_OP}"],"Operations":[{"op":"add","value":${'{"emails":'.repeat(n)}1${'}'.repeat(n)}}]}`),
      depth.map((n) => `{"schemas":["${SEARCH}"],"filter":"userName pr","x":${'['.repeat(n)}1${']'.repeat(n)}}`),
    );
    const contentType = fc.option(
      fc.constantFrom(
        'application/scim+json',
        'application/json',
        'application/json; charset=utf-8',
        'application/json; charset=latin1',
        'application/scim+json; charset=utf-16',
        'APPLICATION/SCIM+JSON',
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/xml',
        'application/octet-stream',
        '*/*',
        'json',
        '',
      ),
      { nil: undefined },
    );
    await fc.assert(
      fc.asyncProperty(
        tenantIndex,
        fc.constantFrom(
          'POST /Users',
          'POST /Groups',
          'POST /Users/.search',
          'POST /.search',
          'POST /Bulk',
          'PUT /Users/:user',
          'PATCH /Users/:user',
          'PUT /Groups/:group',
          'PATCH /Groups/:group',
        ),
        contentType,
        rawBody,
        async (ti, route, type, body) => {
          const tn = tenants[ti];
          const [method, at] = route.split(' ');
          const path = `/scim/v2${at.replace(':user', tn.users[0]).replace(':group', tn.groups[0])}`;
          await exchange({ method, path, token: tn.token, contentType: type, body });
        },
      ),
      budget(300, 4),
    );
  });

  it('odd resource ids on every method', async () => {
    const oddId = fc.oneof(
      { weight: 3, arbitrary: text(60).map(encodeURIComponent) },
      {
        weight: 2,
        arbitrary: fc.constantFrom(
          '%zz',
          '%',
          '%00',
          '%2e%2e',
          '..',
          '.',
          '..%2F..%2Fadmin',
          '%2F',
          'bulkId:a',
          '.search',
          'Me',
          '__proto__',
          'constructor',
          'toString',
          '00000000-0000-0000-0000-000000000000',
          'a'.repeat(1024),
          'a'.repeat(1025),
          '%F0%9F%98%80',
          '%C0%AF',
          '%ED%A0%80'.replace('%ED%A0%80', '%E2%80%AE'),
          'id;x=1',
          'id?attributes=userName',
          'id#frag',
        ),
      },
      { weight: 1, arbitrary: fc.constantFrom(...tenants.flatMap((tn) => [...tn.users, ...tn.groups])).map((id) => id.toUpperCase()) },
      { weight: 1, arbitrary: fc.constantFrom(...tenants[1].users, ...tenants[1].groups) },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'PUT', 'PATCH', 'DELETE'),
        fc.constantFrom('Users', 'Groups', 'Schemas', 'ResourceTypes', 'ServiceProviderConfig', 'Bulk'),
        oddId,
        fc.option(attrList, { nil: undefined }),
        async (method, type, id, attrs) => {
          const body =
            method === 'PATCH'
              ? JSON.stringify({ schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'displayName', value: 'x' }] })
              : method === 'PUT'
                ? JSON.stringify({ schemas: [type === 'Groups' ? GROUP : USER], userName: 'odd@example.com', displayName: 'odd' })
                : undefined;
          await exchange({
            method,
            path: `/scim/v2/${type}/${id}${attrs ? `?attributes=${encodeURIComponent(attrs)}` : ''}`,
            token: tenants[0].token,
            contentType: body ? 'application/scim+json' : undefined,
            body,
          });
        },
      ),
      budget(400, 3),
    );
  });

  it('random member names of any case at the top of every body', async () => {
    // keys alone: a body whose only members are names the server looks up in objects
    const body = fc.array(fc.tuple(key, json), { maxLength: 6 }).map((e) => new Obj(e));
    await fc.assert(
      fc.asyncProperty(
        tenantIndex,
        fc.constantFrom(
          'POST /Users',
          'POST /Groups',
          'POST /Users/.search',
          'POST /.search',
          'POST /Bulk',
          'PUT /Users/:user',
          'PATCH /Users/:user',
          'PUT /Groups/:group',
          'PATCH /Groups/:group',
        ),
        body,
        async (ti, route, b) => {
          const tn = tenants[ti];
          const [method, at] = route.split(' ');
          const path = `/scim/v2${at.replace(':user', tn.users[1]).replace(':group', tn.groups[1])}`;
          await exchange({ method, path, token: tn.token, contentType: 'application/scim+json', body: toJson(b) });
        },
      ),
      budget(300, 3),
    );
  });
});
