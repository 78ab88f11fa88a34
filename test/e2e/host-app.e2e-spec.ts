/**
 * The example host application, examples/host-app: a Nest application with its own users table,
 * global guard, global error filter and routes, serving SCIM Users from host_users through the
 * HostUserRepository adapter (ScimModule.forRootAsync; Groups are its teams, see
 * host-app-teams.e2e-spec.ts). An Okta-style flow must change the host's rows, the host's own
 * routes must behave as before, and a custom extension registered in code must work there too.
 * On SQLite and MariaDB/MySQL, with the adapters bound through useClass and (on SQLite)
 * useExisting. Fastify only (the Express variant: express-host.e2e-spec.ts).
 */
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ACME_USER_SCHEMA_ID as ACME } from '../../examples/host-app/src/scim/acme-user.extension';
import { HostUserRepository } from '../../examples/host-app/src/scim/host-user.repository';
import { HostTeamMember } from '../../examples/host-app/src/teams/host-team-member.entity';
import { HostTeam } from '../../examples/host-app/src/teams/host-team.entity';
import { HostUser } from '../../examples/host-app/src/users/host-user.entity';
import { ScimModule, TenantService, TokenService } from '../../src/library';
import { USER_SCHEMA } from '../fixtures/users.factory';
import { EXAMPLE_HOST_VARIANTS, ExampleHost } from '../support/example-host';
import { SCIM_JSON } from '../support/test-app';

const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const SCIM = '/api/scim/v2';

describe('ScimModule build-time options are checked at boot', () => {
  const pepper = { tokenPepper: 'a-pepper-of-16-chars-or-more' };

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['no resource type', { resources: [] }, /resources must be a non-empty list of distinct 'User', 'Group'/],
    ['an unknown resource type', { resources: ['User', 'Device'] }, /resources must be/],
    ['a duplicate resource type', { resources: ['User', 'User'] }, /resources must be/],
    ['an adapter that is no class', { adapters: { users: 42 }, resources: ['User'] }, /adapters.users must be a class or \{ useExisting/],
    [
      'a users adapter with Groups on the built-in tables',
      { adapters: { users: HostUserRepository } },
      /adapters.users replaces the User store, but Groups would stay on the built-in scim_groups tables/,
    ],
  ])('refuses %s', (_label, extras, message) => {
    expect(() => ScimModule.forRoot({ ...pepper, ...extras } as never)).toThrow(message);
  });
});

