/**
 * The example host application (examples/host-app) with Groups: SCIM Groups are the host's own
 * teams (host_teams / host_team_members through HostTeamRepository), with group-to-role mapping
 * (a new member's permission), break-glass protection of the last owner (the library's
 * LastOwnerProtection over HostRoleHolderDirectory, counting owners no IdP manages), linking
 * existing host accounts by verified email under the tenant's link policy, the unlinked-users
 * report, and change events from the host adapters. Every assertion on state reads the host's
 * tables. On SQLite and MariaDB/MySQL with the adapters bound through useClass, and on SQLite
 * with useExisting.
 */
import { Injectable } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { DataSource, IsNull } from 'typeorm';
import { HostTeamMember } from '../../examples/host-app/src/teams/host-team-member.entity';
import { HostTeam } from '../../examples/host-app/src/teams/host-team.entity';
import { HostUser } from '../../examples/host-app/src/users/host-user.entity';
import {
  ScimChangeEvent,
  ScimEventListener,
  TenantService,
  TokenService,
  USER_REPOSITORY,
  UserRepository,
} from '../../src/library';
import { EXAMPLE_HOST_VARIANTS, ExampleHost } from '../support/example-host';
import { SCIM_JSON } from '../support/test-app';

const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const SCIM = '/api/scim/v2';
const DOMAIN = 'acme.example';

/** The host's in-process change-event consumer for this suite: records what it is handed. */
@Injectable()
class RecordingListener implements ScimEventListener {
  readonly events: ScimChangeEvent[] = [];

  handle(event: ScimChangeEvent): Promise<void> {
    this.events.push(event);
    return Promise.resolve();
  }
}

