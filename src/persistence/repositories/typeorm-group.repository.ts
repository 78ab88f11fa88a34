import { DataSource } from 'typeorm';
import { OutboxSignal } from '../../core/ports/change-event';
import { SchemaRegistry } from '../../core/schema/schema.registry';
import { SqlGroupStore } from '../sql-store/sql-group.store';
import { GROUP_TABLE, USER_TABLE } from '../sql-store/table-descriptor';
import { TypeOrmUserRepository } from './typeorm-user.repository';

/**
 * Groups on SQLite, MySQL/MariaDB or PostgreSQL (RFC 7643 §4.2): the group store with the scim_groups
 * descriptor (GROUP_TABLE: displayName and externalId as indexed columns) and its membership
 * table scim_group_members keyed by (group_seq, member_id), members being users of scim_users
 * or nested groups (sql-group.store.ts has the rules).
 */
export class TypeOrmGroupRepository extends SqlGroupStore {
  /** `users`: the built-in user store on the same DataSource (a user and its groups are one read) */
  constructor(ds: DataSource, registry: SchemaRegistry, signal?: OutboxSignal, users?: TypeOrmUserRepository) {
    super(ds, registry, GROUP_TABLE, USER_TABLE, signal, users);
  }
}
