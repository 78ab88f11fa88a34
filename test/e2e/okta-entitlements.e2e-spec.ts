/**
 * Okta Identity Governance's entitlement call sequence ("Build a SCIM 2.0 server with
 * entitlements") against the standalone server with SCIM_CATALOGUE=Role,Entitlement:
 * discovery (/ResourceTypes; /Schemas only for extensions Okta does not know: none here),
 * catalogue import (the `?count=1&startIndex=1` probe, then pages of 100 through 150
 * entitlements), user import with roles and entitlements, assignment, revocation and
 * deprovisioning, each change recorded as a change event. On SQLite and MariaDB.
 */
import { CatalogueAdminService, Scope } from '../../src/library';
import { TEST_DATABASES } from '../support/databases';
import { OKTA_ENTITLEMENT, OKTA_ROLE, OktaGovernance } from '../support/okta-governance';
import { TestApp } from '../support/test-app';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const ADMIN_TOKEN = 'admin-token-0123456789abcdef0123456789abcdef';
type Json = Record<string, any>;

describe.each(TEST_DATABASES)('Okta entitlement sequence, standalone, on %s', (kind) => {
  let t: TestApp;
  let okta: OktaGovernance;
  let user: Json;

  beforeAll(async () => {
    t = await TestApp.start(kind, { SCIM_CATALOGUE: 'Role,Entitlement', SCIM_ROLES: 'admin,member', ADMIN_TOKEN });
    await t.tenantService.createTenant('okta', 'okta');
    const scopes = ['users:write', 'groups:write', 'roles:read', 'entitlements:read'] as Scope[];
    okta = new OktaGovernance(() => t.http, '/scim/v2', (await t.tokens.issue('okta', 'okta-oig', scopes)).token);
    const catalogue = t.app.get(CatalogueAdminService);
    for (let i = 0; i < 150; i++) {
      const n = String(i).padStart(3, '0');
      await catalogue.put('okta', 'Entitlement', { value: `perm.${n}`, displayName: `Permission ${n}`, type: 'Permission' });
    }
    // provisioned before governance: Okta finds these values in its user import
    const res = await okta.send('post', '/Users', {
      schemas: [USER],
      userName: 'bjensen@example.com',
      name: { givenName: 'Barbara', familyName: 'Jensen' },
      emails: [{ value: 'bjensen@example.com', type: 'work', primary: true }],
      active: true,
      roles: [{ value: 'member', display: 'member' }],
      entitlements: [{ value: 'perm.001', display: 'Permission 001', type: 'Permission' }],
    });
    expect(res.body.detail ?? '').toBe('');
    user = res.body as Json;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('1-2. discovery: Role and Entitlement with Okta URNs, no extension to fetch', async () => {
    const { all, catalogues } = await okta.resourceTypes();
    expect(all.map((rt) => rt.name)).toEqual(['User', 'Group', 'Role', 'Entitlement']);
    expect(catalogues.map((rt) => [rt.endpoint, rt.schema])).toEqual([
      ['/Roles', OKTA_ROLE],
      ['/Entitlements', OKTA_ENTITLEMENT],
    ]);
    expect(await okta.extensionSchemas(catalogues)).toEqual([]);
  });

  it('3. catalogue import: a non-empty probe, then every value over two pages', async () => {
    const { catalogues } = await okta.resourceTypes();
    const roles = await okta.importCatalogue(catalogues[0]);
    expect(roles.probe).toMatchObject({ totalResults: 2, startIndex: 1, itemsPerPage: 1 });
    expect(roles.values.map((r) => [r.id, r.displayName])).toEqual([
      ['admin', 'admin'],
      ['member', 'member'],
    ]);
    const entitlements = await okta.importCatalogue(catalogues[1]);
    expect(entitlements.probe).toMatchObject({ totalResults: 150, itemsPerPage: 1 });
    expect(entitlements.probe.Resources).toHaveLength(1);
    expect(entitlements.values).toHaveLength(150);
    expect(new Set(entitlements.values.map((e) => e.id)).size).toBe(150);
    expect(entitlements.values[42]).toMatchObject({
      schemas: [OKTA_ENTITLEMENT],
      id: 'perm.042',
      value: 'perm.042',
      displayName: 'Permission 042',
      type: 'Permission',
      supported: true,
    });
  });

  it('4. user import: the user carries its roles and entitlements', async () => {
    const users = await okta.importUsers();
    expect(users.find((u) => u.id === user.id)).toMatchObject({
      roles: [{ value: 'member', display: 'member' }],
      entitlements: [{ value: 'perm.001', display: 'Permission 001', type: 'Permission' }],
    });
  });

  it('5. assignment: catalogue values are taken, anything else is 400 invalidValue', async () => {
    const granted = await okta.assign(user.id, 'entitlements', [{ value: 'perm.149', type: 'Permission' }]);
    expect(granted.status).toBe(200);
    expect(granted.body.entitlements.map((e: Json) => e.value)).toEqual(['perm.001', 'perm.149']);
    expect((await okta.assign(user.id, 'roles', [{ value: 'admin' }])).status).toBe(200);
    const refused = await okta.assign(user.id, 'entitlements', [{ value: 'perm.150' }]);
    expect(refused.body).toMatchObject({ schemas: [ERROR], status: '400', scimType: 'invalidValue' });
    expect(refused.body.detail).toContain('"perm.150"');
    expect((await okta.get('/Users?filter=entitlements.value eq "perm.149"').expect(200)).body.totalResults).toBe(1);
  });

  it('6. revocation, then deprovisioning', async () => {
    const revoked = await okta.revoke(user.id, 'entitlements', 'perm.001');
    expect(revoked.body.entitlements.map((e: Json) => e.value)).toEqual(['perm.149']);
    expect((await okta.revoke(user.id, 'roles', 'member')).body.roles).toEqual([{ value: 'admin' }]);
    const off = await okta.deactivate(user.id);
    expect(off.status).toBe(200);
    expect(off.body.active).toBe(false);
    expect((await okta.get(`/Users?filter=roles.value eq "admin" and active eq true`).expect(200)).body.totalResults).toBe(0);
  });

  it('records every assignment change as a change event for the host', async () => {
    const res = await t.http
      .get('/admin/v1/tenants/okta/events')
      .query({ limit: 20 })
      .set('Authorization', `Bearer ${ADMIN_TOKEN}`);
    const changes = (res.body.items as Json[])
      .filter((e) => e.resourceId === user.id)
      .reverse()
      .map((e) => [e.operation, e.changed.filter((c: string) => ['roles', 'entitlements', 'active'].includes(c))]);
    expect(changes).toEqual([
      ['created', ['active', 'entitlements', 'roles']],
      ['patched', ['entitlements']],
      ['patched', ['roles']],
      ['patched', ['entitlements']],
      ['patched', ['roles']],
      ['deactivated', ['active']],
    ]);
  });
});