describe.each(EXAMPLE_HOST_VARIANTS)(
  'Teams, roles, break-glass and linking in the host app on %s (%s)',
  (kind, binding) => {
    let example: ExampleHost;
    let app: NestFastifyApplication;
    let ds: DataSource;
    let tokens: TokenService;
    let tenants: TenantService;
    let token: string;
    let tenantId: string;
    let host: string;

    beforeAll(async () => {
      example = await ExampleHost.start(kind, binding, { scimListeners: [RecordingListener] });
      ({ app, origin: host, dataSource: ds, tokens, tenantService: tenants } = example);
      tenantId = (await tenants.createTenant('okta', 'okta')).id;
      token = (await tokens.issue('okta', 'okta-app', ['users:write', 'groups:write'])).token;
    });
    afterAll(async () => {
      await example?.close();
    });

    const http = () => request(host);
    const auth = (tk = token) => ({ Authorization: `Bearer ${tk}` });
    const send = (
      method: 'post' | 'put' | 'patch',
      path: string,
      body: unknown,
      headers: Record<string, string> = {},
      tk = token,
    ) =>
      http()
        [method](`${SCIM}${path}`)
        .set({ ...auth(tk), ...headers })
        .set('Content-Type', SCIM_JSON)
        .send(JSON.stringify(body));
    const del = (path: string) => http().delete(`${SCIM}${path}`).set(auth());
    const get = (path: string, query: Record<string, string> = {}) =>
      http().get(`${SCIM}${path}`).query(query).set(auth());
    const patchOps = (path: string, Operations: unknown[], headers: Record<string, string> = {}) =>
      send('patch', path, { schemas: [PATCH_OP], Operations }, headers);
    const expectScimError = (res: request.Response, status: number, scimType?: string) => {
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
      expect(res.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: String(status) });
      if (scimType) {
        expect(res.body.scimType).toBe(scimType);
      }
    };

    const users = () => ds.getRepository(HostUser);
    const teams = () => ds.getRepository(HostTeam);
    const memberships = () => ds.getRepository(HostTeamMember);
    const hostIdOf = async (scimId: string) => (await users().findOneByOrFail({ scimId })).id;
    /** a team's host_team_members rows as (host user id, permission), by user id */
    const membersOf = async (teamId: string) =>
      (await memberships().find({ where: { teamId }, order: { userId: 'ASC' } })).map((m) => ({
        userId: m.userId,
        permission: m.permission,
      }));
    const member = async (scimId: string, permission: string) => ({
      userId: await hostIdOf(scimId),
      permission,
    });
    const byUserId = (a: { userId: string }, b: { userId: string }) =>
      a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0;

    /** a user as Okta creates it; returns the SCIM id */
    const createUser = async (local: string, name: string, extra: Record<string, unknown> = {}) => {
      const userName = `${local}@${DOMAIN}`;
      const res = await send('post', '/Users', {
        schemas: [USER_SCHEMA],
        userName,
        name: { givenName: name, familyName: 'Example' },
        displayName: `${name} Example`,
        emails: [{ primary: true, value: userName, type: 'work' }],
        active: true,
        ...extra,
      });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    const createGroup = async (
      displayName: string,
      members: string[] = [],
      extra: Record<string, unknown> = {},
    ) => {
      const res = await send('post', '/Groups', {
        schemas: [GROUP_SCHEMA],
        displayName,
        members: members.map((value) => ({ value })),
        ...extra,
      });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    /** a host account that no IdP manages, created by the host itself */
    const insertHostUser = (id: string, local: string, fields: Partial<HostUser> = {}) =>
      users().insert({
        id,
        email: `${local}@${DOMAIN}`,
        fullName: `${local} (host)`,
        isActive: true,
        scimTenantId: null,
        scimExternalId: null,
        scimAttributes: null,
        version: 1,
        createdAt: new Date('2024-01-01T00:00:00.000Z'),
        updatedAt: new Date('2024-01-01T00:00:00.000Z'),
        ...fields,
      });

    // SCIM ids, shared by the steps below (they run in order)
    let alice: string;
    let bob: string;
    let eng: string;
    let admins: string;
    let vera: string;

    describe('Okta Push Groups: teams and memberships in the host tables', () => {
      beforeAll(async () => {
        alice = await createUser('alice', 'Alice');
        bob = await createUser('bob', 'Bob');
      });

      it('1. looks the group up, then POST /Groups creates a host_teams row; a name is unique per tenant', async () => {
        const lookup = await get('/Groups', { filter: 'displayName eq "Engineering"' });
        expect(lookup.body).toMatchObject({ totalResults: 0, Resources: [] });
        const res = await send('post', '/Groups', {
          schemas: [GROUP_SCHEMA],
          displayName: 'Engineering',
          externalId: '00g1eng',
          members: [],
        });
        expect(res.status).toBe(201);
        eng = res.body.id;
        expect(res.headers.location).toBe(`${host}${SCIM}/Groups/${eng}`);
        expect(res.body).toMatchObject({
          displayName: 'Engineering',
          externalId: '00g1eng',
          meta: { version: 'W/"1"' },
        });
        expect(await teams().findOneBy({ id: eng })).toMatchObject({
          name: 'Engineering',
          scimTenantId: tenantId,
          scimExternalId: '00g1eng',
          version: 1,
        });
        expectScimError(
          await send('post', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'ENGINEERING' }),
          409,
          'uniqueness',
        );
      });

      it('2. an Okta membership PATCH (with its rename op) inserts host_team_members rows, permission member', async () => {
        const res = await patchOps(`/Groups/${eng}`, [
          { op: 'replace', value: { id: eng, displayName: 'Engineering' } },
          { op: 'add', path: 'members', value: [{ value: alice, display: `alice@${DOMAIN}` }] },
        ]);
        expect(res.status).toBe(204);
        expect(res.headers.etag).toBe('W/"2"');
        // no mapping and no tenant default role: the host's fallback permission
        expect(await membersOf(eng)).toEqual([await member(alice, 'member')]);
        const group = await get(`/Groups/${eng}`);
        expect(group.body.members).toEqual([
          {
            value: alice,
            $ref: `${host}${SCIM}/Users/${alice}`,
            display: 'Alice Example',
            type: 'User',
          },
        ]);
        const user = await get(`/Users/${alice}`);
        expect(user.body.groups).toEqual([
          {
            value: eng,
            $ref: `${host}${SCIM}/Groups/${eng}`,
            display: 'Engineering',
            type: 'direct',
          },
        ]);
      });

      it("3. a mapped group gives its role, the tenant's default role the others; later changes rewrite nothing", async () => {
        await tenants.setRoleMapping('okta', 'admins', 'admin'); // matched case-insensitively
        admins = await createGroup('Admins', [bob]);
        expect(await membersOf(admins)).toEqual([await member(bob, 'admin')]);

        await tenants.updateTenant('okta', { defaultRole: 'admin' });
        expect(
          (
            await patchOps(`/Groups/${eng}`, [
              { op: 'add', path: 'members', value: [{ value: bob }] },
            ])
          ).status,
        ).toBe(204);
        expect(await membersOf(eng)).toEqual(
          [await member(alice, 'member'), await member(bob, 'admin')].sort(byUserId),
        );

        // the mapping changes: existing permissions stay as SCIM wrote them
        await tenants.setRoleMapping('okta', 'Admins', 'member');
        expect(await membersOf(admins)).toEqual([await member(bob, 'admin')]);
        await tenants.removeRoleMapping('okta', 'Admins');
        await tenants.updateTenant('okta', { defaultRole: null });
      });

      it('4. filters on teams and on their members run in SQL on the host tables', async () => {
        const ids = async (filter: string, extra: Record<string, string> = {}) => {
          const res = await get('/Groups', { filter, ...extra });
          expect(res.status).toBe(200);
          return res.body.Resources.map((r: { id: string }) => r.id);
        };
        expect(await ids('displayName eq "engineering"')).toEqual([eng]);
        expect(await ids('displayName sw "Adm"')).toEqual([admins]);
        expect(await ids('externalId eq "00g1eng"')).toEqual([eng]);
        expect(await ids('externalId eq "00G1ENG"')).toEqual([]);
        expect(await ids(`members[value eq "${alice}"]`)).toEqual([eng]);
        expect(await ids(`members.value eq "${bob}"`)).toEqual([eng, admins]);
        expect(await ids('members.display co "bob ex"')).toEqual([eng, admins]);
        expect(
          await ids('displayName pr', { sortBy: 'displayName', sortOrder: 'descending' }),
        ).toEqual([eng, admins]);
        const lean = await get('/Groups', {
          filter: 'displayName pr',
          excludedAttributes: 'members',
        });
        expect(
          lean.body.Resources.every((g: Record<string, unknown>) => g.members === undefined),
        ).toBe(true);
        const meta = await get('/Groups', {
          filter: 'meta.lastModified gt "2020-01-01T00:00:00Z"',
        });
        expectScimError(meta, 400, 'invalidFilter');
      });

      it('5. remove and full push are set operations; members the host added itself stay invisible and kept', async () => {
        await insertHostUser('host-carol', 'carol');
        await memberships().insert({
          teamId: eng,
          userId: 'host-carol',
          permission: 'admin',
          addedAt: new Date(),
        });
        const visible = await get(`/Groups/${eng}`);
        expect(visible.body.members.map((m: { value: string }) => m.value).sort()).toEqual(
          [alice, bob].sort(),
        );

        expect(
          (
            await patchOps(`/Groups/${eng}`, [
              { op: 'remove', path: `members[value eq "${alice}"]` },
            ])
          ).status,
        ).toBe(204);
        expect(await membersOf(eng)).toEqual(
          [await member(bob, 'admin'), { userId: 'host-carol', permission: 'admin' }].sort(
            byUserId,
          ),
        );
        const push = await patchOps(`/Groups/${eng}`, [
          { op: 'replace', path: 'members', value: [{ value: alice }] },
        ]);
        expect(push.status).toBe(204);
        expect(await membersOf(eng)).toEqual(
          [await member(alice, 'member'), { userId: 'host-carol', permission: 'admin' }].sort(
            byUserId,
          ),
        );
        expect((await teams().findOneByOrFail({ id: eng })).version).toBe(5);
      });

      it('6. refuses a Group member (teams hold people), an unknown member and a stale If-Match', async () => {
        const nested = await patchOps(`/Groups/${eng}`, [
          { op: 'add', path: 'members', value: [{ value: admins }] },
        ]);
        expectScimError(nested, 400, 'invalidValue');
        expect(nested.body.detail).toMatch(/nested groups are not supported/);
        expectScimError(
          await patchOps(`/Groups/${eng}`, [
            { op: 'add', path: 'members', value: [{ value: 'nobody' }] },
          ]),
          400,
          'invalidValue',
        );
        const stale = await patchOps(
          `/Groups/${eng}`,
          [{ op: 'add', path: 'members', value: [{ value: bob }] }],
          { 'If-Match': 'W/"1"' },
        );
        expectScimError(stale, 412);
        expect(await membersOf(eng)).toHaveLength(2);
      });

      it('7. a rename changes host_teams.name and keeps the permissions', async () => {
        const res = await patchOps(`/Groups/${eng}`, [
          { op: 'replace', path: 'displayName', value: 'Engineering Team' },
        ]);
        expect(res.status).toBe(204);
        expect(await teams().findOneByOrFail({ id: eng })).toMatchObject({
          name: 'Engineering Team',
          version: 6,
        });
        expect(await membersOf(eng)).toEqual(
          [await member(alice, 'member'), { userId: 'host-carol', permission: 'admin' }].sort(
            byUserId,
          ),
        );
      });

      it("8. DELETE /Users leaves the tenant's teams; DELETE /Groups deletes the team and its memberships", async () => {
        const bobHost = await hostIdOf(bob);
        expect((await del(`/Users/${bob}`)).status).toBe(204);
        expect(await memberships().findBy({ userId: bobHost })).toEqual([]);
        expect((await teams().findOneByOrFail({ id: admins })).version).toBe(2);
        expect((await del(`/Groups/${admins}`)).status).toBe(204);
        expect(await teams().findOneBy({ id: admins })).toBeNull();
        expect(await memberships().findBy({ teamId: admins })).toEqual([]);
        expectScimError(await get(`/Groups/${admins}`), 404);
      });
    });

    describe('break-glass: SCIM cannot take the owner role from the last active owner', () => {
      let olivia: string;
      let oscar: string;
      let owners: string;
      /** every row of the host tables, to prove a refused request changed nothing */
      const snapshot = async () => ({
        users: await users().find({ order: { id: 'ASC' } }),
        teams: await teams().find({ order: { id: 'ASC' } }),
        members: await memberships().find({ order: { teamId: 'ASC', userId: 'ASC' } }),
      });

      beforeAll(async () => {
        await tenants.setRoleMapping('okta', 'Owners', 'owner');
        olivia = await createUser('olivia', 'Olivia');
        oscar = await createUser('oscar', 'Oscar');
        owners = await createGroup('Owners', [olivia]);
        expect(await membersOf(owners)).toEqual([await member(olivia, 'owner')]);
      });

      it('1. deactivating, deleting, demoting or disbanding the last owner is 409 with a SCIM body, and changes nothing', async () => {
        const before = await snapshot();
        const refused = [
          await patchOps(`/Users/${olivia}`, [{ op: 'replace', value: { active: false } }]),
          await send('put', `/Users/${olivia}`, {
            schemas: [USER_SCHEMA],
            userName: `olivia@${DOMAIN}`,
            active: false,
          }),
          await del(`/Users/${olivia}`),
          await patchOps(`/Groups/${owners}`, [
            { op: 'remove', path: `members[value eq "${olivia}"]` },
          ]),
          await patchOps(`/Groups/${owners}`, [{ op: 'replace', path: 'members', value: [] }]),
          await del(`/Groups/${owners}`),
        ];
        for (const res of refused) {
          expectScimError(res, 409);
          expect(res.body.detail).toMatch(/break-glass protection keeps at least one "owner"/);
        }
        expect(await snapshot()).toEqual(before);
        // this host stores each member's permission (RoleHolderDirectory.groupGivesRole): a
        // rename takes no role from anyone, so it is allowed, and the owner is still protected
        for (const displayName of ['Former Owners', 'Owners']) {
          expect((await patchOps(`/Groups/${owners}`, [{ op: 'replace', value: { displayName } }])).status).toBe(204);
        }
        expectScimError(await del(`/Users/${olivia}`), 409);
      });

      it('2. succeeds once another active owner exists, an IdP-managed one or one the host keeps itself', async () => {
        expect(
          (
            await patchOps(`/Groups/${owners}`, [
              { op: 'add', path: 'members', value: [{ value: oscar }] },
            ])
          ).status,
        ).toBe(204);
        expect(
          (
            await patchOps(`/Groups/${owners}`, [
              { op: 'remove', path: `members[value eq "${olivia}"]` },
            ])
          ).status,
        ).toBe(204);
        expect(await membersOf(owners)).toEqual([await member(oscar, 'owner')]);

        // Oscar is now the last owner
        const refused = await patchOps(`/Users/${oscar}`, [
          { op: 'replace', value: { active: false } },
        ]);
        expectScimError(refused, 409);
        expect((await users().findOneByOrFail({ scimId: oscar })).isActive).toBe(true);

        // an owner no IdP manages (the founder's account): SCIM may now remove every SCIM owner
        await insertHostUser('host-founder', 'founder', { isOwner: true, emailVerified: true });
        const res = await patchOps(`/Users/${oscar}`, [
          { op: 'replace', value: { active: false } },
        ]);
        expect(res.status).toBe(200);
        expect((await users().findOneByOrFail({ scimId: oscar })).isActive).toBe(false);
        expect((await del(`/Groups/${owners}`)).status).toBe(204);
        expect(await teams().findOneBy({ id: owners })).toBeNull();
      });

      it('3. the founder being deactivated by the host leaves no owner: SCIM is refused again', async () => {
        const owners2 = await createGroup('owners', [olivia]); // the mapping matches any letter case
        expect(await membersOf(owners2)).toEqual([await member(olivia, 'owner')]);
        await users().update({ id: 'host-founder' }, { isActive: false });
        expectScimError(await del(`/Groups/${owners2}`), 409);
        await users().update({ id: 'host-founder' }, { isActive: true });
        expect((await del(`/Groups/${owners2}`)).status).toBe(204);
      });
    });

    describe('linking existing host users on POST, under the tenant link policy', () => {
      beforeAll(async () => {
        await insertHostUser('host-vera', 'vera', { emailVerified: true });
        await insertHostUser('host-uma', 'uma', { emailVerified: false });
        await insertHostUser('host-sam', 'sam.old', { emailVerified: true });
      });

      it('1. without a policy, a POST whose email is an unlinked account is 409 saying an admin can enable linking', async () => {
        const before = await users().findOneByOrFail({ id: 'host-vera' });
        const res = await send('post', '/Users', {
          schemas: [USER_SCHEMA],
          userName: `vera@${DOMAIN}`,
          active: true,
        });
        expectScimError(res, 409, 'uniqueness');
        expect(res.body.detail).toMatch(
          /no IdP manages\. An administrator can let this tenant link such accounts by verified email \(link policy "verified-email"\)/,
        );
        const bySecondary = await send('post', '/Users', {
          schemas: [USER_SCHEMA],
          userName: `new.sam@${DOMAIN}`,
          emails: [{ value: `sam.old@${DOMAIN}`, primary: true }],
        });
        expectScimError(bySecondary, 409, 'uniqueness');
        expect(await users().findOneByOrFail({ id: 'host-vera' })).toEqual(before);
        expect(await users().countBy({ email: `new.sam@${DOMAIN}` })).toBe(0);
      });

      it("2. with 'verified-email', a verified email links the account: the SCIM id is new, the host id stays", async () => {
        await tenants.updateTenant('okta', { linkPolicy: 'verified-email' });
        const res = await send('post', '/Users', {
          schemas: [USER_SCHEMA],
          userName: `Vera@${DOMAIN.toUpperCase()}`,
          displayName: 'Vera From Okta',
          emails: [{ value: `vera@${DOMAIN}`, primary: true, type: 'work' }],
          externalId: '00uvera',
          active: true,
        });
        expect(res.status).toBe(201);
        vera = res.body.id;
        expect(vera).not.toBe('host-vera');
        expect(res.body.meta.created).toBe('2024-01-01T00:00:00.000Z'); // the account's own creation
        expect(await users().findOneByOrFail({ id: 'host-vera' })).toMatchObject({
          scimId: vera,
          scimTenantId: tenantId,
          scimExternalId: '00uvera',
          fullName: 'Vera From Okta',
          emailVerified: true, // the same address, in another letter case
          version: 2,
        });
        expect((await get(`/Users/${vera}`)).body).toMatchObject({
          id: vera,
          displayName: 'Vera From Okta',
        });
        expect((await get('/Users', { filter: `id eq "${vera}"` })).body.totalResults).toBe(1);
        expectScimError(await get('/Users/host-vera'), 404);
        // memberships name the host's own id
        const team = await createGroup('Linked', [vera]);
        expect(await membersOf(team)).toEqual([{ userId: 'host-vera', permission: 'member' }]);
      });

      it('3. an unverified email never links', async () => {
        const before = await users().findOneByOrFail({ id: 'host-uma' });
        const res = await send('post', '/Users', {
          schemas: [USER_SCHEMA],
          userName: `uma@${DOMAIN}`,
          active: true,
        });
        expectScimError(res, 409, 'uniqueness');
        expect(res.body.detail).toMatch(/its email is not verified, so it is not linked/);
        expect(await users().findOneByOrFail({ id: 'host-uma' })).toEqual(before);
      });

      it("4. links by the user's primary email; the account's new address loses its verification", async () => {
        const res = await send('post', '/Users', {
          schemas: [USER_SCHEMA],
          userName: `new.sam@${DOMAIN}`,
          emails: [{ value: `sam.old@${DOMAIN}`, primary: true }],
          active: true,
        });
        expect(res.status).toBe(201);
        expect(await users().findOneByOrFail({ id: 'host-sam' })).toMatchObject({
          scimId: res.body.id,
          email: `new.sam@${DOMAIN}`,
          emailVerified: false,
          scimTenantId: tenantId,
        });
      });

      it('5. an account linked to one tenant is not linked by another', async () => {
        await tenants.createTenant('entra', 'entra', { linkPolicy: 'verified-email' });
        const other = (await tokens.issue('entra', 'entra-app', ['users:write'])).token;
        const res = await send(
          'post',
          '/Users',
          { schemas: [USER_SCHEMA], userName: `vera@${DOMAIN}` },
          {},
          other,
        );
        expectScimError(res, 409, 'uniqueness');
        expect(res.body.detail).toMatch(/already in use/);
        expect((await users().findOneByOrFail({ id: 'host-vera' })).scimTenantId).toBe(tenantId);
      });

      it('6. DELETE unlinks: the account keeps its host id, leaves its teams, and is unlinked again', async () => {
        expect((await del(`/Users/${vera}`)).status).toBe(204);
        expect(await users().findOneByOrFail({ id: 'host-vera' })).toMatchObject({
          scimTenantId: null,
          isActive: false,
        });
        expect(await memberships().findBy({ userId: 'host-vera' })).toEqual([]);
        expectScimError(await get(`/Users/${vera}`), 404);
      });
    });

    describe('the unlinked-users report (UserRepository.listUnlinked, behind the admin API and CLI)', () => {
      it('lists the host accounts no IdP manages, ordered by host id, paged', async () => {
        const repo = app.get<UserRepository>(USER_REPOSITORY);
        const page = await repo.listUnlinked!(tenantId, { offset: 0, limit: 100 });
        const ids = page.items.map((u) => u.hostId);
        const bobHost = (await users().findOneByOrFail({ scimId: bob })).id;
        const expected = ['host-carol', 'host-founder', 'host-uma', 'host-vera', bobHost];
        expect([...ids].sort()).toEqual([...expected].sort());
        expect(page.total).toBe(expected.length);
        expect(ids).toEqual([...ids].sort());
        expect(page.items.find((u) => u.hostId === 'host-uma')).toEqual({
          hostId: 'host-uma',
          email: `uma@${DOMAIN}`,
          displayName: 'uma (host)',
          createdAt: '2024-01-01T00:00:00.000Z',
        });
        // SCIM-managed accounts are not in it, deactivated or not
        expect(await users().countBy({ scimTenantId: IsNull() })).toBe(expected.length);
        const second = await repo.listUnlinked!(tenantId, { offset: 1, limit: 2 });
        expect(second).toEqual({ total: expected.length, items: page.items.slice(1, 3) });
      });
    });

    describe('change events from the host adapters reach the host listener', () => {
      it('records users, teams and memberships, and nothing for a refused change', async () => {
        const listener = app.get(RecordingListener, { strict: false });
        const wanted: Array<[string, string, string, string[]?]> = [
          ['User', alice, 'created'],
          ['Group', eng, 'created'],
          ['Group', eng, 'members-added', [alice]],
          ['Group', eng, 'members-removed', [alice]],
          ['Group', eng, 'patched'],
          ['Group', admins, 'members-removed', [bob]],
          ['User', bob, 'deleted'],
          ['Group', admins, 'deleted'],
          ['User', vera, 'created'],
        ];
        const seen = () =>
          wanted.every(([type, id, op, members]) =>
            listener.events.some(
              (e) =>
                e.resourceType === type &&
                e.resourceId === id &&
                e.operation === op &&
                (members === undefined || JSON.stringify(e.members) === JSON.stringify(members)),
            ),
          );
        for (let i = 0; i < 100 && !seen(); i++) {
          await new Promise((r) => setTimeout(r, 100));
        }
        expect(seen()).toBe(true);
        expect(listener.events.every((e) => e.tenantId === tenantId)).toBe(true);
        // Olivia's refused deactivation and deletion left no event
        const olivia = (await users().findOneByOrFail({ email: `olivia@${DOMAIN}` })).scimId;
        expect(
          listener.events.filter((e) => e.resourceId === olivia).map((e) => e.operation),
        ).toEqual(['created']);
      });
    });
  },
);
