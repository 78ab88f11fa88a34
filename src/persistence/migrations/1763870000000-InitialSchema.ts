import { MigrationInterface, QueryRunner, Table, TableColumnOptions, TableIndex } from 'typeorm';

/**
 * Tenants, service-account tokens, Users and their multi-valued attribute rows.
 * One file for SQLite, MySQL/MariaDB and PostgreSQL: string columns that compare exactly get
 * utf8mb4_bin on MySQL (SQLite's default BINARY collation is already exact; NoPadStrings later
 * makes trailing spaces count on MySQL too) and "C" on PostgreSQL (columnKit); case-insensitive
 * look-ups use shadow `*_ci` columns holding the lower-cased value, so every database behaves
 * the same.
 */
export class InitialSchema1763870000000 implements MigrationInterface {
  name = 'InitialSchema1763870000000';

  async up(q: QueryRunner): Promise<void> {
    const c = columnKit(q);
    await q.createTable(
      new Table({
        name: 'scim_tenants',
        columns: [
          c.str('id', 36, { isPrimary: true }),
          c.str('slug', 64),
          c.str('created_at', 24),
        ],
        indices: [{ name: 'uq_scim_tenants_slug', columnNames: ['slug'], isUnique: true }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'scim_tokens',
        columns: [
          c.str('id', 36, { isPrimary: true }),
          c.str('tenant_id', 36),
          c.str('name', 200),
          c.str('prefix', 16),
          c.str('token_hash', 64),
          c.str('scopes', 200),
          c.str('created_at', 24),
          c.str('expires_at', 24, { isNullable: true }),
          c.str('revoked_at', 24, { isNullable: true }),
          c.str('last_used_at', 24, { isNullable: true }),
        ],
        indices: [
          { name: 'uq_scim_tokens_hash', columnNames: ['token_hash'], isUnique: true },
          { name: 'ix_scim_tokens_tenant', columnNames: ['tenant_id'] },
        ],
        foreignKeys: [
          { columnNames: ['tenant_id'], referencedTableName: 'scim_tenants', referencedColumnNames: ['id'], onDelete: 'CASCADE' },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'scim_users',
        columns: [
          c.seq('seq'),
          c.str('id', 36),
          c.str('tenant_id', 36),
          c.str('user_name', 255),
          c.str('user_name_ci', 255),
          c.str('external_id', 255, { isNullable: true }),
          c.str('display_name_ci', 255, { isNullable: true }),
          { name: 'active', type: 'boolean', isNullable: true },
          c.json('doc'),
          c.str('password_hash', 255, { isNullable: true }),
          { name: 'version', type: 'integer', default: 1 },
          c.str('created', 24),
          c.str('last_modified', 24),
        ],
        indices: [
          { name: 'uq_scim_users_id', columnNames: ['id'], isUnique: true },
          { name: 'uq_scim_users_tenant_user_name', columnNames: ['tenant_id', 'user_name_ci'], isUnique: true },
          { name: 'ix_scim_users_tenant_external_id', columnNames: ['tenant_id', 'external_id'] },
          { name: 'ix_scim_users_tenant_display_name', columnNames: ['tenant_id', 'display_name_ci'] },
          { name: 'ix_scim_users_tenant_active', columnNames: ['tenant_id', 'active'] },
          { name: 'ix_scim_users_tenant_created', columnNames: ['tenant_id', 'created'] },
          { name: 'ix_scim_users_tenant_last_modified', columnNames: ['tenant_id', 'last_modified'] },
        ],
        foreignKeys: [
          { columnNames: ['tenant_id'], referencedTableName: 'scim_tenants', referencedColumnNames: ['id'], onDelete: 'CASCADE' },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'scim_user_values',
        columns: [
          c.seq('seq'),
          c.str('tenant_id', 36),
          c.bigint('owner_seq'),
          c.str('attribute', 64),
          { name: 'position', type: 'integer' },
          c.str('value_key', 191, { isNullable: true }),
          c.text('value', { isNullable: true }),
          c.text('value_ci', { isNullable: true }),
          c.str('type_ci', 64, { isNullable: true }),
          { name: 'is_primary', type: 'boolean', default: false },
          c.json('item'),
        ],
        indices: [
          { name: 'ix_scim_user_values_lookup', columnNames: ['tenant_id', 'attribute', 'value_key'] },
          { name: 'ix_scim_user_values_owner', columnNames: ['owner_seq'] },
        ],
        foreignKeys: [
          { columnNames: ['owner_seq'], referencedTableName: 'scim_users', referencedColumnNames: ['seq'], onDelete: 'CASCADE' },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['scim_user_values', 'scim_users', 'scim_tokens', 'scim_tenants']) {
      await q.dropTable(t, true);
    }
  }
}

/**
 * Column builders that pick the right type and collation for the connection's dialect. String
 * columns get `collation` on MySQL: utf8mb4_bin (PAD SPACE) for the migrations up to
 * NoPadStrings, which converts them all; migrations after it pass `await exactCollation(q)`.
 * On PostgreSQL every string column is COLLATE "C": it compares code points exactly, trailing
 * spaces included (as SQLite's BINARY and MySQL's NO PAD binary collations do), and its b-tree
 * indexes serve `LIKE 'prefix%'` (sw) without text_pattern_ops. Documents are jsonb there
 * (`json`), text elsewhere; auto-increment keys are bigint (bigserial).
 */
export function columnKit(q: QueryRunner, collation = 'utf8mb4_bin') {
  const type = q.connection.options.type;
  const mysql = type === 'mysql' || type === 'mariadb';
  const postgres = type === 'postgres';
  const bin = mysql ? { charset: 'utf8mb4', collation } : postgres ? { collation: 'C' } : {};
  const text = (name: string, extra: Partial<TableColumnOptions> = {}): TableColumnOptions => ({
    name,
    type: mysql ? 'longtext' : 'text',
    ...bin,
    ...extra,
  });
  return {
    mysql,
    postgres,
    str: (name: string, length: number, extra: Partial<TableColumnOptions> = {}): TableColumnOptions => ({
      name,
      type: 'varchar',
      length: String(length),
      ...bin,
      ...extra,
    }),
    text,
    /** a JSON document: jsonb on PostgreSQL (read with #> and #>>), text elsewhere */
    json: (name: string, extra: Partial<TableColumnOptions> = {}): TableColumnOptions =>
      postgres ? { name, type: 'jsonb', ...extra } : text(name, extra),
    seq: (name: string): TableColumnOptions => ({
      name,
      type: mysql || postgres ? 'bigint' : 'integer',
      isPrimary: true,
      isGenerated: true,
      generationStrategy: 'increment',
    }),
    bigint: (name: string): TableColumnOptions => ({ name, type: mysql || postgres ? 'bigint' : 'integer' }),
    index: (name: string, columnNames: string[], isUnique = false) =>
      new TableIndex({ name, columnNames, isUnique }),
  };
}
