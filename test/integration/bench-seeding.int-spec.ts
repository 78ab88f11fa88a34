/**
 * The benchmark's own database work (bench/lib/db.js) on every test database: `--seed sql`
 * writes rows the server reads as it would have written them (found by userName and by
 * emails.value, the big group with its members), the server's next INSERT takes a key after the
 * seeded ones (PostgreSQL's sequences are moved past the explicit `seq` values), and the raw
 * ceiling runs its statements without errors.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDefaultRegistry } from '../../src/core/schema/schema.registry';
import { TypeOrmGroupRepository } from '../../src/persistence/repositories/typeorm-group.repository';
import { TypeOrmUserRepository } from '../../src/persistence/repositories/typeorm-user.repository';
import { TEST_DATABASES } from '../support/databases';
import { TypeOrmStore, insertTenants, openTypeOrmStore } from './support/typeorm-store';
import { contractFilter, newUser } from './support/user-repository.contract';

interface BenchDb {
  kind: string;
  url: string;
  file?: string;
  dir: string;
}
interface Measured {
  requests: number;
  errors: number;
}
const bench = require('../../bench/lib/db') as {
  seedSql(
    db: BenchDb,
    o: { tenantId: string; users: number; members: number; log: (s: string) => void },
  ): Promise<{ ids: string[]; bigGroupId: string }>;
  rawCeiling(
    db: BenchDb,
    o: { concurrency: number; durationS: number; maxOps: number; log: (s: string) => void },
  ): Promise<{ mode: string; insert: Measured; select: Measured }>;
};
const data = require('../../bench/lib/data') as {
  userName(i: number): string;
  userBody(i: number): { emails: { value: string }[] } & Record<string, unknown>;
};

const TENANT = '0b7f3a52-3f0c-4d44-9c1e-5e0d6f7a8b90';
const USERS = 30;
const MEMBERS = 12;
const registry = createDefaultRegistry();

describe.each(TEST_DATABASES)('bench seeding and raw ceiling on %s', (kind) => {
  let store: TypeOrmStore;
  let db: BenchDb;
  let seeded: { ids: string[]; bigGroupId: string };

  beforeAll(async () => {
    store = await openTypeOrmStore(kind);
    await insertTenants(store.ds, [TENANT]);
    const dir = mkdtempSync(join(tmpdir(), 'scim-bench-test-'));
    db = { kind, url: store.db.url, dir, ...(kind === 'sqlite' ? { file: store.db.url.slice('sqlite:'.length) } : {}) };
    seeded = await bench.seedSql(db, { tenantId: TENANT, users: USERS, members: MEMBERS, log: () => undefined });
  });
  afterAll(async () => {
    if (db) {
      rmSync(db.dir, { recursive: true, force: true });
    }
    await store?.close();
  });

  it('the seeded users are what the store reads, by userName and by emails.value', async () => {
    const users = new TypeOrmUserRepository(store.ds, registry);
    const all = await users.search(TENANT, { startIndex: 1, count: 0 });
    expect(all.total).toBe(USERS);
    const find = async (filter: string) =>
      (await users.search(TENANT, { filter: contractFilter(filter), startIndex: 1, count: 10 })).items.map((u) => u.id);
    expect(await find(`userName eq "${data.userName(7)}"`)).toEqual([seeded.ids[7]]);
    const email = data.userBody(11).emails[0].value;
    expect(await find(`emails.value eq "${email.toUpperCase()}"`)).toEqual([seeded.ids[11]]);
  });

  it("the server's next user takes a key after the seeded ones", async () => {
    const users = new TypeOrmUserRepository(store.ds, registry);
    const created = await users.create(TENANT, newUser('after.the.seed@bench.example'));
    const page = await users.search(TENANT, { startIndex: 1, count: USERS + 1 });
    expect(page.items.map((u) => u.id).at(-1)).toBe(created.id);
  });

  it('the big group holds the first members', async () => {
    const groups = new TypeOrmGroupRepository(store.ds, registry);
    const group = await groups.findById(TENANT, seeded.bigGroupId, true);
    const members = (group?.resource.members ?? []) as { value: string }[];
    expect(members.map((m) => m.value).sort()).toEqual(seeded.ids.slice(0, MEMBERS).sort());
  });

  it('the raw ceiling inserts and selects without errors', async () => {
    const raw = await bench.rawCeiling(db, { concurrency: 2, durationS: 0.2, maxOps: 40, log: () => undefined });
    for (const r of [raw.insert, raw.select]) {
      expect(r.requests).toBeGreaterThan(0);
      expect(r.errors).toBe(0);
    }
  });
});
