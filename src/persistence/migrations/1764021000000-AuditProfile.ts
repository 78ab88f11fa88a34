import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { columnKit } from './1763870000000-InitialSchema';
import { exactCollation } from './1763980000000-NoPadStrings';

/**
 * `scim_audit.profile`: the IdP profile a request ran under and how it was chosen (`entra`,
 * `default`, `auto:okta`, `auto:default`); null for a request without a principal (401,
 * discovery without a token, the admin API).
 */
export class AuditProfile1764021000000 implements MigrationInterface {
  name = 'AuditProfile1764021000000';

  async up(q: QueryRunner): Promise<void> {
    // after the NO PAD conversion: the column compares as every other string column does
    const kit = columnKit(q, (await exactCollation(q)) ?? undefined);
    await q.addColumn('scim_audit', new TableColumn(kit.str('profile', 32, { isNullable: true })));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('scim_audit', 'profile');
  }
}
