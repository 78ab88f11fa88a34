import { MigrationInterface, QueryRunner, Table, TableColumn } from 'typeorm';
import { columnKit } from './1763870000000-InitialSchema';

/**
 * The transactional outbox of change events, and each tenant's webhook.
 *
 * `scim_outbox` gets one row per event, inserted in the transaction of the change. Indexes:
 * (status, seq) finds the pending events in order (the dispatcher's claim); (tenant_id,
 * resource_type, resource_id, seq) answers "is an earlier event of this resource still
 * pending?" (order per resource); (status, finished_at) serves the retention DELETE. No foreign
 * key: the log of what happened outlives what it is about. Times are ISO-8601 UTC text like
 * every other timestamp of the module; they compare correctly as text.
 */
export class Outbox1763940000000 implements MigrationInterface {
  name = 'Outbox1763940000000';

  async up(q: QueryRunner): Promise<void> {
    const c = columnKit(q);
    await q.createTable(
      new Table({
        name: 'scim_outbox',
        columns: [
          c.seq('seq'),
          c.str('event_id', 36),
          c.str('tenant_id', 36),
          c.str('resource_type', 16),
          c.str('resource_id', 255),
          c.str('operation', 16),
          c.text('changed'),
          c.text('members', { isNullable: true }),
          { name: 'version', type: 'integer' },
          c.str('actor_token_id', 36, { isNullable: true }),
          c.str('request_id', 128, { isNullable: true }),
          c.str('created_at', 24),
          c.str('status', 10, { default: "'pending'" }),
          { name: 'attempts', type: 'integer', default: 0 },
          c.str('next_attempt_at', 24),
          c.str('lease_owner', 64, { isNullable: true }),
          c.str('lease_until', 24, { isNullable: true }),
          c.str('listeners_done_at', 24, { isNullable: true }),
          c.str('finished_at', 24, { isNullable: true }),
          c.str('last_error', 1000, { isNullable: true }),
        ],
        indices: [
          { name: 'uq_scim_outbox_event_id', columnNames: ['event_id'], isUnique: true },
          { name: 'ix_scim_outbox_status_seq', columnNames: ['status', 'seq'] },
          {
            name: 'ix_scim_outbox_resource',
            columnNames: ['tenant_id', 'resource_type', 'resource_id', 'seq'],
          },
          { name: 'ix_scim_outbox_status_finished', columnNames: ['status', 'finished_at'] },
        ],
      }),
    );
    await q.addColumn('scim_tenants', new TableColumn(c.str('webhook_url', 2048, { isNullable: true })));
    await q.addColumn('scim_tenants', new TableColumn(c.str('webhook_secret', 255, { isNullable: true })));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('scim_tenants', 'webhook_secret');
    await q.dropColumn('scim_tenants', 'webhook_url');
    await q.dropTable('scim_outbox', true);
  }
}
