/**
 * Lifecycle hooks, roles and break-glass on the in-memory stores (STYLE §10): lifecycle hooks run
 * around the Users and Groups services' writes and veto with a ScimError; group-to-role mapping;
 * break-glass protection of the last owner; Enterprise manager.displayName (RFC 7643 §4.3). The
 * same rules over HTTP and real databases: test/e2e/lifecycle.e2e-spec.ts.
 */
import { GroupMembership } from '../groups/group-membership';
import { ResourcePipeline } from '../resources/resource.pipeline';
import { ScimJson } from '../../core/ports/resource.types';
import { ResourceResult } from '../resources/resource-result';
import {
  InMemoryGroupRepository,
  InMemoryTenantRepository,
  InMemoryUserRepository,
} from '../../persistence/in-memory';
import { ScimError } from '../../core/errors/scim-error';
import { PATCH_OP_SCHEMA } from '../../core/messages/list-response';
import { profileFor } from '../../core/profile/idp-profile';
import {
  DeleteHookEvent,
  MembershipHookEvent,
  ScimLifecycleHooks,
  UpdateHookEvent,
} from '../../core/ports/lifecycle';
import { ALL_SCOPES } from '../../core/ports/token.repository';
import { GROUP_SCHEMA_ID } from '../../core/schema/group.schema';
import { createDefaultRegistry } from '../../core/schema/schema.registry';
import { ENTERPRISE_USER_SCHEMA_ID, USER_SCHEMA_ID } from '../../core/schema/user.schema';
import { GroupsService } from '../groups/groups.service';
import { PasswordHasher } from '../http/password.hasher';
import { RequestContext } from '../http/request-context';
import { UsersService } from '../users/users.service';
import { LastOwnerProtection } from './last-owner.protection';
import { activeFlip } from '../../core/ports/change-event';
import { LifecycleHooks } from './lifecycle-hooks.service';
import { ScimRoleHolderDirectory } from './scim-role-holders.directory';
import { ScimRoles } from './scim-roles.service';

/** The resource a read answered (these reads send no If-None-Match, so never a 304). */
function bodyOf(r: ResourceResult): ScimJson {
  if (r.kind !== 'resource') {
    throw new Error(`expected a resource, got ${r.status}`);
  }
  return r.body;
}

const T0 = '2026-01-01T00:00:00.000Z';
const TENANT = 'tenant-1';
const LIMITS = { maxResults: 50, maxPayloadSize: 1e6 };
/** a group PATCH answers 204 (an EmptyResponse) unless the client asks for attributes */
const KEEP_BODY = { excludedAttributes: 'members' };
const ctx: RequestContext = {
  tenantId: TENANT,
  tokenId: 'token-1',
  scopes: new Set(ALL_SCOPES),
  baseUrl: 'https://scim.example.com/scim/v2',
  requestId: 'req-1',
};
const patch = (...Operations: Array<Record<string, unknown>>) => ({
  schemas: [PATCH_OP_SCHEMA],
  Operations,
});
const user = (userName: string, extra: Record<string, unknown> = {}) => ({
  schemas: [USER_SCHEMA_ID],
  userName,
  ...extra,
});
const group = (displayName: string, members: string[] = []) => ({
  schemas: [GROUP_SCHEMA_ID],
  displayName,
  members: members.map((value) => ({ value })),
});

async function setup(opts: { protect?: string; hooks?: ScimLifecycleHooks[] } = {}) {
  const registry = createDefaultRegistry();
  const userRepo = new InMemoryUserRepository(registry);
  const groupRepo = new InMemoryGroupRepository(registry, userRepo);
  const tenants = new InMemoryTenantRepository();
  await tenants.create({ id: TENANT, slug: 't', createdAt: T0 });
  const roles = ScimRoles.over(tenants, groupRepo, {
    names: ['owner', 'admin', 'member'],
    ...(opts.protect ? { protect: opts.protect } : {}),
  });
  const directory = new ScimRoleHolderDirectory(roles, groupRepo, userRepo, registry);
  const protection = new LastOwnerProtection(roles, directory);
  const hooks = new LifecycleHooks([
    ...(protection.enabled ? [protection] : []),
    ...(opts.hooks ?? []),
  ]);
  let n = 0;
  const clock = { nowIso: () => T0 };
  const ids = { newId: () => `id-${++n}` };
  const users = new UsersService(
    userRepo,
    groupRepo,
    new ResourcePipeline(registry, clock, ids, profileFor('lenient'), LIMITS, hooks),
    new PasswordHasher(),
  );
  const groups = new GroupsService(
    groupRepo,
    new ResourcePipeline(registry, clock, ids, profileFor('lenient'), LIMITS, hooks),
    new GroupMembership(groupRepo, hooks),
  );
  const newUser = async (name: string, extra: Record<string, unknown> = {}) =>
    (await users.create(user(name, extra), {}, ctx)).id as string;
  const newGroup = async (name: string, members: string[] = []) =>
    (await groups.create(group(name, members), {}, ctx)).id as string;
  return { users, groups, tenants, roles, directory, userRepo, groupRepo, newUser, newGroup };
}

