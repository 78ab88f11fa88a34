import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { columnKit } from './1763870000000-InitialSchema';
import { exactCollation } from './1763980000000-NoPadStrings';

/** The tables this migration adds (the string-collation checks cover them with SCIM_TABLES). */
export const CATALOGUE_TABLES = ['scim_catalogue_values'] as const;

/**
 * The tenant catalogue: values of the catalogue resource types (Okta's Role and Entitlement, a
 * host's License...) that the CLI and the admin API manage per tenant, served at the types'
 * endpoints and accepted in Users' `roles` / `entitlements`. One row per (tenant, type, value),
 * keyed by the lower-cased value (`value_key`: values are unique case-insensitively), the value
 * as written beside it.
 *
 * String columns compare exactly on MySQL/MariaDB as on SQLite: the NO PAD binary collation of
 * NoPadStrings, for the columns and as the table's default.
 */
export class TenantCatalogue1763987000000 implements MigrationInterface {
  name = 'TenantCatalogue1763987000000';

  async up(q: QueryRunner): Promise<void> {
    const collation = await exactCollation(q);
    const c = columnKit(q, collation);
    await q.createTable(
      new Table({
        name: 'scim_catalogue_values',
        columns: [
          c.str('tenant_id', 36, { isPrimary: true }),
          c.str('resource_type', 64, { isPrimary: true }),
          c.str('value_key', 255, { isPrimary: true }),
          c.str('value', 255),
          c.str('display_name', 255, { isNullable: true }),
          c.str('value_type', 64, { isNullable: true }),
          c.str('description', 1024, { isNullable: true }),
          { name: 'supported', type: 'boolean', default: true },
          c.text('attributes', { isNullable: true }),
          { name: 'version', type: 'integer', default: 1 },
          c.str('created', 24),
          c.str('last_modified', 24),
        ],
        foreignKeys: [
          {
            columnNames: ['tenant_id'],
            referencedTableName: 'scim_tenants',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
      }),
    );
    if (collation !== undefined) {
      await q.query(`ALTER TABLE scim_catalogue_values DEFAULT CHARACTER SET utf8mb4 COLLATE ${collation}`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('scim_catalogue_values', true);
  }
}
