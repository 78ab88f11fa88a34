/**
 * One GroupRepository contract (support/group-repository.contract.ts), run for the in-memory
 * repository and for the TypeORM repository on real SQLite and MariaDB/MySQL databases with the
 * module's migrations applied (STYLE §8, §10).
 */
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import {
  InMemoryGroupRepository,
} from '../../src/persistence/in-memory/in-memory-group.repository';
import { InMemoryUserRepository } from '../../src/persistence/in-memory/in-memory-user.repository';
import {
  TypeOrmGroupRepository,
} from '../../src/persistence/repositories/typeorm-group.repository';
import {
  TypeOrmTenantRepository,
} from '../../src/persistence/repositories/typeorm-tenant.repository';
import { TypeOrmUserRepository } from '../../src/persistence/repositories/typeorm-user.repository';
import { UserRepository } from '../../src/core/ports/user.repository';
import { createDefaultRegistry } from '../../src/core/schema/schema.registry';
import { USER_SCHEMA_ID } from '../../src/core/schema/user.schema';
import { TEST_DATABASES } from '../support/databases';
import { groupRepositoryContract } from './support/group-repository.contract';
import { openTypeOrmStore } from './support/typeorm-store';

const registry = createDefaultRegistry();

function userCreator(users: UserRepository) {
  return async (tenantId: string, userName: string, displayName?: string) => {
    const id = randomUUID();
    await users.create(tenantId, {
      id,
      resource: { schemas: [USER_SCHEMA_ID], userName, ...(displayName ? { displayName } : {}) },
      created: '2024-06-01T00:00:00.000Z',
    });
    return id;
  };
}

/** Counts the statements that name the membership table, from TypeORM's logger hook. */
function countMemberStatements(ds: DataSource): () => number {
  let hits = 0;
  const logger = ds.logger;
  const logQuery = logger.logQuery.bind(logger);
  logger.logQuery = (query, parameters, queryRunner) => {
    if (/\bscim_group_members\b/.test(query)) {
      hits++;
    }
    return logQuery(query, parameters, queryRunner);
  };
  return () => hits;
}

describe('InMemoryGroupRepository', () => {
  groupRepositoryContract(async () => {
    const users = new InMemoryUserRepository(registry);
    const repo = new InMemoryGroupRepository(registry, users);
    return {
      repo,
      tenants: async () => ({ a: randomUUID(), b: randomUUID() }),
      createUser: userCreator(users),
      memberTableHits: () => repo.memberReads,
      close: async () => undefined,
    };
  });
});

describe.each(TEST_DATABASES)('TypeOrmGroupRepository on %s', (kind) => {
  groupRepositoryContract(async () => {
    const store = await openTypeOrmStore(kind);
    const tenants = new TypeOrmTenantRepository(store.ds);
    const tenant = async () => {
      const id = randomUUID();
      await tenants.create({ id, slug: `t-${id}`, createdAt: '2024-01-01T00:00:00.000Z' });
      return id;
    };
    return {
      repo: new TypeOrmGroupRepository(store.ds, registry),
      tenants: async () => ({ a: await tenant(), b: await tenant() }),
      createUser: userCreator(new TypeOrmUserRepository(store.ds, registry)),
      memberTableHits: countMemberStatements(store.ds),
      close: store.close,
    };
  });
});

describe.each(TEST_DATABASES)('Groups migration on %s', (kind) => {
  it('creates tables the entities describe, and down() drops them again', async () => {
    const store = await openTypeOrmStore(kind);
    try {
      const { ds } = store;
      if (kind === 'mysql') {
        // what `synchronize` would change for the group tables: nothing but two artefacts of
        // TypeORM itself: `doc` is longtext on MySQL and text on SQLite (one entity cannot say
        // both), and the 'mysql' driver reads MariaDB's `DEFAULT NULL` as the string 'NULL'.
        // (SQLite is not compared: its schema diff always rebuilds a bigint autoincrement PK.)
        const pending = (await ds.driver.createSchemaBuilder().log()).upQueries
          .map((q) => q.query)
          .filter((q) => q.includes('scim_group'))
          .filter((q) => !/`doc`|`external_id`|`ix_scim_groups_tenant_external_id`/.test(q));
        expect(pending).toEqual([]);
      }
      // undo the migrations that came after Groups, then Groups itself
      const groupsIndex = ds.migrations.findIndex((m) => m.name === 'Groups1763890000000');
      for (let i = ds.migrations.length - 1; i >= groupsIndex; i--) {
        await ds.undoLastMigration();
      }
      const qr = ds.createQueryRunner();
      try {
        expect(await qr.hasTable('scim_group_members')).toBe(false);
        expect(await qr.hasTable('scim_groups')).toBe(false);
        expect(await qr.hasTable('scim_users')).toBe(true);
        await ds.runMigrations();
        expect(await qr.hasTable('scim_groups')).toBe(true);
        expect(await qr.hasTable('scim_group_members')).toBe(true);
      } finally {
        await qr.release();
      }
    } finally {
      await store.close();
    }
  });
});
