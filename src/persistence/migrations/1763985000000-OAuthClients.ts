import { MigrationInterface, QueryRunner, Table, TableColumnOptions } from 'typeorm';
import { columnKit } from './1763870000000-InitialSchema';
import { exactCollation } from './1763980000000-NoPadStrings';

/**
 * A table created after the NO PAD conversion (1763980000000-NoPadStrings) gives every string
 * column the server's NO PAD binary collation, as that conversion gave the existing tables.
 */
export async function noPadTable(q: QueryRunner, table: string): Promise<void> {
  const collation = columnKit(q).mysql ? await exactCollation(q) : undefined;
  if (collation) {
    await q.query(`ALTER TABLE ${table} CONVERT TO CHARACTER SET utf8mb4 COLLATE ${collation}`);
  }
}

/**
 * A foreign key column takes the collation of the column it references (MariaDB refuses the
 * key otherwise): whatever scim_tenants.id has, PAD SPACE before the NO PAD conversion of the
 * existing tables or NO PAD after it.
 */
export async function tenantIdColumn(q: QueryRunner, name = 'tenant_id'): Promise<TableColumnOptions> {
  const c = columnKit(q);
  if (!c.mysql) {
    return c.str(name, 36);
  }
  const rows = (await q.query(
    "SELECT COLLATION_NAME AS collation FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'scim_tenants' AND COLUMN_NAME = 'id'",
  )) as Array<{ collation: string }>;
  return { ...c.str(name, 36), collation: rows[0]?.collation ?? 'utf8mb4_bin' };
}

/**
 * OAuth 2.0 clients of the client credentials grant (RFC 6749 §4.4) per tenant:
 *
 * - `scim_oauth_clients`: the client_id, its tenant, a name, the scopes it may receive, its
 *   status, and the public keys of its private_key_jwt assertions (RFC 7523 §2.2: an inline
 *   JWKS or a jwks_uri);
 * - `scim_oauth_client_secrets`: its secrets, several active at once for rotation, each stored
 *   only as an HMAC under the token pepper (looked up by it), with an expiry, a revocation time
 *   and a last-used time.
 */
export class OAuthClients1763985000000 implements MigrationInterface {
  name = 'OAuthClients1763985000000';

  async up(q: QueryRunner): Promise<void> {
    // created after the NO PAD conversion: string columns compare as the others do
    const c = columnKit(q, (await exactCollation(q)) ?? undefined);
    const key = (name: string, length: number, extra: Partial<TableColumnOptions> = {}) =>
      c.str(name, length, extra);
    await q.createTable(
      new Table({
        name: 'scim_oauth_clients',
        columns: [
          key('id', 36, { isPrimary: true }),
          await tenantIdColumn(q),
          c.str('name', 200),
          c.str('scopes', 1000),
          c.str('status', 16),
          c.str('created_at', 24),
          c.str('disabled_at', 24, { isNullable: true }),
          c.text('jwks', { isNullable: true }),
          c.str('jwks_uri', 2048, { isNullable: true }),
        ],
        indices: [{ name: 'ix_scim_oauth_clients_tenant', columnNames: ['tenant_id'] }],
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
    await q.createTable(
      new Table({
        name: 'scim_oauth_client_secrets',
        columns: [
          key('id', 36, { isPrimary: true }),
          key('client_id', 36),
          c.str('prefix', 16),
          key('secret_hash', 64),
          c.str('created_at', 24),
          c.str('expires_at', 24),
          c.str('revoked_at', 24, { isNullable: true }),
          c.str('last_used_at', 24, { isNullable: true }),
        ],
        indices: [
          { name: 'uq_scim_oauth_client_secrets_hash', columnNames: ['secret_hash'], isUnique: true },
          { name: 'ix_scim_oauth_client_secrets_client', columnNames: ['client_id'] },
        ],
        foreignKeys: [
          {
            columnNames: ['client_id'],
            referencedTableName: 'scim_oauth_clients',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
      }),
    );
    await noPadTable(q, 'scim_oauth_clients');
    await noPadTable(q, 'scim_oauth_client_secrets');
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['scim_oauth_client_secrets', 'scim_oauth_clients']) {
      await q.dropTable(t, true);
    }
  }
}
