/**
 * `members[value eq "<id>"]` and `members.value eq "<id>"` as a Group filter (the IPSIE SCIM
 * profile's group look-up by member) are answered from the membership table through its
 * (tenant_id, member_id) index, never by scanning memberships or reading group documents.
 * EXPLAIN (MariaDB/MySQL, PostgreSQL) and EXPLAIN QUERY PLAN (SQLite) of the statements
 * TypeOrmGroupRepository.search runs, captured from TypeORM's query logger, on a few hundred
 * groups.
 */
import { randomUUID } from 'node:crypto';
import { parseFilter } from '../../src/core/filter/filter.parser';
import { validateFilter } from '../../src/core/filter/filter.validator';
import { GROUP_SCHEMA_ID } from '../../src/core/schema/group.schema';
import { GROUP_RESOURCE_TYPE, createDefaultRegistry } from '../../src/core/schema/schema.registry';
import { USER_SCHEMA_ID } from '../../src/core/schema/user.schema';
import { TypeOrmGroupRepository } from '../../src/persistence/repositories/typeorm-group.repository';
import { TypeOrmUserRepository } from '../../src/persistence/repositories/typeorm-user.repository';
import { DatabaseKind, TEST_DATABASES } from '../support/databases';
import { TypeOrmStore, insertTenants, openTypeOrmStore } from './support/typeorm-store';

const registry = createDefaultRegistry();
const USERS = 120;
const GROUPS = 240;
const CREATED = '2024-06-01T00:00:00.000Z';

interface Seeded {
  store: TypeOrmStore;
  repo: TypeOrmGroupRepository;
  tenant: string;
  users: string[];
  /** the groups of users[7], by id */
  groupsOf7: string[];
}

async function seed(kind: DatabaseKind): Promise<Seeded> {
  const store = await openTypeOrmStore(kind);
  const tenant = randomUUID();
  const other = randomUUID();
  await insertTenants(store.ds, [tenant, other]);
  const userRepo = new TypeOrmUserRepository(store.ds, registry);
  const repo = new TypeOrmGroupRepository(store.ds, registry);
  const users: string[] = [];
  for (let i = 0; i < USERS; i++) {
    const id = randomUUID();
    await userRepo.create(tenant, { id, resource: { schemas: [USER_SCHEMA_ID], userName: `u${i}` }, created: CREATED });
    users.push(id);
  }
  const groupsOf7: string[] = [];
  for (let g = 0; g < GROUPS; g++) {
    // three members each: users g, g+1, g+2 (mod USERS)
    const members = [0, 1, 2].map((k) => ({ value: users[(g + k) % USERS], type: 'User' as const }));
    const id = randomUUID();
    await repo.create(tenant, { id, resource: { schemas: [GROUP_SCHEMA_ID], displayName: `g${g}` }, created: CREATED, members });
    if (members.some((m) => m.value === users[7])) {
      groupsOf7.push(id);
    }
  }
  return { store, repo, tenant, users, groupsOf7 };
}

/** the statements `run` sends to the database, from TypeORM's logger */
async function captured(s: Seeded, run: () => Promise<unknown>): Promise<Array<{ sql: string; params: unknown[] }>> {
  const logger = s.store.ds.logger;
  const original = logger.logQuery.bind(logger);
  const out: Array<{ sql: string; params: unknown[] }> = [];
  logger.logQuery = (query, parameters, qr) => {
    // a search on MariaDB runs under its time limit: SET STATEMENT max_statement_time=... FOR SELECT
    const select = query.replace(/^\s*SET STATEMENT\s+\S+\s+FOR\s+/i, '');
    if (/^\s*select/i.test(select) && /\bscim_groups\b/.test(select)) {
      out.push({ sql: select, params: (parameters as unknown[] | undefined) ?? [] });
    }
    return original(query, parameters, qr);
  };
  try {
    await run();
  } finally {
    logger.logQuery = original;
  }
  return out;
}

const FILTERS = [(id: string) => `members[value eq "${id}"]`, (id: string) => `members.value eq "${id}"`];

describe.each(TEST_DATABASES)('Group filters by member use the membership index on %s', (kind) => {
  let s: Seeded;

  beforeAll(async () => {
    s = await seed(kind);
    await s.store.ds.query(kind === 'mysql' ? 'ANALYZE TABLE scim_groups, scim_group_members' : 'ANALYZE');
  }, 120_000);
  afterAll(async () => {
    await s?.store.close();
  });

  it.each(FILTERS.map((f) => [f('<id>'), f] as const))('%s', async (_name, text) => {
    const filter = validateFilter(parseFilter(text(s.users[7])), registry, GROUP_RESOURCE_TYPE);
    let ids: string[] = [];
    const statements = await captured(s, async () => {
      const page = await s.repo.search(s.tenant, { filter, startIndex: 1, count: 100 }, false);
      ids = page.items.map((i) => i.id);
    });
    expect(ids.sort()).toEqual([...s.groupsOf7].sort());
    expect(statements.length).toBeGreaterThan(0);
    for (const st of statements) {
      if (kind === 'mysql') {
        const plan = (await s.store.ds.query(`EXPLAIN ${st.sql}`, st.params)) as Array<{ table: string; type: string; key: string | null }>;
        const shown = JSON.stringify(plan.map((r) => [r.table, r.type, r.key]));
        expect({ shown, uses: plan.some((r) => r.key === 'ix_scim_group_members_member') }).toEqual({ shown, uses: true });
      } else if (kind === 'postgres') {
        // the index must be usable: with sequential scans priced out the plan reads it
        const qr = s.store.ds.createQueryRunner();
        try {
          await qr.query('SET enable_seqscan = off');
          const [{ 'QUERY PLAN': plan }] = (await qr.query(`EXPLAIN (FORMAT JSON) ${st.sql}`, st.params)) as Array<{
            'QUERY PLAN': unknown;
          }>;
          const shown = JSON.stringify(plan);
          expect({ uses: shown.includes('"Index Name":"ix_scim_group_members_member"') }).toEqual({ uses: true });
          expect(/"Node Type":"Seq Scan","[^}]*"Relation Name":"scim_group_members"/.test(shown)).toBe(false);
        } finally {
          await qr.release();
        }
      } else {
        const plan = (await s.store.ds.query(`EXPLAIN QUERY PLAN ${st.sql}`, st.params)) as Array<{ detail: string }>;
        const details = plan.map((r) => r.detail);
        expect({ details, uses: details.some((d) => /USING (COVERING )?INDEX ix_scim_group_members_member\b/.test(d)) }).toEqual({ details, uses: true });
        expect(details.filter((d) => /^SCAN \S*(scim_group_members|\bm\b)/.test(d))).toEqual([]);
      }
    }
  });
});
