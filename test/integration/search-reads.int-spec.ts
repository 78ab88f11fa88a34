/**
 * One tenant cannot starve the others, at the store (persistence/search/search-reads.ts):
 * - a long search never blocks the event loop (SQLite: it runs on a worker thread with its own
 *   read-only connection; MariaDB: on a pooled connection);
 * - on MariaDB a search's SELECT is stopped after the statement time limit (503 with
 *   Retry-After), and a search whose client went away is stopped with KILL QUERY, so that
 *   abandoned searches cannot exhaust the pool; on PostgreSQL the same with statement_timeout
 *   and pg_cancel_backend;
 * - a search whose client went away while it waited for its turn never runs.
 */
import { DataSource } from 'typeorm';
import { ScimError } from '../../src/core/errors/scim-error';
import { CLIENT_CLOSED_REQUEST } from '../../src/persistence/search/fair-lanes';
import { query as dbQuery } from '../../src/persistence/repositories/sql.util';
import { searchReads } from '../../src/persistence/search/search-reads';
import { TEST_DATABASES } from '../support/databases';
import { TypeOrmStore, openTypeOrmStore } from './support/typeorm-store';

/** A statement that keeps its connection busy about `s` seconds (and a core, on SQLite). */
function busySql(kind: string, s: number, marker: string): string {
  if (kind === 'postgres') {
    return `SELECT /* ${marker} */ pg_sleep(${s}) IS NULL AS n`;
  }
  return kind === 'mysql'
    ? `SELECT /* ${marker} */ SLEEP(${s}) AS n`
    : // about 3 million rows a second on a loaded machine
      `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ${Math.round(s * 3e6)}) ` +
        `SELECT /* ${marker} */ COUNT(*) AS n FROM c`;
}

/** The longest the event loop went without running a 5 ms timer while `work` ran. */
async function longestStall(work: Promise<unknown>): Promise<number> {
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
  }, 5);
  try {
    await work;
  } finally {
    clearInterval(timer);
  }
  return Math.max(worst, performance.now() - last);
}

async function runningWith(ds: DataSource, marker: string): Promise<number> {
  const rows = (await dbQuery(
    ds,
    ds.options.type === 'postgres'
      ? `SELECT COUNT(*) AS n FROM pg_stat_activity
          WHERE state = 'active' AND query LIKE ? AND query NOT LIKE '%pg_stat_activity%'`
      : `SELECT COUNT(*) AS n FROM information_schema.processlist WHERE info LIKE ? AND info NOT LIKE '%processlist%'`,
    [`%${marker}%`],
  )) as Array<{ n: number | string }>;
  return Number(rows[0].n);
}

describe.each(TEST_DATABASES)('search reads on %s', (kind) => {
  let store: TypeOrmStore;
  beforeAll(async () => {
    store = await openTypeOrmStore(kind);
  });
  afterAll(async () => {
    await store?.close();
  });

  it('a long search does not block the event loop', async () => {
    const reads = searchReads(store.ds);
    const t0 = performance.now();
    const stall = await longestStall(
      reads.run('tenant-a', undefined, (sql) => sql.query(busySql(kind, 0.6, 'stall'))),
    );
    const took = performance.now() - t0;
    // the statement held its connection for a good while; the event loop never waited for it
    expect(took).toBeGreaterThan(250);
    expect(stall).toBeLessThan(Math.min(150, took / 2));
  });

  it('a search whose client went away while it waited for its turn never runs', async () => {
    const reads = searchReads(store.ds);
    // one tenant's searches run one at a time: hold its turn, queue one more
    const busy = reads.run('tenant-b', undefined, (sql) => sql.query(busySql(kind, 0.4, 'fill')));
    const controller = new AbortController();
    const queued = jest.fn(async () => 'ran');
    const waiting = reads.run('tenant-b', controller.signal, queued);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ status: CLIENT_CLOSED_REQUEST });
    await busy;
    expect(queued).not.toHaveBeenCalled();
  });

  if (kind === 'sqlite') {
    return;
  }

  it('stops a SELECT after the statement time limit: 503 with Retry-After, never a 500', async () => {
    const reads = searchReads(store.ds, { statementTimeoutMs: 300 });
    try {
      const t0 = performance.now();
      const e = (await reads
        .run('tenant-c', undefined, (sql) => sql.query(busySql(kind, 5, 'limit')))
        .catch((x: unknown) => x)) as ScimError;
      expect(e).toBeInstanceOf(ScimError);
      expect(e.status).toBe(503);
      expect(e.headers['Retry-After']).toMatch(/^\d+$/);
      expect(e.detail).toMatch(/took longer than 300 ms/);
      expect(performance.now() - t0).toBeLessThan(3000);
      expect(await runningWith(store.ds, 'limit')).toBe(0);
    } finally {
      searchReads(store.ds, { statementTimeoutMs: 10_000 });
    }
  });

  it('kills the statements of searches whose client went away, so the pool is not exhausted', async () => {
    const reads = searchReads(store.ds);
    // more abandoned searches than the pool has connections (20), across tenants
    const controllers = Array.from({ length: 24 }, () => new AbortController());
    const searches = controllers.map((c, i) =>
      reads.run(`tenant-k${i}`, c.signal, (sql) => sql.query(busySql(kind, 20, 'abandoned'))).catch((e: unknown) => e),
    );
    await new Promise((r) => setTimeout(r, 400));
    expect(await runningWith(store.ds, 'abandoned')).toBeGreaterThan(0);
    const t0 = performance.now();
    for (const c of controllers) {
      c.abort();
    }
    const outcomes = await Promise.all(searches);
    expect(performance.now() - t0).toBeLessThan(3000);
    for (const e of outcomes) {
      expect(e).toMatchObject({ status: CLIENT_CLOSED_REQUEST });
    }
    expect(await runningWith(store.ds, 'abandoned')).toBe(0);
    // the pool serves at once
    const t1 = performance.now();
    await reads.run('tenant-k0', undefined, (sql) => sql.query('SELECT 1 AS one'));
    expect(performance.now() - t1).toBeLessThan(1000);
  });
});
