import { DataSource } from 'typeorm';
import { RateLimitRepository } from '../../core/ports/audit.repository';
import { storeDialectOf } from './sql-dialect';
import { affected, execute, inTransaction, query } from './sql.util';

/** Hits of one (token, window) waiting for, or counted by, one statement. */
interface Batch {
  readonly tokenId: string;
  readonly windowStart: number;
  /** hits not yet sent, in arrival order */
  waiting: Array<{ resolve: (count: number) => void; reject: (e: unknown) => void }>;
  /** a statement for this key is running */
  sending: boolean;
}

/**
 * Fixed-window counters in scim_rate_limits, counted with atomic upserts, so several instances
 * on one database share them (docs/deployment.md).
 *
 * At most one statement per (token, window) is in flight in this process; hits that
 * arrive meanwhile are counted together by the next one (`count = count + k`). The k hits get
 * the counts N-k+1 … N in arrival order, N being the count the statement returns: exactly what
 * k separate upserts in a row would have given, so limits hold as before, across instances
 * too, with one statement per batch instead of one per request (an IdP sends its requests
 * concurrently, all on one token).
 *
 * MySQL/MariaDB: `ON DUPLICATE KEY UPDATE count = LAST_INSERT_ID(count + k)` hands the new
 * count back as the statement's insert id (the counter idiom of the MySQL manual,
 * LAST_INSERT_ID(expr)), so one round trip both counts and reads. SQLite: `ON CONFLICT ... DO
 * UPDATE ... RETURNING count`, inside the per-DataSource write queue (sql.util inTransaction);
 * PostgreSQL: the same statement, alone on a pooled connection.
 */
export class TypeOrmRateLimitRepository implements RateLimitRepository {
  private readonly batches = new Map<string, Batch>();

  constructor(private readonly ds: DataSource) {}

  hit(tokenId: string, windowStart: number): Promise<number> {
    const key = `${windowStart}:${tokenId}`;
    let batch = this.batches.get(key);
    if (!batch) {
      batch = { tokenId, windowStart, waiting: [], sending: false };
      this.batches.set(key, batch);
    }
    const b = batch;
    const counted = new Promise<number>((resolve, reject) => b.waiting.push({ resolve, reject }));
    if (!b.sending) {
      void this.send(key, b);
    }
    return counted;
  }

  /** Counts every waiting hit of the batch with one statement, then the next ones, if any. */
  private async send(key: string, batch: Batch): Promise<void> {
    batch.sending = true;
    while (batch.waiting.length > 0) {
      const hits = batch.waiting;
      batch.waiting = [];
      try {
        const total = await this.add(batch.tokenId, batch.windowStart, hits.length);
        hits.forEach((h, i) => h.resolve(total - hits.length + 1 + i));
      } catch (e) {
        for (const h of hits) {
          h.reject(e);
        }
      }
    }
    batch.sending = false;
    this.batches.delete(key);
  }

  /** Adds k to the window's count atomically; returns the new count. */
  private async add(tokenId: string, windowStart: number, k: number): Promise<number> {
    const d = storeDialectOf(this.ds);
    if (d.kind === 'mysql') {
      const res = await execute(
        this.ds,
        'INSERT INTO scim_rate_limits (token_id, window_start, count) VALUES (?, ?, ?) ' +
          'ON DUPLICATE KEY UPDATE count = LAST_INSERT_ID(count + ?)',
        [tokenId, windowStart, k, k],
      );
      // 1 row affected: inserted (the first requests of the window); 2: updated
      if (affected(res) === 1) {
        return k;
      }
      return Number((res.raw as { insertId?: number | string }).insertId);
    }
    const upsert =
      'INSERT INTO scim_rate_limits (token_id, window_start, count) VALUES (?, ?, ?) ' +
      'ON CONFLICT(token_id, window_start) ' +
      'DO UPDATE SET count = scim_rate_limits.count + excluded.count RETURNING count';
    const params = [tokenId, windowStart, k];
    // one statement is atomic on PostgreSQL's pool; SQLite's writes take their turn in the queue
    const rows = (await (d.kind === 'postgres'
      ? query(this.ds, upsert, params)
      : inTransaction(this.ds, (qr) => qr.query(upsert, params)))) as Array<{ count: number | string }>;
    return Number(rows[0].count);
  }

  async pruneBefore(windowStart: number, limit: number): Promise<number> {
    const sql = storeDialectOf(this.ds).boundedDelete('scim_rate_limits', 'window_start < ?');
    return affected(await execute(this.ds, sql, [windowStart, limit]));
  }
}
