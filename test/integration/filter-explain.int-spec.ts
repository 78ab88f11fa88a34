/**
 * `userName eq`, `externalId eq`, `id eq`, `emails.value eq`, `displayName eq` and
 * `emails[type eq "work" and value eq "x"]` (the IPSIE SCIM profile's user look-ups, and
 * Entra ID's `emails[type eq "work"].value eq "x"` under the profiles that read it) must use an
 * index. EXPLAIN (MariaDB/MySQL, PostgreSQL) and EXPLAIN QUERY PLAN (SQLite) of the exact
 * statements TypeOrmUserRepository.search runs (buildSearchSql), on a few hundred Users.
 */
import { FilterNode } from '../../src/core/filter/filter.ast';
import { FilterParseOptions, parseFilter } from '../../src/core/filter/filter.parser';
import { validateFilter } from '../../src/core/filter/filter.validator';
import { SqlFragment } from '../../src/core/filter/filter-sql.target';
import { positionalParameters } from '../../src/persistence/repositories/sql-dialect';
import { ScimJson } from '../../src/core/ports/resource.types';
import { USER_RESOURCE_TYPE } from '../../src/core/schema/schema.registry';
import { DatabaseKind, TEST_DATABASES } from '../support/databases';
import {
  FilterStore,
  SeededUser,
  openFilterStore,
  sampleUserDocs,
  seedUsers,
} from './support/filter-fixtures';

const USERS = 300;
const OTHER_TENANT_USERS = 60;

/** Random Users with distinct externalId/displayName, and at least one email each. */
function explainDocs(count: number, seed: number, prefix: string): ScimJson[] {
  return sampleUserDocs(count, seed).map((doc, i) => ({
    ...doc,
    externalId: `${prefix}ext-${i}`,
    displayName: `${prefix}Display ${i}`,
    emails: [
      { value: `${prefix}user${i}@example.com`, type: 'work', primary: true },
      ...((doc.emails as []) ?? []),
    ],
  }));
}

interface Probe {
  readonly name: string;
  readonly filter: (u: SeededUser) => string;
  readonly index: string;
  /** how the filter is parsed (the caller's profile) */
  readonly options?: FilterParseOptions;
}

const firstEmail = (u: SeededUser) =>
  JSON.stringify((u.doc.emails as { value: string }[])[0].value);

const PROBES: readonly Probe[] = [
  {
    name: 'userName eq',
    filter: (u) => `userName eq ${JSON.stringify(String(u.doc.userName).toUpperCase())}`,
    index: 'uq_scim_users_tenant_user_name',
  },
  {
    name: 'externalId eq',
    filter: (u) => `externalId eq ${JSON.stringify(u.doc.externalId)}`,
    index: 'ix_scim_users_tenant_external_id',
  },
  { name: 'id eq', filter: (u) => `id eq "${u.id}"`, index: 'uq_scim_users_id' },
  {
    name: 'emails.value eq',
    filter: (u) => `emails.value eq ${firstEmail(u)}`,
    index: 'ix_scim_user_values_lookup',
  },
  {
    name: 'emails eq',
    filter: (u) => `emails eq ${firstEmail(u)}`,
    index: 'ix_scim_user_values_lookup',
  },
  {
    name: 'emails[type eq "work" and value eq]',
    filter: (u) => `emails[type eq "work" and value eq ${firstEmail(u)}]`,
    index: 'ix_scim_user_values_lookup',
  },
  {
    name: 'emails[type eq "work"].value eq (Entra ID, lenient profiles)',
    filter: (u) => `emails[type eq "work"].value eq ${firstEmail(u)}`,
    index: 'ix_scim_user_values_lookup',
    options: { subAttrAfterValuePath: true },
  },
  {
    name: 'displayName eq',
    filter: (u) => `displayName eq ${JSON.stringify(String(u.doc.displayName).toLowerCase())}`,
    index: 'ix_scim_users_tenant_display_name',
  },
];

async function setUp(kind: DatabaseKind): Promise<{ store: FilterStore; users: SeededUser[] }> {
  const store = await openFilterStore(kind);
  try {
    const users = await seedUsers(store.repo, store.tenant, explainDocs(USERS, 7, ''));
    await seedUsers(store.repo, store.otherTenant, explainDocs(OTHER_TENANT_USERS, 11, 'o-'));
    return { store, users };
  } catch (e) {
    await store.close();
    throw e;
  }
}

