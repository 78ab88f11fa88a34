/**
 * Fixtures for the SQL filter tests (filter-sql.int-spec.ts, filter-explain.int-spec.ts):
 * a real database with the migrations applied, two tenants, seeded Users, and fast-check
 * arbitraries for User documents and for RFC 7644 §3.4.2.2 filters over them.
 *
 * Generated text is ASCII only: MySQL's LOWER() and JavaScript's toLowerCase() agree on ASCII,
 * and so do the byte order of MySQL/SQLite and the UTF-16 order of JavaScript.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../../../src/persistence/data-source.options';
import {
  TypeOrmTenantRepository,
} from '../../../src/persistence/repositories/typeorm-tenant.repository';
import {
  TypeOrmUserRepository,
} from '../../../src/persistence/repositories/typeorm-user.repository';
import {
  COMPARE_OPS,
  CompareOp,
  FilterNode,
  FilterValue,
} from '../../../src/core/filter/filter.ast';
import { ScimJson } from '../../../src/core/ports/resource.types';
import { AttrPath } from '../../../src/core/schema/attr-path';
import {
  createDefaultRegistry,
  SchemaRegistry,
} from '../../../src/core/schema/schema.registry';
import {
  ENTERPRISE_USER_SCHEMA_ID,
  USER_SCHEMA_ID,
} from '../../../src/core/schema/user.schema';
import { DatabaseKind, TestDatabase, createTestDatabase } from '../../support/databases';

export const CORE = USER_SCHEMA_ID;
export const ENT = ENTERPRISE_USER_SCHEMA_ID;

export interface FilterStore {
  readonly kind: DatabaseKind;
  readonly ds: DataSource;
  readonly registry: SchemaRegistry;
  readonly repo: TypeOrmUserRepository;
  /** the tenant the tests query */
  readonly tenant: string;
  /** a second tenant whose Users must never appear in the first one's results */
  readonly otherTenant: string;
  close(): Promise<void>;
}

/** A fresh database (migrations applied), two tenant rows and a TypeOrmUserRepository. */
export async function openFilterStore(kind: DatabaseKind): Promise<FilterStore> {
  const db: TestDatabase = await createTestDatabase(kind);
  const ds = new DataSource(buildDataSourceOptions({ url: db.url, migrationsRun: true }));
  try {
    await ds.initialize();
    const tenants = new TypeOrmTenantRepository(ds);
    const tenant = randomUUID();
    const otherTenant = randomUUID();
    const createdAt = '2024-01-01T00:00:00.000Z';
    await tenants.create({ id: tenant, slug: `filter-${tenant.slice(0, 8)}`, createdAt });
    await tenants.create({ id: otherTenant, slug: `other-${otherTenant.slice(0, 8)}`, createdAt });
    const registry = createDefaultRegistry();
    return {
      kind,
      ds,
      registry,
      repo: new TypeOrmUserRepository(ds, registry),
      tenant,
      otherTenant,
      close: async () => {
        try {
          if (ds.isInitialized) {
            await ds.destroy();
          }
        } finally {
          await db.drop();
        }
      },
    };
  } catch (e) {
    if (ds.isInitialized) {
      await ds.destroy();
    }
    await db.drop();
    throw e;
  }
}

/** A stored User as the API renders it (without meta.location, which needs the base URL). */
export interface SeededUser {
  readonly id: string;
  readonly doc: ScimJson;
  readonly rendered: Record<string, unknown>;
}

/**
 * Creates `docs` through the repository, with strictly increasing `created` instants from
 * `start` (so `meta.created` and `meta.lastModified` filters separate them), and returns the
 * resources as UsersService renders them: schemas, id, the document, meta.
 */
export async function seedUsers(
  repo: TypeOrmUserRepository,
  tenant: string,
  docs: readonly ScimJson[],
  start = Date.UTC(2021, 0, 1),
): Promise<SeededUser[]> {
  const out: SeededUser[] = [];
  for (const [i, doc] of docs.entries()) {
    const id = randomUUID();
    // 37 h 1 min 1.001 s apart: distinct days, hours, minutes, seconds and milliseconds
    const created = new Date(start + i * (37 * 3_600_000 + 61_001)).toISOString();
    const stored = await repo.create(tenant, { id, resource: doc, created });
    out.push({ id, doc, rendered: render(stored.id, doc, stored.created, stored.lastModified) });
  }
  return out;
}

