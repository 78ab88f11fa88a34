import fc from 'fast-check';
import { ScimError } from '../errors/scim-error';
import {
  createDefaultRegistry,
  GROUP_RESOURCE_TYPE,
  USER_RESOURCE_TYPE,
} from '../schema/schema.registry';
import { ResourceTypeDefinition } from '../schema/schema.types';
import { FilterNode } from './filter.ast';
import {
  checkFilterBudget,
  DEFAULT_FILTER_BUDGET,
  DEFAULT_FILTER_INDEXES,
  FILTER_TERM_COSTS,
  FilterIndexes,
  filterCost,
  FilterTermKind,
  FilterTooExpensiveError,
  isKeyLookup,
} from './filter.cost';
import { USER_INDEXES } from './filter.cost.cases';
import { ENT } from './filter.cases';
import { parseFilter } from './filter.parser';
import { validateFilter } from './filter.validator';

const registry = createDefaultRegistry();

/** What the SQL store says of scim_groups with its members table (USER_INDEXES: of scim_users) */
const GROUP_INDEXES: FilterIndexes = {
  indexed: ['id', 'displayName', 'externalId', 'meta.created', 'meta.lastModified', 'members.value'],
};

function costOf(text: string, rt: ResourceTypeDefinition = USER_RESOURCE_TYPE) {
  const indexes = rt === USER_RESOURCE_TYPE ? USER_INDEXES : GROUP_INDEXES;
  return filterCost(validateFilter(parseFilter(text), registry, rt), { registry, resourceType: rt, indexes });
}

const ors = (n: number, term: (i: number) => string) =>
  Array.from({ length: n }, (_, i) => term(i)).join(' or ');

type Terms = Partial<Record<FilterTermKind, number>>;

/** [filter on Users, total cost, terms by kind] */
const USER_CASES: ReadonlyArray<[string, number, Terms]> = [
  // the look-ups IdPs make (Okta, Entra ID)
  ['userName eq "bjensen@example.com"', 1, { lookup: 1 }],
  ['externalId eq "00u1abcd"', 1, { lookup: 1 }],
  ['displayName eq "Babs Jensen"', 1, { lookup: 1 }],
  ['USERNAME eq "b"', 1, { lookup: 1 }],
  [`urn:ietf:params:scim:schemas:core:2.0:User:userName eq "b"`, 1, { lookup: 1 }],
  ['id eq "1" or id eq "2"', 2, { lookup: 2 }],
  [ors(100, (i) => `id eq "${i}"`), 100, { lookup: 100 }],
  ['emails.value eq "a@example.com"', 3, { lookup: 1 }],
  ['emails eq "a@example.com"', 3, { lookup: 1 }],
  ['emails[type eq "work" and value eq "a@example.com"]', 13, { childTable: 1, unindexed: 1, lookup: 1 }],
  ['emails[type eq "work"]', 12, { childTable: 1, unindexed: 1 }],
  ['active eq true', 1, { lookup: 1 }],
  ['userName eq "a" and active eq true', 2, { lookup: 2 }],
  // ranges on an index
  ['userName sw "bj"', 3, { range: 1 }],
  ['userName pr', 3, { range: 1 }],
  ['meta.lastModified gt "2024-01-01T00:00:00Z"', 3, { range: 1 }],
  ['meta.created ge "2024-01-01T00:00:00Z" and meta.created lt "2025-01-01T00:00:00Z"', 6, { range: 2 }],
  // what cannot use an index
  ['userName co "jen"', 10, { substring: 1 }],
  ['userName ew "example.com"', 10, { substring: 1 }],
  ['emails.value co "jen"', 12, { substring: 1 }],
  ['emails[value co "jen"]', 12, { childTable: 1, substring: 1 }],
  ['userName ne "a"', 10, { negation: 1 }],
  ['emails.value ne "a"', 12, { negation: 1 }],
  ['not (userName eq "a")', 10, { negation: 1 }],
  ['not (userName eq "a" or externalId eq "b")', 20, { negation: 2 }],
  ['not (userName co "a")', 10, { substring: 1 }],
  ['userName eq null', 10, { presence: 1 }],
  ['title pr', 10, { presence: 1 }],
  ['title eq "Tour Guide"', 10, { unindexed: 1 }],
  ['name.familyName eq "Jensen"', 10, { unindexed: 1 }],
  ['name[familyName eq "Jensen"]', 10, { unindexed: 1 }],
  ['meta.resourceType eq "User"', 10, { unindexed: 1 }],
  [`${ENT}:employeeNumber eq "701984"`, 10, { unindexed: 1 }],
  [`${ENT}:manager.value eq "26118915"`, 10, { unindexed: 1 }],
  // and/or add up
  ['userName eq "a" and title co "b"', 11, { lookup: 1, substring: 1 }],
  ['(userName co "a" or displayName co "a") and active eq true', 21, { substring: 2, lookup: 1 }],
];