/** The COUNT and the page SELECT that search() runs for `text`, and the filter itself. */
function statements(
  store: FilterStore,
  text: string,
  options?: FilterParseOptions,
): { filter: FilterNode; sql: SqlFragment[] } {
  const filter = validateFilter(parseFilter(text, options), store.registry, USER_RESOURCE_TYPE);
  const built = store.repo.buildSearchSql(store.tenant, { filter, startIndex: 1, count: 100 });
  return { filter, sql: [built.count, built.page()] };
}

interface MysqlPlanRow {
  table: string;
  type: string;
  key: string | null;
  possible_keys: string | null;
}

const mysqlDescribe = TEST_DATABASES.includes('mysql') ? describe : describe.skip;

mysqlDescribe('filter look-ups use an index on MariaDB/MySQL (EXPLAIN)', () => {
  let store: FilterStore;
  let users: SeededUser[];

  beforeAll(async () => {
    ({ store, users } = await setUp('mysql'));
    await store.ds.query('ANALYZE TABLE scim_users, scim_user_values');
  });

  afterAll(async () => {
    await store?.close();
  });

  it.each(PROBES)('RFC 7644 §3.4.2.2 $name uses $index, no full table scan', async (probe) => {
    const user = users[123];
    const { filter, sql } = statements(store, probe.filter(user), probe.options);
    for (const s of sql) {
      const plan = (await store.ds.query(`EXPLAIN ${s.sql}`, s.params)) as MysqlPlanRow[];
      const shown = JSON.stringify(plan.map((r) => [r.table, r.type, r.key]));
      const usesIndex = plan.some((r) => r.key === probe.index);
      expect({ shown, usesIndex }).toEqual({ shown, usesIndex: true });
      // `<subquery2>` (a materialized one-row semi-join result) may be read whole; the tables not
      const scans = plan.filter((r) => (r.table === 'r' || r.table === 'v') && r.type === 'ALL');
      expect(scans).toEqual([]);
    }
    // and the statement finds the User
    const page = await store.repo.search(store.tenant, { filter, startIndex: 1, count: 100 });
    expect(page.items.map((i) => i.id)).toEqual([user.id]);
  });
});

interface SqlitePlanRow {
  detail: string;
}

const sqliteDescribe = TEST_DATABASES.includes('sqlite') ? describe : describe.skip;

// with statistics (ANALYZE) and without: a production database is never analyzed, and the
// planner's defaults once took the tombstone index for `externalId eq` (a scan of the tenant)
sqliteDescribe.each([['with ANALYZE', true], ['without statistics', false]])(
  'filter look-ups use an index on SQLite (EXPLAIN QUERY PLAN), %s',
  (_label, analyze) => {
  let store: FilterStore;
  let users: SeededUser[];

  beforeAll(async () => {
    ({ store, users } = await setUp('sqlite'));
    if (analyze) {
      await store.ds.query('ANALYZE');
    }
  });

  afterAll(async () => {
    await store?.close();
  });

  it.each(PROBES)('RFC 7644 §3.4.2.2 $name uses $index, never SCAN r', async (probe) => {
    const user = users[123];
    const { filter, sql } = statements(store, probe.filter(user), probe.options);
    for (const s of sql) {
      const plan: SqlitePlanRow[] = await store.ds.query(`EXPLAIN QUERY PLAN ${s.sql}`, s.params);
      const details = plan.map((r) => r.detail);
      const search = new RegExp(`^SEARCH \\w+ USING (COVERING )?INDEX ${probe.index} \\(`);
      expect({ details, usesIndex: details.some((d) => search.test(d)) }).toEqual({
        details,
        usesIndex: true,
      });
      expect(details.filter((d) => /^SCAN /.test(d))).toEqual([]);
    }
    const page = await store.repo.search(store.tenant, { filter, startIndex: 1, count: 100 });
    expect(page.items.map((i) => i.id)).toEqual([user.id]);
  });
  },
);

interface PgPlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Plans?: PgPlanNode[];
}

function pgNodes(n: PgPlanNode): PgPlanNode[] {
  return [n, ...(n.Plans ?? []).flatMap(pgNodes)];
}

const postgresDescribe = TEST_DATABASES.includes('postgres') ? describe : describe.skip;

/**
 * PostgreSQL: the indexes must be usable (string columns and JSON text compare in the "C"
 * collation, so the b-tree indexes serve `=` and LIKE 'prefix%'): with sequential scans priced
 * out, the plan reads each table through the index, or it could not.
 */
