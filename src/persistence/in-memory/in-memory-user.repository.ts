import { UserRepository } from '../../core/ports/user.repository';
import { SchemaRegistry } from '../../core/schema/schema.registry';
import { USER_TABLE } from '../sql-store/table-descriptor';
import { InMemoryResourceStore } from './in-memory-resource.store';

/**
 * Users in a Map, for service tests and demos: the one in-memory store with the users'
 * descriptor, so it answers as TypeOrmUserRepository does (one shared contract test:
 * test/integration/support/user-repository.contract.ts).
 */
export class InMemoryUserRepository extends InMemoryResourceStore implements UserRepository {
  constructor(registry: SchemaRegistry) {
    super(registry, USER_TABLE);
  }
}