export function render(
  id: string,
  doc: ScimJson,
  created: string,
  lastModified: string,
): Record<string, unknown> {
  const { schemas, ...attributes } = doc;
  return {
    schemas,
    id,
    ...attributes,
    meta: { resourceType: 'User', created, lastModified, version: 'W/"1"' },
  };
}

// ---- User documents -----------------------------------------------------------------------

/** Word fragments: mixed case, shared prefixes, LIKE metacharacters, quotes, spaces. */
const FRAGMENTS = [
  'al', 'Al', 'AL', 'bo', 'Bo', 'bob', 'x', 'Xy', ' ', '%', '_', '!', "'", '"', '\\', '-', '.',
  '@', 'o\'m', '--', ';', '1',
];

const word = (max = 3): fc.Arbitrary<string> =>
  fc.array(fc.constantFrom(...FRAGMENTS), { minLength: 1, maxLength: max }).map((a) => a.join(''));

const optional = <T>(arb: fc.Arbitrary<T>, freq = 3): fc.Arbitrary<T | undefined> =>
  fc.option(arb, { nil: undefined, freq });

const emailArb = fc.record(
  {
    value: fc.oneof(
      {
        weight: 8,
        arbitrary: fc
          .tuple(word(2), fc.constantFrom('Example.com', 'x.org', 'ex_ample.COM'))
          .map(([local, domain]) => `${local}@${domain}`),
      },
      { weight: 1, arbitrary: fc.constant('') },
    ),
    type: fc.constantFrom('work', 'home', 'other', 'Work'),
    primary: fc.boolean(),
    display: word(2),
  },
  { requiredKeys: [] },
);

const addressArb = fc.record(
  {
    locality: fc.constantFrom('Paris', 'paris', 'Oslo', 'Lyon', 'Los Angeles', ''),
    type: fc.constantFrom('work', 'home', 'other'),
    primary: fc.boolean(),
  },
  { requiredKeys: [] },
);

const nameArb = fc.oneof(
  { weight: 1, arbitrary: fc.constant({}) },
  { weight: 1, arbitrary: fc.constant({ givenName: '' }) },
  {
    weight: 6,
    arbitrary: fc.record(
      { givenName: word(2), familyName: word(2), middleName: fc.constant('') },
      { requiredKeys: [] },
    ),
  },
);

const enterpriseArb = fc.record(
  {
    employeeNumber: fc.oneof(fc.integer({ min: 1, max: 40 }).map(String), word(1)),
    department: fc.constantFrom('Sales', 'sales', 'R&D', 'Tour Operations', ''),
    manager: fc.oneof(
      fc.constant({}),
      fc.record({ value: fc.constantFrom('m-1', 'M-1', 'm-2') }),
      fc.record({ value: fc.constantFrom('m-1', 'm-2'), displayName: word(1) }),
    ),
  },
  { requiredKeys: [] },
);

/** One random User document; `index` makes userName unique (also after lower-casing). */
export function userDocArb(index: number): fc.Arbitrary<ScimJson> {
  return fc
    .record({
      userName: word(2),
      displayName: optional(
        fc.oneof({ weight: 6, arbitrary: word(3) }, { weight: 1, arbitrary: fc.constant('') }),
      ),
      title: optional(word(3)),
      nickName: optional(word(1), 1),
      externalId: optional(fc.constantFrom('Ext-1', 'ext-1', 'EXT-2', 'ext-2', 'ext-3 ', 'e%1')),
      active: optional(fc.boolean()),
      name: optional(nameArb),
      emails: fc.array(emailArb, { maxLength: 3 }),
      addresses: fc.array(addressArb, { maxLength: 2 }),
      enterprise: optional(enterpriseArb),
    })
    .map((r) => {
      const doc: ScimJson = { schemas: r.enterprise ? [CORE, ENT] : [CORE] };
      doc.userName = `${r.userName}.${index}`;
      const singular = ['displayName', 'title', 'nickName', 'externalId', 'active'] as const;
      for (const key of [...singular, 'name'] as const) {
        if (r[key] !== undefined) {
          doc[key] = r[key];
        }
      }
      if (r.emails.length) {
        doc.emails = r.emails;
      }
      if (r.addresses.length) {
        doc.addresses = r.addresses;
      }
      if (r.enterprise) {
        doc[ENT] = r.enterprise;
      }
      return doc;
    });
}

