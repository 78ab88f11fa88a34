/**
 * Catalogue resource types (Okta Identity Governance's "SCIM 2.0 server with entitlements";
 * draft-ietf-scim-roles-entitlements): `Role` at /Roles and `Entitlement` at /Entitlements
 * with Okta's core schema URNs, served by the one resource pipeline from the library's source
 * (the tenant's roles: SCIM_ROLES, role mappings, default role; and the tenant catalogue table
 * the admin API and the CLI manage). Discovery, list/filter/sort/index and cursor paging, get
 * by id, tenant isolation, read-only endpoints (405 with Allow: GET), scopes. SQLite and MariaDB.
 */
import { ALL_SCOPES, OKTA_ENTITLEMENT_SCHEMA_ID, OKTA_ROLE_SCHEMA_ID, Scope } from '../../src/library';
import { ConfigError, loadConfig } from '../../src/server/config/app.config';
import { TEST_DATABASES } from '../support/databases';
import { SCIM_JSON, TestApp } from '../support/test-app';

const ADMIN_TOKEN = 'admin-token-0123456789abcdef0123456789abcdef';
const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };
const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const CATALOGUE_SCOPES = [...ALL_SCOPES, 'roles:read', 'entitlements:read'] as Scope[];

describe('SCIM_CATALOGUE is checked at boot', () => {
  it('serves the library\'s Role and Entitlement types, before the SCIM_RESOURCE_TYPES ones', () => {
    const types = loadConfig({ SCIM_CATALOGUE: ' entitlement , Role' }).resourceTypes;
    expect(types.map((t) => [t.resourceType.name, t.scope])).toEqual([
      ['Entitlement', 'entitlements'],
      ['Role', 'roles'],
    ]);
    expect(loadConfig({ SCIM_CATALOGUE: '' }).resourceTypes).toEqual([]);
  });

  it.each(['Role,Role', 'Roles', 'Role,License'])('stops the start for SCIM_CATALOGUE=%s', (value) => {
    const load = () => loadConfig({ SCIM_CATALOGUE: value });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/must list distinct types among Role, Entitlement/);
  });
});

