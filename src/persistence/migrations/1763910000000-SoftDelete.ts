import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';
import { columnKit } from './1763870000000-InitialSchema';

/**
 * Deprovisioning modes: a tenant's `deprovisioning` ('hard' | 'soft', null = hard)
 * and a user's `deleted_at` tombstone, kept out of every SCIM read and restored by a later POST
 * with the same userName or externalId.
 */
export class SoftDelete1763910000000 implements MigrationInterface {
  name = 'SoftDelete1763910000000';

  async up(q: QueryRunner): Promise<void> {
    const c = columnKit(q);
    await q.addColumn('scim_tenants', new TableColumn(c.str('deprovisioning', 8, { isNullable: true })));
    await q.addColumn('scim_users', new TableColumn(c.str('deleted_at', 24, { isNullable: true })));
    await q.createIndex(
      'scim_users',
      new TableIndex({ name: 'ix_scim_users_tenant_deleted', columnNames: ['tenant_id', 'deleted_at'] }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('scim_users', 'ix_scim_users_tenant_deleted');
    await q.dropColumn('scim_users', 'deleted_at');
    await q.dropColumn('scim_tenants', 'deprovisioning');
  }
}
