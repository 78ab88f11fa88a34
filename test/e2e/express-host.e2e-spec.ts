/**
 * ScimModule in an Express host (the module must keep working when the host runs on Express): the
 * host fixture (its own DataSource, global guard, global filter and routes;
 * test/support/host-fixture.module.ts) on NestFactory.create(..., new ExpressAdapter()) with
 * nothing SCIM-specific configured: Nest's default body parser (application/json only), no parser
 * for application/scim+json, no hook. On SQLite and MariaDB/MySQL. The shared compliance suite
 * (compliance.e2e-spec.ts) runs on this host too; this file covers what it does not: bodies and
 * their limits, ETag preconditions, PUT, empty answers, the audit entry of a request whose body the
 * library read itself.
 */
import { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { INestApplication } from '@nestjs/common';
import { AuditService } from '../../src/audit/audit.service';
import { TenantService, TokenService } from '../../src/library';
import { USER_SCHEMA, oktaUser } from '../fixtures/users.factory';
import { TEST_DATABASES, TestDatabase, createTestDatabase } from '../support/databases';
import { loadConfig } from '../../src/server/config/app.config';
import { startExpressAppModule, startExpressHostFixture } from '../support/express-host';
import { HostErrorBody } from '../support/host-fixture.module';
import { ALL, SCIM_JSON } from '../support/test-app';

const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const BULK_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const SCIM = '/scim/v2';
const SCIM_CONTENT_TYPE = /^application\/scim\+json; charset=utf-8$/;
const MAX_PAYLOAD = 1024 * 1024;

type Res = request.Response;

const expectScimError = (res: Res, status: number, scimType?: string) => {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(SCIM_CONTENT_TYPE);
  expect(res.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: String(status) });
  expect(typeof res.body.detail).toBe('string');
  if (scimType) {
    expect(res.body.scimType).toBe(scimType);
  }
};

