import { DataSource } from 'typeorm';
import { OutboxSignal } from '../../core/ports/change-event';
import { UserRepository } from '../../core/ports/user.repository';
import { SchemaRegistry } from '../../core/schema/schema.registry';
import { SqlResourceStore } from '../sql-store/sql-resource.store';
import { USER_TABLE } from '../sql-store/table-descriptor';

/**
 * Users on SQLite or MySQL/MariaDB: the one SQL store with the scim_users descriptor
 * (USER_TABLE: userName, externalId, displayName and active as indexed columns, the
 * multi-valued attributes as rows of scim_user_values, soft delete restoring by userName or
 * externalId), so every filter runs in SQL (docs/design/query-storage.md).
 */
export class TypeOrmUserRepository extends SqlResourceStore implements UserRepository {
  constructor(ds: DataSource, registry: SchemaRegistry, signal?: OutboxSignal) {
    super(ds, registry, USER_TABLE, signal);
  }
}
