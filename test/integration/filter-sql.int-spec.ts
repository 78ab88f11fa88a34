/**
 * The SQL filter compiler (src/core/filter/filter-sql.compiler.ts) against the in-memory
 * evaluator (filter.evaluator.ts) on real SQLite and MariaDB/MySQL databases: random
 * Users, random filters, same answer (RFC 7644 §3.4.2.2). Also injection attempts: 400 or the
 * matcher's answer, never a SQL error.
 */
import fc from 'fast-check';
import { ScimError } from '../../src/core/errors/scim-error';
import { FilterNode } from '../../src/core/filter/filter.ast';
import { createFilterMatcher } from '../../src/core/filter/filter.evaluator';
import { parseFilter } from '../../src/core/filter/filter.parser';
import { printFilter } from '../../src/core/filter/filter.printer';
import { validateFilter } from '../../src/core/filter/filter.validator';
import { USER_RESOURCE_TYPE } from '../../src/core/schema/schema.registry';
import { TEST_DATABASES } from '../support/databases';
import {
  FilterStore,
  INJECTION_FILTERS,
  LONG_EMAIL,
  NASTY_DOCS,
  SeededUser,
  filterArb,
  openFilterStore,
  sampleUserDocs,
  seedUsers,
} from './support/filter-fixtures';

const SEED = 20251123;
const NUM_RUNS = 150;

/** Parses and validates like UsersService.list; undefined when the filter is a 400. */
function validated(text: string, store: FilterStore): FilterNode | undefined {
  try {
    return validateFilter(parseFilter(text), store.registry, USER_RESOURCE_TYPE);
  } catch (e) {
    if (e instanceof ScimError && e.status === 400) {
      return undefined;
    }
    throw e;
  }
}

const sortedIds = (ids: readonly string[]) => [...ids].sort();

interface Compared {
  /** ids the matcher accepts */
  readonly expected: string[];
  /** ids search() returns */
  readonly actual: string[];
  readonly total: number;
}