/** `count` documents, reproducibly (fc.sample with a fixed seed). */
export function sampleUserDocs(count: number, seed: number): ScimJson[] {
  return Array.from(
    { length: count },
    (_, i) => fc.sample(userDocArb(i), { seed: seed + i, numRuns: 1 })[0],
  );
}

/** Hand-written Users whose values stress quoting and LIKE escaping. */
export const NASTY_DOCS: readonly ScimJson[] = [
  { schemas: [CORE], userName: "o'malley.n1", title: "O'Malley", displayName: '50% off_sale!' },
  { schemas: [CORE], userName: 'back.n2', title: 'back\\slash', displayName: '100%' },
  { schemas: [CORE], userName: 'bobby.n3', title: "Robert'); DROP TABLE scim_users;--" },
  { schemas: [CORE], userName: 'quote.n4', title: 'say "hi"', displayName: 'a_b' },
  { schemas: [CORE], userName: 'pad.n5', title: 'pad ', displayName: 'pad  ', externalId: 'pad ' },
  { schemas: [CORE], userName: 'bang.n6', title: '!%_', displayName: '!!' },
  { schemas: [CORE], userName: 'zoe.n7', title: 'zoë', displayName: 'x\' OR 1=1 --' },
  {
    schemas: [CORE],
    userName: 'only-type.n8',
    emails: [{ type: 'work' }, { value: '' }],
    addresses: [{ locality: '' }],
  },
  { schemas: [CORE], userName: 'empty-email.n9', emails: [{ value: '' }], name: { givenName: '' } },
  {
    // longer than the indexed value_key (191) and the type_ci column (64)
    schemas: [CORE],
    userName: 'long.n10',
    emails: [{ value: `${'Lo'.repeat(100)}@long.example`, type: `${'T'.repeat(70)}x` }],
  },
];

/** The long email value of NASTY_DOCS. */
export const LONG_EMAIL = `${'Lo'.repeat(100)}@long.example`;

// ---- filters ------------------------------------------------------------------------------

type Kind = 'string' | 'boolean' | 'dateTime';

interface LeafSpec {
  /** canonical path text */
  readonly path: string;
  readonly kind: Kind;
  /** where to read the seeded values from the rendered resource */
  readonly get: (r: Record<string, unknown>) => unknown[];
}

const obj = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
const top = (key: string) => (r: Record<string, unknown>) => list(r[key]);
const sub = (key: string, s: string) => (r: Record<string, unknown>) =>
  list(r[key]).flatMap((e) => list(obj(e)[s]));
const ext = (key: string, s?: string) => (r: Record<string, unknown>) => {
  const v = obj(r[ENT])[key];
  return s === undefined ? list(v) : list(obj(v)[s]);
};

