/**
 * A resource type that is neither User nor Group, declared as data only (RFC 7643 §6 resource
 * type + §7 schemas, test/fixtures/device-resource-type.json through SCIM_RESOURCE_TYPES), is
 * served end to end by the one resource pipeline: create, get, filter and sort in SQL, cursor
 * paging (RFC 9865), PATCH, PUT, ETags, delete, Bulk, root search and discovery, with scopes
 * of its own. On SQLite and MariaDB/MySQL.
 */
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, NestExpressApplication } from '@nestjs/platform-express';
import { TypeOrmModule } from '@nestjs/typeorm';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import request from 'supertest';
import { ScimModule, TenantService, TokenService, buildDataSourceOptions } from '../../src/library';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/server/config/app.config';
import { TEST_DATABASES, TestDatabase, createTestDatabase } from '../support/databases';
import { SCIM_JSON, TestApp } from '../support/test-app';

const FIXTURE = join(__dirname, '..', 'fixtures', 'device-resource-type.json');
const DEVICE = 'urn:example:scim:schemas:Device';
const WARRANTY = 'urn:example:scim:schemas:extension:Warranty';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const BULK_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const SEARCH_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';

const device = (n: number, extra: Record<string, unknown> = {}) => ({
  schemas: [DEVICE],
  displayName: `Device ${String(n).padStart(2, '0')}`,
  serialNumber: `SN-${n}`,
  model: n % 2 === 0 ? 'Even' : 'Odd',
  active: true,
  ports: n,
  addresses: [
    { type: 'mac', value: `AA:BB:CC:00:00:${String(n).padStart(2, '0')}`, primary: true },
    { type: 'ipv4', value: `10.0.0.${n}` },
  ],
  ...extra,
});

describe('SCIM_RESOURCE_TYPES is checked at boot', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scim-rt-'));
  const file = (name: string, value: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
    return path;
  };
  const base = () => JSON.parse(readFileSync(FIXTURE, 'utf8')) as Array<Record<string, any>>;
  const variant = (change: (t: Record<string, any>) => void) => {
    const types = base();
    change(types[0]);
    return types;
  };

  it('loads the fixture: the type, its scope and its schemas with the RFC 7643 §2.2 defaults', () => {
    const [t] = loadConfig({ SCIM_RESOURCE_TYPES: FIXTURE }).resourceTypes;
    expect(t.resourceType).toMatchObject({ id: 'Device', name: 'Device', endpoint: '/Devices', schema: DEVICE });
    expect(t.scope).toBe('devices');
    expect(t.table).toMatchObject({ resourceType: 'Device', table: 'scim_resources', typeColumn: 'resource_type' });
    const addresses = t.schemas[0].attributes.find((a) => a.name === 'addresses');
    expect(addresses).toMatchObject({ type: 'complex', multiValued: true, mutability: 'readWrite' });
    expect(loadConfig({}).resourceTypes).toEqual([]);
  });

  it.each<[string, () => string, RegExp]>([
    ['malformed JSON', () => file('bad.json', '[{'), /SCIM_RESOURCE_TYPES=".*bad\.json" is not valid JSON/],
    ['an object instead of a list', () => file('obj.json', { resourceType: {} }), /must be a list/],
    ['the name User', () => file('user.json', variant((t) => (t.resourceType.name = 'User'))), /"User": the name is taken/],
    [
      'a reserved endpoint',
      () => file('ep.json', variant((t) => (t.resourceType.endpoint = '/Bulk'))),
      /the endpoint \/Bulk is reserved/,
    ],
    [
      'an endpoint that is not a path segment',
      () => file('ep2.json', variant((t) => (t.resourceType.endpoint = 'Devices/x'))),
      /endpoint must look like "\/Devices"/,
    ],
    ['the scope users', () => file('scope.json', variant((t) => (t.scope = 'users'))), /scope "users" must be a new prefix/],
    [
      'a core schema missing from its schemas',
      () => file('schema.json', variant((t) => (t.resourceType.schema = 'urn:example:other'))),
      /schema urn:example:other is not among its schemas/,
    ],
    [
      'a schema that reuses the User URN',
      () => file('urn.json', variant((t) => (t.schemas[1].id = 'urn:ietf:params:scim:schemas:core:2.0:User'))),
      /already registered/,
    ],
    [
      'uniqueness that the store cannot enforce',
      () => file('uniq.json', variant((t) => (t.schemas[0].attributes[1].uniqueness = 'server'))),
      /uniqueness "server" cannot be enforced/,
    ],
  ])('stops the start with a ConfigError for %s', (_label, path, message) => {
    const load = () => loadConfig({ SCIM_RESOURCE_TYPES: path() });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(message);
  });
});

