/**
 * The admin API's OpenAPI document (GET /admin/v1/openapi.json), on SQLite and MariaDB/MySQL:
 * served while the admin API is on and 404 while it is off; the same as docs/admin-openapi.json
 * (regenerate it with `npm run openapi:admin` after changing a controller, DTO or view); a valid
 * OpenAPI 3 document (@apidevtools/swagger-parser); the same on Express as on Fastify, and under
 * a host's own prefix; and true to the API: every operation is called, and every answer's status
 * is documented and its body matches the documented schema, with no undocumented member.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import { DynamicModule, INestApplication, Module, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { TypeOrmModule } from '@nestjs/typeorm';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { AdminModule, ScimModule, TenantService, buildDataSourceOptions } from '../../src/library';
import { loadConfig } from '../../src/server/config/app.config';
import { oktaUser } from '../fixtures/users.factory';
import {
  DatabaseKind,
  TEST_DATABASES,
  TestDatabase,
  createTestDatabase,
} from '../support/databases';
import { startExpressAppModule } from '../support/express-host';
import { ALL, TestApp } from '../support/test-app';

const ADMIN_TOKEN = 'admin-token-0123456789abcdef0123456789abcdef';
const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };
const COMMITTED = join(__dirname, '..', '..', 'docs', 'admin-openapi.json');
/** `npm run openapi:admin` sets it: the served document is written to docs/ instead of compared */
const WRITE = process.env.SCIM_WRITE_ADMIN_OPENAPI === '1';
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

type Json = Record<string, unknown>;
interface Operation {
  responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }>;
  security?: unknown[];
  operationId?: string;
  requestBody?: unknown;
}
type Document = Json & {
  paths: Record<string, Partial<Record<(typeof METHODS)[number], Operation>>>;
};

function operations(doc: Document): Array<[string, string, Operation]> {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((m) => [path, m, item[m]!] as [string, string, Operation]),
  );
}

/** the document's schemas with every object closed: an answer member the document lacks fails */
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) {
    return schema.map(closed);
  }
  if (schema === null || typeof schema !== 'object') {
    return schema;
  }
  const out: Json = Object.fromEntries(
    Object.entries(schema).map(([k, v]) => [k, k === 'example' ? v : closed(v)]),
  );
  if (out.properties && out.additionalProperties === undefined) {
    out.additionalProperties = false;
  }
  return out;
}

