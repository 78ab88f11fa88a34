import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';
import { hostDatabaseOf } from '../host-columns';

/**
 * host_users gets what linking and break-glass need: the SCIM id of a linked account
 * (`scim_id`), whether the host verified the email (`email_verified`, required to link by
 * email), and owners no IdP manages (`is_owner`).
 */
export class HostUserLinking1765000000000 implements MigrationInterface {
  name = 'HostUserLinking1765000000000';

  async up(qr: QueryRunner): Promise<void> {
    if (isSqlite(qr)) {
      // TypeORM adds SQLite columns by copying the table, which loses `email`'s NOCASE
      // collation (and so its case-insensitive uniqueness); SQLite's own ADD COLUMN keeps it
      for (const column of COLUMNS) {
        await qr.query(`ALTER TABLE host_users ADD COLUMN ${column}`);
      }
    } else {
      await qr.addColumns('host_users', [
        new TableColumn({ name: 'scim_id', type: 'varchar', length: '36', isNullable: true }),
        new TableColumn({ name: 'email_verified', type: 'boolean', default: false }),
        new TableColumn({ name: 'is_owner', type: 'boolean', default: false }),
      ]);
    }
    // until now the adapter answered with the host id as SCIM id: provisioned rows keep it
    await qr.query('UPDATE host_users SET scim_id = id WHERE scim_tenant_id IS NOT NULL');
    await qr.createIndex(
      'host_users',
      new TableIndex({ name: 'UQ_host_users_scim_id', columnNames: ['scim_id'], isUnique: true }),
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropIndex('host_users', 'UQ_host_users_scim_id');
    if (isSqlite(qr)) {
      for (const column of ['is_owner', 'email_verified', 'scim_id']) {
        await qr.query(`ALTER TABLE host_users DROP COLUMN ${column}`); // SQLite 3.35+
      }
    } else {
      await qr.dropColumns('host_users', ['is_owner', 'email_verified', 'scim_id']);
    }
  }
}

const COLUMNS = [
  'scim_id varchar(36) NULL',
  'email_verified boolean NOT NULL DEFAULT (0)',
  'is_owner boolean NOT NULL DEFAULT (0)',
];

function isSqlite(qr: QueryRunner): boolean {
  return hostDatabaseOf(qr) === 'sqlite';
}