describe.each(TEST_DATABASES)('SQL filters on %s equal the reference matcher', (kind) => {
  let store: FilterStore;
  let users: SeededUser[];
  let others: SeededUser[];

  beforeAll(async () => {
    store = await openFilterStore(kind);
    const docs = [...sampleUserDocs(60, SEED), ...NASTY_DOCS];
    users = await seedUsers(store.repo, store.tenant, docs);
    // the other tenant holds look-alikes (same userNames, same values) that must never leak
    others = await seedUsers(store.repo, store.otherTenant, docs.slice(0, 8), Date.UTC(2021, 0, 2));
  });

  afterAll(async () => {
    await store?.close();
  });

  /** ids the matcher accepts, and ids the repository returns, for a validated filter. */
  async function both(filter: FilterNode): Promise<Compared> {
    const matches = createFilterMatcher(filter, store.registry, USER_RESOURCE_TYPE);
    const expected = sortedIds(users.filter((u) => matches(u.rendered)).map((u) => u.id));
    const page = await store.repo.search(store.tenant, { filter, startIndex: 1, count: 1000 });
    return { expected, actual: sortedIds(page.items.map((i) => i.id)), total: page.total ?? -1 };
  }

  it('seeds both tenants', () => {
    expect(users.length).toBe(70);
    expect(others.length).toBe(8);
  });

  it('RFC 7644 §3.4.2.2: random filters select the same Users in SQL and in memory', async () => {
    const otherIds = new Set(others.map((u) => u.id));
    let nonTrivial = 0;
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(filterArb(users.map((u) => u.rendered)), async (ast) => {
        const text = printFilter(ast);
        const filter = validated(text, store);
        fc.pre(filter !== undefined);
        const { expected, actual, total } = await both(filter!);
        runs++;
        if (expected.length > 0 && expected.length < users.length) {
          nonTrivial++;
        }
        const leaked = actual.filter((id) => otherIds.has(id));
        if (leaked.length || total !== actual.length || actual.join() !== expected.join()) {
          const name = (id: string) =>
            users.find((u) => u.id === id)?.doc.userName ?? `other:${id}`;
          throw new Error(
            `${kind}: filter ${text}\n` +
              `  matcher: ${JSON.stringify(expected.map(name))}\n` +
              `  sql:     ${JSON.stringify(actual.map(name))} (total ${total})`,
          );
        }
      }),
      { numRuns: NUM_RUNS, seed: SEED },
    );
    // the property is only worth something if filters select some Users and not others
    expect(nonTrivial).toBeGreaterThan(runs / 3);
  });

  it.each(INJECTION_FILTERS)(
    'RFC 7644 §3.4.2.2: injection attempt %s is a 400 or the matcher answer, never a SQL error',
    async (text) => {
      const filter = validated(text, store);
      if (filter === undefined) {
        return; // 400 invalidFilter / invalidSyntax
      }
      let result: Compared;
      try {
        result = await both(filter);
      } catch (e) {
        // the compiler may refuse a filter with a ScimError (400); a database error is a bug
        expect(e).toBeInstanceOf(ScimError);
        return;
      }
      expect(result.actual).toEqual(result.expected);
      expect(result.total).toBe(result.expected.length);
    },
  );

  it('RFC 7644 §3.4.2.2: odd values match exactly (quotes, LIKE characters, padding)', async () => {
    const ids = async (text: string) =>
      (await both(validated(text, store)!)).actual
        .map((id) => users.find((u) => u.id === id)!.doc.userName as string)
        .sort();
    expect(await ids(`title eq "O'Malley"`)).toEqual(["o'malley.n1"]);
    expect(await ids('displayName sw "50%"')).toEqual(["o'malley.n1"]);
    expect(await ids('title eq "back\\\\slash"')).toEqual(['back.n2']);
    expect(await ids('title eq "pad"')).toEqual([]);
    expect(await ids('title eq "pad "')).toEqual(['pad.n5']);
    expect(await ids('externalId eq "pad"')).toEqual([]);
    expect(await ids('displayName eq "PAD  "')).toEqual(['pad.n5']);
    expect(await ids('title eq "!%_"')).toEqual(['bang.n6']);
    expect(await ids('displayName eq "a_b"')).toEqual(['quote.n4']);
    expect(await ids('userName eq "ZOE.N7" and title eq "ZOË"')).toEqual(['zoe.n7']);
    // values longer than the indexed key columns
    expect(await ids(`emails eq "${LONG_EMAIL.toUpperCase()}"`)).toEqual(['long.n10']);
    expect(await ids(`emails eq "${LONG_EMAIL.slice(0, 191)}"`)).toEqual([]);
    expect(await ids(`emails.value ew "LO@LONG.EXAMPLE"`)).toEqual(['long.n10']);
    expect(await ids(`emails[type eq "${'t'.repeat(70)}X"]`)).toEqual(['long.n10']);
    expect(await ids(`emails[type eq "${'t'.repeat(64)}"]`)).toEqual([]);
  });

  it('RFC 7644 §3.4.2.2: pr and eq null follow the matcher on empty values', async () => {
    const names = async (text: string) =>
      (await both(validated(text, store)!)).actual
        .map((id) => users.find((u) => u.id === id)!.doc.userName as string)
        .filter((n) => /\.n\d+$/.test(n))
        .sort();
    expect(await names('emails pr')).toEqual(['long.n10', 'only-type.n8']);
    expect(await names('emails.value pr')).toEqual(['long.n10']);
    expect(await names('emails.value eq null and emails.type pr')).toEqual(['only-type.n8']);
    expect(await names('addresses pr')).toEqual([]);
    expect(await names('name pr')).toEqual([]);
    expect(await names('meta pr')).toHaveLength(10);
    expect(await names('emails[primary eq false]')).toEqual([]);
    expect(await names('emails[not (primary pr)]')).toEqual([
      'empty-email.n9',
      'long.n10',
      'only-type.n8',
    ]);
  });
});
