import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/**
 * The host's plans (what a customer's user may be licensed for) and each user's current plan.
 * SCIM serves the public plans as the `License` catalogue (HostPlanCatalogue) and the IdP
 * assigns them as User entitlements; HostPlanGrants writes `host_users.plan_code` from the
 * change events.
 */
export class HostPlans1765000000002 implements MigrationInterface {
  name = 'HostPlans1765000000002';

  async up(qr: QueryRunner): Promise<void> {
    await qr.createTable(
      new Table({
        name: 'host_plans',
        columns: [
          { name: 'code', type: 'varchar', length: '64', isPrimary: true },
          { name: 'name', type: 'varchar', length: '255' },
          { name: 'seats', type: 'int' },
          // a plan no longer sold stays listed for the users who hold it, but cannot be assigned
          { name: 'is_public', type: 'boolean', default: true },
        ],
      }),
    );
    await qr.query(
      'INSERT INTO host_plans (code, name, seats, is_public) VALUES ' +
        "('free', 'Free', 1, TRUE), ('team', 'Team', 25, TRUE), ('enterprise', 'Enterprise', 1000, TRUE), ('legacy', 'Legacy', 5, FALSE)",
    );
    // a plain ADD COLUMN: TypeORM's addColumn rebuilds a SQLite table and would drop the
    // indexes an earlier migration created in SQL (the case-insensitive unique email)
    await qr.query('ALTER TABLE host_users ADD COLUMN plan_code varchar(64) NULL');
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.query('ALTER TABLE host_users DROP COLUMN plan_code');
    await qr.dropTable('host_plans');
  }
}