describe.each(TEST_DATABASES)('A Device resource type declared as data on %s', (kind) => {
  let t: TestApp;
  let token: string;
  let other: string;
  let usersOnly: string;
  let readOnly: string;

  beforeAll(async () => {
    t = await TestApp.start(kind, { SCIM_RESOURCE_TYPES: FIXTURE });
    const scopes = ['devices:read', 'devices:write', 'users:read', 'users:write'] as const;
    token = await t.token('acme', [...scopes]);
    other = await t.token('globex', [...scopes]);
    usersOnly = await t.token('acme', ['users:read', 'users:write']);
    readOnly = await t.token('acme', ['devices:read']);
  });
  afterAll(async () => {
    await t?.close();
  });

  const send = (method: 'post' | 'put' | 'patch', path: string, body: unknown, tk = token) =>
    t.http[method](`/scim/v2${path}`)
      .set('Authorization', `Bearer ${tk}`)
      .set('Content-Type', SCIM_JSON)
      .send(JSON.stringify(body));
  const get = (path: string, query: Record<string, string | number> = {}, tk = token) =>
    t.http.get(`/scim/v2${path}`).query(query).set('Authorization', `Bearer ${tk}`);
  const create = async (body: unknown) => {
    const res = await send('post', '/Devices', body);
    expect(res.status).toBe(201);
    return res.body as Record<string, any>;
  };
  const expectError = (res: { status: number; body: Record<string, unknown> }, status: number, scimType?: string) => {
    expect(res.body.schemas).toEqual([ERROR_SCHEMA]);
    expect(res.status).toBe(status);
    expect(res.body.status).toBe(String(status));
    if (scimType) {
      expect(res.body.scimType).toBe(scimType);
    }
  };

  describe('discovery (RFC 7644 §4)', () => {
    it('lists Device in /ResourceTypes with its extension', async () => {
      const list = await get('/ResourceTypes');
      expect(list.status).toBe(200);
      expect(list.body.Resources.map((r: { name: string }) => r.name)).toEqual(['User', 'Group', 'Device']);
      const one = await get('/ResourceTypes/Device');
      expect(one.body).toMatchObject({
        id: 'Device',
        endpoint: '/Devices',
        schema: DEVICE,
        schemaExtensions: [{ schema: WARRANTY, required: false }],
        meta: { resourceType: 'ResourceType' },
      });
    });

    it('lists both schemas in /Schemas with their attribute characteristics', async () => {
      const schema = await get(`/Schemas/${DEVICE}`);
      expect(schema.status).toBe(200);
      const byName = Object.fromEntries(schema.body.attributes.map((a: { name: string }) => [a.name, a]));
      expect(byName.serialNumber).toMatchObject({ type: 'string', caseExact: true, multiValued: false });
      expect(byName.addresses).toMatchObject({ type: 'complex', multiValued: true });
      expect(byName.addresses.subAttributes.map((s: { name: string }) => s.name)).toEqual(['value', 'type', 'primary']);
      expect((await get(`/Schemas/${WARRANTY}`)).status).toBe(200);
    });
  });

  describe('create and read (RFC 7644 §3.3, §3.4.1)', () => {
    it('creates a device with 201, Location, ETag and meta.resourceType Device, and reads it back', async () => {
      const res = await send('post', '/Devices', device(1, { externalId: 'ext-1', schemas: [DEVICE, WARRANTY], [WARRANTY]: { vendor: 'Acme' } }));
      expect(res.status).toBe(201);
      expect(res.headers.location).toMatch(new RegExp(`/scim/v2/Devices/${res.body.id}$`));
      expect(res.headers.etag).toBe(res.body.meta.version);
      expect(res.body).toMatchObject({
        schemas: [DEVICE, WARRANTY],
        displayName: 'Device 01',
        ports: 1,
        externalId: 'ext-1',
        [WARRANTY]: { vendor: 'Acme' },
        meta: { resourceType: 'Device' },
      });
      const read = await get(`/Devices/${res.body.id}`);
      expect(read.status).toBe(200);
      expect(read.body).toEqual(res.body);
      const projected = await get(`/Devices/${res.body.id}`, { attributes: 'serialNumber' });
      expect(Object.keys(projected.body).sort()).toEqual(['id', 'schemas', 'serialNumber']);
    });

    it('validates against the schema: required, types, canonical sub-attributes, readOnly id', async () => {
      expectError(await send('post', '/Devices', { schemas: [DEVICE], serialNumber: 'x' }), 400, 'invalidValue');
      expectError(await send('post', '/Devices', device(90, { ports: 'many' })), 400, 'invalidValue');
      expectError(await send('post', '/Devices', device(91, { addresses: [{ value: 'x', primary: 'maybe' }] })), 400, 'invalidValue');
      expectError(await send('post', '/Devices', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'x' }), 400);
    });

    it('keeps devices of one tenant invisible to another and to a token without its scopes', async () => {
      const mine = await create(device(2));
      expect((await get(`/Devices/${mine.id}`, {}, other)).status).toBe(404);
      expect((await get('/Devices', {}, other)).body.totalResults).toBe(0);
      expectError(await get(`/Devices/${mine.id}`, {}, usersOnly), 403);
      expectError(await send('post', '/Devices', device(92), readOnly), 403);
      expect((await get(`/Devices/${mine.id}`, {}, readOnly)).status).toBe(200);
    });
  });

  describe('filter, sort and paging in SQL (RFC 7644 §3.4.2)', () => {
    beforeAll(async () => {
      for (const n of [3, 4, 5, 6, 7, 8]) {
        await create(device(n));
      }
    });

    it.each<[string, string[]]>([
      ['serialNumber eq "SN-3"', ['Device 03']],
      ['serialNumber eq "sn-3"', []], // caseExact
      ['displayName eq "device 04"', ['Device 04']], // caseExact false (RFC 7643 §2.2)
      ['model eq "even" and ports ge 6', ['Device 06', 'Device 08']],
      ['ports lt 3 or displayName sw "Device 07"', ['Device 01', 'Device 02', 'Device 07']],
      ['addresses[type eq "mac" and value eq "aa:bb:cc:00:00:05"]', ['Device 05']],
      ['addresses.value eq "10.0.0.8"', ['Device 08']],
      ['externalId eq "ext-1"', ['Device 01']],
      ['not (model eq "Odd") and ports gt 5', ['Device 06', 'Device 08']],
      [`${WARRANTY}:vendor eq "acme"`, ['Device 01']],
    ])('filter %s', async (filter, names) => {
      const res = await get('/Devices', { filter, sortBy: 'displayName' });
      expect(res.status).toBe(200);
      expect(res.body.schemas).toEqual([LIST]);
      expect(res.body.Resources.map((d: { displayName: string }) => d.displayName)).toEqual(names);
    });

    it('refuses a filter on an attribute the schema does not have', async () => {
      expectError(await get('/Devices', { filter: 'userName eq "x"' }), 400, 'invalidFilter');
    });

    it('sorts by an attribute of the document, both orders', async () => {
      const asc = await get('/Devices', { filter: 'ports ge 3', sortBy: 'ports' });
      expect(asc.body.Resources.map((d: { ports: number }) => d.ports)).toEqual([3, 4, 5, 6, 7, 8]);
      const desc = await get('/Devices', { filter: 'ports ge 3', sortBy: 'ports', sortOrder: 'descending' });
      expect(desc.body.Resources.map((d: { ports: number }) => d.ports)).toEqual([8, 7, 6, 5, 4, 3]);
    });

    it('pages by startIndex and by cursor (RFC 9865)', async () => {
      const page = await get('/Devices', { filter: 'ports ge 3', sortBy: 'ports', startIndex: 3, count: 2 });
      expect(page.body).toMatchObject({ totalResults: 6, startIndex: 3, itemsPerPage: 2 });
      expect(page.body.Resources.map((d: { ports: number }) => d.ports)).toEqual([5, 6]);

      const seen: number[] = [];
      let cursor = '';
      for (let i = 0; i < 5 && cursor !== undefined; i++) {
        const res = await get('/Devices', { filter: 'ports ge 3', cursor, count: 4 });
        expect(res.status).toBe(200);
        seen.push(...res.body.Resources.map((d: { ports: number }) => d.ports));
        cursor = res.body.nextCursor;
      }
      expect(seen.sort((a, b) => a - b)).toEqual([3, 4, 5, 6, 7, 8]);
      expectError(await get('/Devices', { cursor: 'forged', count: 2 }), 400, 'invalidCursor');
    });

    it('answers POST /Devices/.search and a root /.search that includes devices', async () => {
      const search = await send('post', '/Devices/.search', {
        schemas: [SEARCH_REQUEST],
        filter: 'ports eq 4',
        attributes: ['displayName'],
      });
      expect(search.status).toBe(200);
      expect(search.body.Resources).toEqual([{ schemas: [DEVICE], id: expect.any(String), displayName: 'Device 04' }]);
      const root = await send('post', '/.search', { schemas: [SEARCH_REQUEST], filter: 'externalId eq "ext-1"' });
      expect(root.status).toBe(200);
      expect(root.body.Resources.map((r: { meta: { resourceType: string } }) => r.meta.resourceType)).toEqual(['Device']);
    });
  });

  describe('PATCH, PUT, ETags and delete (RFC 7644 §3.5, §3.6, §3.14)', () => {
    it('patches singular, complex and multi-valued attributes with value filters', async () => {
      const d = await create(device(20));
      const res = await send('patch', `/Devices/${d.id}`, {
        schemas: [PATCH_OP],
        Operations: [
          { op: 'replace', path: 'model', value: 'Patched' },
          { op: 'add', path: 'owner', value: { value: 'u-1', display: 'Alice' } },
          { op: 'replace', path: 'addresses[type eq "ipv4"].value', value: '10.9.9.9' },
          { op: 'add', path: 'addresses', value: [{ type: 'ipv6', value: 'fe80::1' }] },
          { op: 'remove', path: 'active' },
        ],
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ model: 'Patched', owner: { value: 'u-1', display: 'Alice' } });
      expect(res.body.active).toBeUndefined();
      expect(res.body.addresses).toEqual([
        { type: 'mac', value: 'AA:BB:CC:00:00:20', primary: true },
        { type: 'ipv4', value: '10.9.9.9' },
        { type: 'ipv6', value: 'fe80::1' },
      ]);
      expect(res.body.meta.version).not.toBe(d.meta.version);
      // the child table follows the PATCH: the new value is found, the old one is not
      const found = await get('/Devices', { filter: 'addresses.value eq "10.9.9.9"' });
      expect(found.body.Resources.map((x: { id: string }) => x.id)).toEqual([d.id]);
      expect((await get('/Devices', { filter: 'addresses.value eq "10.0.0.20"' })).body.totalResults).toBe(0);
      expectError(
        await send('patch', `/Devices/${d.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'ports', value: 'x' }] }),
        400,
        'invalidValue',
      );
    });

    it('replaces with PUT and honours If-Match (412) and If-None-Match (304)', async () => {
      const d = await create(device(21));
      const put = await send('put', `/Devices/${d.id}`, { schemas: [DEVICE], displayName: 'Replaced', ports: 1 });
      expect(put.status).toBe(200);
      expect(put.body).toMatchObject({ displayName: 'Replaced', ports: 1 });
      expect(put.body.serialNumber).toBeUndefined();
      expect(put.body.meta.created).toBe(d.meta.created);

      const stale = await t.http
        .put(`/scim/v2/Devices/${d.id}`)
        .set('Authorization', `Bearer ${token}`)
        .set('Content-Type', SCIM_JSON)
        .set('If-Match', d.meta.version)
        .send(JSON.stringify({ schemas: [DEVICE], displayName: 'Lost' }));
      expectError(stale, 412);
      const fresh = await t.http
        .patch(`/scim/v2/Devices/${d.id}`)
        .set('Authorization', `Bearer ${token}`)
        .set('Content-Type', SCIM_JSON)
        .set('If-Match', put.body.meta.version)
        .send(JSON.stringify({ schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'ports', value: 2 }] }));
      expect(fresh.status).toBe(200);
      const unchanged = await t.http
        .get(`/scim/v2/Devices/${d.id}`)
        .set('Authorization', `Bearer ${token}`)
        .set('If-None-Match', fresh.body.meta.version);
      expect(unchanged.status).toBe(304);
    });

    it('deletes with 204; the device is gone from reads and filters', async () => {
      const d = await create(device(22));
      const del = await t.http.delete(`/scim/v2/Devices/${d.id}`).set('Authorization', `Bearer ${token}`);
      expect(del.status).toBe(204);
      expectError(await get(`/Devices/${d.id}`), 404);
      expect((await get('/Devices', { filter: 'serialNumber eq "SN-22"' })).body.totalResults).toBe(0);
      expectError(await t.http.delete(`/scim/v2/Devices/${d.id}`).set('Authorization', `Bearer ${token}`), 404);
    });
  });

  describe('Bulk (RFC 7644 §3.7)', () => {
    it('creates, patches and deletes devices next to users, with bulkId references', async () => {
      const res = await send('post', '/Bulk', {
        schemas: [BULK_REQUEST],
        Operations: [
          { method: 'POST', path: '/Devices', bulkId: 'd1', data: device(30) },
          { method: 'PATCH', path: '/Devices/bulkId:d1', data: { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'owner', value: { value: 'bulkId:u1' } }] } },
          { method: 'POST', path: '/Users', bulkId: 'u1', data: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'bulk-device-owner' } },
          { method: 'POST', path: '/Devices', bulkId: 'd2', data: device(31) },
          { method: 'DELETE', path: '/Devices/bulkId:d2' },
        ],
      });
      expect(res.status).toBe(200);
      const ops = res.body.Operations as Array<{ status: string; location?: string; bulkId?: string }>;
      expect(ops.map((o) => o.status)).toEqual(['201', '200', '201', '201', '204']);
      const deviceId = ops[0].location!.split('/').pop()!;
      const userId = ops[2].location!.split('/').pop()!;
      expect(ops[0].location).toMatch(/\/scim\/v2\/Devices\//);
      const read = await get(`/Devices/${deviceId}`);
      expect(read.body.owner).toEqual({ value: userId });
      expect((await get('/Devices', { filter: 'serialNumber eq "SN-31"' })).body.totalResults).toBe(0);
    });

    it('refuses a Device operation for a token without the devices scopes, per operation', async () => {
      const res = await send(
        'post',
        '/Bulk',
        { schemas: [BULK_REQUEST], Operations: [{ method: 'POST', path: '/Devices', bulkId: 'x', data: device(40) }] },
        usersOnly,
      );
      expect(res.status).toBe(200);
      expect(res.body.Operations[0].status).toBe('403');
    });
  });
});

describe.each(TEST_DATABASES)('A host declaring the Device type in ScimModule.forRoot on %s', (kind) => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let token: string;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    @Module({
      imports: [
        TypeOrmModule.forRoot(buildDataSourceOptions({ url: db.url, migrationsRun: true })),
        ScimModule.forRoot({
          tokenPepper: 'a-pepper-of-16-chars-or-more',
          resourceTypes: JSON.parse(readFileSync(FIXTURE, 'utf8')),
        }),
      ],
    })
    class HostModule {}
    app = await NestFactory.create<NestExpressApplication>(HostModule, new ExpressAdapter(), { logger: false });
    await app.listen(0, '127.0.0.1');
    await app.get(TenantService).createTenant('host');
    token = (await app.get(TokenService).issue('host', 'devices', ['devices:read', 'devices:write'])).token;
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('serves /Devices and lists the type in discovery', async () => {
    const http = request(app.getHttpServer());
    const created = await http
      .post('/scim/v2/Devices')
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'application/json')
      .send(device(1));
    expect(created.status).toBe(201);
    const found = await http
      .get('/scim/v2/Devices')
      .query({ filter: 'addresses.value eq "10.0.0.1"' })
      .set('Authorization', `Bearer ${token}`);
    expect(found.body.Resources.map((d: { id: string }) => d.id)).toEqual([created.body.id]);
    const types = await http.get('/scim/v2/ResourceTypes').set('Authorization', `Bearer ${token}`);
    expect(types.body.Resources.map((r: { name: string }) => r.name)).toContain('Device');
  });
});