describe.each(TEST_DATABASES)('ScimModule in an Express host on %s', (kind) => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let origin: string;
  let token: string;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    app = await startExpressHostFixture(
      {
        databaseUrl: db.url,
        scimTokenPepper: 'express-host-pepper-0123456789',
        scimMaxResults: 500,
        apiKey: 'express-host-key',
      },
      'forRoot',
    );
    expect(app.getHttpAdapter().getType()).toBe('express');
    origin = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    const tokens = app.get(TokenService);
    const tenants = app.get(TenantService);
    await tenants.createTenant('acme');
    token = (await tokens.issue('acme', 'express', ALL)).token;
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const http = () => request(origin);
  const auth = () => ({ Authorization: `Bearer ${token}` });
  const get = (path: string) => http().get(`${SCIM}${path}`).set(auth());
  /** a request with a JSON body sent as application/scim+json (RFC 7644 §3.8) */
  const send = (method: 'post' | 'put' | 'patch', path: string, body: unknown, type = SCIM_JSON) =>
    http()[method](`${SCIM}${path}`).set(auth()).set('Content-Type', type).send(JSON.stringify(body));
  const patchOp = (operations: unknown[]) => ({ schemas: [PATCH_OP], Operations: operations });

  it('serves discovery without a token, as application/scim+json', async () => {
    const spc = await http().get(`${SCIM}/ServiceProviderConfig`);
    expect(spc.status).toBe(200);
    expect(spc.headers['content-type']).toMatch(SCIM_CONTENT_TYPE);
    expect(spc.body).toMatchObject({ filter: { supported: true, maxResults: 500 }, etag: { supported: true } });
    const types = await http().get(`${SCIM}/ResourceTypes/User`);
    expect(types.body).toMatchObject({ id: 'User', meta: { location: `${origin}${SCIM}/ResourceTypes/User` } });
    const schemas = await http().get(`${SCIM}/Schemas`);
    expect(schemas.body.schemas).toEqual([LIST_RESPONSE]);
    expect(schemas.body.totalResults).toBeGreaterThanOrEqual(3);
  });

  it('answers 401 without a token: SCIM body, WWW-Authenticate, X-Request-Id', async () => {
    const res = await http().get(`${SCIM}/Users`).set('X-Request-Id', 'express-req-1');
    expectScimError(res, 401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(res.headers['x-request-id']).toBe('express-req-1');
  });

  describe('a User through its whole life', () => {
    const user = oktaUser({ externalId: `EXT-express-${kind}` });
    let id: string;
    let version: string;

    it('POST with application/scim+json: 201, Location, ETag, SCIM content type', async () => {
      const res = await send('post', '/Users', user);
      expect(res.status).toBe(201);
      expect(res.headers['content-type']).toMatch(SCIM_CONTENT_TYPE);
      id = res.body.id;
      version = res.body.meta.version;
      expect(version).toBe('W/"1"');
      expect(res.headers.etag).toBe(version);
      expect(res.headers.location).toBe(`${origin}${SCIM}/Users/${id}`);
      expect(res.body).toMatchObject({ schemas: [USER_SCHEMA], userName: user.userName, active: true });
      expect(res.body.password).toBeUndefined();
    });

    it('the audit entry of that POST has the body the library read, password redacted', async () => {
      const audit = app.get(AuditService);
      await audit.flush();
      const entries = await audit.search({ limit: 100 });
      const created = entries.find((e) => e.method === 'POST' && e.resourceId === id);
      expect(created).toMatchObject({ status: 201, resourceType: 'User' });
      expect(created!.body).toContain(user.userName);
      expect(created!.body).not.toContain(user.password);
    });

    it('GET: 200 with the ETag; If-None-Match current -> 304 without a body, stale -> 200', async () => {
      const res = await get(`/Users/${id}`);
      expect(res.status).toBe(200);
      expect(res.headers.etag).toBe(version);
      const cached = await get(`/Users/${id}`).set('If-None-Match', version);
      expect(cached.status).toBe(304);
      expect(cached.text).toBe('');
      expect((await get(`/Users/${id}`).set('If-None-Match', 'W/"0"')).status).toBe(200);
    });

    it('lists with a filter, in SQL, case-insensitively on userName', async () => {
      const res = await http()
        .get(`${SCIM}/Users`)
        .query({ filter: `userName eq "${user.userName.toUpperCase()}"`, count: 10 })
        .set(auth());
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(SCIM_CONTENT_TYPE);
      expect(res.body).toMatchObject({ schemas: [LIST_RESPONSE], totalResults: 1 });
      expect(res.body.Resources[0].id).toBe(id);
      expectScimError(await http().get(`${SCIM}/Users`).query({ filter: 'userName eq' }).set(auth()), 400, 'invalidFilter');
    });

    it('PATCH with a stale If-Match -> 412; with the current one -> 200 and a new version', async () => {
      const op = patchOp([{ op: 'replace', path: 'title', value: 'Engineer' }]);
      expectScimError(await send('patch', `/Users/${id}`, op).set('If-Match', 'W/"9"'), 412);
      const res = await send('patch', `/Users/${id}`, op).set('If-Match', version);
      expect(res.status).toBe(200);
      expect(res.body.title).toBe('Engineer');
      expect(res.headers.etag).toBe('W/"2"');
      version = res.body.meta.version;
    });

    it('PATCH asking for no attributes -> 204 with an ETag and no body', async () => {
      const res = await send('patch', `/Users/${id}?attributes=`, patchOp([{ op: 'replace', path: 'nickName', value: 'Ex' }]));
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      expect(res.headers.etag).toBe('W/"3"');
      version = res.headers.etag;
    });

    it('PUT with a stale If-Match -> 412; then PUT replaces the user (application/json too)', async () => {
      const replacement = { ...user, displayName: 'Replaced', title: undefined };
      expectScimError(await send('put', `/Users/${id}`, replacement).set('If-Match', 'W/"1"'), 412);
      // application/json goes through the host's own parser (Nest's default on Express)
      const res = await send('put', `/Users/${id}`, replacement, 'application/json').set('If-Match', version);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(SCIM_CONTENT_TYPE);
      expect(res.body).toMatchObject({ id, displayName: 'Replaced', meta: { version: 'W/"4"' } });
      expect(res.body.title).toBeUndefined();
    });

    it('DELETE -> 204 with no body; then GET and DELETE -> SCIM 404', async () => {
      const res = await http().delete(`${SCIM}/Users/${id}`).set(auth());
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      expectScimError(await get(`/Users/${id}`), 404);
      expectScimError(await http().delete(`${SCIM}/Users/${id}`).set(auth()), 404);
    });
  });

  describe('a Group with members, /.search and /Bulk', () => {
    it('creates a group with a member, adds one (204), reads both back with $ref', async () => {
      const a = (await send('post', '/Users', oktaUser())).body.id as string;
      const b = (await send('post', '/Users', oktaUser())).body.id as string;
      const created = await send('post', '/Groups', {
        schemas: [GROUP_SCHEMA],
        displayName: `Express ${kind}`,
        members: [{ value: a }],
      });
      expect(created.status).toBe(201);
      const gid = created.body.id as string;
      expect(created.headers.location).toBe(`${origin}${SCIM}/Groups/${gid}`);
      const add = await send('patch', `/Groups/${gid}`, patchOp([{ op: 'add', path: 'members', value: [{ value: b }] }]));
      expect(add.status).toBe(204);
      expect(add.headers.etag).toBe('W/"2"');
      const got = await get(`/Groups/${gid}`);
      expect(got.body.members.map((m: { value: string }) => m.value).sort()).toEqual([a, b].sort());
      expect(got.body.members[0].$ref).toMatch(new RegExp(`^${origin}${SCIM}/Users/`));
      const byMember = await send('post', '/Groups/.search', {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
        filter: `members.value eq "${b}"`,
        excludedAttributes: ['members'],
      });
      expect(byMember.status).toBe(200);
      expect(byMember.body.Resources.map((g: { id: string }) => g.id)).toEqual([gid]);
      expect((await http().delete(`${SCIM}/Groups/${gid}`).set(auth())).status).toBe(204);
    });

    it('POST /Bulk with application/scim+json creates a user and a group referring to it', async () => {
      const res = await send('post', '/Bulk', {
        schemas: [BULK_REQUEST],
        Operations: [
          { method: 'POST', path: '/Users', bulkId: 'u1', data: oktaUser() },
          {
            method: 'POST',
            path: '/Groups',
            bulkId: 'g1',
            data: { schemas: [GROUP_SCHEMA], displayName: `Bulk ${kind}`, members: [{ value: 'bulkId:u1' }] },
          },
        ],
      });
      expect(res.status).toBe(200);
      expect(res.body.Operations.map((o: { status: string }) => o.status)).toEqual(['201', '201']);
    });
  });

  describe('request bodies the library reads itself (application/scim+json)', () => {
    it('malformed JSON -> 400 invalidSyntax with a SCIM body', async () => {
      const res = await http().post(`${SCIM}/Users`).set(auth()).set('Content-Type', SCIM_JSON).send('{"userName": ');
      expectScimError(res, 400, 'invalidSyntax');
    });

    it('a body over maxPayloadSize -> 413 with a SCIM body, announced or streamed', async () => {
      const big = JSON.stringify(oktaUser({ nickName: 'x'.repeat(MAX_PAYLOAD + 10) }));
      expectScimError(await http().post(`${SCIM}/Users`).set(auth()).set('Content-Type', SCIM_JSON).send(big), 413);
      // chunked, without Content-Length: refused once the limit is passed
      const streamed = await new Promise<Res>((resolve, reject) => {
        const req = http()
          .post(`${SCIM}/Users`)
          .set(auth())
          .set('Content-Type', SCIM_JSON)
          .set('Transfer-Encoding', 'chunked');
        req.write(big.slice(0, MAX_PAYLOAD / 2));
        req.write(big.slice(MAX_PAYLOAD / 2));
        req.end((err: unknown, res: Res) => (err ? reject(err) : resolve(res)));
      });
      expectScimError(streamed, 413);
      // the server is still fine
      expect((await get('/Users?count=1')).status).toBe(200);
    });

    it('a body of another media type -> 415 with a SCIM body', async () => {
      const res = await http().post(`${SCIM}/Users`).set(auth()).set('Content-Type', 'text/plain').send('userName=x');
      expectScimError(res, 415);
    });
  });

  describe("the host's own pipeline is unchanged", () => {
    it("an unmatched URL, under the SCIM prefix too, gets the host's 404", async () => {
      for (const path of ['/nope', `${SCIM}/Nope`]) {
        const res = await http().get(path).set(auth());
        expect(res.status).toBe(404);
        expect(res.body).toEqual<HostErrorBody>({ error: { status: 404, message: expect.any(String) } });
      }
    });

    it("the host's guard and routes answer as before", async () => {
      expect((await http().get('/hello')).status).toBe(401);
      const ok = await http().get('/hello').set('x-host-key', 'express-host-key');
      expect(ok.status).toBe(200);
      expect(ok.headers['content-type']).toMatch(/^application\/json/);
      expect(ok.body).toEqual({ hello: 'world' });
    });
  });
});

