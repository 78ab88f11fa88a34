/**
 * The TenantRepository + TokenRepository contract (support/token-repository.contract.ts), run
 * for the in-memory repositories and for the TypeORM ones on real SQLite and MariaDB/MySQL.
 */
import { InMemoryTenantRepository, InMemoryTokenRepository } from '../../src/persistence/in-memory';
import { TypeOrmTenantRepository } from '../../src/persistence/repositories/typeorm-tenant.repository';
import { TypeOrmTokenRepository } from '../../src/persistence/repositories/typeorm-token.repository';
import { TEST_DATABASES } from '../support/databases';
import { authRepositoriesContract } from './support/token-repository.contract';
import { openTypeOrmStore } from './support/typeorm-store';

describe('InMemoryTenantRepository + InMemoryTokenRepository', () => {
  authRepositoriesContract(async () => {
    const tenants = new InMemoryTenantRepository();
    return { tenants, tokens: new InMemoryTokenRepository(tenants), close: async () => undefined };
  });
});

describe.each(TEST_DATABASES)('TypeOrmTenantRepository + TypeOrmTokenRepository on %s', (kind) => {
  authRepositoriesContract(async () => {
    const store = await openTypeOrmStore(kind);
    return {
      tenants: new TypeOrmTenantRepository(store.ds),
      tokens: new TypeOrmTokenRepository(store.ds),
      close: store.close,
    };
  });
});
