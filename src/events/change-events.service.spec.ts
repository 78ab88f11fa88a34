/**
 * Which change events the Users and Groups services record, on the in-memory
 * stores (STYLE §10: services on in-memory ports). The SQL stores write the same events in the
 * transaction of the change: test/e2e/events.e2e-spec.ts.
 */
import { GroupMembership } from '../scim/groups/group-membership';
import { ResourcePipeline } from '../scim/resources/resource.pipeline';
import { InMemoryGroupRepository, InMemoryUserRepository } from '../persistence/in-memory';
import { PATCH_OP_SCHEMA } from '../core/messages/list-response';
import { profileFor } from '../core/profile/idp-profile';
import { NewChangeEvent } from '../core/ports/change-event';
import { ALL_SCOPES } from '../core/ports/token.repository';
import { GROUP_SCHEMA_ID } from '../core/schema/group.schema';
import { createDefaultRegistry } from '../core/schema/schema.registry';
import { USER_SCHEMA_ID } from '../core/schema/user.schema';
import { GroupsService } from '../scim/groups/groups.service';
import { PasswordHasher } from '../scim/http/password.hasher';
import { RequestContext } from '../scim/http/request-context';
import { UsersService } from '../scim/users/users.service';
import { LifecycleHooks } from '../scim/lifecycle/lifecycle-hooks.service';

const T0 = '2025-06-01T12:00:00.000Z';
const LIMITS = { maxResults: 50, maxPayloadSize: 1e6 };

const ctx = (overrides: Partial<RequestContext> = {}): RequestContext => ({
  tenantId: 'tenant-1',
  tokenId: 'token-1',
  scopes: new Set(ALL_SCOPES),
  baseUrl: 'https://scim.example.com/scim/v2',
  requestId: 'req-1',
  ...overrides,
});
const patch = (...Operations: Array<Record<string, unknown>>) => ({ schemas: [PATCH_OP_SCHEMA], Operations });

function setup() {
  const registry = createDefaultRegistry();
  const userRepo = new InMemoryUserRepository(registry);
  const groupRepo = new InMemoryGroupRepository(registry, userRepo);
  let n = 0;
  const clock = { nowIso: () => T0 };
  const ids = { newId: () => `id-${++n}` };
  const users = new UsersService(
    userRepo,
    groupRepo,
    new ResourcePipeline(registry, clock, ids, profileFor('lenient'), LIMITS, new LifecycleHooks([])),
    new PasswordHasher(),
  );
  const groups = new GroupsService(
    groupRepo,
    new ResourcePipeline(registry, clock, ids, profileFor('lenient'), LIMITS, new LifecycleHooks([])),
    new GroupMembership(groupRepo, new LifecycleHooks([])),
  );
  /** the events both stores recorded, each as [operation, resource id, changed or members, version] */
  const recorded = () =>
    [...userRepo.outbox, ...groupRepo.outbox].map((e: NewChangeEvent) => [
      e.operation,
      e.resourceId,
      e.members ?? e.changed,
      e.version,
    ]);
  const reset = () => {
    userRepo.outbox.length = 0;
    groupRepo.outbox.length = 0;
  };
  return { users, groups, userRepo, groupRepo, recorded, reset };
}