/**
 * An Express app whose global exception filter is ScimExceptionFilter (the standalone
 * server's AppModule on Express): what the library does not see, Express's own JSON parser
 * and its unmatched routes, still ends in SCIM error bodies.
 */
describe('AppModule on Express: errors outside the SCIM controllers', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let http: () => request.Agent;

  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    app = await startExpressAppModule(loadConfig({ DATABASE_URL: db.url, SCIM_BOOTSTRAP: 'false' }));
    const origin = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    http = () => request.agent(origin);
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it("malformed application/json (Express's own parser) -> SCIM 400 invalidSyntax", async () => {
    const res = await http().post(`${SCIM}/Users`).set('Content-Type', 'application/json').send('{"userName": ');
    expectScimError(res, 400, 'invalidSyntax');
    expect(res.body.detail).toBe('The request body is not valid JSON');
  });

  it('malformed application/scim+json (read by the library, after the token check) -> the same', async () => {
    const tokens = app.get(TokenService);
    const tenants = app.get(TenantService);
    await tenants.createTenant('acme');
    const token = (await tokens.issue('acme', 'express', ALL)).token;
    const bad = () => http().post(`${SCIM}/Users`).set('Content-Type', SCIM_JSON);
    expectScimError(await bad().set('Authorization', `Bearer ${token}`).send('{"userName": '), 400, 'invalidSyntax');
    // without a token the body is never read
    expectScimError(await bad().send('{"userName": '), 401);
  });

  it('an unknown route -> SCIM 404; no token -> SCIM 401', async () => {
    expectScimError(await http().get(`${SCIM}/Nope`), 404);
    expectScimError(await http().get('/nope'), 404);
    expectScimError(await http().get(`${SCIM}/Groups`), 401);
  });
});
