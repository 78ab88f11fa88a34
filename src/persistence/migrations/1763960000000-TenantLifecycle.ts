import { MigrationInterface, QueryRunner, Table, TableColumn } from 'typeorm';
import { columnKit } from './1763870000000-InitialSchema';

/**
 * The tenant settings an admin changes at run time.
 *
 * - `disabled_at`: SCIM switched off for the tenant (every SCIM request of its tokens is 403);
 *   null = enabled. A time rather than a flag, so the admin API can say since when.
 * - `notifications`: 'off' stops the tenant's webhook deliveries (events are still recorded and
 *   in-process listeners still run); null = on.
 * - `default_role`: the role a provisioned user holds when none of their groups maps to one
 *   (GitGuardian's "default team membership permission"); null = no role.
 * - `link_policy`: what POST /Users does when the host already has a user with that verified
 *   email: 'off' (default: 409 uniqueness) or 'verified-email' (link to it).
 * - `scim_role_mappings`: IdP group (by displayName, case-insensitively) to a host role.
 */
export class TenantLifecycle1763960000000 implements MigrationInterface {
  name = 'TenantLifecycle1763960000000';

  async up(q: QueryRunner): Promise<void> {
    const c = columnKit(q);
    await q.addColumn('scim_tenants', new TableColumn(c.str('disabled_at', 24, { isNullable: true })));
    await q.addColumn('scim_tenants', new TableColumn(c.str('notifications', 8, { isNullable: true })));
    await q.addColumn('scim_tenants', new TableColumn(c.str('default_role', 64, { isNullable: true })));
    await q.addColumn('scim_tenants', new TableColumn(c.str('link_policy', 16, { isNullable: true })));
    await q.createTable(
      new Table({
        name: 'scim_role_mappings',
        columns: [
          c.str('tenant_id', 36, { isPrimary: true }),
          // the lower-cased group displayName: the key the look-up uses
          c.str('group_key', 255, { isPrimary: true }),
          c.str('group_name', 255),
          c.str('role', 64),
          c.str('created_at', 24),
        ],
        foreignKeys: [
          {
            columnNames: ['tenant_id'],
            referencedTableName: 'scim_tenants',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('scim_role_mappings');
    for (const col of ['link_policy', 'default_role', 'notifications', 'disabled_at']) {
      await q.dropColumn('scim_tenants', col);
    }
  }
}
