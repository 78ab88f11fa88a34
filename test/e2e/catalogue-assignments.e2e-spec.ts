/**
 * Assigning catalogue values to Users (RFC 7643 §4.1.2 `roles` and `entitlements`) once the
 * Role and Entitlement catalogues are served: POST, PUT and PATCH in Okta's and Entra's shapes
 * (value filters, `roles[primary eq "True"].value`), each new value checked against the
 * tenant's catalogue (unknown: 400 invalidValue naming it), values filterable
 * (`roles.value eq "admin"`), changes recorded as change events, and the rule combining
 * group-to-role mappings with direct assignment, break-glass included. SQLite and MariaDB.
 */
import { ALL_SCOPES, Scope, ScimRoles } from '../../src/library';
import { TEST_DATABASES } from '../support/databases';
import { SCIM_JSON, TestApp } from '../support/test-app';

const ADMIN_TOKEN = 'admin-token-0123456789abcdef0123456789abcdef';
const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const SCOPES = [...ALL_SCOPES, 'roles:read', 'entitlements:read'] as Scope[];

type Json = Record<string, any>;

describe.each(TEST_DATABASES)('roles and entitlements assigned to Users on %s', (kind) => {
  let t: TestApp;
  let okta: string;
  let entra: string;

  beforeAll(async () => {
    t = await TestApp.start(kind, {
      SCIM_CATALOGUE: 'Role,Entitlement',
      SCIM_ROLES: 'owner,admin,member',
      SCIM_PROTECTED_ROLE: 'owner',
      ADMIN_TOKEN,
    });
    await t.tenantService.createTenant('acme');
    okta = (await t.tokens.issue('acme', 'okta', SCOPES, undefined, 'okta')).token;
    entra = (await t.tokens.issue('acme', 'entra', SCOPES, undefined, 'entra')).token;
    for (const [value, body] of [
      ['license.pro', { displayName: 'Pro', type: 'License' }],
      ['license.basic', { displayName: 'Basic', supported: false }],
      ['storage.100gb', { displayName: '100 GB' }],
    ] as const) {
      expect((await t.http.put(`/admin/v1/tenants/acme/catalogue/Entitlement/${value}`).set(admin).send(body)).status).toBe(200);
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  const send = (method: 'post' | 'put' | 'patch', path: string, body: unknown, tk = okta) =>
    t.http[method](`/scim/v2${path}`)
      .set('Authorization', `Bearer ${tk}`)
      .set('Content-Type', SCIM_JSON)
      .send(JSON.stringify(body));
  const get = (path: string, query: Record<string, string> = {}, tk = okta) =>
    t.http.get(`/scim/v2${path}`).query(query).set('Authorization', `Bearer ${tk}`);
  const patch = (id: string, ops: unknown[], tk = okta) => send('patch', `/Users/${id}`, { schemas: [PATCH_OP], Operations: ops }, tk);
  const user = (userName: string, extra: Json = {}) => ({ schemas: [USER], userName, active: true, ...extra });
  const create = async (userName: string, extra: Json = {}) => {
    const res = await send('post', '/Users', user(userName, extra));
    expect(res.body.detail ?? '').toBe('');
    expect(res.status).toBe(201);
    return res.body as Json;
  };
  const values = (items: unknown) => (items as Array<{ value: string }> | undefined)?.map((i) => i.value) ?? [];
  const expectInvalid = (res: { status: number; body: Json }, value: string) => {
    expect(res.body).toMatchObject({ schemas: [ERROR], status: '400', scimType: 'invalidValue' });
    expect(res.body.detail).toContain(`"${value}"`);
  };

  it('POST takes catalogue values, in the catalogue\'s spelling; an unknown one is 400 naming it', async () => {
    const u = await create('ann@acme.example', {
      roles: [{ value: 'Admin', primary: true }],
      entitlements: [{ value: 'LICENSE.PRO', type: 'License', display: 'Pro' }],
    });
    expect(u.roles).toEqual([{ value: 'admin', primary: true }]);
    expect(u.entitlements).toEqual([{ value: 'license.pro', type: 'License', display: 'Pro' }]);

    const unknown = await send('post', '/Users', user('bob@acme.example', { roles: [{ value: 'superadmin' }] }));
    expectInvalid(unknown, 'superadmin');
    expect(unknown.body.detail).toMatch(/GET \/Roles/);
    expectInvalid(await send('post', '/Users', user('bob@acme.example', { entitlements: [{ value: 'license.basic' }] })), 'license.basic');
    expect((await get('/Users', { filter: 'userName eq "bob@acme.example"' })).body.totalResults).toBe(0);
  });

  it('PUT replaces them, checked the same way', async () => {
    const u = await create('carl@acme.example', { roles: [{ value: 'member' }] });
    const put = await send('put', `/Users/${u.id}`, user('carl@acme.example', { roles: [{ value: 'admin' }, { value: 'member' }] }));
    expect(put.status).toBe(200);
    expect(values(put.body.roles)).toEqual(['admin', 'member']);
    expectInvalid(await send('put', `/Users/${u.id}`, user('carl@acme.example', { roles: [{ value: 'root' }] })), 'root');
    expect(values((await get(`/Users/${u.id}`)).body.roles)).toEqual(['admin', 'member']);
  });

  it('PATCH add, remove by value filter and replace, in Okta\'s shape', async () => {
    const u = await create('dora@acme.example');
    let res = await patch(u.id, [
      { op: 'add', path: 'roles', value: [{ value: 'member' }, { value: 'admin' }] },
      { op: 'add', path: 'entitlements', value: [{ value: 'storage.100gb' }] },
    ]);
    expect(res.status).toBe(200);
    expect(values(res.body.roles)).toEqual(['member', 'admin']);
    res = await patch(u.id, [{ op: 'remove', path: 'roles[value eq "member"]' }]);
    expect(values(res.body.roles)).toEqual(['admin']);
    res = await patch(u.id, [{ op: 'replace', path: 'entitlements', value: [{ value: 'license.pro' }] }]);
    expect(values(res.body.entitlements)).toEqual(['license.pro']);
    expectInvalid(await patch(u.id, [{ op: 'add', path: 'entitlements', value: [{ value: 'seat.gold' }] }]), 'seat.gold');
    expectInvalid(await patch(u.id, [{ op: 'replace', path: 'roles[value eq "admin"].value', value: 'god' }]), 'god');
    expect(values((await get(`/Users/${u.id}`)).body.roles)).toEqual(['admin']);
  });

  it('PATCH in Entra\'s shape: roles[primary eq "True"].value, capitalised ops', async () => {
    const u = await create('eve@acme.example', { roles: [{ value: 'member', primary: true }] });
    let res = await patch(u.id, [{ op: 'Replace', path: 'roles[primary eq "True"].value', value: 'Admin' }], entra);
    expect(res.status).toBe(200);
    expect(res.body.roles).toEqual([{ value: 'admin', primary: true }]);
    res = await patch(u.id, [{ op: 'Add', path: 'roles', value: [{ value: 'member', primary: 'False' }] }], entra);
    expect(values(res.body.roles)).toEqual(['admin', 'member']);
    expectInvalid(await patch(u.id, [{ op: 'Replace', path: 'roles[primary eq "True"].value', value: 'Tenant.Admin' }], entra), 'Tenant.Admin');
  });

  it('keeps a held value the catalogue no longer lists; assigning it anew is refused', async () => {
    await t.http.put('/admin/v1/tenants/acme/catalogue/Entitlement/beta.feature').set(admin).send({});
    const u = await create('finn@acme.example', { entitlements: [{ value: 'beta.feature' }] });
    expect((await t.http.delete('/admin/v1/tenants/acme/catalogue/Entitlement/beta.feature').set(admin)).status).toBe(204);
    const off = await patch(u.id, [{ op: 'replace', path: 'active', value: false }]);
    expect(off.status).toBe(200);
    expect(values(off.body.entitlements)).toEqual(['beta.feature']);
    const other = await create('gail@acme.example');
    expectInvalid(await patch(other.id, [{ op: 'add', path: 'entitlements', value: [{ value: 'beta.feature' }] }]), 'beta.feature');
  });

  it('filters users by their roles and entitlements (the multi-valued values table)', async () => {
    const ids = async (filter: string) =>
      ((await get('/Users', { filter })).body.Resources as Json[]).map((r) => r.userName).sort();
    expect(await ids('roles.value eq "ADMIN"')).toEqual(['ann@acme.example', 'carl@acme.example', 'dora@acme.example', 'eve@acme.example']);
    expect(await ids('entitlements[value eq "license.pro" and type eq "License"]')).toEqual(['ann@acme.example']);
    expect(await ids('roles[value eq "member"] and not (roles.value eq "admin")')).toEqual([]);
    expect(await ids('entitlements.value sw "license."')).toEqual(['ann@acme.example', 'dora@acme.example']);
  });

  it('records a change of roles as a change event naming the attribute', async () => {
    const u = await create('hal@acme.example');
    await patch(u.id, [{ op: 'add', path: 'roles', value: [{ value: 'member' }] }]);
    const res = await t.http.get('/admin/v1/tenants/acme/events').query({ limit: 5 }).set(admin);
    const ofUser = (res.body.items as Json[]).filter((e) => e.resourceId === u.id);
    expect(ofUser.map((e) => [e.operation, e.changed])).toEqual([
      ['patched', ['roles']],
      ['created', expect.arrayContaining(['userName'])],
    ]);
  });

  describe('group mappings and direct assignment combine: the highest role wins', () => {
    let roles: ScimRoles;
    beforeAll(() => {
      roles = t.app.get(ScimRoles);
    });

    it('ranks a direct role and the groups\' roles together', async () => {
      await t.tenantService.setRoleMapping('acme', 'Staff', 'member');
      const u = await create('ivy@acme.example', { roles: [{ value: 'admin' }] });
      const g = await send('post', '/Groups', { schemas: [GROUP], displayName: 'Staff', members: [{ value: u.id }] });
      expect(g.status).toBe(201);
      expect(await roles.rolesOf((await t.tenantService.getTenant('acme')).id, u.id)).toEqual({
        direct: ['admin'],
        fromGroups: ['member'],
        effective: 'admin',
      });
      await patch(u.id, [{ op: 'remove', path: 'roles' }]);
      expect(await roles.roleOf((await t.tenantService.getTenant('acme')).id, u.id)).toBe('member');
    });

    it('break-glass: the last owner by direct assignment keeps it until another user holds it', async () => {
      const owner = await create('olga@acme.example', { roles: [{ value: 'owner' }] });
      const refused = await patch(owner.id, [{ op: 'remove', path: 'roles[value eq "owner"]' }]);
      expect(refused.status).toBe(409);
      expect(refused.body.detail).toMatch(/removing the role "owner" from user .*break-glass/);
      expect((await patch(owner.id, [{ op: 'replace', path: 'active', value: false }])).status).toBe(409);
      expect(values((await get(`/Users/${owner.id}`)).body.roles)).toEqual(['owner']);
      // another owner, through a group mapped to the role
      await t.tenantService.setRoleMapping('acme', 'Owners', 'owner');
      const next = await create('otto@acme.example');
      expect((await send('post', '/Groups', { schemas: [GROUP], displayName: 'Owners', members: [{ value: next.id }] })).status).toBe(201);
      const done = await patch(owner.id, [{ op: 'remove', path: 'roles[value eq "owner"]' }]);
      expect(done.status).toBe(200);
      expect(done.body.roles).toBeUndefined();
    });
  });
});
