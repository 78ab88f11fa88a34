import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { hostColumns } from '../host-columns';

/** The host's own schema (one file for SQLite, MySQL/MariaDB and PostgreSQL: host-columns.ts). */
export class HostUsers1764000000000 implements MigrationInterface {
  name = 'HostUsers1764000000000';

  async up(qr: QueryRunner): Promise<void> {
    const c = hostColumns(qr);
    await c.prepare();
    await qr.createTable(
      new Table({
        name: 'host_users',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          // case-insensitive uniqueness: NOCASE on SQLite, utf8mb4_unicode_ci on MySQL, citext
          c.caseInsensitive('email', 255),
          { name: 'full_name', type: 'varchar', length: '255', isNullable: true },
          { name: 'is_active', type: 'boolean', default: true },
          { name: 'scim_tenant_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'scim_external_id', type: 'varchar', length: '255', isNullable: true },
          c.document('scim_attributes'),
          { name: 'version', type: 'int', default: 1 },
          c.time('created_at'),
          c.time('updated_at'),
        ],
        indices: [
          { name: 'UQ_host_users_email', columnNames: ['email'], isUnique: true },
          { name: 'IDX_host_users_scim_external', columnNames: ['scim_tenant_id', 'scim_external_id'] },
        ],
      }),
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('host_users');
  }
}