describe('change events recorded by UsersService', () => {
  it('created, then deactivated / activated from the active flag, with who and which request', async () => {
    const { users, userRepo, recorded, reset } = setup();
    const u = await users.create({ schemas: [USER_SCHEMA_ID], userName: 'a', active: true }, {}, ctx());
    expect(userRepo.outbox).toEqual([
      {
        tenantId: 'tenant-1',
        resourceType: 'User',
        resourceId: u.id,
        operation: 'created',
        changed: ['active', 'userName'],
        version: 1,
        actorTokenId: 'token-1',
        requestId: 'req-1',
        occurredAt: T0,
      },
    ]);
    reset();
    await users.patch(u.id as string, patch({ op: 'replace', value: { active: false } }), {}, ctx());
    await users.patch(u.id as string, patch({ op: 'replace', value: { active: false } }), {}, ctx());
    await users.replace(
      u.id as string,
      { schemas: [USER_SCHEMA_ID], userName: 'a', active: true, title: 'x' },
      {},
      ctx({ requestId: 'req-2' }),
    );
    await users.patch(u.id as string, patch({ op: 'replace', path: 'password', value: 'N3w-secret!' }), {}, ctx());
    expect(recorded()).toEqual([
      ['deactivated', u.id, ['active'], 2],
      // the second PATCH changed nothing: no write, no event
      ['activated', u.id, ['active', 'title'], 3],
      ['patched', u.id, ['password'], 4],
    ]);
    expect(userRepo.outbox[1].requestId).toBe('req-2');
  });

  it('a delete records deleted, and members-removed on each group the user was in', async () => {
    const { users, groups, recorded, reset } = setup();
    const u = await users.create({ schemas: [USER_SCHEMA_ID], userName: 'a' }, {}, ctx());
    const g = await groups.create({ schemas: [GROUP_SCHEMA_ID], displayName: 'G', members: [{ value: u.id }] }, {}, ctx());
    reset();
    await users.delete(u.id as string, ctx());
    expect(recorded()).toEqual([
      ['deleted', u.id, [], 1],
      ['members-removed', g.id, [u.id], 2],
    ]);
  });

  it('a create that brings a soft-deleted user back is restored', async () => {
    const { users, recorded, reset } = setup();
    const u = await users.create({ schemas: [USER_SCHEMA_ID], userName: 'a' }, {}, ctx());
    await users.delete(u.id as string, ctx({ deprovisioning: 'soft' }));
    reset();
    await users.create({ schemas: [USER_SCHEMA_ID], userName: 'A' }, {}, ctx());
    expect(recorded()).toEqual([['restored', u.id, ['userName'], 3]]);
  });
});

describe('change events recorded by GroupsService', () => {
  it('membership events hold only the ids that changed', async () => {
    const { users, groups, recorded, reset } = setup();
    const ids: string[] = [];
    for (const name of ['a', 'b', 'c']) {
      ids.push((await users.create({ schemas: [USER_SCHEMA_ID], userName: name }, {}, ctx())).id as string);
    }
    const [a, b, c] = ids;
    reset();
    const g = await groups.create({ schemas: [GROUP_SCHEMA_ID], displayName: 'G', members: [{ value: a }] }, {}, ctx());
    const id = g.id as string;
    const members = (...ops: Array<Record<string, unknown>>) =>
      groups.patch(id, patch(...ops), {}, ctx()).catch(() => undefined); // 204 is thrown
    await members({ op: 'add', path: 'members', value: [{ value: a }, { value: b }] });
    await members({ op: 'remove', path: `members[value eq "${c}"]` });
    await members({ op: 'replace', path: 'displayName', value: 'G2' });
    await groups.replace(id, { schemas: [GROUP_SCHEMA_ID], displayName: 'G2', members: [{ value: c }, { value: b }] }, {}, ctx());
    await groups.delete(id, ctx());
    expect(recorded()).toEqual([
      ['created', id, ['displayName', 'members'], 1],
      ['members-added', id, [a], 1],
      // adding a (already in) and b: only b; removing c (not in): nothing
      ['members-added', id, [b], 2],
      ['patched', id, ['displayName'], 4],
      // PUT with the same document: membership events only
      ['members-removed', id, [a], 5],
      ['members-added', id, [c], 5],
      ['deleted', id, [], 5],
    ]);
  });

  it('deleting a nested group records members-removed on its parent', async () => {
    const { groups, recorded, reset } = setup();
    const child = await groups.create({ schemas: [GROUP_SCHEMA_ID], displayName: 'child' }, {}, ctx());
    const parent = await groups.create(
      { schemas: [GROUP_SCHEMA_ID], displayName: 'parent', members: [{ value: child.id }] },
      {},
      ctx(),
    );
    reset();
    await groups.delete(child.id as string, ctx());
    expect(recorded()).toEqual([
      ['deleted', child.id, [], 1],
      ['members-removed', parent.id, [child.id], 2],
    ]);
  });
});