/** [filter on Groups, total cost, terms by kind] */
const GROUP_CASES: ReadonlyArray<[string, number, Terms]> = [
  ['displayName eq "Admins"', 1, { lookup: 1 }],
  ['externalId eq "00g1"', 1, { lookup: 1 }],
  ['members[value eq "2819c223"]', 3, { childTable: 1, lookup: 1 }],
  ['id eq "g1" and members[value eq "2819c223"]', 4, { childTable: 1, lookup: 2 }],
  ['members.value eq "2819c223"', 3, { lookup: 1 }],
  ['displayName co "adm"', 10, { substring: 1 }],
  ['members[type eq "User"]', 12, { childTable: 1, unindexed: 1 }],
];

describe('filterCost', () => {
  it.each(USER_CASES)('User: %s costs %d', (text, total, terms) => {
    const cost = costOf(text);
    expect(cost.terms).toEqual(terms);
    expect(cost.total).toBe(total);
  });

  it.each(GROUP_CASES)('Group: %s costs %d', (text, total, terms) => {
    const cost = costOf(text, GROUP_RESOURCE_TYPE);
    expect(cost.terms).toEqual(terms);
    expect(cost.total).toBe(total);
  });

  it('prices a store that says nothing with the default indexes (id, externalId, userName, ...)', () => {
    const ctx = { registry, resourceType: USER_RESOURCE_TYPE, indexes: DEFAULT_FILTER_INDEXES };
    const of = (text: string) => filterCost(validateFilter(parseFilter(text), registry, USER_RESOURCE_TYPE), ctx);
    expect(of('userName eq "a" or externalId eq "b" or id eq "c"').total).toBe(3);
    expect(of('emails.value eq "a"').terms).toEqual({ unindexed: 1 });
  });
});

describe('checkFilterBudget', () => {
  const check = (text: string, budget = DEFAULT_FILTER_BUDGET, rt = USER_RESOURCE_TYPE) =>
    checkFilterBudget(validateFilter(parseFilter(text), registry, rt), {
      registry,
      resourceType: rt,
      indexes: rt === USER_RESOURCE_TYPE ? USER_INDEXES : GROUP_INDEXES,
    }, budget);

  function refusal(text: string, budget?: number): ScimError {
    try {
      check(text, budget);
    } catch (e) {
      expect(e).toBeInstanceOf(FilterTooExpensiveError);
      return e as ScimError;
    }
    throw new Error(`expected "${text.slice(0, 60)}..." to be refused`);
  }

  it.each([
    ['every filter of the cost tables', USER_CASES.map((c) => c[0])],
    ['a group reconcile: 200 ids', [ors(200, (i) => `id eq "${i}"`)]],
    ['20 substring terms on singular attributes', [ors(20, (i) => `userName co "${i}"`)]],
    ['16 substring terms on emails', [ors(16, (i) => `emails.value co "${i}"`)]],
  ])('lets %s through the default budget', (_, filters) => {
    for (const f of filters) {
      expect(() => check(f)).not.toThrow();
    }
  });

  it('lets the group filters of the cost table through the default budget', () => {
    for (const [f] of GROUP_CASES) {
      expect(() => check(f, DEFAULT_FILTER_BUDGET, GROUP_RESOURCE_TYPE)).not.toThrow();
    }
  });

  it('refuses 360 substring terms on emails with 400 invalidFilter saying why', () => {
    const e = refusal(ors(360, (i) => `emails.value co "u${i}@"`));
    expect(e.status).toBe(400);
    expect(e.scimType).toBe('invalidFilter');
    expect(e.detail).toMatch(/^filter too expensive: 360 substring terms \(co, ew\); at most 16 \(each costs 12; the filter costs 4320, the budget is 200\)/);
  });

  it.each([
    [ors(201, (i) => `id eq "${i}"`), /201 indexed look-ups; at most 200 /],
    [ors(21, (i) => `title eq "${i}"`), /21 terms on attributes without an index; at most 20 /],
    [ors(21, (i) => `userName ne "${i}"`), /21 negated terms \(ne, not\); at most 20 /],
    [ors(67, (i) => `userName sw "${i}"`), /67 indexed ranges .*; at most 66 /],
  ])('names the kind of term that costs the most: %#', (text, detail) => {
    expect(refusal(text).detail).toMatch(detail);
  });

  it('follows the configured budget', () => {
    expect(() => check('userName co "a"', 10)).not.toThrow();
    expect(refusal('userName co "a"', 9).detail).toMatch(/1 substring terms .*; at most 0 /);
  });
});

