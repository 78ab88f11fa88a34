/**
 * The rule for the IdP profiles (docs/idp/profiles.md), end to end on SQLite and MariaDB/MySQL:
 * where RFC 7643/7644 defines the outcome of a request, the default profile gives that outcome;
 * a deviation that changes the outcome of an RFC-valid request is on only in the profile of the
 * IdP that needs it. Each case runs the same request under the default and under the IdP's
 * profile.
 */
import { AuditService } from '../../src/audit/audit.service';
import { USER_SCHEMA, oktaUser } from '../fixtures/users.factory';
import { TEST_DATABASES } from '../support/databases';
import { SCIM_JSON, TestApp } from '../support/test-app';

const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

type Res = { status: number; body: Record<string, any>; headers: Record<string, string> };

describe.each(TEST_DATABASES)('IdP profiles on %s', (kind) => {
  let t: TestApp;
  /** tokens by profile; `lenient` is a token without a profile (the server default) */
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    t = await TestApp.start(kind);
    tokens.lenient = await t.token('acme');
    for (const p of ['rfc-strict', 'entra', 'okta'] as const) {
      tokens[p] = (await t.tokens.issue('acme', p, ['users:write', 'groups:write'], undefined, p)).token;
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  const send = (method: 'post' | 'patch', path: string, body: unknown, profile = 'lenient'): Promise<Res> =>
    t.http[method](`/scim/v2${path}`)
      .set('Authorization', `Bearer ${tokens[profile]}`)
      .set('Content-Type', SCIM_JSON)
      .send(JSON.stringify(body)) as unknown as Promise<Res>;
  const patch = (path: string, ops: unknown[], profile = 'lenient') =>
    send('patch', path, { schemas: [PATCH_OP], Operations: ops }, profile);
  const expectScimError = (res: Res, status: number, scimType: string) => {
    expect(res.status).toBe(status);
    expect(res.body.schemas).toEqual([ERROR_SCHEMA]);
    expect(res.body.scimType).toBe(scimType);
  };
  /** a user with a work phone only */
  const newUser = async (): Promise<string> => {
    const { emails: _e, ...body } = oktaUser();
    const res = await send('post', '/Users', { ...body, phoneNumbers: [{ type: 'work', value: '555-0100' }] });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };

  /** a group of two new users; its id */
  const newGroup = async (name: string): Promise<string> => {
    const members = [await newUser(), await newUser()].map((value) => ({ value }));
    const res = await send('post', '/Groups', { schemas: [GROUP_SCHEMA], displayName: name, members });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const membersOf = async (id: string): Promise<unknown[]> =>
    (await t.http.get(`/scim/v2/Groups/${id}`).set('Authorization', `Bearer ${tokens.lenient}`)).body.members ?? [];

  describe('remove of members without a filter (RFC 7644 §3.5.2.2, docs/idp/quirks.md #33)', () => {
    it.each(['lenient', 'entra', 'okta'])('%s: refused with 400 invalidValue (the data-loss guard), nothing removed', async (profile) => {
      const id = await newGroup(`guarded ${profile} ${kind}`);
      const res = await patch(`/Groups/${id}`, [{ op: 'remove', path: 'members' }], profile);
      expectScimError(res, 400, 'invalidValue');
      expect(res.body.detail).toMatch(/members\[value eq/);
      expect(await membersOf(id)).toHaveLength(2);
    });

    it('rfc-strict: every member is removed, as the RFC says', async () => {
      const id = await newGroup(`strict ${kind}`);
      const res = await patch(`/Groups/${id}`, [{ op: 'remove', path: 'members' }], 'rfc-strict');
      expect(res.status).toBe(204);
      expect(await membersOf(id)).toEqual([]);
    });

    it("the tenant's explicit switch allowRemoveAll=true allows it under any profile", async () => {
      await t.tenantService.createTenant('switched', undefined, { switches: 'allowRemoveAll=true' });
      const plain = await t.token('switched');
      const okta = (await t.tokens.issue('switched', 'okta', ['users:write', 'groups:write'], undefined, 'okta')).token;
      for (const [name, token] of [['default', plain], ['okta', okta]]) {
        const users = [];
        for (let i = 0; i < 2; i++) {
          const { emails: _e, ...body } = oktaUser();
          users.push((await t.http.post('/scim/v2/Users').set('Authorization', `Bearer ${token}`).send(body)).body.id as string);
        }
        const group = await t.http.post('/scim/v2/Groups').set('Authorization', `Bearer ${token}`)
          .send({ schemas: [GROUP_SCHEMA], displayName: `switched ${name}`, members: users.map((value) => ({ value })) });
        expect(group.status).toBe(201);
        const res = await t.http.patch(`/scim/v2/Groups/${group.body.id}`).set('Authorization', `Bearer ${token}`)
          .send({ schemas: [PATCH_OP], Operations: [{ op: 'remove', path: 'members' }] });
        expect(res.status).toBe(204);
        const after = await t.http.get(`/scim/v2/Groups/${group.body.id}`).set('Authorization', `Bearer ${token}`);
        expect(after.body.members).toBeUndefined();
      }
      // dropping the switch brings the guard back on the next request
      await t.tenantService.updateTenant('switched', { switches: 'allowRemoveAll=default' });
      const group = await t.http.post('/scim/v2/Groups').set('Authorization', `Bearer ${plain}`)
        .send({ schemas: [GROUP_SCHEMA], displayName: 'switched again' });
      const res = await t.http.patch(`/scim/v2/Groups/${group.body.id}`).set('Authorization', `Bearer ${plain}`)
        .send({ schemas: [PATCH_OP], Operations: [{ op: 'remove', path: 'members' }] });
      expectScimError(res as unknown as Res, 400, 'invalidValue');
    });
  });

  describe('filters IdPs send (RFC 7644 §3.4.2.2, docs/idp/quirks.md #36)', () => {
    const list = (path: string, filter: string, profile = 'lenient') =>
      t.http.get(`/scim/v2${path}`).query({ filter }).set('Authorization', `Bearer ${tokens[profile]}`) as unknown as Promise<Res>;
    const ids = (res: Res) => (res.body.Resources as Array<{ id: string }>).map((r) => r.id).sort();

    it('lenient and entra: emails[type eq "work"].value eq "x" answers like emails[type eq "work" and value eq "x"]; rfc-strict and okta: 400 invalidFilter', async () => {
      const mail = `match.${kind}@example.com`;
      const { emails: _e, ...body } = oktaUser();
      const work = await send('post', '/Users', { ...body, emails: [{ type: 'work', value: mail }] });
      const { emails: _e2, ...body2 } = oktaUser();
      // the same address as a home email must not match
      await send('post', '/Users', { ...body2, emails: [{ type: 'home', value: mail }, { type: 'work', value: `other.${mail}` }] });
      const rfc = await list('/Users', `emails[type eq "work" and value eq "${mail.toUpperCase()}"]`);
      expect(ids(rfc)).toEqual([work.body.id]);
      for (const profile of ['lenient', 'entra']) {
        const res = await list('/Users', `emails[type eq "work"].value eq "${mail.toUpperCase()}"`, profile);
        expect(res.status).toBe(200);
        expect(ids(res)).toEqual(ids(rfc));
      }
      const searched = await t.http.post('/scim/v2/Users/.search').set('Authorization', `Bearer ${tokens.entra}`)
        .send({ schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: `emails[type eq "work"].value eq "${mail}"` });
      expect(ids(searched as unknown as Res)).toEqual(ids(rfc));
      for (const profile of ['rfc-strict', 'okta']) {
        expectScimError(await list('/Users', `emails[type eq "work"].value eq "${mail}"`, profile), 400, 'invalidFilter');
      }
    });

    it('every profile: members[value eq "<id>"] finds the groups of a member (IPSIE group look-up)', async () => {
      const member = await newUser();
      const other = await newUser();
      const mk = async (name: string, members: string[]) =>
        (await send('post', '/Groups', { schemas: [GROUP_SCHEMA], displayName: `${name} ${kind}`, members: members.map((value) => ({ value })) })).body.id as string;
      const a = await mk('with member A', [member, other]);
      const b = await mk('with member B', [member]);
      await mk('without member', [other]);
      for (const profile of ['lenient', 'rfc-strict', 'entra', 'okta']) {
        const res = await t.http.get('/scim/v2/Groups').query({ filter: `members[value eq "${member}"]`, excludedAttributes: 'members' })
          .set('Authorization', `Bearer ${tokens[profile]}`);
        expect(res.status).toBe(200);
        expect(ids(res as unknown as Res)).toEqual([a, b].sort());
      }
    });
  });

  describe('profile auto: okta or entra from documented fingerprints, else the default', () => {
    let auto: string;
    const send2 = (method: 'patch' | 'post', path: string, body: object, headers: Record<string, string> = {}) =>
      t.http[method](`/scim/v2${path}`).set('Authorization', `Bearer ${auto}`).set(headers).send(body) as unknown as Promise<Res & { header: Record<string, string> }>;
    const noMatch = (op: string) => ({ schemas: [PATCH_OP], Operations: [{ op, path: 'phoneNumbers[type eq "fax"].value', value: '555-0199' }] });

    beforeAll(async () => {
      await t.tenantService.createTenant('auto-tenant', 'auto');
      auto = await t.token('auto-tenant');
    });

    it('a capitalised op (Entra) runs under entra; the same request in lower case under the default', async () => {
      const { emails: _e, ...body } = oktaUser();
      const id = (await send2('post', '/Users', body)).body.id as string;
      const entra = await send2('patch', `/Users/${id}`, noMatch('Replace'));
      expect(entra.status).toBe(200);
      expect(entra.body.phoneNumbers).toEqual([{ type: 'fax', value: '555-0199' }]);
      const plain = await send2('patch', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'phoneNumbers[type eq "work"].value', value: '1' }] });
      expectScimError(plain, 400, 'noTarget');
      // Entra's aadOptscim062020 flag in the URL is a fingerprint too
      const flagged = await t.http.patch(`/scim/v2/Users/${id}?aadOptscim062020`).set('Authorization', `Bearer ${auto}`)
        .send({ schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'phoneNumbers[type eq "work"].value', value: '1' }] });
      expect(flagged.status).toBe(200);
    });

    it("Okta's User-Agent runs under okta: a string boolean the default would coerce is refused", async () => {
      const { emails: _e, ...body } = oktaUser();
      const id = (await send2('post', '/Users', body)).body.id as string;
      const op = { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: 'False' }] };
      expectScimError(await send2('patch', `/Users/${id}`, op, { 'User-Agent': 'Okta SCIM Client 1.0.0' }), 400, 'invalidValue');
      expect((await send2('patch', `/Users/${id}`, op, { 'User-Agent': 'curl/8.0' })).body.active).toBe(false);
    });

    it('the audit row names the profile each request ran under and how it was chosen', async () => {
      const { emails: _e, ...body } = oktaUser();
      const created = await send2('post', '/Users', body, { 'X-Request-Id': 'auto-profile-1', 'User-Agent': 'Okta SCIM Client 1.0.0' });
      const id = created.body.id as string;
      await send2('patch', `/Users/${id}`, noMatch('Replace'), { 'X-Request-Id': 'auto-profile-2' });
      await send2('patch', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: 'x' }] }, { 'X-Request-Id': 'auto-profile-3' });
      await t.http.get('/scim/v2/Users').set('Authorization', `Bearer ${tokens.entra}`).set('X-Request-Id', 'auto-profile-4');
      await t.http.get('/scim/v2/Users').set('Authorization', `Bearer ${tokens.lenient}`).set('X-Request-Id', 'auto-profile-5');
      const audit = t.app.get(AuditService);
      let rows: Array<{ requestId: string; profile: string | null }> = [];
      for (let i = 0; i < 50 && rows.length < 5; i++) {
        await audit.flush();
        rows = (await audit.search({ limit: 1000 })).filter((r) => r.requestId.startsWith('auto-profile-'));
      }
      expect(Object.fromEntries(rows.map((r) => [r.requestId, r.profile]))).toEqual({
        'auto-profile-1': 'auto:okta',
        'auto-profile-2': 'auto:entra',
        'auto-profile-3': 'auto:default',
        'auto-profile-4': 'entra',
        'auto-profile-5': 'default',
      });
    });

    it('auto is accepted for tokens and tenants; an unknown name is refused', async () => {
      expect((await t.tokens.issue('auto-tenant', 'auto-token', ['users:read'], undefined, 'auto')).record.profile).toBe('auto');
      await expect(t.tenantService.updateTenant('auto-tenant', { profile: 'automatic' })).rejects.toThrow(/Unknown profile "automatic": use .*auto/);
    });
  });

  describe('profile interop (draft-zollner-scim-interop-profile: what it asks of a service provider)', () => {
    let interop: string;
    const as = (method: 'get' | 'post' | 'patch' | 'delete', path: string, body?: object) => {
      const req = t.http[method](`/scim/v2${path}`).set('Authorization', `Bearer ${interop}`);
      return (body ? req.set('Content-Type', SCIM_JSON).send(JSON.stringify(body)) : req) as unknown as Promise<Res>;
    };
    const user = (extra: Record<string, unknown> = {}) => {
      const { emails: _e, groups: _g, locale: _l, password: _p, ...body } = oktaUser();
      return { ...body, ...extra };
    };

    beforeAll(async () => {
      await t.tenantService.createTenant('interop-tenant', 'interop');
      interop = await t.token('interop-tenant');
    });

    it('ServiceProviderConfig says interopProfileConformant: true to its callers only', async () => {
      expect((await as('get', '/ServiceProviderConfig')).body.interopProfileConformant).toBe(true);
      expect((await t.http.get('/scim/v2/ServiceProviderConfig')).body.interopProfileConformant).toBeUndefined();
      const other = await t.http.get('/scim/v2/ServiceProviderConfig').set('Authorization', `Bearer ${tokens['rfc-strict']}`);
      expect(other.body.interopProfileConformant).toBeUndefined();
    });

    it('attributes, sub-attributes and schema URIs the schemas do not define: 400 invalidSyntax', async () => {
      expectScimError(await as('post', '/Users', user({ shoeSize: 42 })), 400, 'invalidSyntax');
      expectScimError(await as('post', '/Users', user({ name: { givenName: 'A', nickname: 'x' } })), 400, 'invalidSyntax');
      const urn = user({ schemas: [USER_SCHEMA, 'urn:scim:schemas:core:1.0'] });
      expectScimError(await as('post', '/Users', urn), 400, 'invalidSyntax');
      const id = (await as('post', '/Users', user())).body.id as string;
      const bad = (ops: unknown[]) => as('patch', `/Users/${id}`, { schemas: [PATCH_OP], Operations: ops });
      expectScimError(await bad([{ op: 'replace', path: 'shoeSize', value: 42 }]), 400, 'invalidSyntax');
      expectScimError(await bad([{ op: 'replace', path: 'name.nickname', value: 'x' }]), 400, 'invalidSyntax');
    });

    it('a PATCH operation without a path: 400 invalidSyntax', async () => {
      const id = (await as('post', '/Users', user())).body.id as string;
      const res = await as('patch', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { title: 'x' } }] });
      expectScimError(res, 400, 'invalidSyntax');
      const ok = await as('patch', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: 'x' }] });
      expect(ok.body.title).toBe('x');
    });

    it('a filter on an attribute the resource type does not define: 400 invalidFilter', async () => {
      expectScimError(await as('get', '/Users?filter=' + encodeURIComponent('shoeSize eq 42')), 400, 'invalidFilter');
      expectScimError(await as('get', '/Groups?filter=' + encodeURIComponent('userName eq "x"')), 400, 'invalidFilter');
    });

    it('type values are the declared canonical ones, and /Schemas declares them for every typed attribute', async () => {
      expect((await as('post', '/Users', user({ emails: [{ type: 'WORK', value: `i.${kind}@example.com` }] }))).status).toBe(201);
      expectScimError(await as('post', '/Users', user({ emails: [{ type: 'office', value: 'o@example.com' }] })), 400, 'invalidValue');
      expectScimError(await as('post', '/Users', user({ roles: [{ type: 'app', value: 'admin' }] })), 400, 'invalidValue');
      expect((await as('post', '/Users', user({ roles: [{ value: 'admin' }] }))).status).toBe(201);
      const schemas = (await as('get', '/Schemas')).body.Resources as Array<{ attributes: Array<{ name: string; multiValued: boolean; subAttributes?: Array<{ name: string; canonicalValues?: string[] }> }> }>;
      const typed = schemas.flatMap((s) => s.attributes).filter((a) => a.multiValued && a.subAttributes?.some((x) => x.name === 'type'));
      expect(typed.length).toBeGreaterThan(5);
      expect(typed.filter((a) => !Array.isArray(a.subAttributes!.find((x) => x.name === 'type')!.canonicalValues)).map((a) => a.name)).toEqual([]);
      // every ResourceType's id equals its name
      const types = (await as('get', '/ResourceTypes')).body.Resources as Array<{ id: string; name: string }>;
      expect(types.filter((r) => r.id !== r.name)).toEqual([]);
    });

    it('DELETE frees the userName for a new resource', async () => {
      const body = user();
      const first = await as('post', '/Users', body);
      expect((await as('delete', `/Users/${first.body.id}`)).status).toBe(204);
      expect((await as('get', `/Users/${first.body.id}`)).status).toBe(404);
      const again = await as('post', '/Users', body);
      expect(again.status).toBe(201);
      expect(again.body.id).not.toBe(first.body.id);
    });
  });

  describe("RFC 9865's pagination block in ServiceProviderConfig, and a tenant switch to leave it out", () => {
    /** the members RFC 7643 §5 defines for a ServiceProviderConfig */
    const RFC_7643_SPC = ['authenticationSchemes', 'bulk', 'changePassword', 'documentationUri', 'etag', 'filter', 'meta', 'patch', 'schemas', 'sort'];
    const spc = (token?: string) => {
      const req = t.http.get('/scim/v2/ServiceProviderConfig');
      return (token ? req.set('Authorization', `Bearer ${token}`) : req) as unknown as Promise<Res>;
    };

    it('is advertised without a token, with an invalid one and with a token of a tenant without the switch', async () => {
      for (const res of [await spc(), await spc('scim_not-a-token'), await spc(tokens.lenient), await spc(tokens['rfc-strict'])]) {
        expect(res.status).toBe(200);
        expect(res.body.pagination).toMatchObject({ cursor: true, index: true });
      }
    });

    it('omitSpcPagination=true leaves it out for the tenant\'s tokens only; nothing else changes', async () => {
      await t.tenantService.createTenant('strict-parser', undefined, { switches: 'omitSpcPagination=true' });
      const token = await t.token('strict-parser');
      const full = await spc(tokens.lenient);
      const lean = await spc(token);
      expect(lean.status).toBe(200);
      expect(Object.keys(lean.body).sort()).toEqual(RFC_7643_SPC);
      const { pagination: _p, ...rest } = full.body;
      expect(lean.body).toEqual(rest);
      // a tenant with SCIM switched off gets the RFC's view, like an anonymous caller
      await t.tenantService.updateTenant('strict-parser', { scimEnabled: false });
      expect((await spc(token)).body.pagination).toBeDefined();
    });
  });

  describe('a filtered replace that matches nothing (RFC 7644 §3.5.2.3, docs/idp/quirks.md #9)', () => {
    it.each(['lenient', 'rfc-strict', 'okta'])('%s: replace phoneNumbers[type eq "fax"].value -> 400 noTarget, nothing written', async (profile) => {
      const id = await newUser();
      const res = await patch(`/Users/${id}`, [{ op: 'replace', path: 'phoneNumbers[type eq "fax"].value', value: '555-0199' }], profile);
      expectScimError(res, 400, 'noTarget');
      const after = await t.http.get(`/scim/v2/Users/${id}`).set('Authorization', `Bearer ${tokens.lenient}`);
      expect(after.body.phoneNumbers).toEqual([{ type: 'work', value: '555-0100' }]);
      expect(after.body.meta.version).toBe('W/"1"');
    });

    it('lenient: replace emails[type eq "fax"].value on a user without emails -> 400 noTarget', async () => {
      const id = await newUser();
      expectScimError(await patch(`/Users/${id}`, [{ op: 'replace', path: 'emails[type eq "fax"].value', value: 'f@example.com' }]), 400, 'noTarget');
    });

    it('entra: the same replace creates the value from the filter (Entra expects it)', async () => {
      const id = await newUser();
      const res = await patch(`/Users/${id}`, [{ op: 'Replace', path: 'phoneNumbers[type eq "fax"].value', value: '555-0199' }], 'entra');
      expect(res.status).toBe(200);
      expect(res.body.phoneNumbers).toEqual([
        { type: 'work', value: '555-0100' },
        { type: 'fax', value: '555-0199' },
      ]);
    });

    it('lenient and entra: an add with a filter that matches nothing creates the value (RFC 7644 §3.5.2.1 has no value-filter rule); rfc-strict: noTarget', async () => {
      for (const profile of ['lenient', 'entra']) {
        const id = await newUser();
        const res = await patch(`/Users/${id}`, [{ op: 'Add', path: 'emails[type eq "work"].value', value: `${profile}@example.com` }], profile);
        expect(res.status).toBe(200);
        expect(res.body.emails).toEqual([{ type: 'work', value: `${profile}@example.com` }]);
      }
      const id = await newUser();
      expectScimError(await patch(`/Users/${id}`, [{ op: 'add', path: 'emails[type eq "work"].value', value: 'x@example.com' }], 'rfc-strict'), 400, 'noTarget');
    });

    it('every profile: a replace whose filter matches replaces the matching value only', async () => {
      for (const profile of ['lenient', 'rfc-strict', 'entra', 'okta']) {
        const id = await newUser();
        const res = await patch(`/Users/${id}`, [{ op: 'replace', path: 'phoneNumbers[type eq "work"].value', value: '555-0111' }], profile);
        expect(res.status).toBe(200);
        expect(res.body.phoneNumbers).toEqual([{ type: 'work', value: '555-0111' }]);
      }
    });
  });
});
