/**
 * A host table with `times: 'datetime'` (the example host's host_users) keeps the instants the
 * store writes, whatever the database session's time zone: on PostgreSQL a `timestamptz` is
 * read back as the same instant by the driver, and the store says UTC when it writes one (a
 * time without a zone would be taken in the session's TimeZone). The database's default
 * TimeZone is set far from UTC on PostgreSQL here, so a zone-less write would shift by hours.
 */
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { USER_SCHEMA_ID } from '../../src/core/schema/user.schema';
import { createDefaultRegistry } from '../../src/core/schema/schema.registry';
import { hostDataSourceOptions, migrate } from '../../examples/host-app/src/database/data-source';
import { HostUserRepository } from '../../examples/host-app/src/scim/host-user.repository';
import { TEST_DATABASES, TestDatabase, createTestDatabase } from '../support/databases';

const CREATED = '2024-06-01T12:00:00.123Z';
const MODIFIED = '2024-12-24T23:30:00.456Z';

describe.each(TEST_DATABASES)('host datetime columns on %s', (kind) => {
  let db: TestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    if (kind === 'postgres') {
      const name = new URL(db.url).pathname.slice(1);
      const admin = new DataSource({ type: 'postgres', url: db.url });
      await admin.initialize();
      await admin.query(`ALTER DATABASE ${name} SET TimeZone TO 'Pacific/Kiritimati'`);
      await admin.destroy();
    }
    await migrate(db.url);
    ds = new DataSource(hostDataSourceOptions(db.url));
    await ds.initialize();
  });
  afterAll(async () => {
    if (ds?.isInitialized) {
      await ds.destroy();
    }
    await db?.drop();
  });

  it('meta.created and meta.lastModified read back as written', async () => {
    if (kind === 'postgres') {
      // the session is far from UTC, as a server's TimeZone may be
      expect(await ds.query('SHOW TimeZone')).toEqual([{ TimeZone: 'Pacific/Kiritimati' }]);
    }
    const users = new HostUserRepository(ds, createDefaultRegistry(), { written: () => undefined });
    const tenant = randomUUID();
    const created = await users.create(tenant, {
      id: randomUUID(),
      resource: { schemas: [USER_SCHEMA_ID], userName: 'jane@times.example' },
      created: CREATED,
    });
    expect([created.created, created.lastModified]).toEqual([CREATED, CREATED]);
    const updated = await users.update(tenant, created.id, {
      resource: { ...created.resource, displayName: 'Jane' },
      lastModified: MODIFIED,
      expectedVersion: created.version,
    });
    expect([updated.created, updated.lastModified]).toEqual([CREATED, MODIFIED]);
    const read = await users.findById(tenant, created.id);
    expect([read?.created, read?.lastModified]).toEqual([CREATED, MODIFIED]);
  });
});
