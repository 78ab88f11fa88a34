/**
 * One UserRepository contract (support/user-repository.contract.ts), run for the in-memory
 * repository and for the TypeORM repository on real SQLite and MariaDB/MySQL databases with the
 * module's migrations applied (STYLE §8, §10).
 */
import { InMemoryUserRepository } from '../../src/persistence/in-memory';
import { TypeOrmUserRepository } from '../../src/persistence/repositories/typeorm-user.repository';
import { createDefaultRegistry } from '../../src/core/schema/schema.registry';
import { TEST_DATABASES } from '../support/databases';
import { insertTenants, openTypeOrmStore } from './support/typeorm-store';
import {
  CONTRACT_TENANTS,
  UserRepositoryKnownBug,
  userRepositoryContract,
} from './support/user-repository.contract';

const registry = createDefaultRegistry();

/**
 * Defects of TypeOrmUserRepository found by the contract (each runs as `it.failing`):
 * - concurrent-writes (SQLite): better-sqlite3 shares one query runner, so a second
 *   inTransaction() while one is open fails with "cannot start a transaction within a
 *   transaction" (a raw QueryFailedError, i.e. HTTP 500);
 * - json-case-folding (MySQL): LOWER() on JSON values is not String#toLowerCase.
 */
const TYPEORM_KNOWN_BUGS: Record<string, UserRepositoryKnownBug[]> = {
  sqlite: [],
  mysql: [],
};

describe('InMemoryUserRepository', () => {
  userRepositoryContract(async () => ({
    repo: new InMemoryUserRepository(registry),
    close: async () => undefined,
  }));
});

describe.each(TEST_DATABASES)('TypeOrmUserRepository on %s', (kind) => {
  userRepositoryContract(
    async () => {
      const store = await openTypeOrmStore(kind);
      try {
        await insertTenants(store.ds, Object.values(CONTRACT_TENANTS));
      } catch (e) {
        await store.close();
        throw e;
      }
      return { repo: new TypeOrmUserRepository(store.ds, registry), close: store.close };
    },
    { knownBugs: TYPEORM_KNOWN_BUGS[kind] },
  );
});
