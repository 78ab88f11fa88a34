/**
 * UsersService on the in-memory ports: no database, no Nest testing module (STYLE §10
 * "Service tests use in-memory ports").
 */
import { ResourcePipeline } from '../resources/resource.pipeline';
import { ScimJson } from '../../core/ports/resource.types';
import { ResourceResult } from '../resources/resource-result';
import { InMemoryUserRepository } from '../../persistence/in-memory';
import { ScimError } from '../../core/errors/scim-error';
import { LIST_RESPONSE_SCHEMA, PATCH_OP_SCHEMA } from '../../core/messages/list-response';
import { profileFor } from '../../core/profile/idp-profile';
import { GroupOfMember, GroupRepository } from '../../core/ports/group.repository';
import { ALL_SCOPES } from '../../core/ports/token.repository';
import { Clock } from '../../core/ports/clock';
import { IdGenerator } from '../../core/ports/id-generator';
import { createDefaultRegistry } from '../../core/schema/schema.registry';
import { USER_SCHEMA_ID } from '../../core/schema/user.schema';
import { ListQueryDto } from '../http/list-query.dto';
import { PasswordHasher } from '../http/password.hasher';
import { RequestContext } from '../http/request-context';
import { UsersService } from './users.service';
import { LifecycleHooks } from '../lifecycle/lifecycle-hooks.service';

/** The resource a read or PATCH answered (a 204/304 here would be a failure). */
function bodyOf(r: ResourceResult): ScimJson {
  if (r.kind !== 'resource') {
    throw new Error(`expected a resource, got ${r.status}`);
  }
  return r.body;
}

const TENANT = 'tenant-1';
const BASE_URL = 'https://scim.example.com/scim/v2';
const T0 = '2024-06-01T12:00:00.000Z';
const LIMITS = { maxResults: 50, maxPayloadSize: 1e6 };

class FixedClock implements Clock {
  constructor(public now = T0) {}
  nowIso(): string {
    return this.now;
  }
}

class CounterIds implements IdGenerator {
  private n = 0;
  newId(): string {
    return `user-${++this.n}`;
  }
}

const ctx = (overrides: Partial<RequestContext> = {}): RequestContext => ({
  tenantId: TENANT,
  tokenId: 'token-1',
  scopes: new Set(ALL_SCOPES),
  baseUrl: BASE_URL,
  ...overrides,
});

const userBody = (userName: string, extra: Record<string, unknown> = {}) => ({
  schemas: [USER_SCHEMA_ID],
  userName,
  ...extra,
});

const patchBody = (...Operations: Array<Record<string, unknown>>) => ({
  schemas: [PATCH_OP_SCHEMA],
  Operations,
});

/**
 * The membership side of GroupRepository that UsersService uses (the User's readOnly `groups`,
 * leaving every group on delete). Anything else would be a bug in UsersService, so it throws.
 */
function membershipStub(memberships: Record<string, GroupOfMember[]> = {}) {
  const groupsOf = jest.fn(
    async (_tenantId: string, memberId: string) => memberships[memberId] ?? [],
  );
  const groupsOfMany = jest.fn(async (_tenantId: string, memberIds: readonly string[]) => {
    const out = new Map<string, GroupOfMember[]>();
    for (const id of memberIds) {
      if (memberships[id]?.length) {
        out.set(id, memberships[id]);
      }
    }
    return out;
  });
  const removeMemberEverywhere = jest.fn(async () => undefined);
  const groups = new Proxy({ groupsOf, groupsOfMany, removeMemberEverywhere } as Partial<GroupRepository>, {
    get: (target, key: string) =>
      key in target
        ? target[key as keyof GroupRepository]
        : () => {
            throw new Error(`UsersService must not call GroupRepository.${key}`);
          },
  }) as GroupRepository;
  return { groups, groupsOf, groupsOfMany, removeMemberEverywhere };
}

