/**
 * Reads of the built-in stores see committed data only. On SQLite every caller shares one
 * connection, so a read run while another caller's write transaction is open would see that
 * transaction's rows, even when it later rolls back; reads must wait for it instead. On MariaDB
 * the pool gives each its own connection (InnoDB's isolation does the same job).
 */
import { DataSource } from 'typeorm';
import { createDefaultRegistry } from '../../src/core/schema/schema.registry';
import { TypeOrmGroupRepository } from '../../src/persistence/repositories/typeorm-group.repository';
import { TypeOrmUserRepository } from '../../src/persistence/repositories/typeorm-user.repository';
import { inTransaction } from '../../src/persistence/repositories/sql.util';
import { TEST_DATABASES } from '../support/databases';
import { TypeOrmStore, insertTenants, openTypeOrmStore } from './support/typeorm-store';

const TENANT = '00000000-0000-4000-8000-0000000000c1';
const registry = createDefaultRegistry();
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

/**
 * Opens a write transaction that inserts a user row and then fails (rolled back). Resolves
 * `inserted` once the row is written but not committed; `settled` once the rollback is done.
 */
function insertThenRollBack(ds: DataSource, id: string, userName: string) {
  let signal!: () => void;
  const inserted = new Promise<void>((r) => (signal = r));
  const settled = inTransaction(ds, async (qr) => {
    const at = '2024-01-01T00:00:00.000Z';
    await qr.query(
      `INSERT INTO scim_users (id, tenant_id, user_name, user_name_ci, external_id, display_name_ci,
         active, doc, password_hash, version, created, last_modified)
       VALUES (?, ?, ?, ?, NULL, NULL, NULL, ?, NULL, 1, ?, ?)`,
      [id, TENANT, userName, userName.toLowerCase(), JSON.stringify({ schemas: [USER], userName }), at, at],
    );
    signal();
    // the transaction stays open (uncommitted) a while, then fails
    await new Promise((r) => setTimeout(r, 50));
    throw new Error('the write failed after its INSERT');
  }).then(
    () => 'committed',
    () => 'rolled back',
  );
  return { inserted, settled };
}

describe.each(TEST_DATABASES)('reads of uncommitted rows on %s', (kind) => {
  let store: TypeOrmStore;
  let users: TypeOrmUserRepository;
  let groups: TypeOrmGroupRepository;

  beforeAll(async () => {
    store = await openTypeOrmStore(kind);
    await insertTenants(store.ds, [TENANT]);
    users = new TypeOrmUserRepository(store.ds, registry);
    groups = new TypeOrmGroupRepository(store.ds, registry);
  });
  afterAll(async () => {
    await store?.close();
  });

  it('findById never returns a user whose insert is rolled back', async () => {
    const id = '00000000-0000-4000-8000-00000000d001';
    const tx = insertThenRollBack(store.ds, id, 'ghost-1');
    await tx.inserted;
    const seen = await users.findById(TENANT, id);
    expect(await tx.settled).toBe('rolled back');
    expect(seen).toBeNull();
    expect(await users.findById(TENANT, id)).toBeNull();
  });

  it('search never counts nor returns a user whose insert is rolled back', async () => {
    const id = '00000000-0000-4000-8000-00000000d002';
    const tx = insertThenRollBack(store.ds, id, 'ghost-2');
    await tx.inserted;
    const [byName, all] = await Promise.all([
      users.search(TENANT, {
        filter: { kind: 'compare', path: { attr: 'userName' }, op: 'eq', value: 'ghost-2' },
        startIndex: 1,
        count: 10,
      }),
      users.search(TENANT, { startIndex: 1, count: 10 }),
    ]);
    expect(await tx.settled).toBe('rolled back');
    expect(byName).toEqual({ total: 0, items: [] });
    expect(all.items.map((u) => u.id)).not.toContain(id);
  });

  it('findByIds and the group store\'s member look-up never see it either', async () => {
    const id = '00000000-0000-4000-8000-00000000d003';
    const tx = insertThenRollBack(store.ds, id, 'ghost-3');
    await tx.inserted;
    const [byIds, members] = await Promise.all([
      users.findByIds(TENANT, [id]),
      groups.resolveMembers(TENANT, [id]),
    ]);
    expect(await tx.settled).toBe('rolled back');
    expect(byIds).toEqual([]);
    expect(members.size).toBe(0);
  });
});
