import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { columnKit } from './1763870000000-InitialSchema';

/**
 * Per-tenant nested-group policy: 'refuse' (default: a membership that would close a cycle is
 * 400 invalidValue) or 'allow' (RFC 7644 §3.7.1's example: groups that contain each other).
 */
export class GroupCycles1763930000000 implements MigrationInterface {
  name = 'GroupCycles1763930000000';

  async up(q: QueryRunner): Promise<void> {
    const c = columnKit(q);
    await q.addColumn('scim_tenants', new TableColumn(c.str('group_cycles', 8, { isNullable: true })));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('scim_tenants', 'group_cycles');
  }
}