describe.each(TEST_DATABASES)('the admin API OpenAPI document on %s', (kind: DatabaseKind) => {
  let t: TestApp;
  let doc: Document;

  beforeAll(async () => {
    t = await TestApp.start(kind, { ADMIN_TOKEN, SCIM_CATALOGUE: 'Role,Entitlement' });
    const res = await t.http.get('/admin/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    doc = res.body as Document;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('is the committed docs/admin-openapi.json (npm run openapi:admin regenerates it)', () => {
    if (WRITE) {
      writeFileSync(COMMITTED, `${JSON.stringify(doc, null, 2)}\n`);
    }
    const committed = JSON.parse(readFileSync(COMMITTED, 'utf8')) as unknown;
    try {
      expect(doc).toEqual(committed);
    } catch (e) {
      throw new Error(
        'docs/admin-openapi.json is not the document the admin API serves: run `npm run openapi:admin` ' +
          `and commit the result.\n${(e as Error).message}`,
      );
    }
  });

  it('is a valid OpenAPI 3 document', async () => {
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    // validate() dereferences in place: give it a copy
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeDefined();
  });

  it('describes every operation: admin bearer token, a 401, a unique id, answers with schemas', () => {
    const ops = operations(doc);
    expect(ops.length).toBe(26);
    expect(Object.keys(doc.paths).every((p) => p.startsWith('/admin/v1/'))).toBe(true);
    expect(doc.paths['/admin/v1/openapi.json']).toBeUndefined();
    expect((doc.components as Json).securitySchemes).toEqual({
      adminToken: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    });
    const ids = new Set<string>();
    for (const [path, method, op] of ops) {
      const where = `${method.toUpperCase()} ${path}`;
      expect([where, op.security]).toEqual([where, [{ adminToken: [] }]]);
      expect([where, Object.keys(op.responses['401']?.content ?? {})]).toEqual([
        where,
        ['application/scim+json'],
      ]);
      ids.add(op.operationId!);
      for (const [status, answer] of Object.entries(op.responses)) {
        if (status === '204') {
          expect([where, answer.content]).toEqual([where, undefined]);
        } else {
          const media = Object.values(answer.content ?? {});
          expect([where, status, media.length]).toEqual([where, status, 1]);
          expect([where, status, media[0].schema.$ref]).toEqual([
            where,
            status,
            expect.stringMatching(/^#\/components\/schemas\//),
          ]);
        }
      }
      if (method === 'post' || method === 'put' || method === 'patch') {
        const bodyless = /retry|rotate/.test(path);
        expect([where, op.requestBody !== undefined]).toEqual([where, !bodyless]);
      }
    }
    expect(ids.size).toBe(ops.length);
  });

  it('every answer has a documented status, and a body of the documented schema', async () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ $id: 'admin', components: closed(doc.components) });
    const seen = new Set<string>();
    /** calls `template` (an OpenAPI path) with `params` filled in, and checks the answer against it */
    const call = async (
      method: (typeof METHODS)[number],
      template: string,
      params: Record<string, string> = {},
      body?: unknown,
      headers: Record<string, string> = admin,
    ): Promise<request.Response> => {
      const url = template.replace(/\{(\w+)\}/g, (_, name: string) =>
        encodeURIComponent(params[name]),
      );
      const req = t.http[method](url).set(headers);
      const res = body === undefined ? await req : await req.send(body as object);
      const where = `${method.toUpperCase()} ${template} → ${res.status}`;
      const answer = doc.paths[template]?.[method]?.responses[String(res.status)];
      expect([where, answer !== undefined]).toEqual([where, true]);
      seen.add(`${method} ${template}`);
      if (res.status !== 204) {
        const [[media, { schema }]] = Object.entries(answer!.content!);
        expect([where, res.headers['content-type']]).toEqual([
          where,
          expect.stringContaining(media),
        ]);
        const valid = ajv.validate({ $ref: `admin${schema.$ref}` }, res.body);
        expect([where, valid ? [] : ajv.errors]).toEqual([where, []]);
      }
      return res;
    };
    const T = '/admin/v1/tenants';
    const slug = 'contract';

    // tenants and their settings
    await call('get', T, {}, undefined, {});
    expect(
      (await call('post', T, {}, { slug, notifications: 'off', webhookSecretSet: true })).status,
    ).toBe(400);
    expect((await call('post', T, {}, { slug, defaultRole: 'member' })).status).toBe(201);
    expect((await call('post', T, {}, { slug })).status).toBe(409);
    await call('get', T);
    await call('get', `${T}/{slug}`, { slug });
    expect((await call('get', `${T}/{slug}`, { slug: 'nope' })).status).toBe(404);
    // no webhook: the tenant's events must not leave the machine
    await call(
      'patch',
      `${T}/{slug}`,
      { slug },
      { deprovisioning: 'soft', switches: 'allowRemoveAll=true' },
    );
    expect((await call('patch', `${T}/{slug}`, { slug }, { color: 'blue' })).status).toBe(400);
    // role mappings
    expect(
      (
        await call(
          'put',
          `${T}/{slug}/role-mappings/{group}`,
          { slug, group: 'Platform Admins' },
          { role: 'org:admin' },
        )
      ).status,
    ).toBe(200);
    expect(
      (await call('put', `${T}/{slug}/role-mappings/{group}`, { slug, group: 'x' }, {})).status,
    ).toBe(400);
    expect((await call('get', `${T}/{slug}/role-mappings`, { slug })).body.items).toHaveLength(1);
    expect(
      (
        await call('delete', `${T}/{slug}/role-mappings/{group}`, {
          slug,
          group: 'platform admins',
        })
      ).status,
    ).toBe(204);
    expect(
      (
        await call('delete', `${T}/{slug}/role-mappings/{group}`, {
          slug,
          group: 'platform admins',
        })
      ).status,
    ).toBe(404);
    await call('get', `${T}/{slug}/unlinked-users`, { slug });
    expect((await t.http.get(`${T}/${slug}/unlinked-users?limit=0`).set(admin)).status).toBe(400);

    // service-account tokens, and a change event from one
    const issued = await call(
      'post',
      `${T}/{slug}/tokens`,
      { slug },
      { name: 'okta', scopes: ALL, expiresInDays: 30 },
    );
    expect((await call('post', `${T}/{slug}/tokens`, { slug }, { name: 'okta' })).status).toBe(400);
    expect((await call('get', `${T}/{slug}/tokens`, { slug })).body.items).toHaveLength(1);
    const { password: _p, groups: _g, ...user } = oktaUser();
    const created = await t.http
      .post('/scim/v2/Users')
      .set('Authorization', `Bearer ${issued.body.token as string}`)
      .send(user);
    expect(created.status).toBe(201);
    expect(
      (await call('delete', '/admin/v1/tokens/{id}', { id: issued.body.id as string })).status,
    ).toBe(204);
    expect(
      (await call('delete', '/admin/v1/tokens/{id}', { id: issued.body.id as string })).status,
    ).toBe(404);

    // the outbox
    const page = await call('get', `${T}/{slug}/events`, { slug });
    expect(page.body.items).toHaveLength(1);
    expect((await t.http.get(`${T}/${slug}/events?status=dead`).set(admin)).status).toBe(400);
    await call('get', `${T}/{slug}/events/backlog`, { slug });
    await call('post', `${T}/{slug}/events/retry-failed`, { slug });
    // pending (200) or already delivered (409): both are documented
    await call('post', '/admin/v1/events/{eventId}/retry', {
      eventId: page.body.items[0].id as string,
    });
    expect(
      (await call('post', '/admin/v1/events/{eventId}/retry', { eventId: 'no-such-event' })).status,
    ).toBe(404);

    // the catalogue
    const entry = `${T}/{slug}/catalogue/{type}/{value}`;
    expect(
      (
        await call(
          'put',
          entry,
          { slug, type: 'Entitlement', value: 'license.pro' },
          { displayName: 'Pro', attributes: { contains: 'x' } },
        )
      ).status,
    ).toBe(200);
    expect(
      (
        await call(
          'put',
          entry,
          { slug, type: 'Entitlement', value: 'license.pro' },
          { colour: 'red' },
        )
      ).status,
    ).toBe(400);
    expect((await call('put', entry, { slug, type: 'Device', value: 'x' }, {})).status).toBe(404);
    expect(
      (await call('get', `${T}/{slug}/catalogue/{type}`, { slug, type: 'Entitlement' })).body.items,
    ).toHaveLength(1);
    expect(
      (await call('delete', entry, { slug, type: 'Entitlement', value: 'license.pro' })).status,
    ).toBe(204);
    expect(
      (await call('delete', entry, { slug, type: 'Entitlement', value: 'license.pro' })).status,
    ).toBe(404);

    // OAuth clients and the signing keys
    const client = await call(
      'post',
      `${T}/{slug}/oauth-clients`,
      { slug },
      { name: 'entra', scopes: ['users:read'] },
    );
    expect(client.status).toBe(201);
    expect(
      (
        await call(
          'post',
          `${T}/{slug}/oauth-clients`,
          { slug },
          { name: 'x', scopes: 'users:read', secret: 'mine' },
        )
      ).status,
    ).toBe(400);
    const clientId = client.body.clientId as string;
    await call('get', `${T}/{slug}/oauth-clients`, { slug });
    await call('patch', '/admin/v1/oauth-clients/{clientId}', { clientId }, { enabled: false });
    expect(
      (await call('patch', '/admin/v1/oauth-clients/{clientId}', { clientId }, { enabled: 'no' }))
        .status,
    ).toBe(400);
    const secret = await call('post', '/admin/v1/oauth-clients/{clientId}/secrets', { clientId });
    expect(secret.status).toBe(201);
    expect(
      (await call('get', '/admin/v1/oauth-clients/{clientId}', { clientId })).body.secrets,
    ).toHaveLength(2);
    const revoke = '/admin/v1/oauth-clients/{clientId}/secrets/{secretId}';
    expect(
      (await call('delete', revoke, { clientId, secretId: secret.body.id as string })).status,
    ).toBe(204);
    expect(
      (await call('delete', revoke, { clientId, secretId: secret.body.id as string })).status,
    ).toBe(404);
    await call('get', '/admin/v1/oauth/signing-keys');
    await call('post', '/admin/v1/oauth/signing-keys/rotate');

    expect(
      operations(doc)
        .map(([path, method]) => `${method} ${path}`)
        .filter((op) => !seen.has(op)),
    ).toEqual([]);
  });
});