/** the ScimError a promise rejects with (fails the test when it resolves) */
async function scimErrorOf(p: Promise<unknown>): Promise<ScimError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ScimError);
    return e as ScimError;
  }
  throw new Error('expected a ScimError, the call succeeded');
}

describe('LifecycleHooks', () => {
  it('activeFlip: unset counts as active (RFC 7643 §4.1.1 active has no default)', () => {
    expect(activeFlip({}, { active: false })).toBe('deactivate');
    expect(activeFlip({ active: true }, { active: false })).toBe('deactivate');
    expect(activeFlip({ active: false }, {})).toBe('activate');
    expect(activeFlip({ active: false }, { active: true })).toBe('activate');
    expect(activeFlip({ active: true }, {})).toBeUndefined();
    expect(activeFlip({ active: false }, { active: false })).toBeUndefined();
  });

  it('calls before/after hooks of create, update, deactivate, delete with the documents', async () => {
    const calls: string[] = [];
    const record = (name: string) => (e: { id?: string; groupId?: string }) => {
      calls.push(`${name}:${e.id ?? e.groupId}`);
    };
    const { users, newUser } = await setup({
      hooks: [
        {
          beforeCreate: record('beforeCreate'),
          afterCreate: record('afterCreate'),
          beforeUpdate: record('beforeUpdate'),
          afterUpdate: record('afterUpdate'),
          beforeDeactivate: (e: UpdateHookEvent) => {
            calls.push(`beforeDeactivate:${e.id}:${String(e.before.active)}->${String(e.after.active)}`);
          },
          afterDeactivate: record('afterDeactivate'),
          beforeActivate: record('beforeActivate'),
          beforeDelete: (e: DeleteHookEvent) => {
            calls.push(`beforeDelete:${e.id}:${String(e.resource.userName)}`);
          },
          afterDelete: record('afterDelete'),
        },
      ],
    });
    const id = await newUser('alice', { active: true });
    await users.patch(id, patch({ op: 'replace', path: 'displayName', value: 'Alice' }), {}, ctx);
    await users.patch(id, patch({ op: 'replace', path: 'active', value: false }), {}, ctx);
    await users.patch(id, patch({ op: 'replace', path: 'active', value: true }), {}, ctx);
    // a no-op PATCH writes nothing and calls no hook
    await users.patch(id, patch({ op: 'replace', path: 'active', value: true }), {}, ctx);
    await users.delete(id, ctx);
    expect(calls).toEqual([
      'beforeCreate:id-1',
      'afterCreate:id-1',
      'beforeUpdate:id-1',
      'afterUpdate:id-1',
      'beforeUpdate:id-1',
      'beforeDeactivate:id-1:true->false',
      'afterUpdate:id-1',
      'afterDeactivate:id-1',
      'beforeUpdate:id-1',
      'beforeActivate:id-1',
      'afterUpdate:id-1',
      'beforeDelete:id-1:alice',
      'afterDelete:id-1',
    ]);
  });

  it('a before-hook ScimError vetoes the change: nothing is written, the error is the answer', async () => {
    const { users, userRepo, newUser } = await setup({
      hooks: [
        {
          beforeCreate: (e) => {
            if (String(e.resource.userName).endsWith('@blocked.example')) {
              throw ScimError.forbidden('this domain is not provisioned');
            }
          },
          beforeDeactivate: () => {
            throw ScimError.conflict('deactivation is done in the product');
          },
        },
      ],
    });
    const err = await scimErrorOf(users.create(user('x@blocked.example'), {}, ctx));
    expect(err.status).toBe(403);
    expect((await userRepo.search(TENANT, { startIndex: 1, count: 10 })).total).toBe(0);
    const id = await newUser('ok@example.com');
    expect((await scimErrorOf(users.patch(id, patch({ op: 'replace', path: 'active', value: false }), {}, ctx))).status).toBe(409);
    expect((await userRepo.findById(TENANT, id))?.resource.active).toBeUndefined();
  });

  it('an after-hook failure is logged, not answered: the change committed', async () => {
    const { users, userRepo } = await setup({
      hooks: [
        {
          afterCreate: () => {
            throw new Error('host side effect failed');
          },
        },
      ],
    });
    const created = await users.create(user('bob'), {}, ctx);
    expect(await userRepo.findById(TENANT, created.id as string)).not.toBeNull();
  });

  it('membership hooks see added ids, and removed ids exact or computed on demand', async () => {
    const seen: Array<{ added: readonly string[]; removed: readonly string[]; deleted: boolean }> = [];
    const { groups, newUser, newGroup } = await setup({
      hooks: [
        {
          beforeMembershipChange: async (e: MembershipHookEvent) => {
            seen.push({ added: e.added, removed: [...(await e.removed())].sort(), deleted: e.groupDeleted });
          },
        },
      ],
    });
    const [a, b, c] = [await newUser('a'), await newUser('b'), await newUser('c')];
    const g = await newGroup('Team', [a, b]);
    await groups.patch(g, patch({ op: 'add', path: 'members', value: [{ value: c }] }), KEEP_BODY, ctx);
    await groups.patch(g, patch({ op: 'remove', path: `members[value eq "${a}"]` }), KEEP_BODY, ctx);
    await groups.replace(g, group('Team', [a]), {}, ctx);
    await groups.delete(g, ctx);
    expect(seen).toEqual([
      { added: [a, b], removed: [], deleted: false },
      { added: [c], removed: [], deleted: false },
      { added: [], removed: [a], deleted: false },
      // PUT: the members not kept are computed from the current membership
      { added: [a], removed: [b, c].sort(), deleted: false },
      { added: [], removed: [a], deleted: true },
    ]);
  });
});

