import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { columnKit } from './1763870000000-InitialSchema';
import { exactCollation } from './1763980000000-NoPadStrings';

/**
 * `scim_tenants.token_policy`: 'oauth-only' makes the tenant's SCIM endpoints accept OAuth
 * access tokens only (app galleries no longer onboard long-lived bearer tokens); null = any.
 */
export class TenantTokenPolicy1764000000000 implements MigrationInterface {
  name = 'TenantTokenPolicy1764000000000';

  async up(q: QueryRunner): Promise<void> {
    // after the NO PAD conversion: the column compares as every other string column does
    const kit = columnKit(q, (await exactCollation(q)) ?? undefined);
    await q.addColumn('scim_tenants', new TableColumn(kit.str('token_policy', 16, { isNullable: true })));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('scim_tenants', 'token_policy');
  }
}