postgresDescribe('filter look-ups use an index on PostgreSQL (EXPLAIN)', () => {
  let store: FilterStore;
  let users: SeededUser[];

  beforeAll(async () => {
    ({ store, users } = await setUp('postgres'));
    await store.ds.query('ANALYZE scim_users, scim_user_values');
  });

  afterAll(async () => {
    await store?.close();
  });

  const SW_PROBES: readonly Probe[] = [
    {
      name: 'userName sw (LIKE with a prefix, "C" collation)',
      filter: (u) => `userName sw ${JSON.stringify(String(u.doc.userName).toUpperCase())}`,
      index: 'uq_scim_users_tenant_user_name',
    },
    {
      name: 'emails.value sw (the look-up key\'s prefix, "C" collation)',
      filter: (u) => `emails.value sw ${firstEmail(u).toUpperCase().slice(0, -6)}"`,
      index: 'ix_scim_user_values_lookup',
    },
  ];

  it.each([...PROBES, ...SW_PROBES])('RFC 7644 §3.4.2.2 $name uses $index', async (probe) => {
    const user = users[123];
    const { filter, sql } = statements(store, probe.filter(user), probe.options);
    const qr = store.ds.createQueryRunner();
    try {
      await qr.query('SET enable_seqscan = off');
      for (const s of sql) {
        const [{ 'QUERY PLAN': plan }] = (await qr.query(
          `EXPLAIN (FORMAT JSON) ${positionalParameters(s.sql)}`,
          s.params,
        )) as Array<{ 'QUERY PLAN': Array<{ Plan: PgPlanNode }> }>;
        const nodes = pgNodes(plan[0].Plan);
        const shown = JSON.stringify(nodes.map((n) => [n['Node Type'], n['Relation Name'], n['Index Name']]));
        const usesIndex = nodes.some((n) => n['Index Name'] === probe.index);
        expect({ shown, usesIndex }).toEqual({ shown, usesIndex: true });
        expect(nodes.filter((n) => n['Node Type'] === 'Seq Scan').map((n) => n['Relation Name'])).toEqual([]);
      }
    } finally {
      await qr.release();
    }
    const page = await store.repo.search(store.tenant, { filter, startIndex: 1, count: 100 });
    expect(page.items.map((i) => i.id)).toContain(user.id);
  });

  /**
   * RFC 7644 §3.4.2.2 `sw` on a multi-valued value: the (tenant_id, attribute, value_key) index
   * is searched by the key's prefix (a range in its Index Cond), not only read for the tenant's
   * emails with the LIKE applied to each; and with the planner free to scan, the tenant's
   * values are still not read whole.
   */
  it.each([
    ['sequential scans priced out', true],
    ['the planner free to choose', false],
  ])('emails.value sw ranges over the look-up key (%s)', async (_label, noSeqScan) => {
    const user = users[123];
    const prefix = String((user.doc.emails as { value: string }[])[0].value).slice(0, -6).toUpperCase();
    const { filter, sql } = statements(store, `emails.value sw ${JSON.stringify(prefix)}`);
    const qr = store.ds.createQueryRunner();
    try {
      if (noSeqScan) {
        await qr.query('SET enable_seqscan = off');
      }
      const s = sql[1];
      const [{ 'QUERY PLAN': plan }] = (await qr.query(`EXPLAIN (FORMAT JSON) ${positionalParameters(s.sql)}`, s.params)) as Array<{
        'QUERY PLAN': Array<{ Plan: PgPlanNode }>;
      }>;
      const nodes = pgNodes(plan[0].Plan);
      const values = nodes.filter((n) => n['Relation Name'] === 'scim_user_values');
      const shown = JSON.stringify(values.map((n) => [n['Node Type'], n['Index Name'], n['Index Cond']]));
      // `((value_key)::text >= 'user123@examp'::text) AND ((value_key)::text < 'user123@examq'::text)`
      const bounds = (cond = '') => /\bvalue_key\b[^<>=]*>=/.test(cond) && /\bvalue_key\b[^<>=]*</.test(cond);
      const ranged = values.some((n) => n['Index Name'] === 'ix_scim_user_values_lookup' && bounds(n['Index Cond']));
      expect({ shown, ranged }).toEqual({ shown, ranged: true });
    } finally {
      await qr.release();
    }
    const page = await store.repo.search(store.tenant, { filter, startIndex: 1, count: 100 });
    expect(page.items.map((i) => i.id)).toContain(user.id);
  });
});
