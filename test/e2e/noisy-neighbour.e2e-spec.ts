/**
 * One tenant cannot starve the others (docs/security.md): while a tenant with 10,000 users sends
 * the worst filter the default budget allows (16 `emails.value co` terms, each a scan of its
 * emails) at 10 requests per second, open loop (what a per-token rate limit of 600/60 lets
 * through), another tenant's `GET /Users/{id}` keeps a p99 under 100 ms, and so does its
 * `userName eq` look-up, on SQLite and MariaDB.
 * When the noisy client leaves, the server drops what it still had queued for it and stops what
 * ran (KILL QUERY on MariaDB): it is idle again within 2.5 s.
 *
 * Why it holds with a margin on a loaded 2-core machine: a noisy search never runs where a GET
 * by id waits (SQLite: a worker thread with its own connection, not the event loop; MariaDB: at
 * one of the pool's 20 connections at a time), so a GET waits for no scan; what is left is CPU
 * contention (measured alone first: the figures are printed when the assertion fails). The test checks that the noise was real (each noisy search alone takes several
 * times the GET target) and bounds its time (about 25 s per database).
 */
import { Agent, ClientRequest, request } from 'node:http';
import { DataSource } from 'typeorm';
import { USER_REPOSITORY } from '../../src/core/ports/tokens';
import { inTransaction } from '../../src/persistence/repositories/sql.util';
import { searchReads } from '../../src/persistence/search/search-reads';
import { SqlResourceStore } from '../../src/persistence/sql-store/sql-resource.store';
import { TEST_DATABASES } from '../support/databases';
import { SCIM_JSON, TestApp } from '../support/test-app';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const SEARCH = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
const NOISY_USERS = 10_000;
const NOISY_RATE = 10;
const NOISE_MS = 5_000;
const TARGET_P99_MS = 100;

// A latency bound measured on a shared machine: another process can take the cores for a
// while. One more measurement window when a run misses it (each miss is logged with its
// figures); a server that lets the noisy tenant starve the quiet one misses both.
jest.retryTimes(1, { logErrorsBeforeRetry: true });

const noisyFilter = (k: number) =>
  Array.from({ length: 16 }, (_, i) => `emails.value co "noisy.${k}.${i}@"`).join(' or ');

