/**
 * The unit of work (core/ports/unit-of-work.ts, TypeOrmUnitOfWork) on real SQLite and
 * MariaDB/MySQL databases: the stores' writes, their change events (scim_outbox) and the
 * outbox signal commit together or not at all. This is what Bulk runs a circular set of
 * operations in (RFC 7644 §3.7.1): creates, then the updates that complete their references.
 */
import { randomUUID } from 'node:crypto';
import { WriteEvents } from '../../src/core/ports/change-event';
import { ScimError } from '../../src/core/errors/scim-error';
import { ENTERPRISE_USER_SCHEMA_ID, USER_SCHEMA_ID } from '../../src/core/schema/user.schema';
import { createDefaultRegistry } from '../../src/core/schema/schema.registry';
import { TypeOrmGroupRepository } from '../../src/persistence/repositories/typeorm-group.repository';
import { TypeOrmOutboxRepository } from '../../src/persistence/repositories/typeorm-outbox.repository';
import { TypeOrmUnitOfWork } from '../../src/persistence/repositories/typeorm-unit-of-work';
import { TypeOrmUserRepository } from '../../src/persistence/repositories/typeorm-user.repository';
import { TEST_DATABASES } from '../support/databases';
import { TypeOrmStore, insertTenants, openTypeOrmStore } from './support/typeorm-store';

const TENANT = '00000000-0000-4000-8000-0000000000c1';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const AT = '2024-06-01T12:00:00.000Z';
const registry = createDefaultRegistry();

const events = (operation: 'created' | 'replaced'): WriteEvents => ({
  origin: { actorTokenId: null, requestId: 'uow-test', at: AT },
  operation,
  changed: [],
});

const user = (userName: string, managerId?: string) => ({
  schemas: [USER_SCHEMA_ID, ENTERPRISE_USER_SCHEMA_ID],
  userName,
  ...(managerId ? { [ENTERPRISE_USER_SCHEMA_ID]: { manager: { value: managerId } } } : {}),
});

describe.each(TEST_DATABASES)('UnitOfWork on %s', (kind) => {
  let store: TypeOrmStore;
  let users: TypeOrmUserRepository;
  let groups: TypeOrmGroupRepository;
  let outbox: TypeOrmOutboxRepository;
  let uow: TypeOrmUnitOfWork;
  /** OutboxSignal.written() calls: only ever after a commit */
  let signalled = 0;

  beforeAll(async () => {
    store = await openTypeOrmStore(kind);
    await insertTenants(store.ds, [TENANT]);
    const signal = { written: () => void signalled++ };
    users = new TypeOrmUserRepository(store.ds, registry, signal);
    groups = new TypeOrmGroupRepository(store.ds, registry, signal);
    outbox = new TypeOrmOutboxRepository(store.ds);
    uow = new TypeOrmUnitOfWork(store.ds);
  });
  afterAll(async () => {
    await store?.close();
  });
  beforeEach(() => {
    signalled = 0;
  });

  const eventsOf = async (ids: readonly string[]) =>
    (await outbox.list({ tenantId: TENANT, limit: 1000 })).filter((e) => ids.includes(e.resourceId));

  /** Two users, each the manager of the other: two creates, then the completing update. */
  const managerCycle = async (prefix: string, failCompletion: boolean, ids: string[]) => {
    const [a, b] = [randomUUID(), randomUUID()];
    ids.push(a, b);
    const create = (id: string, userName: string, managerId?: string) =>
      users.create(TENANT, { id, resource: user(userName, managerId), created: AT }, events('created'));
    const created = await create(a, `${prefix}-a`);
    await create(b, `${prefix}-b`, a);
    expect(signalled).toBe(0);
    await users.update(
      TENANT,
      a,
      {
        resource: user(`${prefix}-a`, b),
        lastModified: AT,
        // a stale version makes the completing update fail (412) after both creates
        expectedVersion: failCompletion ? created.version + 1 : created.version,
      },
      events('replaced'),
    );
  };

  it('commits the creates, the completing update and their change events together', async () => {
    const ids: string[] = [];
    await uow.run(() => managerCycle('ok', false, ids));
    const [a, b] = await Promise.all(ids.map((id) => users.findById(TENANT, id)));
    expect(a?.resource[ENTERPRISE_USER_SCHEMA_ID]).toEqual({ manager: { value: ids[1] } });
    expect(b?.resource[ENTERPRISE_USER_SCHEMA_ID]).toEqual({ manager: { value: ids[0] } });
    expect(a?.version).toBe(2);
    const operations = (await eventsOf(ids)).map((e) => e.operation);
    expect(operations.sort()).toEqual(['created', 'created', 'replaced']);
    // told once per write, each only after the commit
    expect(signalled).toBe(3);
  });

  it('a failure in the completing update rolls back the creates and their change events', async () => {
    const ids: string[] = [];
    const run = uow.run(() => managerCycle('fail', true, ids));
    await expect(run).rejects.toMatchObject({ name: 'ScimError', status: 412 });
    expect(ids).toHaveLength(2);
    expect(await Promise.all(ids.map((id) => users.findById(TENANT, id)))).toEqual([null, null]);
    const page = await users.search(TENANT, { startIndex: 1, count: 100 });
    expect(page.items.some((u) => String(u.resource.userName).startsWith('fail-'))).toBe(false);
    expect(await eventsOf(ids)).toEqual([]);
    expect(signalled).toBe(0);
  });

  it('a group and the user it contains, created together, are rolled back together', async () => {
    const [u, g] = [randomUUID(), randomUUID()];
    const run = uow.run(async () => {
      const member = { id: u, resource: user('member-of-rolled-back'), created: AT };
      await users.create(TENANT, member, events('created'));
      const group = {
        id: g,
        resource: { schemas: [GROUP_SCHEMA], displayName: 'Rolled back' },
        created: AT,
        members: [{ value: u, type: 'User' as const }],
      };
      await groups.create(TENANT, group, events('created'));
      expect((await groups.listMembers(TENANT, g, 10)).members.map((m) => m.value)).toEqual([u]);
      throw ScimError.conflict('refused after the writes');
    });
    await expect(run).rejects.toMatchObject({ status: 409 });
    expect(await users.findById(TENANT, u)).toBeNull();
    expect(await groups.findById(TENANT, g, true)).toBeNull();
    expect(await eventsOf([u, g])).toEqual([]);
    expect(signalled).toBe(0);
  });

  it('nothing of an open unit of work is visible outside it until it commits', async () => {
    const id = randomUUID();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let written!: () => void;
    const wrote = new Promise<void>((r) => (written = r));
    const run = uow.run(async () => {
      await users.create(TENANT, { id, resource: user('pending'), created: AT }, events('created'));
      // inside: the unit's own writes are read back
      expect(await users.findById(TENANT, id)).not.toBeNull();
      written();
      await gate;
    });
    await wrote;
    // outside: another pooled connection (MySQL) or the file's read-only one (SQLite)
    expect(await users.findById(TENANT, id)).toBeNull();
    expect(signalled).toBe(0);
    release();
    await run;
    expect(await users.findById(TENANT, id)).not.toBeNull();
    expect(signalled).toBe(1);
  });
});
