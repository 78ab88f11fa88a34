import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { columnKit } from './1763870000000-InitialSchema';

/**
 * The audit log and the per-token rate-limit counters.
 *
 * `scim_audit` has one row per SCIM request: no foreign keys (401s have no tenant, and the log
 * outlives deleted tenants and tokens), an index for the CLI's "tenant since" query and one on
 * `at` for the retention DELETE. `scim_rate_limits` holds fixed-window counters keyed by
 * (token, window start in epoch seconds), so every instance on the database shares them
 * (docs/deployment.md); it stays small because old windows are pruned hourly.
 */
export class AuditAndRateLimits1763900000000 implements MigrationInterface {
  name = 'AuditAndRateLimits1763900000000';

  async up(q: QueryRunner): Promise<void> {
    const c = columnKit(q);
    await q.createTable(
      new Table({
        name: 'scim_audit',
        columns: [
          c.seq('seq'),
          c.str('at', 24),
          c.str('tenant_id', 36, { isNullable: true }),
          c.str('token_id', 36, { isNullable: true }),
          c.str('request_id', 128),
          c.str('method', 10),
          c.str('path', 2048),
          c.str('resource_type', 64, { isNullable: true }),
          c.str('resource_id', 255, { isNullable: true }),
          { name: 'status', type: 'integer' },
          { name: 'latency_ms', type: 'integer' },
          c.str('client_ip', 64, { isNullable: true }),
          c.str('user_agent', 512, { isNullable: true }),
          c.text('body', { isNullable: true }),
        ],
        indices: [
          { name: 'ix_scim_audit_tenant_at', columnNames: ['tenant_id', 'at'] },
          { name: 'ix_scim_audit_at', columnNames: ['at'] },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'scim_rate_limits',
        columns: [
          c.str('token_id', 36, { isPrimary: true }),
          { ...c.bigint('window_start'), isPrimary: true },
          { name: 'count', type: 'integer', default: 0 },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['scim_rate_limits', 'scim_audit']) {
      await q.dropTable(t, true);
    }
  }
}