describe('ScimRoles (group-to-role mapping)', () => {
  it('a group gives its mapped role (case-insensitively), else the tenant default; highest wins', async () => {
    const { roles, tenants, newUser, newGroup } = await setup();
    const u = await newUser('u');
    await newGroup('Developers', [u]);
    expect(await roles.roleOf(TENANT, u)).toBeNull();
    await tenants.updateSettings(TENANT, { defaultRole: 'member' });
    expect(await roles.roleOf(TENANT, u)).toBe('member');
    await tenants.setRoleMapping(TENANT, 'platform admins', 'admin', T0);
    await newGroup('Platform Admins', [u]);
    expect(await roles.roleForGroup(TENANT, 'PLATFORM ADMINS')).toBe('admin');
    expect(await roles.roleOf(TENANT, u)).toBe('admin');
  });

  it('a nested group passes its role on to the members of its member groups', async () => {
    const { roles, tenants, newUser, newGroup } = await setup();
    await tenants.setRoleMapping(TENANT, 'Owners', 'owner', T0);
    const u = await newUser('u');
    const inner = await newGroup('Founders', [u]);
    await newGroup('Owners', [inner]);
    expect(await roles.roleOf(TENANT, u)).toBe('owner');
  });
});

describe('LastOwnerProtection (break-glass)', () => {
  async function withOwner() {
    const s = await setup({ protect: 'owner' });
    await s.tenants.setRoleMapping(TENANT, 'Owners', 'owner', T0);
    const owner = await s.newUser('owner', { active: true });
    const other = await s.newUser('other', { active: true });
    const owners = await s.newGroup('Owners', [owner]);
    return { ...s, owner, other, owners };
  }
  const deactivate = patch({ op: 'replace', path: 'active', value: false });

  it('refuses to deactivate or delete the last active owner (409, nothing changes)', async () => {
    const { users, userRepo, owner } = await withOwner();
    const e1 = await scimErrorOf(users.patch(owner, deactivate, {}, ctx));
    expect(e1.status).toBe(409);
    expect(e1.message).toMatch(/holds the role "owner"/);
    expect((await userRepo.findById(TENANT, owner))?.resource.active).toBe(true);
    expect((await scimErrorOf(users.delete(owner, ctx))).status).toBe(409);
    expect(await userRepo.findById(TENANT, owner)).not.toBeNull();
    // PUT with active false is a deactivation too
    expect((await scimErrorOf(users.replace(owner, user('owner', { active: false }), {}, ctx))).status).toBe(409);
  });

  it('allows it once another active owner exists; an inactive one does not count', async () => {
    const { users, groups, owner, other, owners } = await withOwner();
    await groups.patch(owners, patch({ op: 'add', path: 'members', value: [{ value: other }] }), KEEP_BODY, ctx);
    await users.patch(other, deactivate, {}, ctx);
    expect((await scimErrorOf(users.patch(owner, deactivate, {}, ctx))).status).toBe(409);
    await users.patch(other, patch({ op: 'replace', path: 'active', value: true }), {}, ctx);
    await users.patch(owner, deactivate, {}, ctx);
    // the remaining owner is now the last one
    expect((await scimErrorOf(users.delete(other, ctx))).status).toBe(409);
  });

  it('refuses to remove the last owner from the owner group, to empty it, delete or rename it', async () => {
    const { groups, groupRepo, owner, owners } = await withOwner();
    const remove = patch({ op: 'remove', path: `members[value eq "${owner}"]` });
    expect((await scimErrorOf(groups.patch(owners, remove, KEEP_BODY, ctx))).status).toBe(409);
    expect((await scimErrorOf(groups.patch(owners, patch({ op: 'replace', path: 'members', value: [] }), KEEP_BODY, ctx))).status).toBe(409);
    expect((await scimErrorOf(groups.replace(owners, group('Owners', []), {}, ctx))).status).toBe(409);
    expect((await scimErrorOf(groups.delete(owners, ctx))).status).toBe(409);
    const rename = patch({ op: 'replace', path: 'displayName', value: 'Former owners' });
    expect((await scimErrorOf(groups.patch(owners, rename, KEEP_BODY, ctx))).status).toBe(409);
    const members = await groupRepo.listMembers(TENANT, owners, 10);
    expect(members.members.map((m) => m.value)).toEqual([owner]);
  });

  it('counts owners through other groups and nested groups', async () => {
    const { groups, tenants, newUser, newGroup, owner, owners } = await withOwner();
    const nested = await newUser('nested', { active: true });
    const founders = await newGroup('Founders', [nested]);
    await groups.patch(owners, patch({ op: 'add', path: 'members', value: [{ value: founders }] }), KEEP_BODY, ctx);
    await groups.patch(owners, patch({ op: 'remove', path: `members[value eq "${owner}"]` }), KEEP_BODY, ctx);
    // now `nested` is the last owner, through Founders: removing Founders is refused
    const removeFounders = patch({ op: 'remove', path: `members[value eq "${founders}"]` });
    expect((await scimErrorOf(groups.patch(owners, removeFounders, KEEP_BODY, ctx))).status).toBe(409);
    await tenants.setRoleMapping(TENANT, 'Board', 'owner', T0);
    const boardMember = await newUser('board', { active: true });
    await newGroup('Board', [boardMember]);
    await groups.patch(owners, removeFounders, KEEP_BODY, ctx);
  });

  it('the tenant default role counts: an unmapped group gives it', async () => {
    const { users, tenants, newUser, newGroup } = await setup({ protect: 'owner' });
    await tenants.updateSettings(TENANT, { defaultRole: 'owner' });
    const a = await newUser('a', { active: true });
    await newGroup('Everyone', [a]);
    expect((await scimErrorOf(users.patch(a, deactivate, {}, ctx))).status).toBe(409);
    const b = await newUser('b', { active: true });
    await newGroup('Staff', [b]);
    await users.patch(a, deactivate, {}, ctx);
  });

  it('does nothing without roles.protect, and users holding no protected role are never checked', async () => {
    const s = await setup();
    await s.tenants.setRoleMapping(TENANT, 'Owners', 'owner', T0);
    const a = await s.newUser('a', { active: true });
    await s.newGroup('Owners', [a]);
    await s.users.patch(a, deactivate, {}, ctx);
    const p = await withOwner();
    await p.users.patch(p.other, deactivate, {}, ctx);
  });
});

