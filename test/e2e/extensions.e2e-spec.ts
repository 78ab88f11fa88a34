/**
 * A custom User extension schema (RFC 7643 §3.3) registered by the standalone
 * server from SCIM_SCHEMA_EXTENSIONS (test/fixtures/acme-user-extension.json) is validated,
 * filtered and sorted in SQL, patched, projected, and listed in /Schemas and /ResourceTypes like
 * the Enterprise User extension. On SQLite and MariaDB/MySQL.
 */
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/server/config/app.config';
import { ScimModule, buildDataSourceOptions } from '../../src/library';
import { ENTERPRISE, USER_SCHEMA, oktaUser } from '../fixtures/users.factory';
import { TEST_DATABASES } from '../support/databases';
import { SCIM_JSON, TestApp } from '../support/test-app';

const ACME = 'urn:example:params:scim:schemas:extension:acme:2.0:User';
const FIXTURE = join(__dirname, '..', 'fixtures', 'acme-user-extension.json');
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** An Okta-shaped user carrying the Acme extension (site is required by the fixture). */
const acmeUser = (ext: Record<string, unknown> = {}, overrides: Record<string, unknown> = {}) =>
  oktaUser({ schemas: [USER_SCHEMA, ACME], [ACME]: { site: 'HQ', ...ext }, ...overrides });

describe('SCIM_SCHEMA_EXTENSIONS and userExtensions are checked at boot', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scim-ext-'));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('loads the fixture with the RFC 7643 §2.2 defaults filled in', () => {
    const [schema] = loadConfig({ SCIM_SCHEMA_EXTENSIONS: FIXTURE }).userExtensions;
    expect(schema.id).toBe(ACME);
    expect(schema.attributes.find((a) => a.name === 'costCenter')).toMatchObject({
      multiValued: false,
      required: false,
      caseExact: false,
      mutability: 'readWrite',
      returned: 'default',
      uniqueness: 'none',
    });
    expect(loadConfig({}).userExtensions).toEqual([]);
  });

  it.each<[string, () => string, RegExp]>([
    ['a missing file', () => join(dir, 'absent.json'), /SCIM_SCHEMA_EXTENSIONS=".*absent\.json": cannot read .* \(ENOENT\)/],
    ['malformed JSON', () => file('bad.json', '[{"id": '), /is not valid JSON/],
    ['an object instead of an array', () => file('obj.json', `{"id": "${ACME}"}`), /expected an array of schema objects/],
    [
      'a multi-valued attribute',
      () => file('multi.json', JSON.stringify([{ id: ACME, attributes: [{ name: 'badges', multiValued: true }] }])),
      /attribute "badges": multi-valued attributes are not supported in extension schemas/,
    ],
    [
      'the Enterprise User URN',
      () => file('dup.json', JSON.stringify([{ id: ENTERPRISE, attributes: [{ name: 'x' }] }])),
      /the id is already registered/,
    ],
  ])('stops the start with a ConfigError for %s', (_label, path, message) => {
    const load = () => loadConfig({ SCIM_SCHEMA_EXTENSIONS: path() });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(message);
  });

  it('refuses a bad userExtensions definition given in code when the module starts', async () => {
    const builder = Test.createTestingModule({
      imports: [
        TypeOrmModule.forRoot(buildDataSourceOptions({ url: 'sqlite::memory:' })),
        ScimModule.forRoot({
          tokenPepper: 'a-pepper-of-16-chars-or-more',
          userExtensions: [{ id: 'acme', name: 'Acme', description: '', attributes: [] }],
        }),
      ],
    });
    await expect(builder.compile()).rejects.toThrow(
      /ScimModule userExtensions: Invalid extension schemas:[\s\S]*"id" must be a URN[\s\S]*"attributes" must be a non-empty array/,
    );
  });
});