describe.each(EXAMPLE_HOST_VARIANTS)('The host app on %s, adapter bound with %s', (kind, binding) => {
  let example: ExampleHost;
  let app: NestFastifyApplication;
  let ds: DataSource;
  let token: string;
  let tenantId: string;
  let host: string;

  beforeAll(async () => {
    example = await ExampleHost.start(kind, binding);
    ({ app, origin: host, dataSource: ds } = example);
    const tokens = app.get(TokenService);
    const tenants = app.get(TenantService);
    tenantId = (await tenants.createTenant('okta', 'okta')).id;
    token = (await tokens.issue('okta', 'okta-app', ['users:write', 'groups:write'])).token;
    // an account the host created itself, before any IdP was connected
    await ds.getRepository(HostUser).insert({
      id: 'host-0001',
      email: 'pre.existing@acme.example',
      fullName: 'Pre Existing',
      isActive: true,
      scimTenantId: null,
      scimExternalId: null,
      scimAttributes: null,
      version: 1,
      createdAt: new Date('2024-01-01T00:00:00.000Z'),
      updatedAt: new Date('2024-01-01T00:00:00.000Z'),
    });
  });
  afterAll(async () => {
    await example?.close();
  });

  const http = () => request(host);
  const auth = (tk = token) => ({ Authorization: `Bearer ${tk}` });
  const send = (method: 'post' | 'put' | 'patch', path: string, body: unknown, headers: Record<string, string> = {}) =>
    http()[method](`${SCIM}${path}`).set({ ...auth(), ...headers }).set('Content-Type', SCIM_JSON).send(JSON.stringify(body));
  const list = (filter: string, extra: Record<string, string> = {}, tk = token) =>
    http().get(`${SCIM}/Users`).query({ filter, ...extra }).set(auth(tk));
  const row = (id: string) => ds.getRepository(HostUser).findOneBy({ id });
  const expectScimError = (res: request.Response, status: number, scimType?: string) => {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
    expect(res.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: String(status) });
    if (scimType) {
      expect(res.body.scimType).toBe(scimType);
    }
  };
  const expectHostError = (res: request.Response, status: number) => {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({ error: { status, message: expect.any(String) } });
  };

  describe("the host's own routes, guard and filter are unchanged", () => {
    it('answers its public route, and its guard refuses a request without a session', async () => {
      expect((await http().get('/api/health')).body).toEqual({ status: 'ok' });
      expectHostError(await http().get('/api/me'), 401);
      const me = await http().get('/api/me').set('x-host-session', 'pre.existing@acme.example');
      expect(me.status).toBe(200);
      expect(me.body).toEqual({ id: 'host-0001', email: 'pre.existing@acme.example', fullName: 'Pre Existing', active: true });
    });

    it('keeps its own 404 body for its routes, and for URLs no SCIM endpoint matches', async () => {
      expectHostError(await http().get('/api/nope').set('x-host-session', 'pre.existing@acme.example'), 404);
      expectHostError(await http().get(`${SCIM}/Nope`).set(auth()), 404);
    });

    it('does not let a SCIM token into the host routes, nor a host session into SCIM', async () => {
      expectHostError(await http().get('/api/me').set(auth()), 401);
      expectScimError(await http().get(`${SCIM}/Users`).set('x-host-session', 'pre.existing@acme.example'), 401);
    });
  });

  describe('discovery serves Users and Groups (the host\'s teams)', () => {
    it('lists both resource types, with the extension registered in code, and the catalogues', async () => {
      const rts = await http().get(`${SCIM}/ResourceTypes`);
      // Role and License: the catalogue types (host-app-entitlements.e2e-spec.ts)
      expect(rts.body.Resources.map((r: { id: string }) => r.id)).toEqual(['User', 'Group', 'Role', 'License']);
      expect(rts.body.Resources[0].schemaExtensions).toContainEqual({ schema: ACME, required: false });
      expect(rts.body.Resources[0].meta.location).toBe(`${host}${SCIM}/ResourceTypes/User`);
      const schemas = await http().get(`${SCIM}/Schemas`);
      const ids = schemas.body.Resources.map((s: { id: string }) => s.id);
      expect(ids).toEqual(expect.arrayContaining([ACME, 'urn:ietf:params:scim:schemas:core:2.0:Group']));
    });

    it('runs Bulk on Users and Groups (teams in host tables); /.search covers Users', async () => {
      const all = (await app.get(TokenService).issue('okta', 'all-scopes', ['users:write', 'groups:write'])).token;
      const bulk = await send('post', '/Bulk', {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
        Operations: [
          { method: 'POST', path: '/Users', bulkId: 'u1', data: { schemas: [USER_SCHEMA], userName: 'bulk.one@acme.example' } },
          {
            method: 'POST',
            path: '/Groups',
            bulkId: 'g1',
            data: { schemas: [GROUP_SCHEMA], displayName: 'Bulk Team', members: [{ value: 'bulkId:u1' }] },
          },
        ],
      }, auth(all));
      expect(bulk.status).toBe(200);
      expect(bulk.body.Operations.map((o: { status: string }) => o.status)).toEqual(['201', '201']);
      const user = await ds.getRepository(HostUser).findOneByOrFail({ email: 'bulk.one@acme.example', scimTenantId: tenantId });
      const team = await ds.getRepository(HostTeam).findOneByOrFail({ name: 'Bulk Team', scimTenantId: tenantId });
      expect(await ds.getRepository(HostTeamMember).findBy({ teamId: team.id })).toEqual([
        expect.objectContaining({ userId: user.id, permission: 'member' }),
      ]);
      const search = await send('post', '/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: 'userName eq "bulk.one@acme.example"' });
      expect(search.status).toBe(200);
      expect(search.body.totalResults).toBe(1);
    });
  });

  describe('an Okta-style provisioning flow changes host_users', () => {
    const userName = 'jane.doe@acme.example';
    let id: string;
    let etag: string;

    it('1. pre-create lookup: userName eq finds nothing', async () => {
      const res = await list(`userName eq "${userName}"`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ totalResults: 0, Resources: [] });
    });

    it('2. POST creates a host_users row', async () => {
      const res = await send('post', '/Users', {
        schemas: [USER_SCHEMA, ACME],
        userName,
        name: { givenName: 'Jane', familyName: 'Doe' },
        displayName: 'Jane Doe',
        emails: [{ primary: true, value: userName, type: 'work' }],
        externalId: '00u1janedoe',
        active: true,
        password: 'Sup3r-Secret!',
        [ACME]: { costCenter: 'CC-7', clearance: 4, remote: true, badgeId: 'B-1' },
      });
      expect(res.status).toBe(201);
      id = res.body.id;
      etag = res.headers.etag;
      expect(res.headers.location).toBe(`${host}${SCIM}/Users/${id}`);
      expect(res.body).toMatchObject({ userName, displayName: 'Jane Doe', active: true, meta: { version: 'W/"1"' } });
      expect(res.body[ACME]).toEqual({ costCenter: 'CC-7', clearance: 4, remote: true, badgeId: 'B-1' });
      expect(res.body.password).toBeUndefined();
      const r = await row(id);
      expect(r).toMatchObject({
        scimId: id, // a user SCIM created: host id = SCIM id
        email: userName,
        fullName: 'Jane Doe',
        isActive: true,
        scimExternalId: '00u1janedoe',
        scimTenantId: tenantId,
        version: 1,
      });
      expect(r!.scimAttributes).not.toContain('Sup3r-Secret!');
      expect(JSON.parse(r!.scimAttributes!)[ACME]).toEqual({ costCenter: 'CC-7', clearance: 4, remote: true, badgeId: 'B-1' });
    });

    it('3. GET reads it back with its ETag; a duplicate POST is 409', async () => {
      const res = await http().get(`${SCIM}/Users/${id}`).set(auth());
      expect(res.status).toBe(200);
      expect(res.headers.etag).toBe(etag);
      expect(res.body.name).toEqual({ givenName: 'Jane', familyName: 'Doe' });
      expect((await http().get(`${SCIM}/Users/${id}`).set(auth()).set('If-None-Match', etag)).status).toBe(304);
      expectScimError(await send('post', '/Users', { schemas: [USER_SCHEMA], userName: 'JANE.DOE@acme.example' }), 409, 'uniqueness');
    });

    it('3b. ids compare exactly, though host_users is case-insensitive on MySQL', async () => {
      const upper = id.toUpperCase();
      expect(upper).not.toBe(id);
      expectScimError(await http().get(`${SCIM}/Users/${upper}`).set(auth()), 404);
      expect((await list(`id eq "${upper}"`)).body.totalResults).toBe(0);
      expect((await list(`id eq "${id}"`)).body.totalResults).toBe(1);
    });

    it('4. filters run in SQL on host_users columns and on the extension in its JSON column', async () => {
      const ids = async (filter: string, extra: Record<string, string> = {}) => {
        const res = await list(filter, extra);
        expect(res.status).toBe(200);
        return res.body.Resources.map((r: { id: string }) => r.id);
      };
      expect(await ids('userName eq "JANE.DOE@ACME.EXAMPLE"')).toEqual([id]);
      expect(await ids('externalId eq "00u1janedoe"')).toEqual([id]);
      expect(await ids('externalId eq "00U1JANEDOE"')).toEqual([]);
      expect(await ids('externalId sw "00U1"')).toEqual([]);
      expect(await ids('active eq true and displayName co "doe"')).toEqual([id]);
      expect(await ids(`${ACME}:costCenter eq "cc-7"`)).toEqual([id]);
      expect(await ids(`${ACME}:clearance gt 3 and ${ACME}:remote eq true`)).toEqual([id]);
      expect(await ids('name.givenName eq "jane"')).toEqual([id]);
      expect(await ids(`userName pr`, { sortBy: `${ACME}:costCenter`, sortOrder: 'descending' })).toContain(id);
    });

    it('4b. what host_users cannot answer is a clear 400 invalidFilter', async () => {
      const emails = await list(`emails.value eq "${userName}"`);
      expectScimError(emails, 400, 'invalidFilter');
      expect(emails.body.detail).toMatch(/"emails" cannot be filtered on this server/);
      const meta = await list('meta.lastModified gt "2020-01-01T00:00:00Z"');
      expectScimError(meta, 400, 'invalidFilter');
      expect(meta.body.detail).toMatch(/"meta.lastModified" cannot be filtered/);
      expectScimError(await list('userName pr', { cursor: '' }), 400, 'invalidValue');
    });

    it('5. PATCH deactivate (path-less, as Okta sends it) sets is_active and ends host sessions', async () => {
      expect((await http().get('/api/me').set('x-host-session', userName)).status).toBe(200);
      const res = await send('patch', `/Users/${id}`, {
        schemas: [PATCH_OP],
        Operations: [{ op: 'replace', value: { active: false } }],
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ active: false, displayName: 'Jane Doe', meta: { version: 'W/"2"' } });
      expect(await row(id)).toMatchObject({ isActive: false, fullName: 'Jane Doe', version: 2 });
      expectHostError(await http().get('/api/me').set('x-host-session', userName), 401);
      expect((await list('active eq false')).body.Resources.map((r: { id: string }) => r.id)).toContain(id);
    });

    it('6. PATCH by the extension URN path writes the JSON column', async () => {
      const res = await send('patch', `/Users/${id}`, {
        schemas: [PATCH_OP],
        Operations: [
          { op: 'replace', path: `${ACME}:costCenter`, value: 'CC-8' },
          { op: 'replace', value: { [ACME]: { clearance: 5 } } },
        ],
      });
      expect(res.status).toBe(200);
      expect(res.body[ACME]).toEqual({ costCenter: 'CC-8', clearance: 5, remote: true, badgeId: 'B-1' });
      expect(JSON.parse((await row(id))!.scimAttributes!)[ACME].costCenter).toBe('CC-8');
      expect((await list(`${ACME}:costCenter eq "CC-8"`)).body.totalResults).toBe(1);
      const immutable = await send('patch', `/Users/${id}`, {
        schemas: [PATCH_OP],
        Operations: [{ op: 'replace', path: `${ACME}:badgeId`, value: 'B-2' }],
      });
      expectScimError(immutable, 400, 'mutability');
    });

    it('7. PUT replaces: columns and document follow; a stale If-Match is 412', async () => {
      const body = {
        schemas: [USER_SCHEMA],
        userName,
        name: { givenName: 'Jane', familyName: 'Smith' },
        displayName: 'Jane Smith',
        externalId: '00u1janedoe',
        active: true,
      };
      expectScimError(await send('put', `/Users/${id}`, body, { 'If-Match': etag }), 412);
      const res = await send('put', `/Users/${id}`, body);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ displayName: 'Jane Smith', active: true, name: { familyName: 'Smith' } });
      // immutable badgeId is carried over by a PUT that omits it (RFC 7644 §3.5.1)
      expect(res.body[ACME]).toEqual({ badgeId: 'B-1' });
      expect(await row(id)).toMatchObject({ fullName: 'Jane Smith', isActive: true, version: 4 });
    });

    it('8. a change the host makes itself shows in SCIM reads', async () => {
      await ds.getRepository(HostUser).update({ id }, { fullName: 'Jane S. (host edit)' });
      const res = await http().get(`${SCIM}/Users/${id}`).set(auth());
      expect(res.body.displayName).toBe('Jane S. (host edit)');
      expect((await list('displayName eq "jane s. (host edit)"')).body.totalResults).toBe(1);
    });

    it('9. DELETE deactivates and unlinks the account (host policy); SCIM no longer sees it', async () => {
      expect((await http().delete(`${SCIM}/Users/${id}`).set(auth())).status).toBe(204);
      expect(await row(id)).toMatchObject({
        email: userName,
        isActive: false,
        scimTenantId: null,
        scimExternalId: null,
        scimAttributes: null,
      });
      expectScimError(await http().get(`${SCIM}/Users/${id}`).set(auth()), 404);
      expect((await list(`userName eq "${userName}"`)).body.totalResults).toBe(0);
      expectScimError(await http().delete(`${SCIM}/Users/${id}`).set(auth()), 404);
    });

    it('10. a POST for a host account no IdP manages is 409 while the tenant has no link policy', async () => {
      const res = await send('post', '/Users', {
        schemas: [USER_SCHEMA],
        userName: 'Pre.Existing@acme.example',
        displayName: 'Pre Existing (from Okta)',
        externalId: '00u2pre',
        active: true,
      });
      expectScimError(res, 409, 'uniqueness');
      expect(res.body.detail).toMatch(/no IdP manages\. An administrator can let this tenant link such accounts by verified email/);
      // the account is untouched (linking: host-app-teams.e2e-spec.ts)
      expect(await row('host-0001')).toMatchObject({ scimTenantId: null, scimId: null, fullName: 'Pre Existing', version: 1 });
    });

    it("11. another tenant's token sees none of this tenant's users", async () => {
      const tokens = app.get(TokenService);
      const tenants = app.get(TenantService);
      await tenants.createTenant('other');
      const other = (await tokens.issue('other', 'other', ['users:read'])).token;
      const res = await list('userName pr', {}, other);
      expect(res.body.totalResults).toBe(0);
      const mine = (await list('userName eq "bulk.one@acme.example"')).body.Resources[0].id as string;
      expectScimError(await http().get(`${SCIM}/Users/${mine}`).set(auth(other)), 404);
    });
  });
});
