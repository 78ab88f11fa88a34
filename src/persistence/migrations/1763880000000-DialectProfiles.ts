import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { columnKit } from './1763870000000-InitialSchema';

/**
 * The IdP dialect profile (rfc-strict | entra | okta | lenient) of a tenant and of a token:
 * a token's profile wins over its tenant's, which wins over the server default.
 */
export class DialectProfiles1763880000000 implements MigrationInterface {
  name = 'DialectProfiles1763880000000';

  async up(q: QueryRunner): Promise<void> {
    const c = columnKit(q);
    await q.addColumn('scim_tenants', new TableColumn(c.str('profile', 32, { isNullable: true })));
    await q.addColumn('scim_tokens', new TableColumn(c.str('profile', 32, { isNullable: true })));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('scim_tokens', 'profile');
    await q.dropColumn('scim_tenants', 'profile');
  }
}
