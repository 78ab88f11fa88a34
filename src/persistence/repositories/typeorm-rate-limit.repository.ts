import { DataSource } from 'typeorm';
import { RateLimitRepository } from '../../scim/core/ports/audit.repository';
import { affected, dialectOf, execute, inTransaction } from './sql.util';

/**
 * Fixed-window counters in scim_rate_limits, one atomic upsert per request, so several
 * instances on one database share them (docs/deployment.md).
 *
 * MySQL/MariaDB: `ON DUPLICATE KEY UPDATE count = LAST_INSERT_ID(count + 1)` hands the new
 * count back as the statement's insert id (the counter idiom of the MySQL manual,
 * LAST_INSERT_ID(expr)), so one round trip both counts and reads. SQLite: `ON CONFLICT ... DO
 * UPDATE ... RETURNING count`, inside the per-DataSource write queue (sql.util inTransaction).
 */
export class TypeOrmRateLimitRepository implements RateLimitRepository {
  constructor(private readonly ds: DataSource) {}

  async hit(tokenId: string, windowStart: number): Promise<number> {
    if (dialectOf(this.ds) === 'mysql') {
      const res = await execute(
        this.ds,
        'INSERT INTO scim_rate_limits (token_id, window_start, count) VALUES (?, ?, 1) ' +
          'ON DUPLICATE KEY UPDATE count = LAST_INSERT_ID(count + 1)',
        [tokenId, windowStart],
      );
      // 1 row affected: inserted (the first request of the window); 2: updated
      if (affected(res) === 1) {
        return 1;
      }
      return Number((res.raw as { insertId?: number | string }).insertId);
    }
    const rows = await inTransaction(
      this.ds,
      (qr) =>
        qr.query(
          'INSERT INTO scim_rate_limits (token_id, window_start, count) VALUES (?, ?, 1) ' +
            'ON CONFLICT(token_id, window_start) DO UPDATE SET count = count + 1 RETURNING count',
          [tokenId, windowStart],
        ) as Promise<Array<{ count: number }>>,
    );
    return Number(rows[0].count);
  }

  async pruneBefore(windowStart: number, limit: number): Promise<number> {
    const sql =
      dialectOf(this.ds) === 'mysql'
        ? 'DELETE FROM scim_rate_limits WHERE window_start < ? LIMIT ?'
        : 'DELETE FROM scim_rate_limits WHERE rowid IN ' +
          '(SELECT rowid FROM scim_rate_limits WHERE window_start < ? LIMIT ?)';
    return affected(await execute(this.ds, sql, [windowStart, limit]));
  }
}