function setup(memberships: Record<string, GroupOfMember[]> = {}) {
  const registry = createDefaultRegistry();
  const repo = new InMemoryUserRepository(registry);
  const clock = new FixedClock();
  const passwords = new PasswordHasher();
  const membership = membershipStub(memberships);
  const service = new UsersService(
    repo,
    membership.groups,
    new ResourcePipeline(registry, clock, new CounterIds(), profileFor('lenient'), LIMITS, new LifecycleHooks([])),
    passwords,
  );
  return { service, repo, clock, passwords, membership };
}

describe('UsersService', () => {
  describe('create', () => {
    it('renders id and meta (location from the base URL, version W/"1")', async () => {
      const { service, clock } = setup();
      const created = await service.create(userBody('bjensen', { displayName: 'Babs' }), {}, ctx());
      expect(created).toEqual({
        schemas: [USER_SCHEMA_ID],
        id: 'user-1',
        userName: 'bjensen',
        displayName: 'Babs',
        meta: {
          resourceType: 'User',
          created: clock.now,
          lastModified: clock.now,
          location: `${BASE_URL}/Users/user-1`,
          version: 'W/"1"',
        },
      });
    });

    it('hashes the password and never renders or stores it in clear', async () => {
      const { service, repo, passwords } = setup();
      const secret = 't1meMa$heen-Secret';
      const created = await service.create(userBody('pw', { password: secret }), {}, ctx());
      expect(created).not.toHaveProperty('password');
      expect(JSON.stringify(created)).not.toContain(secret);

      const hash = repo.passwordHashOf(TENANT, 'user-1');
      expect(hash).toMatch(/^scrypt\$/);
      await expect(passwords.verify(secret, hash!)).resolves.toBe(true);
      expect(JSON.stringify(repo.dump())).not.toContain(secret);
      expect((await repo.findById(TENANT, 'user-1'))?.resource).not.toHaveProperty('password');
      expect(bodyOf(await service.get('user-1', {}, ctx()))).not.toHaveProperty('password');
    });

    it('stores no password hash when none was sent', async () => {
      const { service, repo } = setup();
      await service.create(userBody('nopw'), {}, ctx());
      expect(repo.passwordHashOf(TENANT, 'user-1')).toBeNull();
    });

    it('answers 409 uniqueness for a userName taken in another letter case', async () => {
      const { service } = setup();
      await service.create(userBody('Casey'), {}, ctx());
      await expect(service.create(userBody('CASEY'), {}, ctx())).rejects.toMatchObject({
        status: 409,
        scimType: 'uniqueness',
      });
    });
  });

  describe('list', () => {
    const seed = async (service: UsersService, n: number) => {
      for (let i = 1; i <= n; i++) {
        await service.create(userBody(`user${String(i).padStart(2, '0')}`), {}, ctx());
      }
    };

    it.each<[string, Partial<ListQueryDto>, { count: number; startIndex: number }]>([
      ['no paging parameters: count = maxResults', {}, { count: 50, startIndex: 1 }],
      ['count above maxResults is clamped', { count: 500 }, { count: 50, startIndex: 1 }],
      ['count below maxResults is kept', { count: 7 }, { count: 7, startIndex: 1 }],
      ['negative count means 0', { count: -3 }, { count: 0, startIndex: 1 }],
      ['startIndex 0 means 1', { startIndex: 0 }, { count: 50, startIndex: 1 }],
      ['negative startIndex means 1', { startIndex: -9 }, { count: 50, startIndex: 1 }],
      ['startIndex is kept', { startIndex: 3, count: 2 }, { count: 2, startIndex: 3 }],
    ])('%s', async (_label, q, expected) => {
      const { service, repo } = setup();
      const search = jest.spyOn(repo, 'search');
      await service.list(q, ctx());
      expect(search).toHaveBeenCalledWith(TENANT, expect.objectContaining(expected));
    });

    it('returns a ListResponse with at most maxResults resources and the full total', async () => {
      const { service } = setup();
      await seed(service, 55);
      const res = await service.list({ count: 1000 }, ctx());
      expect(res).toMatchObject({
        schemas: [LIST_RESPONSE_SCHEMA],
        totalResults: 55,
        itemsPerPage: 50,
        startIndex: 1,
      });
      expect(res.Resources).toHaveLength(50);
      const last = await service.list(
        { startIndex: 0, count: 10, sortBy: 'userName', sortOrder: 'descending' },
        ctx(),
      );
      expect(last.startIndex).toBe(1);
      expect(last.Resources.map((r) => r.userName)).toEqual(
        Array.from({ length: 10 }, (_, i) => `user${55 - i}`),
      );
    });

    it('filters through the core parser and validator, and renders meta', async () => {
      const { service } = setup();
      await seed(service, 3);
      const res = await service.list({ filter: 'USERNAME eq "USER02"' }, ctx());
      expect(res.totalResults).toBe(1);
      expect(res.Resources[0]).toMatchObject({
        id: 'user-2',
        meta: { location: `${BASE_URL}/Users/user-2`, version: 'W/"1"' },
      });
      await expect(service.list({ filter: 'password pr' }, ctx())).rejects.toMatchObject({
        status: 400,
        scimType: 'invalidFilter',
      });
    });

    it("lists only the caller's tenant", async () => {
      const { service } = setup();
      await service.create(userBody('mine'), {}, ctx());
      await service.create(userBody('theirs'), {}, ctx({ tenantId: 'tenant-2' }));
      const res = await service.list({}, ctx());
      expect(res.Resources.map((r) => r.userName)).toEqual(['mine']);
    });
  });

  describe('get', () => {
    it('answers 304 with the ETag when If-None-Match is current', async () => {
      const { service } = setup();
      await service.create(userBody('cached'), {}, ctx());
      await expect(service.get('user-1', {}, ctx({ ifNoneMatch: 'W/"1"' }))).resolves.toEqual({
        kind: 'empty',
        status: 304,
        etag: 'W/"1"',
      });
      await expect(service.get('user-1', {}, ctx({ ifNoneMatch: '*' }))).resolves.toMatchObject({
        kind: 'empty',
        status: 304,
      });
      await expect(service.get('user-1', {}, ctx({ ifNoneMatch: 'W/"0"' }))).resolves.toMatchObject(
        {
          kind: 'resource',
          body: { id: 'user-1' },
        },
      );
    });

    it('renders the readOnly groups, and reads them only when the projection returns them', async () => {
      const { service, membership } = setup({
        'user-1': [{ value: 'g-1', display: 'Admins', type: 'direct' }],
      });
      await service.create(userBody('member'), {}, ctx());
      expect(bodyOf(await service.get('user-1', {}, ctx()))).toMatchObject({
        groups: [
          { value: 'g-1', $ref: `${BASE_URL}/Groups/g-1`, display: 'Admins', type: 'direct' },
        ],
      });
      membership.groupsOf.mockClear();
      const slim = bodyOf(await service.get('user-1', { excludedAttributes: 'groups' }, ctx()));
      expect(slim).not.toHaveProperty('groups');
      expect(membership.groupsOf).not.toHaveBeenCalled();
    });

    it('reads a whole page\'s groups in one call, not one per user (no N+1)', async () => {
      const { service, membership } = setup({
        'user-2': [{ value: 'g-9', display: 'Ops', type: 'indirect' }],
      });
      await service.create(userBody('first'), {}, ctx());
      await service.create(userBody('second'), {}, ctx());
      const page = await service.list({}, ctx());
      expect(membership.groupsOfMany).toHaveBeenCalledTimes(1);
      expect(membership.groupsOf).not.toHaveBeenCalled();
      expect(page.Resources.map((r) => r.groups)).toEqual([
        undefined,
        [{ value: 'g-9', $ref: `${BASE_URL}/Groups/g-9`, display: 'Ops', type: 'indirect' }],
      ]);
      await service.list({ excludedAttributes: 'groups' }, ctx());
      expect(membership.groupsOfMany).toHaveBeenCalledTimes(1);
    });

    it("answers 404 for an unknown id and for another tenant's user", async () => {
      const { service } = setup();
      await service.create(userBody('elsewhere'), {}, ctx({ tenantId: 'tenant-2' }));
      for (const id of ['nope', 'user-1']) {
        await expect(service.get(id, {}, ctx())).rejects.toMatchObject({ status: 404 });
      }
    });
  });

  describe('patch', () => {
    const rename = patchBody({ op: 'replace', path: 'displayName', value: 'Patched' });

    /** The first update loses a race: another writer bumps the version just before it. */
    function raceFirstUpdate(repo: InMemoryUserRepository, clock: FixedClock) {
      const realUpdate = repo.update.bind(repo);
      return jest.spyOn(repo, 'update').mockImplementationOnce(async (tenantId, id, update) => {
        const current = (await repo.findById(tenantId, id))!;
        await realUpdate(tenantId, id, {
          resource: { ...current.resource, title: 'Concurrent' },
          lastModified: clock.nowIso(),
          expectedVersion: current.version,
        });
        return realUpdate(tenantId, id, update);
      });
    }

    it('applies the operations, bumps the version and lastModified', async () => {
      const { service, clock } = setup();
      await service.create(userBody('p', { displayName: 'Before' }), {}, ctx());
      clock.now = '2024-06-02T00:00:00.000Z';
      const patched = bodyOf(await service.patch('user-1', rename, {}, ctx()));
      expect(patched).toMatchObject({
        displayName: 'Patched',
        meta: { version: 'W/"2"', created: T0, lastModified: '2024-06-02T00:00:00.000Z' },
      });
    });

    it('serialises writers without If-Match through the store: every parallel PATCH applies', async () => {
      const { service, repo } = setup();
      await service.create(userBody('busy'), {}, ctx());
      const update = jest.spyOn(repo, 'update');
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          service.patch('user-1', patchBody({ op: 'add', path: 'emails', value: [{ value: `e${i}@example.com` }] }), {}, ctx()),
        ),
      );
      expect(results).toHaveLength(20);
      expect(update).toHaveBeenCalledTimes(20);
      const stored = (await repo.findById(TENANT, 'user-1'))!;
      expect(stored.version).toBe(21);
      expect((stored.resource.emails as unknown[]).length).toBe(20);
    });

    /** the repository as a host adapter without withWriteLock sees it */
    const withoutWriteLock = (repo: InMemoryUserRepository) =>
      Object.defineProperty(repo, 'withWriteLock', { value: undefined });

    it('retries on fresh data when a store without write locks lost a race', async () => {
      const { service, repo, clock } = setup();
      withoutWriteLock(repo);
      await service.create(userBody('racy', { displayName: 'Before' }), {}, ctx());
      const update = raceFirstUpdate(repo, clock);
      const patched = bodyOf(await service.patch('user-1', rename, {}, ctx()));
      expect(update).toHaveBeenCalledTimes(2);
      expect(patched).toMatchObject({
        displayName: 'Patched',
        title: 'Concurrent',
        meta: { version: 'W/"3"' },
      });
    });

    it('does not retry when the client sent If-Match: the 412 reaches it', async () => {
      const { service, repo, clock } = setup();
      await service.create(userBody('racy', { displayName: 'Before' }), {}, ctx());
      const update = raceFirstUpdate(repo, clock);
      await expect(service.patch('user-1', rename, {}, ctx({ ifMatch: 'W/"1"' }))).rejects.toEqual(
        expect.objectContaining({ status: 412 }),
      );
      expect(update).toHaveBeenCalledTimes(1);
      expect((await repo.findById(TENANT, 'user-1'))?.resource).toMatchObject({
        displayName: 'Before',
        title: 'Concurrent',
      });
    });

    it('never answers 412 without If-Match, however many races a store without locks loses', async () => {
      const { service, repo } = setup();
      withoutWriteLock(repo);
      await service.create(userBody('unlucky'), {}, ctx());
      const update = jest.spyOn(repo, 'update');
      for (let i = 0; i < 12; i++) {
        update.mockRejectedValueOnce(ScimError.preconditionFailed('lost the race'));
      }
      await expect(service.patch('user-1', rename, {}, ctx())).resolves.toMatchObject({
        body: { displayName: 'Patched' },
      });
      expect(update).toHaveBeenCalledTimes(13);
    });

    it('rejects a stale If-Match with 412 before writing', async () => {
      const { service, repo } = setup();
      await service.create(userBody('stale'), {}, ctx());
      const update = jest.spyOn(repo, 'update');
      await expect(
        service.patch('user-1', rename, {}, ctx({ ifMatch: 'W/"7"' })),
      ).rejects.toMatchObject({
        status: 412,
      });
      expect(update).not.toHaveBeenCalled();
    });

    it('writes nothing for a PATCH that changes nothing', async () => {
      const { service, repo } = setup();
      await service.create(userBody('same', { displayName: 'Same' }), {}, ctx());
      const update = jest.spyOn(repo, 'update');
      const res = bodyOf(await service.patch(
        'user-1',
        patchBody({ op: 'replace', path: 'displayName', value: 'Same' }),
        {},
        ctx(),
      ));
      expect(update).not.toHaveBeenCalled();
      expect(res).toMatchObject({ displayName: 'Same', meta: { version: 'W/"1"' } });
    });

    it('hashes a password set by PATCH and always writes it', async () => {
      const { service, repo, passwords } = setup();
      await service.create(userBody('pwpatch'), {}, ctx());
      const res = bodyOf(await service.patch(
        'user-1',
        patchBody({ op: 'replace', path: 'password', value: 'N3w-Secret!' }),
        {},
        ctx(),
      ));
      expect(res).not.toHaveProperty('password');
      expect(res).toMatchObject({ meta: { version: 'W/"2"' } });
      await expect(
        passwords.verify('N3w-Secret!', repo.passwordHashOf(TENANT, 'user-1')!),
      ).resolves.toBe(true);
    });

    it('answers 404 for an unknown id', async () => {
      const { service } = setup();
      await expect(service.patch('nope', rename, {}, ctx())).rejects.toMatchObject({ status: 404 });
    });
  });

  describe('delete', () => {
    it('deletes, removes the user from every group, then answers 404', async () => {
      const { service, repo, clock, membership } = setup();
      await service.create(userBody('gone'), {}, ctx());
      await expect(service.delete('user-1', ctx())).resolves.toBeUndefined();
      expect(await repo.findById(TENANT, 'user-1')).toBeNull();
      expect(membership.removeMemberEverywhere).toHaveBeenCalledWith(
        TENANT,
        'user-1',
        clock.now,
        // the origin of the groups' members-removed events
        { origin: { actorTokenId: 'token-1', requestId: null, at: clock.now } },
      );
      await expect(service.delete('user-1', ctx())).rejects.toEqual(
        expect.objectContaining({ name: 'ScimError', status: 404 }),
      );
    });

    it("answers 404 for an unknown id and keeps another tenant's user", async () => {
      const { service, repo, membership } = setup();
      await service.create(userBody('kept'), {}, ctx({ tenantId: 'tenant-2' }));
      await expect(service.delete('user-1', ctx())).rejects.toBeInstanceOf(ScimError);
      await expect(service.delete('unknown', ctx())).rejects.toMatchObject({ status: 404 });
      expect(await repo.findById('tenant-2', 'user-1')).not.toBeNull();
      expect(membership.removeMemberEverywhere).not.toHaveBeenCalled();
    });

    it('checks If-Match before deleting', async () => {
      const { service, repo } = setup();
      await service.create(userBody('guarded'), {}, ctx());
      await expect(service.delete('user-1', ctx({ ifMatch: 'W/"2"' }))).rejects.toMatchObject({
        status: 412,
      });
      expect(await repo.findById(TENANT, 'user-1')).not.toBeNull();
      await expect(service.delete('user-1', ctx({ ifMatch: 'W/"1"' }))).resolves.toBeUndefined();
    });
  });
});