describe('Enterprise manager (RFC 7643 §4.3)', () => {
  const EXT = ENTERPRISE_USER_SCHEMA_ID;
  it('manager.displayName is the manager\'s current displayName, $ref points at the manager', async () => {
    const { users, newUser } = await setup();
    const boss = await newUser('boss', { displayName: 'Barbara Boss' });
    const created = await users.create(
      user('emp', {
        schemas: [USER_SCHEMA_ID, EXT],
        [EXT]: { manager: { value: boss, displayName: 'stale name a client sent' } },
      }),
      {},
      ctx,
    );
    expect((created[EXT] as { manager: unknown }).manager).toEqual({
      value: boss,
      $ref: `${ctx.baseUrl}/Users/${boss}`,
      displayName: 'Barbara Boss',
    });
    await users.patch(boss, patch({ op: 'replace', path: 'displayName', value: 'B. Boss' }), {}, ctx);
    const got = bodyOf(await users.get(created.id as string, {}, ctx));
    expect((got[EXT] as { manager: { displayName: string } }).manager.displayName).toBe('B. Boss');
    const listed = await users.list({ filter: 'userName eq "emp"' }, ctx);
    expect((listed.Resources[0][EXT] as { manager: { displayName: string } }).manager.displayName).toBe('B. Boss');
    await users.delete(boss, ctx);
    const orphan = bodyOf(await users.get(created.id as string, {}, ctx));
    // a manager who is not (or no longer) a user: left as sent, without the readOnly name
    expect((orphan[EXT] as { manager: unknown }).manager).toEqual({ value: boss });
  });
});
