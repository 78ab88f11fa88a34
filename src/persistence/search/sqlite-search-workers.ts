import { Worker } from 'node:worker_threads';
import { DataSource, QueryFailedError } from 'typeorm';
import { SqlReader } from '../repositories/sqlite-reader';

/** how much less CPU priority a search worker's thread has than the event loop (nice) */
export const SEARCH_WORKER_NICE = 10;

/**
 * The worker's code, plain JavaScript (no build step reaches it): a read-only connection of its
 * own to the SQLite file, with the functions and LIKE semantics the filter compiler relies on
 * (as prepareSqlite sets them), answering one statement per message. It first lowers its own
 * thread's CPU priority (nice +10; Linux keeps one per thread, named by /proc/thread-self), so
 * that on a busy machine the event loop, which answers every tenant, wins the core over a scan.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
try {
  const tid = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop());
  const os = require('node:os');
  if (tid > 0) os.setPriority(tid, Math.min(19, os.getPriority(tid) + ${SEARCH_WORKER_NICE}));
} catch (e) {
  // another OS, or no /proc: the worker keeps the process's priority
}
const Database = require(workerData.driver);
const db = new Database(workerData.file, { readonly: true, fileMustExist: true, timeout: 5000 });
db.function('scim_lower', { deterministic: true }, (v) => (typeof v === 'string' ? v.toLowerCase() : v));
db.pragma('case_sensitive_like = ON');
const statements = new Map();
parentPort.on('message', ({ id, sql, params }) => {
  try {
    let stmt = statements.get(sql);
    if (!stmt) {
      if (statements.size >= ${500}) statements.clear();
      stmt = db.prepare(sql);
      statements.set(sql, stmt);
    }
    parentPort.postMessage({ id, rows: stmt.reader ? stmt.all(...params) : stmt.run(...params) });
  } catch (e) {
    parentPort.postMessage({ id, error: { message: String(e && e.message), code: e && e.code } });
  }
});
`;

interface Pending {
  readonly resolve: (rows: unknown) => void;
  readonly reject: (e: unknown) => void;
  readonly sql: string;
  readonly params: unknown[];
}

interface Reply {
  readonly id: number;
  readonly rows?: unknown;
  readonly error?: { message: string; code?: string };
}

/** One worker thread and the statements it was sent. */
class SearchWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private next = 0;
  dead = false;

  constructor(file: string, driver: string, onExit: () => void) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver } });
    // never what keeps a process alive (a CLI that does not destroy its DataSource)
    this.worker.unref();
    this.worker.on('message', (m: Reply) => {
      const p = this.pending.get(m.id);
      if (!p) {
        return;
      }
      this.pending.delete(m.id);
      if (m.error) {
        const driverError = Object.assign(new Error(m.error.message), { code: m.error.code });
        p.reject(new QueryFailedError(p.sql, p.params, driverError));
      } else {
        p.resolve(m.rows);
      }
    });
    const fail = (e: unknown) => {
      this.dead = true;
      for (const p of this.pending.values()) {
        p.reject(e instanceof Error ? e : new Error(`SQLite search worker stopped: ${String(e)}`));
      }
      this.pending.clear();
      onExit();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`SQLite search worker exited (${code})`)));
  }

  query(sql: string, params: unknown[]): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const id = this.next++;
      this.pending.set(id, { resolve, reject, sql, params });
      this.worker.postMessage({ id, sql, params });
    });
  }

  terminate(): Promise<number> {
    this.dead = true;
    return this.worker.terminate();
  }
}

/**
 * Searches on SQLite off the event loop: better-sqlite3 is synchronous, and has neither a
 * progress handler nor an interrupt, so a statement that scans a tenant holds the thread it runs
 * on until it ends. On the main thread that is every request of every tenant; on a worker thread
 * with its own read-only connection (WAL lets readers run beside the writer and each other) it is
 * that worker only, on another core. Worker `i` serves slot `i` of the search lanes, so it runs
 * one statement at a time; a worker that dies is started again on its next statement.
 */
export class SqliteSearchWorkers {
  private readonly workers: Array<SearchWorker | undefined>;

  constructor(
    private readonly ds: DataSource,
    private readonly file: string,
    private readonly driver: string,
    count: number,
  ) {
    this.workers = new Array<SearchWorker | undefined>(count).fill(undefined);
  }

  /** The connection of slot `slot`, as a reader (statements logged as the DataSource's own). */
  reader(slot: number): SqlReader {
    return {
      query: (sql, params = []) => {
        const bound = params.map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : p));
        this.ds.logger.logQuery(sql, bound);
        return this.worker(slot).query(sql, bound);
      },
    };
  }

  async close(): Promise<void> {
    const all = this.workers.filter((w): w is SearchWorker => w !== undefined);
    this.workers.fill(undefined);
    await Promise.all(all.map((w) => w.terminate()));
  }

  private worker(slot: number): SearchWorker {
    let w = this.workers[slot];
    if (!w || w.dead) {
      const fresh: SearchWorker = new SearchWorker(this.file, this.driver, () => {
        if (this.workers[slot] === fresh) {
          this.workers[slot] = undefined;
        }
      });
      w = fresh;
      this.workers[slot] = w;
    }
    return w;
  }
}
