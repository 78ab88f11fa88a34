import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { columnKit } from './1763870000000-InitialSchema';
import { exactCollation } from './1763980000000-NoPadStrings';

/**
 * `scim_tenants.switches`: the tenant's explicit IdP profile switches, applied on top of the
 * profile its tokens use (`allowRemoveAll=true,...`, canonical text from
 * core/profile/profile-switches.ts); null = none.
 */
export class TenantSwitches1764020000000 implements MigrationInterface {
  name = 'TenantSwitches1764020000000';

  async up(q: QueryRunner): Promise<void> {
    // after the NO PAD conversion: the column compares as every other string column does
    const kit = columnKit(q, (await exactCollation(q)) ?? undefined);
    await q.addColumn('scim_tenants', new TableColumn(kit.str('switches', 512, { isNullable: true })));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('scim_tenants', 'switches');
  }
}
