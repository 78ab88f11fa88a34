/**
 * One black-box SCIM suite over every way the module is hosted (STYLE §4, §10), on SQLite and
 * MariaDB/MySQL: the standalone server (TestApp, AppModule) and a host application
 * (test/support/host-fixture.module.ts) that imports ScimModule with forRoot and with
 * forRootAsync through useFactory, useClass and useExisting, next to its own DataSource, global
 * guard, global exception filter and routes. The same SCIM checks run on each; the host's own
 * route, guard and filter must behave as if SCIM were not there. The host fixture and AppModule
 * also run on Express, with nothing SCIM-specific configured:
 * test/e2e/express-host.e2e-spec.ts covers the rest of the Express path (bodies, limits, ETags).
 * The last block pins the request shapes docs/idp/*.md tell administrators the server accepts
 * (docs/idp/quirks.md #N).
 */
import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { loadConfig } from '../../src/server/config/app.config';
import { Scope, TenantService, TokenService } from '../../src/library';
import { ENTERPRISE, USER_SCHEMA, oktaUser } from '../fixtures/users.factory';
import { DatabaseKind, TEST_DATABASES, TestDatabase, createTestDatabase } from '../support/databases';
import { startExpressAppModule, startExpressHostFixture } from '../support/express-host';
import {
  HOST_INTERCEPTOR_HEADER,
  HostApiKeyGuard,
  HostResponseInterceptor,
  HostErrorBody,
  HostSettings,
  SCIM_BINDINGS,
  ScimBinding,
  startHostFixture,
} from '../support/host-fixture.module';
import { ALL, SCIM_JSON, TestApp } from '../support/test-app';

const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const SCIM = '/scim/v2';
const HOST_KEY = 'host-fixture-api-key';

/** A running app: the standalone server or the host fixture. */
interface Running {
  readonly app: INestApplication;
  close(): Promise<void>;
}

interface Hosting {
  readonly name: string;
  /** the host fixture (its own guard, filter and routes), not the standalone server */
  readonly isHost: boolean;
  /** what /ServiceProviderConfig must advertise as filter.maxResults */
  readonly maxResults: number;
  start(kind: DatabaseKind): Promise<Running>;
}

const STANDALONE: Hosting = {
  name: 'standalone AppModule',
  isHost: false,
  maxResults: 1000,
  start: async (kind) => {
    const t = await TestApp.start(kind);
    return { app: t.app, close: () => t.close() };
  },
};

/** Starts `app` on a fresh database of `kind`; closing the app drops the database. */
async function onFreshDatabase(
  kind: DatabaseKind,
  app: (url: string) => Promise<INestApplication>,
): Promise<Running> {
  const db: TestDatabase = await createTestDatabase(kind);
  try {
    const started = await app(db.url);
    return {
      app: started,
      close: async () => {
        await started.close();
        await db.drop();
      },
    };
  } catch (e) {
    await db.drop();
    throw e;
  }
}

function hostFixture(binding: ScimBinding, maxResults: number, on: 'Fastify' | 'Express' = 'Fastify'): Hosting {
  const settings = (databaseUrl: string): HostSettings => ({
    databaseUrl,
    scimTokenPepper: 'host-fixture-pepper-0123456789',
    scimMaxResults: maxResults,
    apiKey: HOST_KEY,
  });
  const start = on === 'Fastify' ? startHostFixture : startExpressHostFixture;
  return {
    name:
      `host fixture${on === 'Express' ? ' on Express' : ''}, ` +
      `ScimModule.${binding === 'forRoot' ? 'forRoot' : `forRootAsync(${binding})`}`,
    isHost: true,
    maxResults,
    start: (kind) => onFreshDatabase(kind, (url) => start(settings(url), binding)),
  };
}

/** AppModule (the standalone server's module, its global SCIM filter) on a plain Express adapter. */
const EXPRESS_APP_MODULE: Hosting = {
  name: 'AppModule on Express',
  isHost: false,
  maxResults: 1000,
  start: (kind) =>
    onFreshDatabase(kind, (url) =>
      startExpressAppModule(loadConfig({ DATABASE_URL: url, SCIM_BOOTSTRAP: 'false' })),
    ),
};

