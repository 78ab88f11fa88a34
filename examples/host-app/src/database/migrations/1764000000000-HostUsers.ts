import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/** The host's own schema (one file for SQLite and MySQL/MariaDB, QueryRunner/Table API). */
export class HostUsers1764000000000 implements MigrationInterface {
  name = 'HostUsers1764000000000';

  async up(qr: QueryRunner): Promise<void> {
    const mysql = ['mysql', 'mariadb'].includes(qr.connection.options.type);
    await qr.createTable(
      new Table({
        name: 'host_users',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          // case-insensitive uniqueness: NOCASE on SQLite; MySQL's utf8mb4_unicode_ci
          { name: 'email', type: 'varchar', length: '255', ...(mysql ? { collation: 'utf8mb4_unicode_ci' } : { collation: 'NOCASE' }) },
          { name: 'full_name', type: 'varchar', length: '255', isNullable: true },
          { name: 'is_active', type: 'boolean', default: 1 },
          { name: 'scim_tenant_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'scim_external_id', type: 'varchar', length: '255', isNullable: true },
          { name: 'scim_attributes', type: mysql ? 'mediumtext' : 'text', isNullable: true },
          { name: 'version', type: 'int', default: 1 },
          { name: 'created_at', type: 'datetime', precision: 3 },
          { name: 'updated_at', type: 'datetime', precision: 3 },
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
