/**
 * Okta Identity Governance's entitlement call sequence against the example host app
 * (examples/host-app): the host's roles at /Roles (the library's source: ScimModule `roles`),
 * and its plans at /Licenses, a catalogue type the host declares with a schema and a provider
 * only (HostPlanCatalogue reads host_plans). Discovery, catalogue import, user import with
 * roles and entitlements, assignment, revocation and deprovisioning; the host grants and
 * revokes plans from the change events (HostPlanGrants writes host_users.plan_code). On
 * SQLite and MariaDB, the provider bound with useClass and (on SQLite) useExisting.
 */
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { LICENSE_SCHEMA_ID } from '../../examples/host-app/src/plans/license.schema';
import { HostUser } from '../../examples/host-app/src/users/host-user.entity';
import { Scope, TenantService, TokenService } from '../../src/library';
import { USER_SCHEMA } from '../fixtures/users.factory';
import { EXAMPLE_HOST_VARIANTS, ExampleHost } from '../support/example-host';
import { OKTA_ENTITLEMENT, OKTA_ROLE, OktaGovernance } from '../support/okta-governance';

const SCIM = '/api/scim/v2';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
type Json = Record<string, any>;

describe.each(EXAMPLE_HOST_VARIANTS)('Okta entitlements in the host app on %s (%s)', (kind, binding) => {
  let example: ExampleHost;
  let app: NestFastifyApplication;
  let ds: DataSource;
  let okta: OktaGovernance;
  let host: string;
  let ann: Json;

  beforeAll(async () => {
    example = await ExampleHost.start(kind, binding);
    ({ app, origin: host, dataSource: ds } = example);
    await app.get(TenantService).createTenant('okta', 'okta');
    const scopes = ['users:write', 'groups:write', 'roles:read', 'licenses:read'] as Scope[];
    const token = (await app.get(TokenService).issue('okta', 'okta-oig', scopes)).token;
    okta = new OktaGovernance(() => request(host), SCIM, token);
    // a user provisioned before governance was turned on, with a plan and a role
    const res = await okta.send('post', '/Users', {
      schemas: [USER_SCHEMA],
      userName: 'ann@acme.example',
      emails: [{ value: 'ann@acme.example', type: 'work', primary: true }],
      active: true,
      roles: [{ value: 'admin', display: 'admin' }],
      entitlements: [{ value: 'team', type: 'License', display: 'Team' }],
    });
    expect(res.body.detail ?? '').toBe('');
    ann = res.body as Json;
  });
  afterAll(async () => {
    await example?.close();
  });

  /** the host's row of a SCIM user, once the change events are delivered */
  const planOf = async (scimId: string, expected: string | null): Promise<string | null> => {
    let plan: string | null = null;
    for (let i = 0; i < 100; i++) {
      plan = (await ds.getRepository(HostUser).findOneBy({ scimId }))?.planCode ?? null;
      if (plan === expected) {
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    return plan;
  };
  const expectInvalid = (res: request.Response, value: string) => {
    expect(res.body).toMatchObject({ schemas: [ERROR], status: '400', scimType: 'invalidValue' });
    expect(res.body.detail).toContain(`"${value}"`);
  };

  it('1. discovery: /ResourceTypes lists Role and License with Okta URNs; /Schemas has the License extension', async () => {
    const { catalogues } = await okta.resourceTypes();
    expect(catalogues.map((rt) => [rt.name, rt.endpoint, rt.schema])).toEqual([
      ['Role', '/Roles', OKTA_ROLE],
      ['License', '/Licenses', OKTA_ENTITLEMENT],
    ]);
    const [license] = await okta.extensionSchemas(catalogues);
    expect(license).toMatchObject({ id: LICENSE_SCHEMA_ID, attributes: [{ name: 'seats', type: 'integer', mutability: 'readOnly' }] });
  });

  it('2. catalogue import: the host roles and the host plans, probe then pages', async () => {
    const { catalogues } = await okta.resourceTypes();
    const [roles, licenses] = [await okta.importCatalogue(catalogues[0]), await okta.importCatalogue(catalogues[1])];
    expect(roles.probe).toMatchObject({ totalResults: 3, itemsPerPage: 1, Resources: [{ id: 'admin' }] });
    expect(roles.values.map((r) => r.value)).toEqual(['admin', 'member', 'owner']);
    expect(licenses.probe.Resources).toHaveLength(1);
    expect(licenses.values.map((l) => [l.id, l.displayName, l.supported])).toEqual([
      ['enterprise', 'Enterprise', true],
      ['free', 'Free', true],
      ['legacy', 'Legacy', false],
      ['team', 'Team', true],
    ]);
    expect(licenses.values[0]).toMatchObject({
      schemas: [OKTA_ENTITLEMENT, LICENSE_SCHEMA_ID],
      type: 'License',
      [LICENSE_SCHEMA_ID]: { seats: 1000 },
      meta: { resourceType: 'License' },
    });
    // the values live in the host: a new plan is in the next import
    await ds.query("INSERT INTO host_plans (code, name, seats, is_public) VALUES ('scale', 'Scale', 200, TRUE)");
    expect((await okta.importCatalogue(catalogues[1])).values.map((l) => l.id)).toContain('scale');
  });

  it('3. user import: users carry their roles and entitlements; the host granted the plan', async () => {
    const users = await okta.importUsers();
    const imported = users.find((u) => u.userName === 'ann@acme.example');
    expect(imported).toMatchObject({
      roles: [{ value: 'admin', display: 'admin' }],
      entitlements: [{ value: 'team', type: 'License', display: 'Team' }],
    });
    expect(await planOf(ann.id, 'team')).toBe('team');
  });

  it('4. assignment: a plan and a role from the catalogues; unknown or retired values are 400', async () => {
    const revoke = await okta.revoke(ann.id, 'entitlements', 'team');
    expect(revoke.status).toBe(200);
    expect(await planOf(ann.id, null)).toBeNull();
    const assign = await okta.assign(ann.id, 'entitlements', [{ value: 'Enterprise', type: 'License' }]);
    expect(assign.status).toBe(200);
    expect(assign.body.entitlements).toEqual([{ value: 'enterprise', type: 'License' }]);
    expect(await planOf(ann.id, 'enterprise')).toBe('enterprise');
    expect((await okta.assign(ann.id, 'roles', [{ value: 'owner' }])).status).toBe(200);
    expectInvalid(await okta.assign(ann.id, 'entitlements', [{ value: 'platinum', type: 'License' }]), 'platinum');
    expectInvalid(await okta.assign(ann.id, 'entitlements', [{ value: 'legacy', type: 'License' }]), 'legacy');
    expectInvalid(await okta.assign(ann.id, 'roles', [{ value: 'superuser' }]), 'superuser');
    const now = (await okta.get(`/Users/${ann.id}`).expect(200)).body;
    expect(now.roles.map((r: Json) => r.value)).toEqual(['admin', 'owner']);
  });

  it('5. revocation and deprovisioning: break-glass holds the last owner; the host revokes the plan', async () => {
    // ann is the only owner (assigned directly): SCIM cannot take it away
    const refused = await okta.revoke(ann.id, 'roles', 'owner');
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toMatch(/break-glass/);
    // the founder's account, an owner no IdP manages
    await ds.getRepository(HostUser).insert({
      id: 'host-founder',
      email: 'founder@acme.example',
      fullName: 'Founder',
      isActive: true,
      isOwner: true,
      emailVerified: true,
      scimId: null,
      scimTenantId: null,
      scimExternalId: null,
      scimAttributes: null,
      planCode: null,
      version: 1,
      createdAt: new Date('2024-01-01T00:00:00.000Z'),
      updatedAt: new Date('2024-01-01T00:00:00.000Z'),
    });
    expect((await okta.revoke(ann.id, 'roles', 'owner')).status).toBe(200);
    const off = await okta.deactivate(ann.id);
    expect(off.status).toBe(200);
    expect(off.body.entitlements).toEqual([{ value: 'enterprise', type: 'License' }]);
    expect(await planOf(ann.id, 'enterprise')).toBe('enterprise');
    expect((await okta.delete(ann.id)).status).toBe(204);
    expect(await planOf(ann.id, null)).toBeNull();
  });

  it('keeps the catalogues read-only (405) and behind their scopes', async () => {
    const write = await okta.send('post', '/Licenses', { schemas: [OKTA_ENTITLEMENT], value: 'x' });
    expect(write.status).toBe(403);
    const usersOnly = (await app.get(TokenService).issue('okta', 'no-licenses', ['users:read'])).token;
    expect((await request(host).get(`${SCIM}/Licenses`).set('Authorization', `Bearer ${usersOnly}`)).status).toBe(403);
    const writer = (await app.get(TokenService).issue('okta', 'writer', ['licenses:write'] as Scope[])).token;
    const refused = await request(host)
      .delete(`${SCIM}/Licenses/team`)
      .set('Authorization', `Bearer ${writer}`);
    expect(refused.status).toBe(405);
    expect(refused.headers.allow).toBe('GET');
  });
});