const HOSTINGS: Hosting[] = [
  STANDALONE,
  ...SCIM_BINDINGS.map((b, i) => hostFixture(b, 200 + i)),
  EXPRESS_APP_MODULE,
  hostFixture('forRoot', 300, 'Express'),
];
const CASES = HOSTINGS.flatMap((h) => TEST_DATABASES.map((kind) => [h.name, kind, h] as const));

type Res = request.Response;

const expectScimError = (res: Res, status: number, scimType?: string) => {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
  expect(res.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: String(status) });
  expect(typeof res.body.detail).toBe('string');
  if (scimType) {
    expect(res.body.scimType).toBe(scimType);
  }
};

const expectHostError = (res: Res, status: number) => {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.body).toEqual<HostErrorBody>({ error: { status, message: expect.any(String) } });
};

describe.each(CASES)('SCIM compliance: %s on %s', (_name, kind, hosting) => {
  let running: Running;
  let origin: string;
  let token: string;

  beforeAll(async () => {
    running = await hosting.start(kind);
    origin = `http://127.0.0.1:${(running.app.getHttpServer().address() as { port: number }).port}`;
    token = await issue('acme', ALL);
  });
  afterAll(async () => {
    await running?.close();
  });

  async function issue(tenant: string, scopes: Scope[], profile?: string): Promise<string> {
    const tokens = running.app.get(TokenService);
    const tenants = running.app.get(TenantService);
    if (!(await tenants.listTenants()).some((t) => t.slug === tenant)) {
      await tenants.createTenant(tenant);
    }
    return (await tokens.issue(tenant, `compliance-${profile ?? 'default'}`, scopes, undefined, profile)).token;
  }

  const http = () => request(origin);
  const auth = () => ({ Authorization: `Bearer ${token}` });
  const get = (path: string, query: Record<string, string | number> = {}) =>
    http().get(`${SCIM}${path}`).query(query).set(auth());
  const send = (method: 'post' | 'put' | 'patch', path: string, body: unknown, query = '', tk = token) =>
    http()[method](`${SCIM}${path}${query}`)
      .set('Authorization', `Bearer ${tk}`)
      .set('Content-Type', SCIM_JSON)
      .send(JSON.stringify(body));
  const patchOp = (operations: unknown[]) => ({ schemas: [PATCH_OP], Operations: operations });
  const ids = (res: Res) => (res.body.Resources as Array<{ id: string }>).map((r) => r.id);
  /** a 404 for a URL that is not a SCIM endpoint: the app's own shape */
  const expectForeign404 = (res: Res) => (hosting.isHost ? expectHostError(res, 404) : expectScimError(res, 404));

  describe('discovery (RFC 7644 §4)', () => {
    it('serves /ServiceProviderConfig without a token, with the options the module was given', async () => {
      const res = await http().get(`${SCIM}/ServiceProviderConfig`);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
      expect(res.body).toMatchObject({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
        patch: { supported: true },
        filter: { supported: true, maxResults: hosting.maxResults },
        etag: { supported: true },
      });
      expect(res.body.authenticationSchemes[0].type).toBe('oauthbearertoken');
    });

    it('lists both resource types and their schemas, located under this origin', async () => {
      const rts = await http().get(`${SCIM}/ResourceTypes`);
      expect(rts.status).toBe(200);
      expect(rts.body.schemas).toEqual([LIST_RESPONSE]);
      expect(rts.body.Resources.map((r: { id: string; endpoint: string }) => [r.id, r.endpoint])).toEqual([
        ['User', '/Users'],
        ['Group', '/Groups'],
      ]);
      expect(rts.body.Resources[0].meta.location).toBe(`${origin}${SCIM}/ResourceTypes/User`);
      const schemas = await http().get(`${SCIM}/Schemas`);
      expect(schemas.body.Resources.map((s: { id: string }) => s.id)).toEqual(
        expect.arrayContaining([USER_SCHEMA, ENTERPRISE, GROUP_SCHEMA]),
      );
      expectScimError(await http().get(`${SCIM}/ResourceTypes/Device`), 404);
    });
  });

  describe('authentication (RFC 7644 §2)', () => {
    it('answers 401 with WWW-Authenticate and a SCIM body without a token or with an unknown one', async () => {
      const none = await http().get(`${SCIM}/Users`);
      expectScimError(none, 401);
      expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
      expectScimError(await http().get(`${SCIM}/Groups`).set('Authorization', 'Bearer scim_unknown'), 401);
    });

    it('answers 403 with a SCIM body when the token lacks the scope', async () => {
      const reader = await issue('acme', ['users:read']);
      const res = await http()
        .post(`${SCIM}/Users`)
        .set('Authorization', `Bearer ${reader}`)
        .set('Content-Type', SCIM_JSON)
        .send(JSON.stringify(oktaUser()));
      expectScimError(res, 403);
    });
  });

  describe('a User: create, get, filter, patch, delete (RFC 7644 §3.3-§3.6)', () => {
    const userName = `Jane.Compliance.${kind}@Example.com`;
    let id: string;

    it('POST creates it: 201, Location, ETag, the userName as sent', async () => {
      const res = await send('post', '/Users', oktaUser({ userName, externalId: 'EXT-Jane' }));
      expect(res.status).toBe(201);
      expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
      id = res.body.id;
      expect(res.headers.location).toBe(`${origin}${SCIM}/Users/${id}`);
      expect(res.headers.etag).toBe('W/"1"');
      expect(res.body).toMatchObject({ schemas: [USER_SCHEMA], userName, active: true, meta: { resourceType: 'User' } });
      expect(res.body.password).toBeUndefined();
      expectScimError(await send('post', '/Users', oktaUser({ userName: userName.toUpperCase() })), 409, 'uniqueness');
    });

    it('GET reads it back', async () => {
      const res = await get(`/Users/${id}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id, userName, externalId: 'EXT-Jane', meta: { location: `${origin}${SCIM}/Users/${id}` } });
      expect(res.headers.etag).toBe(res.body.meta.version);
    });

    it('filters: userName case-insensitively, externalId case-exactly, an empty page as Resources: []', async () => {
      const byName = await get('/Users', { filter: `userName eq "${userName.toLowerCase()}"`, startIndex: 1, count: 100 });
      expect(byName.status).toBe(200);
      expect(byName.body).toMatchObject({ schemas: [LIST_RESPONSE], totalResults: 1, itemsPerPage: 1, startIndex: 1 });
      expect(ids(byName)).toEqual([id]);
      expect(ids(await get('/Users', { filter: 'externalId eq "EXT-Jane"' }))).toEqual([id]);
      expect(ids(await get('/Users', { filter: 'externalId eq "ext-jane"' }))).toEqual([]);
      const none = await get('/Users', { filter: 'userName eq "nobody@example.com"' });
      expect(none.body).toEqual({ schemas: [LIST_RESPONSE], totalResults: 0, itemsPerPage: 0, startIndex: 1, Resources: [] });
      expectScimError(await get('/Users', { filter: 'userName eq' }), 400, 'invalidFilter');
    });

    it('PATCH applies an Okta deactivation and an Entra reactivation, keeping everything else', async () => {
      const off = await send('patch', `/Users/${id}`, patchOp([{ op: 'replace', value: { active: false } }]));
      expect(off.status).toBe(200);
      expect(off.body).toMatchObject({ active: false, userName, externalId: 'EXT-Jane' });
      const on = await send('patch', `/Users/${id}`, patchOp([{ op: 'Replace', path: 'active', value: 'True' }]));
      expect(on.status).toBe(200);
      expect(on.body.active).toBe(true);
      expect(on.body.meta.version).toBe('W/"3"');
    });

    it('DELETE removes it: 204, then 404 with a SCIM body, also for a second DELETE', async () => {
      const del = await http().delete(`${SCIM}/Users/${id}`).set(auth());
      expect(del.status).toBe(204);
      expect(del.text).toBe('');
      expectScimError(await get(`/Users/${id}`), 404);
      expectScimError(await http().delete(`${SCIM}/Users/${id}`).set(auth()), 404);
    });
  });

  describe('a Group with members (RFC 7643 §4.2, RFC 7644 §3.5.2)', () => {
    const members: string[] = [];
    let id: string;

    beforeAll(async () => {
      for (let i = 0; i < 3; i++) {
        members.push((await send('post', '/Users', oktaUser())).body.id);
      }
    });

    it('POST creates it with a member; GET shows the member with its type and $ref', async () => {
      const res = await send('post', '/Groups', {
        schemas: [GROUP_SCHEMA],
        displayName: `Compliance ${kind}`,
        externalId: 'GRP-1',
        members: [{ value: members[0] }],
      });
      expect(res.status).toBe(201);
      id = res.body.id;
      expect(res.headers.location).toBe(`${origin}${SCIM}/Groups/${id}`);
      const got = await get(`/Groups/${id}`);
      expect(got.body.members).toEqual([
        expect.objectContaining({ value: members[0], type: 'User', $ref: `${origin}${SCIM}/Users/${members[0]}` }),
      ]);
    });

    it('PATCH adds and removes members (204 as Okta and Entra accept)', async () => {
      const add = await send('patch', `/Groups/${id}`, patchOp([{ op: 'add', path: 'members', value: [{ value: members[1] }, { value: members[2] }] }]));
      expect(add.status).toBe(204);
      expect(add.headers.etag).toBe('W/"2"');
      const remove = await send('patch', `/Groups/${id}`, patchOp([{ op: 'remove', path: `members[value eq "${members[0]}"]` }]));
      expect(remove.status).toBe(204);
      const got = await get(`/Groups/${id}`);
      expect(got.body.members.map((m: { value: string }) => m.value).sort()).toEqual([members[1], members[2]].sort());
    });

    it('filters by displayName with excludedAttributes=members, and by member', async () => {
      const lean = await get('/Groups', { filter: `displayName eq "compliance ${kind}"`, excludedAttributes: 'members' });
      expect(ids(lean)).toEqual([id]);
      expect(lean.body.Resources[0].members).toBeUndefined();
      expect(ids(await get('/Groups', { filter: `members.value eq "${members[2]}"`, excludedAttributes: 'members' }))).toEqual([id]);
      const user = await get(`/Users/${members[1]}`);
      expect(user.body.groups).toEqual([expect.objectContaining({ value: id, type: 'direct' })]);
    });

    it('DELETE removes it; a later read is a SCIM 404', async () => {
      expect((await http().delete(`${SCIM}/Groups/${id}`).set(auth())).status).toBe(204);
      expectScimError(await get(`/Groups/${id}`), 404);
    });
  });

  describe("the app's own routes, guard and filter", () => {
    it('a URL that is no SCIM endpoint gets the app\'s own 404', async () => {
      expectForeign404(await http().get('/nope'));
      // under the SCIM prefix too: an unmatched route is the app's (docs/host-integration.md §8)
      expectForeign404(await http().get(`${SCIM}/Nope`).set(auth()));
    });

    it('a SCIM error keeps the SCIM shape in every hosting mode', async () => {
      expectScimError(await get('/Users/does-not-exist'), 404);
      expectScimError(await send('post', '/Users', { schemas: [USER_SCHEMA] }), 400, 'invalidValue');
    });

    if (hosting.isHost) {
      it("the host's guard still protects /hello, with the host's error shape", async () => {
        expectHostError(await http().get('/hello'), 401);
        expectHostError(await http().get('/hello').set('x-host-key', 'wrong'), 401);
        // a SCIM token opens no host route
        expectHostError(await http().get('/hello').set(auth()), 401);
        const ok = await http().get('/hello').set('x-host-key', HOST_KEY);
        expect(ok.status).toBe(200);
        expect(ok.body).toEqual({ hello: 'world' });
      });

      it("the host's filter still answers its own errors", async () => {
        expectHostError(await http().get('/hello/teapot').set('x-host-key', HOST_KEY), 418);
      });

      it("the host's global guard runs on SCIM requests and lets them through", async () => {
        const guard = running.app.get(HostApiKeyGuard);
        const before = guard.passedThrough;
        expect((await get('/Users')).status).toBe(200);
        expect(guard.passedThrough).toBe(before + 1);
      });

      it("the host's global interceptor wraps SCIM handlers, and SCIM's own headers are kept", async () => {
        const interceptor = running.app.get(HostResponseInterceptor);
        const before = interceptor.seen;
        const created = await send('post', '/Users', { schemas: [USER_SCHEMA], userName: 'host-interceptor@example.com' });
        expect(created.status).toBe(201);
        expect(created.headers['content-type']).toMatch(/^application\/scim\+json/);
        expect(created.headers.location).toBe(created.body.meta.location);
        expect(created.headers.etag).toBe(created.body.meta.version);
        expect(created.headers[HOST_INTERCEPTOR_HEADER]).toBe('after');
        const read = await get(`/Users/${created.body.id}`);
        expect(read.status).toBe(200);
        expect(read.headers.etag).toBe(created.body.meta.version);
        expect(read.headers[HOST_INTERCEPTOR_HEADER]).toBe('after');
        expect(interceptor.seen).toBe(before + 2);
      });
    } else {
      it('has no /hello: the standalone server is SCIM only', async () => {
        expectScimError(await http().get('/hello'), 404);
      });
    }
  });

  describe('request shapes docs/idp/*.md rely on, under the profile each guide recommends', () => {
    let entra: string;
    let okta: string;
    beforeAll(async () => {
      entra = await issue('acme', ALL, 'entra');
      okta = await issue('acme', ALL, 'okta');
    });

    it('Entra: the Test Connection probe, with the aadOptscim062020 flag on the URL, finds nothing (#5)', async () => {
      const res = await http()
        .get(`${SCIM}/Users`)
        .query({ filter: 'userName eq "1b2a3c4d-probe@example.com"', aadOptscim062020: '' })
        .set('Authorization', `Bearer ${entra}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ totalResults: 0, Resources: [] });
    });

    it('Entra: create, "False"/"True" strings, dotted and URN keys, manager as a string (#1-#3, #8, #10)', async () => {
      const userName = `entra.user.${kind}@example.com`;
      const created = await send('post', '/Users', {
        schemas: [USER_SCHEMA, ENTERPRISE],
        externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
        userName,
        active: true,
        emails: [{ primary: true, type: 'work', value: userName }],
        meta: { resourceType: 'User' },
        name: { formatted: 'Given Family', familyName: 'Family', givenName: 'Given' },
        roles: [],
      }, '', entra);
      expect(created.status).toBe(201);
      const id = created.body.id as string;
      const off = await send('patch', `/Users/${id}`, patchOp([{ op: 'Replace', path: 'active', value: 'False' }]), '', entra);
      expect(off.body.active).toBe(false);
      // a deactivated user stays readable (#10)
      expect((await get(`/Users/${id}`)).body.active).toBe(false);
      const flagged = await send('patch', `/Users/${id}`, patchOp([
        { op: 'replace', value: { active: 'True', 'name.givenName': 'Neu', [`${ENTERPRISE}:department`]: 'Sales' } },
        { op: 'Add', path: `${ENTERPRISE}:manager`, value: 'manager-id' },
      ]), '', entra);
      expect(flagged.status).toBe(200);
      expect(flagged.body).toMatchObject({ active: true, name: { givenName: 'Neu', familyName: 'Family' } });
      expect(flagged.body[ENTERPRISE]).toEqual({ department: 'Sales', manager: { value: 'manager-id' } });
    });

    it('Entra: a replace of emails[type eq "work"].value on a user without one creates it (#9)', async () => {
      const { emails: _e, ...body } = oktaUser();
      const user = (await send('post', '/Users', body, '', entra)).body.id as string;
      const res = await send('patch', `/Users/${user}`, patchOp([
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'new.mail@example.com' },
        { op: 'Replace', path: 'name.familyName', value: 'Updated' },
      ]), '', entra);
      expect(res.status).toBe(200);
      expect(res.body.emails).toEqual([{ type: 'work', value: 'new.mail@example.com' }]);
      expect(res.body.name.familyName).toBe('Updated');
    });

    it("Entra: a group with Microsoft's extra URN, members added with $ref null, removed both ways (#4, #6)", async () => {
      const users: string[] = [];
      for (let i = 0; i < 2; i++) {
        users.push((await send('post', '/Users', oktaUser(), '', entra)).body.id as string);
      }
      const group = await send('post', '/Groups', {
        schemas: [GROUP_SCHEMA, 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'],
        externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
        displayName: `Entra group ${kind}`,
        meta: { resourceType: 'Group' },
      }, '', entra);
      expect(group.status).toBe(201);
      expect(group.body.schemas).toEqual([GROUP_SCHEMA]);
      const gid = group.body.id as string;
      const patch = (ops: unknown[]) => send('patch', `/Groups/${gid}`, patchOp(ops), '', entra);
      expect((await patch([{ op: 'Add', path: 'members', value: users.map((u) => ({ $ref: null, value: u })) }])).status).toBe(204);
      const found = await http()
        .get(`${SCIM}/Groups`)
        .query({ excludedAttributes: 'members', filter: 'externalId eq "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159"' })
        .set('Authorization', `Bearer ${entra}`);
      expect(ids(found)).toEqual([gid]);
      expect(found.body.Resources[0].members).toBeUndefined();
      expect((await patch([{ op: 'Remove', path: 'members', value: [{ $ref: null, value: users[0] }] }])).status).toBe(204);
      expect((await patch([{ op: 'Remove', path: `members[value eq "${users[1]}"]` }])).status).toBe(204);
      // removing a member that is gone already still succeeds (#14)
      expect((await patch([{ op: 'Remove', path: `members[value eq "${users[1]}"]` }])).status).toBe(204);
      expect((await get(`/Groups/${gid}`)).body.members).toBeUndefined();
    });

    it('Okta: create, deactivate, and a Group Push round (rename with id, remove+add, full replace) (#16, #18, #21)', async () => {
      const created = await send('post', '/Users', oktaUser(), '', okta);
      expect(created.status).toBe(201);
      const uid = created.body.id as string;
      const off = await send('patch', `/Users/${uid}`, patchOp([{ op: 'replace', value: { active: false } }]), '', okta);
      expect(off.body).toMatchObject({ active: false, userName: created.body.userName, emails: created.body.emails });
      const other = (await send('post', '/Users', oktaUser(), '', okta)).body.id as string;
      const group = await send('post', '/Groups', { schemas: [GROUP_SCHEMA], displayName: `Okta push ${kind}`, members: [] }, '', okta);
      expect(group.status).toBe(201);
      const gid = group.body.id as string;
      const patch = (ops: unknown[]) => send('patch', `/Groups/${gid}`, patchOp(ops), '?attributes=displayName,members', okta);
      const round = await patch([
        { op: 'replace', value: { id: gid, displayName: `Okta pushed ${kind}` } },
        { op: 'remove', path: `members[value eq "${other}"]` },
        { op: 'add', path: 'members', value: [{ value: uid, display: created.body.userName }] },
      ]);
      expect(round.status).toBe(200);
      expect(round.body.displayName).toBe(`Okta pushed ${kind}`);
      expect(round.body.members.map((m: { value: string }) => m.value)).toEqual([uid]);
      const full = await patch([{ op: 'replace', path: 'members', value: [{ value: other }] }]);
      expect(full.body.members.map((m: { value: string }) => m.value)).toEqual([other]);
      const empty = await patch([{ op: 'replace', path: 'members', value: [] }]);
      expect(empty.body.members).toBeUndefined();
      // the okta profile refuses Entra's string booleans: a wrong mapping fails loudly
      expectScimError(await send('patch', `/Users/${uid}`, patchOp([{ op: 'replace', path: 'active', value: 'True' }]), '', okta), 400, 'invalidValue');
    });

    it('Okta: the Test Connection listing pages with integers (#20)', async () => {
      const res = await http().get(`${SCIM}/Users`).query({ startIndex: 1, count: 2 }).set('Authorization', `Bearer ${okta}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ startIndex: 1, itemsPerPage: expect.any(Number), totalResults: expect.any(Number) });
      expect(res.body.itemsPerPage).toBeLessThanOrEqual(2);
    });

    it('Google (default profile): a SCIM 1.0 URN beside the 2.0 one is tolerated (#23)', async () => {
      const res = await send('post', '/Users', oktaUser({ schemas: ['urn:scim:schemas:core:1.0', USER_SCHEMA] }));
      expect(res.status).toBe(201);
      expect(res.body.schemas).toEqual([USER_SCHEMA]);
    });

    it('OneLogin (default profile): a template with only the 1.0 URN, "active" as a string, id null and meta', async () => {
      const userName = `onelogin.${kind}@example.com`;
      const body = {
        schemas: ['urn:scim:schemas:core:1.0'],
        userName,
        name: { givenName: 'One', familyName: 'Login', formatted: 'One Login' },
        emails: [{ value: userName, type: 'work', primary: true }],
        active: 'true',
        id: null,
        meta: { resourceType: 'User' },
        [ENTERPRISE]: { department: 'Sales' },
      };
      const res = await send('post', '/Users', body);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ schemas: [USER_SCHEMA, ENTERPRISE], userName, active: true });
      expect(res.body.id).toEqual(expect.any(String));
      expect(res.body[ENTERPRISE]).toEqual({ department: 'Sales' });
      // the okta and entra profiles want the 2.0 core URN in "schemas"
      expectScimError(await send('post', '/Users', { ...body, userName: `x.${userName}` }, '', entra), 400, 'invalidSyntax');
    });
  });
});