describe.each(TEST_DATABASES)('Catalogue types Role and Entitlement on %s', (kind) => {
  let t: TestApp;
  let token: string;
  let globex: string;
  let usersOnly: string;

  beforeAll(async () => {
    t = await TestApp.start(kind, {
      SCIM_CATALOGUE: 'Role,Entitlement',
      SCIM_ROLES: 'owner,admin,member',
      ADMIN_TOKEN,
    });
    token = await t.token('acme', CATALOGUE_SCOPES);
    globex = await t.token('globex', CATALOGUE_SCOPES);
    usersOnly = await t.token('acme', ['users:read', 'users:write']);
  });
  afterAll(async () => {
    await t?.close();
  });

  const get = (path: string, query: Record<string, string | number> = {}, tk = token) =>
    t.http.get(`/scim/v2${path}`).query(query).set('Authorization', `Bearer ${tk}`);
  const send = (method: 'post' | 'put' | 'patch' | 'delete', path: string, body?: unknown, tk = token) => {
    const req = t.http[method](`/scim/v2${path}`).set('Authorization', `Bearer ${tk}`);
    return body === undefined ? req : req.set('Content-Type', SCIM_JSON).send(JSON.stringify(body));
  };
  const putEntry = (tenant: string, type: string, value: string, body: unknown) =>
    t.http.put(`/admin/v1/tenants/${tenant}/catalogue/${type}/${encodeURIComponent(value)}`).set(admin).send(body as object);
  const expectError = (res: { status: number; body: Record<string, unknown> }, status: number, scimType?: string) => {
    expect(res.body.schemas).toEqual([ERROR_SCHEMA]);
    expect(res.status).toBe(status);
    expect(res.body.status).toBe(String(status));
    if (scimType) {
      expect(res.body.scimType).toBe(scimType);
    }
  };

  describe('discovery (RFC 7644 §4, Okta: /ResourceTypes then /Schemas)', () => {
    it('lists Role and Entitlement with Okta core schema URNs', async () => {
      const res = await get('/ResourceTypes');
      expect(res.status).toBe(200);
      const byName = Object.fromEntries(res.body.Resources.map((r: { name: string }) => [r.name, r]));
      expect(Object.keys(byName)).toEqual(['User', 'Group', 'Role', 'Entitlement']);
      expect(byName.Role).toMatchObject({ id: 'Role', endpoint: '/Roles', schema: OKTA_ROLE_SCHEMA_ID, schemaExtensions: [] });
      expect(byName.Entitlement).toMatchObject({ endpoint: '/Entitlements', schema: OKTA_ENTITLEMENT_SCHEMA_ID });
      const one = await get('/ResourceTypes/Role');
      expect(one.body.meta.location).toMatch(/\/scim\/v2\/ResourceTypes\/Role$/);
    });

    it('publishes the catalogue schemas, readOnly while the catalogue is', async () => {
      const res = await get(`/Schemas/${OKTA_ROLE_SCHEMA_ID}`);
      expect(res.status).toBe(200);
      const names = res.body.attributes.map((a: { name: string }) => a.name);
      expect(names).toEqual(expect.arrayContaining(['value', 'displayName', 'display', 'type', 'supported', 'contains', 'containedBy']));
      expect(res.body.attributes.every((a: { mutability: string }) => a.mutability === 'readOnly')).toBe(true);
      expect((await get(`/Schemas/${OKTA_ENTITLEMENT_SCHEMA_ID}`)).status).toBe(200);
    });

    it('advertises RolesAndEntitlements in /ServiceProviderConfig (draft §3.1)', async () => {
      const res = await get('/ServiceProviderConfig');
      expect(res.body.RolesAndEntitlements).toEqual({
        roles: { supported: true, multipleRolesSupported: true, primarySupported: true, typeSupported: true, types: ['Role'] },
        entitlements: {
          supported: true,
          multipleEntitlementsSupported: true,
          primarySupported: true,
          typeSupported: true,
          types: ['Entitlement'],
        },
      });
    });
  });

  describe('/Roles from the tenant roles', () => {
    it('answers Okta\'s probe GET /Roles?count=1&startIndex=1 with a non-empty page', async () => {
      const res = await get('/Roles', { count: 1, startIndex: 1 });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ schemas: [LIST], totalResults: 3, startIndex: 1, itemsPerPage: 1 });
      expect(res.body.Resources).toHaveLength(1);
      const [role] = res.body.Resources;
      expect(role).toMatchObject({
        schemas: [OKTA_ROLE_SCHEMA_ID],
        id: 'admin',
        value: 'admin',
        displayName: 'admin',
        display: 'admin',
        supported: true,
        meta: { resourceType: 'Role' },
      });
      expect(role.meta.location).toMatch(/\/scim\/v2\/Roles\/admin$/);
      expect(role.meta.version).toMatch(/^W\/"\d+"$/);
    });

    it('adds the roles of the tenant\'s mappings and default role, and table rows describe them', async () => {
      await t.tenantService.setRoleMapping('acme', 'Engineering', 'engineer');
      await t.tenantService.updateTenant('acme', { defaultRole: 'viewer' });
      expect((await putEntry('acme', 'Role', 'owner', { displayName: 'Owner', description: 'Everything' })).status).toBe(200);
      const res = await get('/Roles');
      expect(res.body.Resources.map((r: { id: string }) => r.id)).toEqual(['admin', 'engineer', 'member', 'owner', 'viewer']);
      expect(res.body.Resources.find((r: { id: string }) => r.id === 'owner')).toMatchObject({
        displayName: 'Owner',
        display: 'Owner',
        description: 'Everything',
      });
      // another tenant has none of acme's mappings or rows
      const other = await get('/Roles', {}, globex);
      expect(other.body.Resources.map((r: { id: string }) => r.id)).toEqual(['admin', 'member', 'owner']);
      expect(other.body.Resources.find((r: { id: string }) => r.id === 'owner').displayName).toBe('owner');
    });

    it('gets one by id, with its ETag; an unknown id is 404', async () => {
      const res = await get('/Roles/owner');
      expect(res.status).toBe(200);
      expect(res.headers.etag).toBe(res.body.meta.version);
      expect(res.headers['content-type']).toContain(SCIM_JSON);
      const again = await get('/Roles/owner').set('If-None-Match', res.headers.etag);
      expect(again.status).toBe(304);
      expectError(await get('/Roles/nobody'), 404);
    });

    it('filters, sorts and pages (RFC 7644 §3.4.2)', async () => {
      const ids = (res: { body: { Resources: Array<{ id: string }> } }) => res.body.Resources.map((r) => r.id);
      expect(ids(await get('/Roles', { filter: 'value eq "ADMIN"' }))).toEqual(['admin']);
      expect(ids(await get('/Roles', { filter: 'displayName sw "o" or description pr' }))).toEqual(['owner']);
      expect(ids(await get('/Roles', { filter: 'supported eq true and not (value co "e")' }))).toEqual(['admin']);
      expect(ids(await get('/Roles', { sortBy: 'value', sortOrder: 'descending', count: 2 }))).toEqual(['viewer', 'owner']);
      expect(ids(await get('/Roles', { startIndex: 5 }))).toEqual(['viewer']);
      expect((await get('/Roles', { startIndex: 9 })).body).toMatchObject({ totalResults: 5, Resources: [] });
      expectError(await get('/Roles', { filter: 'nickName eq "x"' }), 400, 'invalidFilter');
      const search = await send('post', '/Roles/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: 'value sw "v"' });
      expect(search.status).toBe(200);
      expect(ids(search)).toEqual(['viewer']);
    });

    it('pages by cursor (RFC 9865) in value order', async () => {
      const seen: string[] = [];
      let cursor = '';
      for (let i = 0; i < 5 && cursor !== undefined; i++) {
        const res = await get('/Roles', { cursor, count: 2 });
        expect(res.status).toBe(200);
        seen.push(...res.body.Resources.map((r: { id: string }) => r.id));
        cursor = res.body.nextCursor;
      }
      expect(seen).toEqual(['admin', 'engineer', 'member', 'owner', 'viewer']);
    });
  });

  describe('/Entitlements from the tenant catalogue table', () => {
    it('is empty until the operator adds values, then serves them to that tenant only', async () => {
      expect((await get('/Entitlements', { count: 1, startIndex: 1 })).body).toMatchObject({ totalResults: 0, Resources: [] });
      const put = await putEntry('acme', 'entitlement', 'license.full_access', {
        displayName: 'Full access licence',
        type: 'License',
        attributes: { contains: ['storage.100gb'] },
      });
      expect(put.status).toBe(200);
      expect(put.body).toMatchObject({ resourceType: 'Entitlement', value: 'license.full_access', version: 1 });
      await putEntry('acme', 'Entitlement', 'storage.100gb', { displayName: '100 GB', type: 'ResourceLimit', supported: false });
      const page = await get('/Entitlements', { count: 1, startIndex: 1 });
      expect(page.body).toMatchObject({ totalResults: 2, itemsPerPage: 1 });
      expect(page.body.Resources[0]).toMatchObject({
        schemas: [OKTA_ENTITLEMENT_SCHEMA_ID],
        id: 'license.full_access',
        value: 'license.full_access',
        displayName: 'Full access licence',
        type: 'License',
        supported: true,
        contains: ['storage.100gb'],
      });
      expect((await get('/Entitlements/storage.100gb')).body.supported).toBe(false);
      expect((await get('/Entitlements', { filter: 'contains eq "storage.100gb"' })).body.totalResults).toBe(1);
      expect((await get('/Entitlements', {}, globex)).body.totalResults).toBe(0);
      expectError(await get('/Entitlements/license.full_access', {}, globex), 404);
    });

    it('changes the version (ETag) when an entry changes, and forgets a removed one', async () => {
      const before = await get('/Entitlements/storage.100gb');
      await putEntry('acme', 'Entitlement', 'storage.100gb', { displayName: '100 GB storage' });
      const after = await get('/Entitlements/storage.100gb');
      expect(after.body.meta.version).not.toBe(before.body.meta.version);
      expect(after.body.supported).toBe(true);
      const del = await t.http.delete('/admin/v1/tenants/acme/catalogue/Entitlement/STORAGE.100GB').set(admin);
      expect(del.status).toBe(204);
      expectError(await get('/Entitlements/storage.100gb'), 404);
      expectError(await t.http.delete('/admin/v1/tenants/acme/catalogue/Entitlement/storage.100gb').set(admin), 404);
    });

    it('checks the admin input: type, value, fields', async () => {
      expectError(await putEntry('acme', 'Device', 'x', {}), 404);
      expectError(await putEntry('acme', 'Role', ' padded', {}), 400, 'invalidValue');
      expectError(await putEntry('acme', 'Role', 'x', { colour: 'red' }), 400, 'invalidValue');
      expectError(await putEntry('acme', 'Role', 'x', { supported: 'yes' }), 400, 'invalidValue');
      expectError(await putEntry('nosuch', 'Role', 'x', {}), 404);
      const list = await t.http.get('/admin/v1/tenants/acme/catalogue/Role').set(admin);
      expect(list.body.items.map((e: { value: string }) => e.value)).toEqual(['owner']);
      expect((await t.http.get('/admin/v1/tenants/acme/catalogue/Role')).status).toBe(401);
    });
  });

  describe('read-only for SCIM clients', () => {
    it.each<[string, 'post' | 'put' | 'patch' | 'delete', string, unknown]>([
      ['POST', 'post', '/Roles', { schemas: [OKTA_ROLE_SCHEMA_ID], value: 'x' }],
      ['PUT', 'put', '/Roles/admin', { schemas: [OKTA_ROLE_SCHEMA_ID], value: 'admin' }],
      ['PATCH', 'patch', '/Roles/admin', { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'displayName', value: 'A' }] }],
      ['an empty PATCH', 'patch', '/Entitlements/license.full_access', { schemas: [PATCH_OP], Operations: [] }],
      ['DELETE', 'delete', '/Roles/admin', undefined],
      ['a malformed POST', 'post', '/Entitlements', 'not json'],
    ])('answers %s with 405, Allow: GET and a SCIM error', async (_label, method, path, body) => {
      const res = await send(method, path, body, await t.token('acme', ['roles:write', 'entitlements:write'] as Scope[]));
      expectError(res, 405);
      expect(res.headers.allow).toBe('GET');
      expect(res.body.detail).toMatch(/read-only/);
    });

    it('is refused to a token without the type\'s scope (403)', async () => {
      expectError(await get('/Roles', {}, usersOnly), 403);
      expectError(await get('/Entitlements/license.full_access', {}, usersOnly), 403);
    });

    it('refuses a write in a Bulk operation with 405 and goes on', async () => {
      const res = await send('post', '/Bulk', {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
        Operations: [
          { method: 'POST', path: '/Roles', bulkId: 'r', data: { schemas: [OKTA_ROLE_SCHEMA_ID], value: 'x' } },
          { method: 'POST', path: '/Users', bulkId: 'u', data: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'bulk.user' } },
        ],
      }, await t.token('acme', [...CATALOGUE_SCOPES, 'roles:write'] as Scope[]));
      expect(res.status).toBe(200);
      expect(res.body.Operations.map((o: { status: string }) => o.status)).toEqual(['405', '201']);
    });
  });
});