const SINGULAR: readonly LeafSpec[] = [
  { path: 'id', kind: 'string', get: top('id') },
  { path: 'userName', kind: 'string', get: top('userName') },
  { path: 'displayName', kind: 'string', get: top('displayName') },
  { path: 'title', kind: 'string', get: top('title') },
  { path: 'nickName', kind: 'string', get: top('nickName') },
  { path: 'externalId', kind: 'string', get: top('externalId') },
  { path: 'active', kind: 'boolean', get: top('active') },
  { path: 'name.givenName', kind: 'string', get: sub('name', 'givenName') },
  { path: 'name.familyName', kind: 'string', get: sub('name', 'familyName') },
  { path: 'name.middleName', kind: 'string', get: sub('name', 'middleName') },
  { path: 'emails.value', kind: 'string', get: sub('emails', 'value') },
  { path: 'emails.type', kind: 'string', get: sub('emails', 'type') },
  { path: 'emails.primary', kind: 'boolean', get: sub('emails', 'primary') },
  { path: 'emails.display', kind: 'string', get: sub('emails', 'display') },
  { path: 'emails', kind: 'string', get: sub('emails', 'value') },
  { path: 'addresses.locality', kind: 'string', get: sub('addresses', 'locality') },
  { path: 'addresses.type', kind: 'string', get: sub('addresses', 'type') },
  { path: 'addresses.primary', kind: 'boolean', get: sub('addresses', 'primary') },
  { path: `${ENT}:employeeNumber`, kind: 'string', get: ext('employeeNumber') },
  { path: `${ENT}:department`, kind: 'string', get: ext('department') },
  { path: `${ENT}:manager.value`, kind: 'string', get: ext('manager', 'value') },
  { path: `${ENT}:manager.displayName`, kind: 'string', get: ext('manager', 'displayName') },
  { path: 'meta.created', kind: 'dateTime', get: sub('meta', 'created') },
  { path: 'meta.lastModified', kind: 'dateTime', get: sub('meta', 'lastModified') },
  { path: 'meta.resourceType', kind: 'string', get: sub('meta', 'resourceType') },
  { path: 'meta.version', kind: 'string', get: sub('meta', 'version') },
];

/** Paths only tested with `pr` (complex attributes). */
const COMPLEX = ['name', 'emails', 'addresses', 'meta', `${ENT}:manager`, 'phoneNumbers'];

/** Value filters: the attribute and the sub-attributes its inner filter may use. */
const VALUE_PATHS: ReadonlyArray<{ path: string; subs: readonly LeafSpec[] }> = [
  {
    path: 'emails',
    subs: [
      { path: 'value', kind: 'string', get: sub('emails', 'value') },
      { path: 'type', kind: 'string', get: sub('emails', 'type') },
      { path: 'primary', kind: 'boolean', get: sub('emails', 'primary') },
      { path: 'display', kind: 'string', get: sub('emails', 'display') },
    ],
  },
  {
    path: 'addresses',
    subs: [
      { path: 'locality', kind: 'string', get: sub('addresses', 'locality') },
      { path: 'type', kind: 'string', get: sub('addresses', 'type') },
      { path: 'primary', kind: 'boolean', get: sub('addresses', 'primary') },
    ],
  },
  {
    path: 'name',
    subs: [
      { path: 'givenName', kind: 'string', get: sub('name', 'givenName') },
      { path: 'familyName', kind: 'string', get: sub('name', 'familyName') },
    ],
  },
  {
    path: `${ENT}:manager`,
    subs: [{ path: 'value', kind: 'string', get: ext('manager', 'value') }],
  },
];

function parsePath(text: string): AttrPath {
  if (text.startsWith('urn:')) {
    const i = text.lastIndexOf(':');
    const [attr, s] = text.slice(i + 1).split('.');
    return { uri: text.slice(0, i), attr, ...(s ? { sub: s } : {}) };
  }
  const [attr, s] = text.split('.');
  return { attr, ...(s ? { sub: s } : {}) };
}

/** The same path spelled differently: attribute names are case-insensitive (§3.4.2.2). */
function spellings(p: AttrPath): fc.Arbitrary<AttrPath> {
  const variants: AttrPath[] = [p, { ...p, attr: p.attr.toUpperCase() }];
  if (p.uri === undefined && !['id', 'externalId', 'meta'].includes(p.attr)) {
    variants.push({ ...p, uri: CORE });
  }
  return fc.oneof(
    { weight: 6, arbitrary: fc.constant(p) },
    { weight: 1, arbitrary: fc.constantFrom(...variants) },
  );
}

const ODD_STRINGS = ['', ' ', 'x', 'AL', '%', '_', '!', "'", '\\', '"', '@', 'zz', '~'];

