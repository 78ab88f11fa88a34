import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { columnKit } from './1763870000000-InitialSchema';
import { exactCollation } from './1763980000000-NoPadStrings';
import { noPadTable } from './1763985000000-OAuthClients';

/**
 * `scim_oauth_assertion_jtis`: the private_key_jwt assertions seen (RFC 7523 §3 item 7: a jti
 * is used once), keyed by a hash of the client id and the jti so that every instance sharing the
 * database refuses a replay; a row goes once its assertion has expired.
 */
export class OAuthAssertionJtis1764010000000 implements MigrationInterface {
  name = 'OAuthAssertionJtis1764010000000';

  async up(q: QueryRunner): Promise<void> {
    // created after the NO PAD conversion: string columns compare as the others do
    const c = columnKit(q, (await exactCollation(q)) ?? undefined);
    await q.createTable(
      new Table({
        name: 'scim_oauth_assertion_jtis',
        columns: [
          c.str('jti_key', 64, { isPrimary: true }),
          c.str('client_id', 255),
          c.str('expires_at', 24),
        ],
        indices: [{ name: 'ix_scim_oauth_assertion_jtis_expires', columnNames: ['expires_at'] }],
      }),
    );
    await noPadTable(q, 'scim_oauth_assertion_jtis');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('scim_oauth_assertion_jtis', true);
  }
}