// ---- properties ---------------------------------------------------------------------------

const userCtx = { registry, resourceType: USER_RESOURCE_TYPE, indexes: USER_INDEXES };
const validated = (text: string): FilterNode => validateFilter(parseFilter(text), registry, USER_RESOURCE_TYPE);
const cost = (node: FilterNode) => filterCost(node, userCtx);

/** The table's filters, validated: the leaves of the random trees. */
const LEAVES: readonly FilterNode[] = USER_CASES.filter((c) => c[0].length < 200).map((c) => validated(c[0]));
const leaf = fc.constantFrom(...LEAVES);

/** A random and/or/not tree over the table's filters (built as an AST: no length limit). */
const filterNode: fc.Arbitrary<FilterNode> = fc.letrec<{ f: FilterNode }>((tie) => ({
  f: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc
      .tuple(tie('f'), fc.constantFrom('and' as const, 'or' as const), tie('f'))
      .map(([left, kind, right]): FilterNode => ({ kind, left, right })),
    tie('f').map((filter): FilterNode => ({ kind: 'not', filter })),
  ),
})).f;

const orOf = (nodes: FilterNode[]): FilterNode =>
  nodes.reduce((left, right): FilterNode => ({ kind: 'or', left, right }));

describe('filterCost properties', () => {
  it('and/or add up their operands; not never makes a filter cheaper', () => {
    fc.assert(
      fc.property(filterNode, filterNode, (a, b) => {
        const ca = cost(a).total;
        const cb = cost(b).total;
        expect(cost({ kind: 'or', left: a, right: b }).total).toBe(ca + cb);
        expect(cost({ kind: 'and', left: a, right: b }).total).toBe(ca + cb);
        expect(cost({ kind: 'not', filter: a }).total).toBeGreaterThanOrEqual(ca);
      }),
      { numRuns: 300 },
    );
  });

  it('the total is what the terms cost, each between a look-up and a scan in a sub-query', () => {
    const max = FILTER_TERM_COSTS.substring + FILTER_TERM_COSTS.childTable;
    fc.assert(
      fc.property(filterNode, (node) => {
        const c = cost(node);
        expect(Object.values(c.costs).reduce((s, x) => s + x, 0)).toBe(c.total);
        const valuePaths = c.terms.childTable ?? 0;
        const terms = Object.values(c.terms).reduce((s, n) => s + n, 0) - valuePaths;
        expect(c.total).toBeGreaterThanOrEqual(terms * FILTER_TERM_COSTS.lookup);
        expect(c.total).toBeLessThanOrEqual(terms * max + valuePaths * FILTER_TERM_COSTS.childTable);
      }),
      { numRuns: 300 },
    );
  });

  it('the budget refuses exactly the filters that cost more than it, always as invalidFilter', () => {
    fc.assert(
      fc.property(filterNode, fc.integer({ min: 1, max: 400 }), (node, budget) => {
        const total = cost(node).total;
        let refused: unknown;
        try {
          checkFilterBudget(node, userCtx, budget);
        } catch (e) {
          refused = e;
        }
        if (total <= budget) {
          expect(refused).toBeUndefined();
        } else {
          expect(refused).toBeInstanceOf(FilterTooExpensiveError);
          expect((refused as ScimError).scimType).toBe('invalidFilter');
          expect((refused as ScimError).detail).toMatch(/^filter too expensive: \d+ .*; at most \d+ /);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('an OR of n copies of a filter costs n times the filter', () => {
    fc.assert(
      fc.property(filterNode, fc.integer({ min: 1, max: 400 }), (node, n) => {
        expect(cost(orOf(Array.from({ length: n }, () => node))).total).toBe(n * cost(node).total);
      }),
      { numRuns: 100 },
    );
  });
});

describe('isKeyLookup', () => {
  const KEYS = ['id', 'userName'];
  it.each([
    ['userName eq "bjensen"', true],
    ['USERNAME eq "bjensen"', true],
    ['id eq "2819c223"', true],
    ['userName eq "a" and emails.value co "b"', true],
    ['(title co "x" and active eq true) and id eq "1"', true],
    ['externalId eq "00u1"', false],
    ['userName eq "a" or userName eq "b"', false],
    ['not (userName eq "a")', false],
    ['userName ne "a"', false],
    ['userName sw "a"', false],
    ['userName eq null', false],
    ['emails[value eq "a"]', false],
  ])('%s: %s', (text, expected) => {
    expect(isKeyLookup(validated(text), KEYS)).toBe(expected);
  });
});