describe.each(TEST_DATABASES)('A custom User extension on %s', (kind) => {
  let t: TestApp;
  let token: string;
  const auth = () => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    t = await TestApp.start(kind, { SCIM_SCHEMA_EXTENSIONS: FIXTURE });
    token = await t.token('acme');
  });
  afterAll(async () => {
    await t?.close();
  });

  const post = (body: unknown, tk = token) =>
    t.http
      .post('/scim/v2/Users')
      .set('Authorization', `Bearer ${tk}`)
      .set('Content-Type', SCIM_JSON)
      .send(JSON.stringify(body));
  const patch = (id: string, ...Operations: unknown[]) =>
    t.http
      .patch(`/scim/v2/Users/${id}`)
      .set(auth())
      .set('Content-Type', SCIM_JSON)
      .send(JSON.stringify({ schemas: [PATCH_OP], Operations }));
  const get = (id: string) => t.http.get(`/scim/v2/Users/${id}`).set(auth());
  const expectError = (res: { status: number; body: Record<string, unknown> }, status: number, scimType?: string) => {
    expect(res.body.schemas).toEqual([ERROR_SCHEMA]);
    expect(res.status).toBe(status);
    if (scimType) {
      expect(res.body.scimType).toBe(scimType);
    }
  };

  describe('discovery (RFC 7644 §4)', () => {
    it('lists the schema in /Schemas with its attribute characteristics', async () => {
      const list = await t.http.get('/scim/v2/Schemas');
      expect(list.status).toBe(200);
      const schema = list.body.Resources.find((s: { id: string }) => s.id === ACME);
      expect(schema).toMatchObject({ name: 'AcmeUser', meta: { resourceType: 'Schema' } });
      const byName = Object.fromEntries(schema.attributes.map((a: { name: string }) => [a.name, a]));
      expect(byName.clearance).toMatchObject({ type: 'integer', multiValued: false, uniqueness: 'none' });
      expect(byName.remote).toMatchObject({ type: 'boolean' });
      expect(byName.badgeId).toMatchObject({ mutability: 'immutable', caseExact: true });
      expect(byName.site).toMatchObject({ required: true, canonicalValues: ['HQ', 'Lab', 'Field'] });
      expect(byName.office.subAttributes.map((s: { name: string }) => s.name)).toEqual(['building', 'floor']);

      const one = await t.http.get(`/scim/v2/Schemas/${ACME}`);
      expect(one.status).toBe(200);
      expect(one.body.meta.location).toMatch(new RegExp(`/scim/v2/Schemas/${ACME}$`));
    });

    it('names it in /ResourceTypes/User schemaExtensions, not required', async () => {
      const rt = await t.http.get('/scim/v2/ResourceTypes/User');
      expect(rt.body.schemaExtensions).toEqual([
        { schema: ENTERPRISE, required: false },
        { schema: ACME, required: false },
      ]);
    });
  });

  describe('create and read (RFC 7644 §3.3)', () => {
    it('round-trips every attribute type under the extension URN, in canonical names', async () => {
      const res = await post(
        acmeUser({
          COSTCENTER: 'CC-100',
          clearance: 3,
          remote: true,
          badgeId: 'B-1',
          hiredAt: '2024-03-01T10:00:00+02:00',
          office: { building: 'North', floor: 4 },
          notes: 'quiet desk',
        }),
      );
      expect(res.status).toBe(201);
      expect(res.body.schemas).toEqual([USER_SCHEMA, ACME]);
      const expected = {
        site: 'HQ',
        costCenter: 'CC-100',
        clearance: 3,
        remote: true,
        badgeId: 'B-1',
        hiredAt: '2024-03-01T08:00:00.000Z',
        office: { building: 'North', floor: 4 },
      };
      expect(res.body[ACME]).toEqual(expected);
      const got = await get(res.body.id);
      expect(got.body[ACME]).toEqual(expected);
      // returned "request": only when asked for
      const asked = await t.http.get(`/scim/v2/Users/${res.body.id}?attributes=${ACME}:notes`).set(auth());
      expect(asked.body[ACME]).toEqual({ notes: 'quiet desk' });
      const without = await t.http.get(`/scim/v2/Users/${res.body.id}?excludedAttributes=${ACME}`).set(auth());
      expect(without.body[ACME]).toBeUndefined();
      expect(without.body.userName).toBe(res.body.userName);
    });

    it('refuses a value of the wrong type with 400 invalidValue', async () => {
      expectError(await post(acmeUser({ clearance: 'high' })), 400, 'invalidValue');
      expectError(await post(acmeUser({ clearance: 2.5 })), 400, 'invalidValue');
      expectError(await post(acmeUser({ remote: 'perhaps' })), 400, 'invalidValue');
      expectError(await post(acmeUser({ office: 'North' })), 400, 'invalidValue');
    });

    it('refuses a user without the required site with 400 invalidValue naming it', async () => {
      const res = await post(acmeUser({ site: undefined, costCenter: 'CC-1' }));
      expectError(res, 400, 'invalidValue');
      expect(res.body.detail).toContain(`${ACME}:site`);
    });
  });

  describe('filters run in SQL on the extension (RFC 7644 §3.4.2.2)', () => {
    let ft: string;
    const ids: Record<string, string> = {};
    const find = async (filter: string, extra: Record<string, string> = {}) => {
      const res = await t.http
        .get('/scim/v2/Users')
        .query({ filter, ...extra })
        .set('Authorization', `Bearer ${ft}`);
      expect(res.status).toBe(200);
      return res.body.Resources.map((r: { userName: string }) => r.userName);
    };

    beforeAll(async () => {
      ft = await t.token('ext-filters');
      const rows: Array<[string, Record<string, unknown>]> = [
        ['ann', { costCenter: 'CC-1', clearance: 1, remote: true, office: { floor: 1 } }],
        ['bob', { costCenter: 'cc-2', clearance: 10, remote: false, office: { floor: 2 } }],
        ['cid', { costCenter: 'CC-3', clearance: 4, remote: true, site: 'Lab' }],
        ['dee', { clearance: 2 }],
      ];
      for (const [name, ext] of rows) {
        const res = await post(acmeUser(ext, { userName: `${name}@ext.example` }), ft);
        expect(res.status).toBe(201);
        ids[name] = res.body.id;
      }
    });

    it('compares a caseExact:false string case-insensitively', async () => {
      expect(await find(`${ACME}:costCenter eq "cc-1"`)).toEqual(['ann@ext.example']);
      expect(await find(`${ACME}:costCenter sw "CC-"`)).toEqual(['ann@ext.example', 'bob@ext.example', 'cid@ext.example']);
    });

    it('compares integers as numbers, booleans as booleans', async () => {
      expect(await find(`${ACME}:clearance gt 3`)).toEqual(['bob@ext.example', 'cid@ext.example']);
      expect(await find(`${ACME}:clearance le 2`)).toEqual(['ann@ext.example', 'dee@ext.example']);
      expect(await find(`${ACME}:remote eq true`)).toEqual(['ann@ext.example', 'cid@ext.example']);
      expect(await find(`${ACME}:remote eq false`)).toEqual(['bob@ext.example']);
    });

    it('handles pr, not, a sub-attribute, and the mix with core attributes', async () => {
      expect(await find(`${ACME}:costCenter pr`)).toHaveLength(3);
      expect(await find(`not (${ACME}:costCenter pr)`)).toEqual(['dee@ext.example']);
      expect(await find(`${ACME}:office.floor ge 2`)).toEqual(['bob@ext.example']);
      expect(await find(`${ACME}:site eq "lab" and userName sw "c"`)).toEqual(['cid@ext.example']);
    });

    it('refuses an unknown extension attribute with 400 invalidFilter', async () => {
      const res = await t.http
        .get('/scim/v2/Users')
        .query({ filter: `${ACME}:nope eq "x"` })
        .set('Authorization', `Bearer ${ft}`);
      expectError(res, 400, 'invalidFilter');
    });

    it('sorts by an extension string case-insensitively, absent values last ascending, first descending', async () => {
      expect(await find('userName pr', { sortBy: `${ACME}:costCenter` })).toEqual([
        'ann@ext.example',
        'bob@ext.example',
        'cid@ext.example',
        'dee@ext.example',
      ]);
      expect(await find('userName pr', { sortBy: `${ACME}:costCenter`, sortOrder: 'descending' })).toEqual([
        'dee@ext.example',
        'cid@ext.example',
        'bob@ext.example',
        'ann@ext.example',
      ]);
    });

    // MySQL's JSON_VALUE answers text: the repository casts integer/decimal sort keys
    it('sorts by an extension integer in numeric order', async () => {
      expect(await find('userName pr', { sortBy: `${ACME}:clearance` })).toEqual([
        'ann@ext.example',
        'dee@ext.example',
        'cid@ext.example',
        'bob@ext.example',
      ]);
    });
  });

  describe('PATCH and PUT (RFC 7644 §3.5)', () => {
    let id: string;
    beforeEach(async () => {
      const res = await post(acmeUser({ costCenter: 'CC-1', clearance: 2, remote: false, badgeId: 'B-7' }));
      id = res.body.id;
    });

    it('replaces one attribute by its URN path; a filter finds the new value', async () => {
      const res = await patch(id, { op: 'replace', path: `${ACME}:costCenter`, value: 'CC-PATCHED' });
      expect(res.status).toBe(200);
      expect(res.body[ACME]).toMatchObject({ costCenter: 'CC-PATCHED', clearance: 2, badgeId: 'B-7' });
      expect(res.body.meta.version).toBe('W/"2"');
      const found = await t.http
        .get('/scim/v2/Users')
        .query({ filter: `${ACME}:costCenter eq "cc-patched"` })
        .set(auth());
      expect(found.body.Resources.map((r: { id: string }) => r.id)).toEqual([id]);
    });

    it('merges a path-less value keyed by the URN (Okta / Entra shape)', async () => {
      const res = await patch(id, { op: 'replace', value: { [ACME]: { remote: true, clearance: 5 } } });
      expect(res.status).toBe(200);
      expect(res.body[ACME]).toEqual({ site: 'HQ', costCenter: 'CC-1', clearance: 5, remote: true, badgeId: 'B-7' });
    });

    it('adds a sub-attribute and removes an attribute', async () => {
      const added = await patch(id, { op: 'add', path: `${ACME}:office.floor`, value: 9 });
      expect(added.body[ACME].office).toEqual({ floor: 9 });
      const removed = await patch(id, { op: 'remove', path: `${ACME}:costCenter` });
      expect(removed.status).toBe(200);
      expect(removed.body[ACME].costCenter).toBeUndefined();
      expect((await get(id)).body[ACME].costCenter).toBeUndefined();
    });

    it('refuses to remove the required attribute (400 mutability)', async () => {
      expectError(await patch(id, { op: 'remove', path: `${ACME}:site` }), 400, 'mutability');
    });

    it('refuses to change an immutable attribute that has a value, by PATCH and by PUT', async () => {
      expectError(await patch(id, { op: 'replace', path: `${ACME}:badgeId`, value: 'B-8' }), 400, 'mutability');
      const current = (await get(id)).body;
      const put = (body: unknown) =>
        t.http.put(`/scim/v2/Users/${id}`).set(auth()).set('Content-Type', SCIM_JSON).send(JSON.stringify(body));
      expectError(await put({ ...current, [ACME]: { ...current[ACME], badgeId: 'B-8' } }), 400, 'mutability');
      // omitted on PUT: carried over (RFC 7644 §3.5.1)
      const kept = await put({ ...current, [ACME]: { site: 'Field' } });
      expect(kept.status).toBe(200);
      expect(kept.body[ACME]).toEqual({ site: 'Field', badgeId: 'B-7' });
    });

    it('sets an immutable attribute that had no value', async () => {
      const fresh = await post(acmeUser({}));
      const res = await patch(fresh.body.id, { op: 'add', path: `${ACME}:badgeId`, value: 'B-NEW' });
      expect(res.status).toBe(200);
      expect(res.body[ACME].badgeId).toBe('B-NEW');
    });
  });
});
