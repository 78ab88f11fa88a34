import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../../../src/persistence/data-source.options';
import { TypeOrmTenantRepository } from '../../../src/persistence/repositories/typeorm-tenant.repository';
import { Tenant } from '../../../src/core/ports/tenant.repository';
import { DatabaseKind, TestDatabase, createTestDatabase } from '../../support/databases';

/** A fresh real database with the module's migrations applied, and its DataSource. */
export interface TypeOrmStore {
  readonly db: TestDatabase;
  readonly ds: DataSource;
  /** destroys the DataSource, then drops the database (idempotent) */
  close(): Promise<void>;
}

export async function openTypeOrmStore(kind: DatabaseKind): Promise<TypeOrmStore> {
  const db = await createTestDatabase(kind);
  const ds = new DataSource(buildDataSourceOptions({ url: db.url, migrationsRun: true }));
  try {
    await ds.initialize();
  } catch (e) {
    await db.drop();
    throw e;
  }
  let closed = false;
  return {
    db,
    ds,
    close: async () => {
      if (closed) {
        return;
      }
      closed = true;
      try {
        if (ds.isInitialized) {
          await ds.destroy();
        }
      } finally {
        await db.drop();
      }
    },
  };
}

/** Inserts tenant rows (scim_users and scim_tokens reference scim_tenants). */
export async function insertTenants(ds: DataSource, ids: readonly string[]): Promise<void> {
  const tenants = new TypeOrmTenantRepository(ds);
  for (const [i, id] of ids.entries()) {
    const t: Tenant = {
      id,
      slug: `tenant-${i}-${id.slice(-4)}`,
      createdAt: '2024-01-01T00:00:00.000Z',
    };
    await tenants.create(t);
  }
}