/** the users of the noisy tenant, written through the store's row writer (1,000 per transaction) */
async function seedUsers(ds: DataSource, store: SqlResourceStore, tenantId: string): Promise<void> {
  const created = new Date().toISOString();
  for (let from = 0; from < NOISY_USERS; from += 1000) {
    await inTransaction(ds, async (qr) => {
      for (let i = from; i < from + 1000; i++) {
        const userName = `user.${i}@noisy.example`;
        await store.rows.createIn(qr, tenantId, {
          id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
          created,
          resource: {
            schemas: [USER],
            userName,
            emails: [{ value: userName, type: 'work', primary: true }],
            displayName: `Noisy User ${i}`,
          },
        });
      }
    });
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * One request; `close` destroys its socket (the client going away). Noisy requests use a
 * connection each (`agent: false`), as clients that give up do; quiet ones a keep-alive agent.
 */
function send(
  port: number,
  o: { method: string; path: string; token: string; body?: unknown; agent: Agent | false },
): { done: Promise<number>; req: ClientRequest } {
  const payload = o.body === undefined ? undefined : JSON.stringify(o.body);
  let req!: ClientRequest;
  const done = new Promise<number>((resolve, reject) => {
    req = request(
      {
        host: '127.0.0.1',
        port,
        method: o.method,
        path: `/scim/v2${o.path}`,
        agent: o.agent,
        headers: {
          Authorization: `Bearer ${o.token}`,
          ...(payload ? { 'Content-Type': SCIM_JSON, 'Content-Length': Buffer.byteLength(payload) } : {}),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
  return { done, req };
}

describe.each(TEST_DATABASES)('A noisy tenant beside a quiet one on %s', (kind) => {
  let t: TestApp;
  let port: number;
  const quietAgent = new Agent({ keepAlive: true, maxSockets: 2 });
  let noisyToken: string;
  let quietToken: string;
  const quietIds: string[] = [];

  const noisySearch = (k: number) =>
    send(port, {
      method: 'POST',
      path: '/Users/.search',
      token: noisyToken,
      body: { schemas: [SEARCH], filter: noisyFilter(k), count: 10 },
      agent: false,
    });

  beforeAll(async () => {
    t = await TestApp.start(kind);
    port = (t.app.getHttpServer().address() as { port: number }).port;
    noisyToken = await t.token('noisy');
    quietToken = await t.token('quiet');
    const noisy = await t.tenantService.getTenant('noisy');
    await seedUsers(t.app.get(DataSource), t.app.get(USER_REPOSITORY), noisy.id);
    for (let i = 0; i < 20; i++) {
      const res = await t.http
        .post('/scim/v2/Users')
        .set({ Authorization: `Bearer ${quietToken}`, 'Content-Type': SCIM_JSON })
        .send({ schemas: [USER], userName: `quiet.${i}@quiet.example` });
      expect(res.status).toBe(201);
      quietIds.push(res.body.id);
    }
  }, 120_000);
  afterAll(async () => {
    quietAgent.destroy();
    await t?.close();
  }, 30_000);

  /**
   * The quiet tenant's `GET /Users/{id}`, two at a time for `ms`, with a `userName eq` look-up
   * (what an IdP sends before each create) every fourth request: their sorted latencies.
   */
  async function quietGets(ms: number): Promise<{ gets: number[]; lookups: number[] }> {
    const gets: number[] = [];
    const lookups: number[] = [];
    const end = performance.now() + ms;
    const loop = async (first: number) => {
      for (let n = 0; performance.now() < end; n++) {
        const i = (first + 2 * n) % quietIds.length;
        const lookup = n % 4 === 3;
        const path = lookup
          ? `/Users?filter=${encodeURIComponent(`userName eq "quiet.${i}@quiet.example"`)}`
          : `/Users/${quietIds[i]}`;
        const s = performance.now();
        const status = await send(port, { method: 'GET', path, token: quietToken, agent: quietAgent }).done;
        (lookup ? lookups : gets).push(performance.now() - s);
        expect(status).toBe(200);
      }
    };
    await Promise.all([loop(0), loop(1)]);
    return { gets: gets.sort((a, b) => a - b), lookups: lookups.sort((a, b) => a - b) };
  }

  it(`keeps the quiet tenant's GET /Users/{id} p99 under ${TARGET_P99_MS} ms`, async () => {
    // the noise is real: one noisy search alone takes a good multiple of a GET
    const t0 = performance.now();
    expect(await noisySearch(-1).done).toBe(200);
    const alone = performance.now() - t0;
    const quietAlone = (await quietGets(1000)).gets;
    expect(alone).toBeGreaterThan(5 * percentile(quietAlone, 50));

    const statuses: Record<number, number> = {};
    const inFlight = new Set<ClientRequest>();
    let k = 0;
    const fire = () => {
      const { done, req } = noisySearch(k++);
      inFlight.add(req);
      done
        .then((status) => {
          statuses[status] = (statuses[status] ?? 0) + 1;
        })
        .catch(() => undefined)
        .finally(() => inFlight.delete(req));
    };
    // which noisy searches reached the database (their LIKE patterns name k)
    const ds = t.app.get(DataSource);
    const executed = new Set<string>();
    const logQuery = ds.logger.logQuery.bind(ds.logger);
    ds.logger.logQuery = (query, parameters, runner) => {
      // the searches' SELECTs only (the audit log's INSERTs carry the filter too)
      for (const p of /\bSELECT\b[\s\S]*\bLIKE\b/.test(query) ? ((parameters as unknown[] | undefined) ?? []) : []) {
        const m = /noisy\.(\d+)\./.exec(String(p));
        if (m) {
          executed.add(m[1]);
        }
      }
      return logQuery(query, parameters, runner);
    };
    const noise = setInterval(fire, 1000 / NOISY_RATE);
    let executedAtStop: number;
    let quiet: { gets: number[]; lookups: number[] };
    let leftInFlight: number;
    try {
      // let the noisy tenant's queue build up, then measure the quiet tenant
      await new Promise((r) => setTimeout(r, 1000));
      quiet = await quietGets(NOISE_MS);
    } finally {
      clearInterval(noise);
      leftInFlight = inFlight.size;
      executedAtStop = executed.size;
      // the noisy client leaves: what the server still had for it is dropped or stopped
      for (const req of inFlight) {
        req.destroy();
      }
    }
    const p99 = percentile(quiet.gets, 99);
    // a quarter of the samples: their p95 (a p99 of ~100 samples would be the single worst one)
    const lookupP95 = percentile(quiet.lookups, 95);
    const figures = {
      p99: Math.round(p99),
      p50: Math.round(percentile(quiet.gets, 50)),
      samples: quiet.gets.length,
      lookupP95: Math.round(lookupP95),
      quietAloneP99: Math.round(percentile(quietAlone, 99)),
      noisyAlone: Math.round(alone),
      noisy: statuses,
    };
    // enough samples that p99 is not the single worst one
    expect(figures.samples).toBeGreaterThan(100);
    // the figures are printed when it fails
    expect({ figures, underTarget: p99 < TARGET_P99_MS }).toEqual({ figures, underTarget: true });
    // a look-up by userName is a read by key too: it never waits for the noisy tenant's scans
    expect({ figures, lookupUnderTarget: lookupP95 < TARGET_P99_MS }).toEqual({ figures, lookupUnderTarget: true });
    // the noisy searches ran (answered, or refused after waiting their turn), never failed otherwise
    expect(statuses[200] ?? 0).toBeGreaterThan(0);
    for (const status of Object.keys(statuses)) {
      expect(['200', '503']).toContain(status);
    }
    expect(leftInFlight).toBeGreaterThan(0);
    // within the time of a running search or two, not of the ~50 that waited (~10 s of work)
    const reads = searchReads(t.app.get(DataSource));
    const deadline = performance.now() + 2500;
    while (performance.now() < deadline && (reads.load.running > 0 || reads.load.waiting > 0)) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(reads.load).toEqual({ running: 0, waiting: 0 });
    // what still waited for its turn never ran (at most a search that had just got one)
    expect(executed.size - executedAtStop!).toBeLessThanOrEqual(2);
    ds.logger.logQuery = logQuery;
  }, 60_000);
});
