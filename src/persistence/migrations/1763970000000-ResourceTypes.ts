import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { columnKit } from './1763870000000-InitialSchema';

/**
 * Resource types beyond User and Group (a host's `Device`, Okta's `Role` / `Entitlement`),
 * stored by the one SQL store with the shared descriptor (genericTable):
 *
 * - `scim_resources`: one row per resource, told apart by `resource_type`; the document whole
 *   in `doc`, externalId as an indexed column (the look-up IdPs make), keyset paging by
 *   (tenant_id, resource_type, seq);
 * - `scim_resource_values`: one row per value of a writable multi-valued complex attribute, so
 *   `attr[type eq "x"].value eq "y"` is an indexed look-up as for users.
 *
 * `scim_outbox.resource_type` widens to 64 characters on MySQL and PostgreSQL (SQLite does
 * not enforce varchar lengths) so change events can name any of these types.
 */
export class ResourceTypes1763970000000 implements MigrationInterface {
  name = 'ResourceTypes1763970000000';

  async up(q: QueryRunner): Promise<void> {
    const c = columnKit(q);
    await q.createTable(
      new Table({
        name: 'scim_resources',
        columns: [
          c.seq('seq'),
          c.str('id', 36),
          c.str('tenant_id', 36),
          c.str('resource_type', 64),
          c.str('external_id', 255, { isNullable: true }),
          c.json('doc'),
          { name: 'version', type: 'integer', default: 1 },
          c.str('created', 24),
          c.str('last_modified', 24),
        ],
        indices: [
          { name: 'uq_scim_resources_id', columnNames: ['id'], isUnique: true },
          { name: 'ix_scim_resources_type_seq', columnNames: ['tenant_id', 'resource_type', 'seq'] },
          {
            name: 'ix_scim_resources_type_external_id',
            columnNames: ['tenant_id', 'resource_type', 'external_id'],
          },
        ],
        foreignKeys: [
          {
            columnNames: ['tenant_id'],
            referencedTableName: 'scim_tenants',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
            onUpdate: 'NO ACTION',
          },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'scim_resource_values',
        columns: [
          c.seq('seq'),
          c.str('tenant_id', 36),
          c.bigint('owner_seq'),
          c.str('attribute', 64),
          { name: 'position', type: 'integer' },
          c.str('value_key', 191, { isNullable: true }),
          c.text('value', { isNullable: true }),
          c.text('value_ci', { isNullable: true }),
          c.str('type_ci', 64, { isNullable: true }),
          { name: 'is_primary', type: 'boolean', default: false },
          c.json('item'),
        ],
        indices: [
          { name: 'ix_scim_resource_values_lookup', columnNames: ['tenant_id', 'attribute', 'value_key'] },
          { name: 'ix_scim_resource_values_owner', columnNames: ['owner_seq'] },
        ],
        foreignKeys: [
          {
            columnNames: ['owner_seq'],
            referencedTableName: 'scim_resources',
            referencedColumnNames: ['seq'],
            onDelete: 'CASCADE',
          },
        ],
      }),
    );
    if (c.mysql) {
      await q.query(
        'ALTER TABLE scim_outbox MODIFY resource_type varchar(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL',
      );
    } else if (c.postgres) {
      await q.query('ALTER TABLE scim_outbox ALTER COLUMN resource_type TYPE varchar(64) COLLATE "C"');
    }
  }

  async down(q: QueryRunner): Promise<void> {
    const c = columnKit(q);
    if (c.mysql || c.postgres) {
      await q.query("DELETE FROM scim_outbox WHERE resource_type NOT IN ('User', 'Group')");
    }
    if (c.mysql) {
      await q.query(
        'ALTER TABLE scim_outbox MODIFY resource_type varchar(16) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL',
      );
    } else if (c.postgres) {
      await q.query('ALTER TABLE scim_outbox ALTER COLUMN resource_type TYPE varchar(16) COLLATE "C"');
    }
    for (const t of ['scim_resource_values', 'scim_resources']) {
      await q.dropTable(t, true);
    }
  }
}