function stringValues(seen: readonly string[]): fc.Arbitrary<FilterValue> {
  const base = seen.length ? fc.constantFrom(...seen) : fc.constant('none');
  const derived = base.chain((s) =>
    fc.oneof(
      fc.constant(s),
      fc.constant(s.toUpperCase()),
      fc.constant(s.toLowerCase()),
      fc.nat({ max: Math.max(0, s.length) }).map((n) => s.slice(0, n)),
      fc.nat({ max: Math.max(0, s.length) }).map((n) => s.slice(n)),
      fc
        .tuple(fc.nat({ max: s.length }), fc.nat({ max: 3 }))
        .map(([from, len]) => s.slice(from, from + len)),
      fc.constant(`${s} `),
    ),
  );
  return fc.oneof(
    { weight: 12, arbitrary: derived },
    { weight: 3, arbitrary: fc.constantFrom(...ODD_STRINGS) },
    { weight: 1, arbitrary: fc.constantFrom<FilterValue>(null, true, 42) },
  );
}

function dateTimeValues(seen: readonly string[]): fc.Arbitrary<FilterValue> {
  const base = seen.length ? fc.constantFrom(...seen) : fc.constant('2021-01-01T00:00:00.000Z');
  const derived = fc
    .tuple(base, fc.integer({ min: -2, max: 2 }), fc.boolean())
    .map(([s, delta, offset]) => {
      const ms = Date.parse(s) + delta;
      if (!offset) {
        return new Date(ms).toISOString();
      }
      // the same instant written with a +02:00 offset and no milliseconds when they are zero
      const local = new Date(ms + 2 * 3_600_000).toISOString().replace('Z', '+02:00');
      return local.replace('.000+', '+');
    });
  return fc.oneof(
    { weight: 10, arbitrary: derived },
    {
      weight: 2,
      arbitrary: fc.constantFrom<FilterValue>(
        '2021-01-01T00:00:00Z',
        '2021-06-01T00:00:00',
        '2020-12-31T23:59:59.999Z',
        '2099-01-01T00:00:00Z',
      ),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom<FilterValue>(null, 'yesterday', '2021-02-30T00:00:00Z', 7),
    },
  );
}

const booleanValues: fc.Arbitrary<FilterValue> = fc.oneof(
  { weight: 8, arbitrary: fc.boolean() },
  { weight: 2, arbitrary: fc.constantFrom<FilterValue>('True', 'false', 'TRUE') },
  { weight: 1, arbitrary: fc.constantFrom<FilterValue>(null, 'yes', 1) },
);

/** Operators by type: mostly valid ones, a few the validator rejects (skipped by the test). */
function opsFor(kind: Kind): fc.Arbitrary<CompareOp> {
  const valid: CompareOp[] =
    kind === 'boolean'
      ? ['eq', 'ne']
      : kind === 'dateTime'
        ? ['eq', 'ne', 'gt', 'ge', 'lt', 'le']
        : [...COMPARE_OPS];
  return fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom(...valid) },
    { weight: 1, arbitrary: fc.constantFrom(...COMPARE_OPS) },
  );
}

function leafArb(
  spec: LeafSpec,
  seen: readonly unknown[],
  path: AttrPath,
): fc.Arbitrary<FilterNode> {
  const strings = [...new Set(seen.filter((v): v is string => typeof v === 'string'))].sort();
  const values =
    spec.kind === 'boolean'
      ? booleanValues
      : spec.kind === 'dateTime'
        ? dateTimeValues(strings)
        : stringValues(strings);
  return fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .tuple(spellings(path), opsFor(spec.kind), values)
        .map(([p, op, value]): FilterNode => ({ kind: 'compare', path: p, op, value })),
    },
    {
      weight: 1,
      arbitrary: spellings(path).map((p): FilterNode => ({ kind: 'present', path: p })),
    },
  );
}

function tree(leaf: fc.Arbitrary<FilterNode>, maxDepth: number): fc.Arbitrary<FilterNode> {
  const { node } = fc.letrec<{ node: FilterNode }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', maxDepth, withCrossShrink: true },
      { weight: 4, arbitrary: leaf },
      {
        weight: 1,
        arbitrary: fc
          .tuple(tie('node'), tie('node'))
          .map(([left, right]): FilterNode => ({ kind: 'and', left, right })),
      },
      {
        weight: 1,
        arbitrary: fc
          .tuple(tie('node'), tie('node'))
          .map(([left, right]): FilterNode => ({ kind: 'or', left, right })),
      },
      { weight: 1, arbitrary: tie('node').map((filter): FilterNode => ({ kind: 'not', filter })) },
    ),
  }));
  return node;
}

