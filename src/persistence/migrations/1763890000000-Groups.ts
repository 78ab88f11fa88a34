import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { columnKit } from './1763870000000-InitialSchema';

/**
 * Groups (RFC 7643 §4.2) and their memberships.
 *
 * `scim_groups.doc` holds the group document WITHOUT `members`: membership lives only in
 * `scim_group_members`, one row per (group, member), so a read that excludes members never
 * touches it (docs/idp/quirks.md #6) and a membership PATCH costs the members it changes, not the
 * group's size (#22, #31). displayName is unique per tenant case-insensitively (Entra's rule,
 * #12) through the lower-cased shadow column `display_name_ci`; `display_name` keeps the value
 * as sent (it is what members' `display` shows).
 */
export class Groups1763890000000 implements MigrationInterface {
  name = 'Groups1763890000000';

  async up(q: QueryRunner): Promise<void> {
    const c = columnKit(q);
    await q.createTable(
      new Table({
        name: 'scim_groups',
        columns: [
          c.seq('seq'),
          c.str('id', 36),
          c.str('tenant_id', 36),
          c.str('display_name', 255),
          c.str('display_name_ci', 255),
          c.str('external_id', 255, { isNullable: true }),
          c.json('doc'),
          { name: 'version', type: 'integer', default: 1 },
          c.str('created', 24),
          c.str('last_modified', 24),
        ],
        indices: [
          { name: 'uq_scim_groups_id', columnNames: ['id'], isUnique: true },
          {
            name: 'uq_scim_groups_tenant_display_name',
            columnNames: ['tenant_id', 'display_name_ci'],
            isUnique: true,
          },
          { name: 'ix_scim_groups_tenant_external_id', columnNames: ['tenant_id', 'external_id'] },
          { name: 'ix_scim_groups_tenant_created', columnNames: ['tenant_id', 'created'] },
          {
            name: 'ix_scim_groups_tenant_last_modified',
            columnNames: ['tenant_id', 'last_modified'],
          },
        ],
        foreignKeys: [
          {
            columnNames: ['tenant_id'],
            referencedTableName: 'scim_tenants',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
            onUpdate: 'NO ACTION',
          },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'scim_group_members',
        columns: [
          // the primary key (group_seq, member_id) makes an add idempotent (INSERT IGNORE,
          // docs/idp/quirks.md #24) and serves keyset paging of one group's members by member_id
          { ...c.bigint('group_seq'), isPrimary: true },
          c.str('member_id', 36, { isPrimary: true }),
          c.str('tenant_id', 36),
          c.str('member_type', 8),
        ],
        indices: [
          // groupsOf / removeMemberEverywhere / `members.value eq` filters
          { name: 'ix_scim_group_members_member', columnNames: ['tenant_id', 'member_id'] },
        ],
        foreignKeys: [
          {
            columnNames: ['group_seq'],
            referencedTableName: 'scim_groups',
            referencedColumnNames: ['seq'],
            onDelete: 'CASCADE',
            onUpdate: 'NO ACTION',
          },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['scim_group_members', 'scim_groups']) {
      await q.dropTable(t, true);
    }
  }
}