describe('the admin API OpenAPI document on other hosts', () => {
  let db: TestDatabase;
  let standalone: TestApp;
  let served: Json;

  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    standalone = await TestApp.attach(db.url, { ADMIN_TOKEN });
    served = (await standalone.http.get('/admin/v1/openapi.json')).body as Json;
  });
  afterAll(async () => {
    await standalone?.close();
    await db?.drop();
  });

  it('is not served while the admin API is off: 404, as every admin route', async () => {
    const off = await TestApp.start('sqlite');
    try {
      const res = await off.http.get('/admin/v1/openapi.json');
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
      expect(res.body).toMatchObject({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
        status: '404',
      });
    } finally {
      await off.close();
    }
  });

  it('is the same document on Express', async () => {
    const app = await startExpressAppModule(
      loadConfig({ DATABASE_URL: db.url, SCIM_BOOTSTRAP: 'false', ADMIN_TOKEN }),
    );
    try {
      expect(app.getHttpAdapter().getType()).toBe('express');
      const res = await request(app.getHttpServer()).get('/admin/v1/openapi.json');
      expect(res.status).toBe(200);
      expect(res.body).toEqual(served);
    } finally {
      await app.close();
    }
  });

  /** A host with its own prefix for the admin API and its own global ValidationPipe. */
  @Module({})
  class PrefixedAdminHost {
    static forRoot(url: string): DynamicModule {
      return {
        module: PrefixedAdminHost,
        imports: [
          TypeOrmModule.forRoot(buildDataSourceOptions({ url, migrationsRun: true })),
          ScimModule.forRoot({ tokenPepper: 'admin-openapi-pepper-0123456789' }),
          AdminModule.forRootAsync({
            useFactory: () => ({ adminToken: ADMIN_TOKEN }),
            path: 'internal/scim-admin',
          }),
        ],
      };
    }
  }

  it("describes a host's own prefix, and the admin input checks hold beside a host's global ValidationPipe", async () => {
    const host = await createTestDatabase('sqlite');
    let app: INestApplication | undefined;
    try {
      app = await NestFactory.create<NestFastifyApplication>(
        PrefixedAdminHost.forRoot(host.url),
        new FastifyAdapter(),
        {
          logger: false,
        },
      );
      app.useGlobalPipes(new ValidationPipe({ transform: true }));
      await app.listen(0, '127.0.0.1');
      await app.get(TenantService).createTenant('acme');
      const http = () => request(app!.getHttpServer());
      const res = await http().get('/internal/scim-admin/openapi.json');
      expect(res.status).toBe(200);
      const paths = Object.keys(res.body.paths as Json);
      expect(paths).toEqual(
        Object.keys(served.paths as Json).map((p) =>
          p.replace('/admin/v1/', '/internal/scim-admin/'),
        ),
      );
      expect((await http().get('/admin/v1/openapi.json')).status).toBe(404);

      const tokens = '/internal/scim-admin/tenants/acme/tokens';
      const ok = await http().post(tokens).set(admin).send({ name: 'okta', scopes: 'users:read' });
      expect(ok.status).toBe(201);
      for (const [body, detail] of [
        [{ name: 'okta' }, /"scopes" is required/],
        [
          { name: 'okta', scopes: ['users:read'], expiresInDays: 0 },
          /"expiresInDays" must be a positive number/,
        ],
      ] as const) {
        const bad = await http().post(tokens).set(admin).send(body);
        expect(bad.status).toBe(400);
        expect(bad.body.detail).toMatch(detail);
      }
    } finally {
      await app?.close();
      await host.drop();
    }
  });
});