/**
 * Random filters over the seeded Users (`resources` as rendered): leaves on every stored kind
 * of attribute (columns, JSON, child rows, extension, meta), value filters, and/or/not, with
 * values drawn mostly from the data so that filters match some Users and not others.
 */
export function filterArb(resources: readonly Record<string, unknown>[]): fc.Arbitrary<FilterNode> {
  const valuesOf = (spec: LeafSpec) => resources.flatMap((r) => spec.get(r));
  const leaves = SINGULAR.map((spec) => leafArb(spec, valuesOf(spec), parsePath(spec.path)));
  const complexPresent = fc
    .constantFrom(...COMPLEX)
    .chain((p) => spellings(parsePath(p)))
    .map((p): FilterNode => ({ kind: 'present', path: p }));
  const valuePaths = VALUE_PATHS.map(({ path, subs }) => {
    const inner = tree(
      fc.oneof(...subs.map((s) => leafArb(s, valuesOf(s), { attr: s.path }))),
      2,
    );
    return fc
      .tuple(spellings(parsePath(path)), inner)
      .map(([p, filter]): FilterNode => ({ kind: 'valuePath', path: p, filter }));
  });
  const leaf = fc.oneof(
    { weight: 10, arbitrary: fc.oneof(...leaves) },
    { weight: 1, arbitrary: complexPresent },
    { weight: 3, arbitrary: fc.oneof(...valuePaths) },
  );
  return tree(leaf, 3);
}

/**
 * Filters with injection attempts and odd characters in values and in attribute positions
 * (RFC 7644 §3.4.2.2 filter text arrives in a query string).
 */
export const INJECTION_FILTERS: readonly string[] = [
  `userName eq "' OR 1=1 --"`,
  `userName eq "x' OR '1'='1"`,
  `title eq "O'Malley"`,
  `title co "'"`,
  `title sw "Robert'); DROP TABLE scim_users;--"`,
  `title eq "Robert'); DROP TABLE scim_users;--"`,
  `displayName co "%"`,
  `displayName co "_"`,
  `displayName eq "%"`,
  `displayName sw "50%"`,
  `displayName co "%_"`,
  `displayName ew "!"`,
  `displayName co "!!"`,
  `title co "!%_"`,
  `title eq "!%_"`,
  `title co "\\\\"`,
  `title eq "back\\\\slash"`,
  `title co "\\""`,
  `title eq "say \\"hi\\""`,
  `title co "--"`,
  `title co ";"`,
  `title co "; DELETE FROM scim_users"`,
  `displayName eq "x' OR 1=1 --"`,
  `displayName co "' OR 1=1"`,
  `title eq "zoë"`,
  `title co "ë"`,
  `title eq "ZOË"`,
  `title co "\\u0000"`,
  `title eq "\\ud83d\\ude00"`,
  `title co "?"`,
  `title eq "?"`,
  `userName eq "?" or userName eq "??"`,
  `title eq "pad"`,
  `title eq "pad "`,
  `title gt "pad"`,
  `displayName eq "pad"`,
  `displayName eq "pad  "`,
  `externalId eq "pad"`,
  `externalId eq "pad "`,
  `externalId ge "pad"`,
  `emails[value co "'; DROP TABLE scim_user_values; --"]`,
  `emails.value sw "%"`,
  `emails[type eq "work' --"]`,
  `${ENT}:employeeNumber eq "1' OR '1'='1"`,
  `name.givenName ew "\\\\"`,
  `meta.created gt "2021-01-01T00:00:00Z' OR 1=1 --"`,
  `meta.resourceType eq "user"`,
  `meta.resourceType sw "u"`,
  `meta.version eq "W/\\"1\\""`,
  `userName eq "a" or 1 eq 1`,
  `userName eq "a") or (1=1`,
  `userName' or 1=1 -- eq "x"`,
  `user"Name eq "x"`,
  `urn:x';DROP TABLE scim_users:userName eq "x"`,
  `emails[value eq "x"] or emails[type eq "work"]]`,
  `title eq "\\'"`,
  `title eq 'single'`,
  `title eq "unterminated`,
  `title co "%" and title co "_"`,
];
