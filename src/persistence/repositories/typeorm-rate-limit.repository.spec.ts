/**
 * TypeOrmRateLimitRepository counts concurrent hits of one token and window with one statement
 * and still gives every hit the count k separate upserts would have given. On a
 * stand-in SQLite DataSource whose statements take a while, so that hits pile up; the real SQL
 * runs in test/e2e/audit.e2e-spec.ts and observability.e2e-spec.ts on SQLite and MariaDB.
 */
import { DataSource } from 'typeorm';
import { TypeOrmRateLimitRepository } from './typeorm-rate-limit.repository';

function fakeSqlite() {
  const state = { failing: false };
  const counts = new Map<string, number>();
  const upserts: number[] = [];
  const query = jest.fn(async (sql: string, params: unknown[] = []) => {
    await new Promise((r) => setTimeout(r, 2));
    if (!sql.startsWith('INSERT')) {
      return []; // BEGIN IMMEDIATE / COMMIT / ROLLBACK
    }
    if (state.failing) {
      throw new Error('database is locked');
    }
    const [tokenId, windowStart, k] = params as [string, number, number];
    const key = `${tokenId}@${windowStart}`;
    const n = (counts.get(key) ?? 0) + k;
    counts.set(key, n);
    upserts.push(k);
    return [{ count: n }];
  });
  const ds = {
    options: { type: 'better-sqlite3' },
    createQueryRunner: () => ({ connect: async () => undefined, release: async () => undefined, query }),
  } as unknown as DataSource;
  return { ds, counts, upserts, state };
}

describe('TypeOrmRateLimitRepository: concurrent hits', () => {
  it('gives 20 concurrent hits the counts 1..20, with fewer statements than hits', async () => {
    const { ds, counts, upserts } = fakeSqlite();
    const repo = new TypeOrmRateLimitRepository(ds);
    const got = await Promise.all(Array.from({ length: 20 }, () => repo.hit('t1', 60)));
    expect(got).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(counts.get('t1@60')).toBe(20);
    expect(upserts.reduce((a, b) => a + b, 0)).toBe(20);
    expect(upserts.length).toBeLessThan(20);
    // later hits go on from the stored count
    expect(await repo.hit('t1', 60)).toBe(21);
  });

  it('counts each token and each window apart', async () => {
    const { ds, counts } = fakeSqlite();
    const repo = new TypeOrmRateLimitRepository(ds);
    const got = await Promise.all([
      repo.hit('a', 60),
      repo.hit('b', 60),
      repo.hit('a', 120),
      repo.hit('a', 60),
    ]);
    expect(got).toEqual([1, 1, 1, 2]);
    expect([...counts.entries()].sort()).toEqual([
      ['a@120', 1],
      ['a@60', 2],
      ['b@60', 1],
    ]);
  });

  it('fails every hit of a failed statement, and counts again afterwards', async () => {
    const { ds, state } = fakeSqlite();
    const repo = new TypeOrmRateLimitRepository(ds);
    state.failing = true;
    const results = await Promise.allSettled([repo.hit('t', 60), repo.hit('t', 60)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    state.failing = false;
    expect(await repo.hit('t', 60)).toBe(1);
  });
});
