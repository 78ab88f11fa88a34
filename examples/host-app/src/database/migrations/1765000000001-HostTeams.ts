import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { hostColumns } from '../host-columns';

/** The host's teams and their members (one file for SQLite, MySQL/MariaDB and PostgreSQL). */
export class HostTeams1765000000001 implements MigrationInterface {
  name = 'HostTeams1765000000001';

  async up(qr: QueryRunner): Promise<void> {
    const c = hostColumns(qr);
    await c.prepare();
    await qr.createTable(
      new Table({
        name: 'host_teams',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          // unique per tenant case-insensitively: NOCASE, utf8mb4_unicode_ci, citext
          c.caseInsensitive('name', 255),
          { name: 'scim_tenant_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'scim_external_id', type: 'varchar', length: '255', isNullable: true },
          { name: 'version', type: 'int', default: 1 },
          c.time('created_at'),
          c.time('updated_at'),
        ],
        indices: [
          {
            name: 'UQ_host_teams_tenant_name',
            columnNames: ['scim_tenant_id', 'name'],
            isUnique: true,
          },
          {
            name: 'IDX_host_teams_scim_external',
            columnNames: ['scim_tenant_id', 'scim_external_id'],
          },
        ],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'host_team_members',
        columns: [
          { name: 'team_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'user_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'permission', type: 'varchar', length: '64' },
          c.time('added_at'),
        ],
        // the primary key (team_id, user_id) pages a team's members; this finds a user's teams
        indices: [{ name: 'IDX_host_team_members_user', columnNames: ['user_id', 'team_id'] }],
        foreignKeys: [
          {
            columnNames: ['team_id'],
            referencedTableName: 'host_teams',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
          {
            columnNames: ['user_id'],
            referencedTableName: 'host_users',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
      }),
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('host_team_members');
    await qr.dropTable('host_teams');
  }
}
