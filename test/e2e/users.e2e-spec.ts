/**
 * The Users resource end to end, on embedded SQLite and on a real MariaDB/MySQL database
 * (each run creates and drops its own database). Sections cite RFC 7644 / RFC 7643 and the
 * IdP request shapes of docs/idp/quirks.md (#N).
 */
import { ENTERPRISE, USER_SCHEMA, fullUser, oktaUser } from '../fixtures/users.factory';
import { TEST_DATABASES } from '../support/databases';
import { SCIM_JSON, TestApp } from '../support/test-app';

const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

describe.each(TEST_DATABASES)('Users on %s', (kind) => {
  let t: TestApp;
  let token: string;
  const auth = () => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    t = await TestApp.start(kind);
    token = await t.token('acme');
  });
  afterAll(async () => {
    await t?.close();
  });

  const post = (body: unknown, tk = token) =>
    t.http.post('/scim/v2/Users').set('Authorization', `Bearer ${tk}`).set('Content-Type', SCIM_JSON).send(JSON.stringify(body));

  const expectScimError = (res: { status: number; body: Record<string, unknown>; headers: Record<string, string> }, status: number, scimType?: string) => {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
    expect(res.body.schemas).toEqual([ERROR_SCHEMA]);
    expect(res.body.status).toBe(String(status));
    if (scimType) {
      expect(res.body.scimType).toBe(scimType);
    }
  };

  describe('create and read (RFC 7644 §3.3, §3.4.1)', () => {
    it('round-trips every RFC 7643 User attribute and the Enterprise extension (but password)', async () => {
      const input = fullUser();
      const res = await post(input);
      expect(res.status).toBe(201);
      expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
      const id = res.body.id as string;
      expect(res.headers.location).toBe(res.body.meta.location);
      expect(res.body.meta.location).toMatch(new RegExp(`/scim/v2/Users/${id}$`));
      expect(res.headers.etag).toBe(res.body.meta.version);
      expect(res.body.meta).toMatchObject({ resourceType: 'User', version: 'W/"1"' });
      expect(res.body.meta.created).toBe(res.body.meta.lastModified);
      expect(res.body.password).toBeUndefined();

      const got = await t.http.get(`/scim/v2/Users/${id}`).set(auth());
      expect(got.status).toBe(200);
      const { password: _pw, ...expected } = input;
      const { id: _id, meta: _meta, ...actual } = got.body;
      expect(actual).toEqual(expected);
      expect(got.body.schemas).toEqual([USER_SCHEMA, ENTERPRISE]);
    });

    it('keeps userName byte-identical, ignores a client id and readOnly groups/meta (#18, #25, #27)', async () => {
      const body = oktaUser({ userName: 'Jane.Doe@Example.COM', id: 'client-chosen', meta: { version: 'W/"99"' } });
      const res = await post(body);
      expect(res.status).toBe(201);
      expect(res.body.userName).toBe('Jane.Doe@Example.COM');
      expect(res.body.id).not.toBe('client-chosen');
      expect(res.body.groups).toBeUndefined();
      expect(res.body.meta.version).toBe('W/"1"');
      expect((await t.http.get('/scim/v2/Users/client-chosen').set(auth())).status).toBe(404);
    });

    it('answers 409 uniqueness for the same userName in another letter case (RFC 7644 §3.3, #28)', async () => {
      const body = oktaUser({ userName: 'Casey.Case@example.com' });
      expect((await post(body)).status).toBe(201);
      const dup = await post(oktaUser({ userName: 'CASEY.case@EXAMPLE.com' }));
      expectScimError(dup, 409, 'uniqueness');
    });

    it('gives exactly one 201 when parallel POSTs race on one userName (never a 500, #28)', async () => {
      const userName = `race-${Date.now()}@example.com`;
      const results = await Promise.all(Array.from({ length: 20 }, () => post(oktaUser({ userName }))));
      const statuses = results.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    });

    it('tolerates Google\'s legacy SCIM 1.0 URN beside the 2.0 one (#23)', async () => {
      const res = await post(oktaUser({ schemas: ['urn:scim:schemas:core:1.0', USER_SCHEMA] }));
      expect(res.status).toBe(201);
      expect(res.body.schemas).toEqual([USER_SCHEMA]);
    });

    it('accepts application/json as well as application/scim+json (RFC 7644 §3.8, #30)', async () => {
      const res = await t.http
        .post('/scim/v2/Users')
        .set(auth())
        .set('Content-Type', 'application/json')
        .send(JSON.stringify(oktaUser()));
      expect(res.status).toBe(201);
      expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
    });

    it('matches attribute names case-insensitively on input (RFC 7643 §2.1)', async () => {
      const res = await post({
        schemas: [USER_SCHEMA],
        UserName: 'mixed.case@example.com',
        NAME: { GivenName: 'Mixed', familyname: 'Case' },
        Emails: [{ Value: 'mixed.case@example.com', TYPE: 'work' }],
      });
      expect(res.status).toBe(201);
      expect(res.body.userName).toBe('mixed.case@example.com');
      expect(res.body.name).toEqual({ givenName: 'Mixed', familyName: 'Case' });
      expect(res.body.emails).toEqual([{ value: 'mixed.case@example.com', type: 'work' }]);
    });

    it('returns 404 with a SCIM body for an unknown id', async () => {
      expectScimError(await t.http.get('/scim/v2/Users/does-not-exist').set(auth()), 404);
    });

    it('honours attributes / excludedAttributes on a read (RFC 7644 §3.4.2.5)', async () => {
      const { body } = await post(fullUser());
      const only = await t.http.get(`/scim/v2/Users/${body.id}?attributes=userName,name.givenName`).set(auth());
      expect(Object.keys(only.body).sort()).toEqual(['id', 'name', 'schemas', 'userName']);
      expect(only.body.name).toEqual({ givenName: 'Barbara' });
      const without = await t.http.get(`/scim/v2/Users/${body.id}?excludedAttributes=emails,${ENTERPRISE}`).set(auth());
      expect(without.body.emails).toBeUndefined();
      expect(without.body[ENTERPRISE]).toBeUndefined();
      expect(without.body.userName).toBe(body.userName);
    });
  });

  describe('bad input is a clear 4xx (RFC 7644 §3.12)', () => {
    it('malformed JSON -> 400 invalidSyntax', async () => {
      const res = await t.http.post('/scim/v2/Users').set(auth()).set('Content-Type', SCIM_JSON).send('{"userName": ');
      expectScimError(res, 400, 'invalidSyntax');
    });

    it('a wrong type -> 400 invalidValue', async () => {
      expectScimError(await post(oktaUser({ active: 'perhaps' })), 400, 'invalidValue');
      expectScimError(await post(oktaUser({ emails: 'x@example.com', name: 7 })), 400, 'invalidValue');
    });

    it('a missing userName -> 400 invalidValue', async () => {
      const { userName: _u, ...body } = oktaUser();
      expectScimError(await post(body), 400, 'invalidValue');
    });

    it('a body over maxPayloadSize -> 413 with a SCIM body', async () => {
      const big = oktaUser({ nickName: 'x'.repeat(1024 * 1024 + 10) });
      expectScimError(await post(big), 413);
    });

    it('an unknown endpoint -> 404 with a SCIM body', async () => {
      expectScimError(await t.http.get('/scim/v2/Nope').set(auth()), 404);
    });
  });

  describe('list and filter in SQL (RFC 7644 §3.4.2)', () => {
    const created: Array<Record<string, string>> = [];
    beforeAll(async () => {
      for (let i = 0; i < 5; i++) {
        const res = await post(oktaUser({ userName: `lister${i}@List.example`, externalId: `LIST-${i}` }));
        created.push(res.body);
      }
    });

    it('finds by userName eq case-insensitively (RFC 7643 §4.1 caseExact false, #19)', async () => {
      const res = await t.http
        .get('/scim/v2/Users')
        .query({ filter: 'userName eq "LISTER2@list.EXAMPLE"', startIndex: 1, count: 100 })
        .set(auth());
      expect(res.status).toBe(200);
      expect(res.body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:ListResponse']);
      expect(res.body.totalResults).toBe(1);
      expect(res.body.itemsPerPage).toBe(1);
      expect(res.body.startIndex).toBe(1);
      expect(res.body.Resources[0].id).toBe(created[2].id);
    });

    it('matches externalId case-exactly (#7)', async () => {
      const hit = await t.http.get('/scim/v2/Users').query({ filter: 'externalId eq "LIST-3"' }).set(auth());
      expect(hit.body.Resources.map((r: { id: string }) => r.id)).toEqual([created[3].id]);
      const miss = await t.http.get('/scim/v2/Users').query({ filter: 'externalId eq "list-3"' }).set(auth());
      expect(miss.body.totalResults).toBe(0);
    });

    it('filters by id eq and by and', async () => {
      const byId = await t.http.get('/scim/v2/Users').query({ filter: `id eq "${created[1].id}"` }).set(auth());
      expect(byId.body.totalResults).toBe(1);
      const both = await t.http
        .get('/scim/v2/Users')
        .query({ filter: `userName eq "lister4@list.example" and externalId eq "LIST-4"` })
        .set(auth());
      expect(both.body.Resources.map((r: { id: string }) => r.id)).toEqual([created[4].id]);
      const none = await t.http
        .get('/scim/v2/Users')
        .query({ filter: `userName eq "lister4@list.example" and externalId eq "LIST-3"` })
        .set(auth());
      expect(none.body.totalResults).toBe(0);
    });

    it('answers an empty ListResponse with "Resources": [] when nothing matches (#5, #19)', async () => {
      const res = await t.http.get('/scim/v2/Users').query({ filter: 'userName eq "nobody@example.com"' }).set(auth());
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
        totalResults: 0,
        itemsPerPage: 0,
        startIndex: 1,
        Resources: [],
      });
    });

    it('filters multi-valued emails.value in SQL', async () => {
      const res = await t.http.get('/scim/v2/Users').query({ filter: `emails.value eq "${created[0].userName.toUpperCase()}"` }).set(auth());
      expect(res.status).toBe(200);
    });

    it('pages with startIndex/count: integers, real itemsPerPage, stable order (RFC 7644 §3.4.2.4, #20)', async () => {
      const filter = 'userName sw "lister"';
      const all = await t.http.get('/scim/v2/Users').query({ filter }).set(auth());
      expect(all.body.totalResults).toBe(5);
      const ids = all.body.Resources.map((r: { id: string }) => r.id);
      const page = await t.http.get('/scim/v2/Users').query({ filter, startIndex: 2, count: 2 }).set(auth());
      expect(page.body).toMatchObject({ totalResults: 5, itemsPerPage: 2, startIndex: 2 });
      expect(page.body.Resources.map((r: { id: string }) => r.id)).toEqual(ids.slice(1, 3));
      const last = await t.http.get('/scim/v2/Users').query({ filter, startIndex: 5, count: 100 }).set(auth());
      expect(last.body.itemsPerPage).toBe(1);
      const zero = await t.http.get('/scim/v2/Users').query({ filter, startIndex: 0, count: 0 }).set(auth());
      expect(zero.body).toMatchObject({ totalResults: 5, itemsPerPage: 0, startIndex: 1, Resources: [] });
    });

    it('rejects a malformed filter with 400 invalidFilter, and injection attempts never reach SQL', async () => {
      expectScimError(await t.http.get('/scim/v2/Users').query({ filter: 'userName eq' }).set(auth()), 400, 'invalidFilter');
      expectScimError(await t.http.get('/scim/v2/Users').query({ filter: 'nosuch eq "x"' }).set(auth()), 400, 'invalidFilter');
      const inj = await t.http.get('/scim/v2/Users').query({ filter: `userName eq "x' OR '1'='1"` }).set(auth());
      expect(inj.status).toBe(200);
      expect(inj.body.totalResults).toBe(0);
    });

    it('POST /Users/.search and root /.search answer like GET (RFC 7644 §3.4.3)', async () => {
      const body = {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
        filter: 'userName sw "lister"',
        attributes: ['userName'],
        startIndex: 2,
        count: 2,
      };
      for (const path of ['/scim/v2/Users/.search', '/scim/v2/.search']) {
        const res = await t.http.post(path).set(auth()).set('Content-Type', SCIM_JSON).send(JSON.stringify(body));
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ totalResults: 5, itemsPerPage: 2, startIndex: 2 });
        expect(Object.keys(res.body.Resources[0]).sort()).toEqual(['id', 'schemas', 'userName']);
      }
      const bad = await t.http.post('/scim/v2/Users/.search').set(auth()).send({ schemas: ['nope'] });
      expectScimError(bad, 400, 'invalidValue');
      // a groups-only token searches Groups, where userName is no attribute: nothing to evaluate
      const groupsOnly = await t.token('acme', ['groups:read']);
      expectScimError(
        await t.http.post('/scim/v2/.search').set('Authorization', `Bearer ${groupsOnly}`).send(body),
        400,
        'invalidFilter',
      );
    });

    it('sorts by sortBy/sortOrder, case-insensitively for userName (RFC 7644 §3.4.2.3)', async () => {
      const asc = await t.http.get('/scim/v2/Users').query({ filter: 'userName sw "lister"', sortBy: 'userName' }).set(auth());
      const names = asc.body.Resources.map((r: { userName: string }) => r.userName);
      expect(names).toEqual([...names].sort((a: string, b: string) => a.toLowerCase().localeCompare(b.toLowerCase())));
      const desc = await t.http
        .get('/scim/v2/Users')
        .query({ filter: 'userName sw "lister"', sortBy: 'externalId', sortOrder: 'descending' })
        .set(auth());
      expect(desc.body.Resources.map((r: { externalId: string }) => r.externalId)).toEqual([
        'LIST-4', 'LIST-3', 'LIST-2', 'LIST-1', 'LIST-0',
      ]);
      expectScimError(await t.http.get('/scim/v2/Users').query({ sortBy: 'nosuch' }).set(auth()), 400, 'invalidValue');
    });

    it('pages by cursor: next/previous, no startIndex, totals on the first page (RFC 9865)', async () => {
      const filter = 'userName sw "lister"';
      const all = await t.http.get('/scim/v2/Users').query({ filter }).set(auth());
      const ids = all.body.Resources.map((r: { id: string }) => r.id);
      const first = await t.http.get('/scim/v2/Users').query({ filter, cursor: '', count: 2 }).set(auth());
      expect(first.status).toBe(200);
      expect(first.body.startIndex).toBeUndefined();
      expect(first.body).toMatchObject({ totalResults: 5, itemsPerPage: 2 });
      expect(first.body.previousCursor).toBeUndefined();
      expect(first.body.Resources.map((r: { id: string }) => r.id)).toEqual(ids.slice(0, 2));
      const second = await t.http.get('/scim/v2/Users').query({ filter, cursor: first.body.nextCursor, count: 2 }).set(auth());
      expect(second.body.Resources.map((r: { id: string }) => r.id)).toEqual(ids.slice(2, 4));
      expect(second.body.previousCursor).toEqual(expect.any(String));
      const third = await t.http.get('/scim/v2/Users').query({ filter, cursor: second.body.nextCursor, count: 2 }).set(auth());
      expect(third.body.Resources.map((r: { id: string }) => r.id)).toEqual(ids.slice(4));
      expect(third.body.nextCursor).toBeUndefined();
      const back = await t.http.get('/scim/v2/Users').query({ filter, cursor: third.body.previousCursor, count: 2 }).set(auth());
      expect(back.body.Resources.map((r: { id: string }) => r.id)).toEqual(ids.slice(2, 4));

      const sorted = await t.http
        .get('/scim/v2/Users')
        .query({ filter, cursor: '', count: 3, sortBy: 'externalId', sortOrder: 'descending' })
        .set(auth());
      const more = await t.http
        .get('/scim/v2/Users')
        .query({ filter, cursor: sorted.body.nextCursor, count: 3, sortBy: 'externalId', sortOrder: 'descending' })
        .set(auth());
      expect([...sorted.body.Resources, ...more.body.Resources].map((r: { externalId: string }) => r.externalId)).toEqual([
        'LIST-4', 'LIST-3', 'LIST-2', 'LIST-1', 'LIST-0',
      ]);

      expectScimError(await t.http.get('/scim/v2/Users').query({ filter, cursor: 'garbage' }).set(auth()), 400, 'invalidCursor');
      expectScimError(
        await t.http.get('/scim/v2/Users').query({ filter: 'userName sw "l"', cursor: first.body.nextCursor }).set(auth()),
        400,
        'invalidCursor',
      );
      expectScimError(await t.http.get('/scim/v2/Users').query({ cursor: '', startIndex: 1 }).set(auth()), 400, 'invalidValue');
      const spc = await t.http.get('/scim/v2/ServiceProviderConfig');
      expect(spc.body.pagination).toMatchObject({ cursor: true, index: true });
    });

    it('rejects a non-integer count with 400 invalidValue', async () => {
      expectScimError(await t.http.get('/scim/v2/Users').query({ count: 'ten' }).set(auth()), 400, 'invalidValue');
    });
  });

  describe('replace, patch, delete (RFC 7644 §3.5, §3.6)', () => {
    it('PUT replaces the resource, ignores readOnly id/meta/groups, bumps the version (#17)', async () => {
      const { body: created } = await post(fullUser());
      const replacement = { ...oktaUser({ userName: created.userName }), id: 'other', meta: created.meta, groups: [] };
      const res = await t.http.put(`/scim/v2/Users/${created.id}`).set(auth()).send(replacement);
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(created.id);
      expect(res.body.phoneNumbers).toBeUndefined();
      expect(res.body.displayName).toBe(replacement.displayName);
      expect(res.body.meta.version).toBe('W/"2"');
      expect(res.body.meta.created).toBe(created.meta.created);
    });

    it('Okta deactivates with a path-less replace that keeps every other attribute (#16)', async () => {
      const { body: created } = await post(oktaUser());
      const res = await t.http
        .patch(`/scim/v2/Users/${created.id}`)
        .set(auth())
        .send({ schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: false } }] });
      expect(res.status).toBe(200);
      expect(res.body.active).toBe(false);
      expect(res.body.emails).toEqual(created.emails);
      expect(res.body.name).toEqual(created.name);
      const filtered = await t.http.get('/scim/v2/Users').query({ filter: `active eq false and id eq "${created.id}"` }).set(auth());
      expect(filtered.body.totalResults).toBe(1);
    });

    it('Entra replaces with a capitalised op and a "False" string (#1, #2)', async () => {
      const { body: created } = await post(oktaUser());
      const res = await t.http
        .patch(`/scim/v2/Users/${created.id}`)
        .set(auth())
        .send({ schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] });
      expect(res.status).toBe(200);
      expect(res.body.active).toBe(false);
    });

    it('adds and removes a multi-valued value, and the filter index follows', async () => {
      const { body: created } = await post(oktaUser());
      const add = await t.http
        .patch(`/scim/v2/Users/${created.id}`)
        .set(auth())
        .send({ schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'emails', value: [{ value: 'second@alias.example', type: 'home' }] }] });
      expect(add.status).toBe(200);
      expect(add.body.emails).toHaveLength(2);
      let found = await t.http.get('/scim/v2/Users').query({ filter: 'emails[type eq "home" and value eq "SECOND@alias.example"]' }).set(auth());
      expect(found.body.Resources.map((r: { id: string }) => r.id)).toEqual([created.id]);
      const remove = await t.http
        .patch(`/scim/v2/Users/${created.id}`)
        .set(auth())
        .send({ schemas: [PATCH_OP], Operations: [{ op: 'remove', path: 'emails[value eq "second@alias.example"]' }] });
      expect(remove.status).toBe(200);
      expect(remove.body.emails).toHaveLength(1);
      found = await t.http.get('/scim/v2/Users').query({ filter: 'emails.value eq "second@alias.example"' }).set(auth());
      expect(found.body.totalResults).toBe(0);
    });

    it('PATCH answers 204 with an ETag when the client asks for no attributes (RFC 7644 §3.5.2, #31)', async () => {
      const { body: created } = await post(oktaUser());
      const res = await t.http
        .patch(`/scim/v2/Users/${created.id}?attributes=`)
        .set(auth())
        .send({ schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: 'Engineer' }] });
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      expect(res.headers.etag).toBe('W/"2"');
      expect((await t.http.get(`/scim/v2/Users/${created.id}`).set(auth())).body.title).toBe('Engineer');
    });

    it('an invalid PATCH changes nothing: all operations apply or none (RFC 7644 §3.5.2)', async () => {
      const { body: created } = await post(oktaUser());
      const res = await t.http
        .patch(`/scim/v2/Users/${created.id}`)
        .set(auth())
        .send({
          schemas: [PATCH_OP],
          Operations: [
            { op: 'replace', path: 'title', value: 'Changed' },
            { op: 'replace', path: 'nosuchattribute', value: 'x' },
          ],
        });
      expectScimError(res, 400, 'invalidPath');
      const after = await t.http.get(`/scim/v2/Users/${created.id}`).set(auth());
      expect(after.body.title).toBeUndefined();
      expect(after.body.meta.version).toBe('W/"1"');
    });

    it('rejects changes to readOnly attributes and a remove without path (RFC 7644 §3.5.2)', async () => {
      const { body: created } = await post(oktaUser());
      const ro = await t.http
        .patch(`/scim/v2/Users/${created.id}`)
        .set(auth())
        .send({ schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'meta.created', value: '2000-01-01T00:00:00Z' }] });
      expectScimError(ro, 400, 'mutability');
      const noPath = await t.http
        .patch(`/scim/v2/Users/${created.id}`)
        .set(auth())
        .send({ schemas: [PATCH_OP], Operations: [{ op: 'remove' }] });
      expectScimError(noPath, 400, 'noTarget');
      const noOps = await t.http.patch(`/scim/v2/Users/${created.id}`).set(auth()).send({ schemas: [PATCH_OP], Operations: [] });
      expect(noOps.status).toBe(400);
    });

    it('Entra path-less replace with dotted keys and a URN key, and manager as a bare string (#3, #8)', async () => {
      const { body: created } = await post(oktaUser());
      const res = await t.http
        .patch(`/scim/v2/Users/${created.id}`)
        .set(auth())
        .send({
          schemas: [PATCH_OP],
          Operations: [
            {
              op: 'Replace',
              value: {
                displayName: 'New Name',
                'name.givenName': 'Neu',
                [`${ENTERPRISE}:employeeNumber`]: '7',
              },
            },
            { op: 'Add', path: `${ENTERPRISE}:manager`, value: 'mgr-123' },
          ],
        });
      expect(res.status).toBe(200);
      expect(res.body.displayName).toBe('New Name');
      expect(res.body.name.givenName).toBe('Neu');
      expect(res.body.name.familyName).toBe(created.name.familyName);
      expect(res.body['name.givenName']).toBeUndefined();
      expect(res.body[ENTERPRISE]).toEqual({ employeeNumber: '7', manager: { value: 'mgr-123' } });
      expect(res.body.schemas).toEqual([USER_SCHEMA, ENTERPRISE]);
      const found = await t.http
        .get('/scim/v2/Users')
        .query({ filter: `${ENTERPRISE}:employeeNumber eq "7" and id eq "${created.id}"` })
        .set(auth());
      expect(found.body.totalResults).toBe(1);
    });

    it('a no-op PATCH (Entra periodic active=true, #15) writes nothing', async () => {
      const { body: created } = await post(oktaUser({ active: true }));
      const res = await t.http
        .patch(`/scim/v2/Users/${created.id}`)
        .set(auth())
        .send({ schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: true }] });
      expect(res.status).toBe(200);
      expect(res.body.meta.version).toBe(created.meta.version);
      expect(res.body.meta.lastModified).toBe(created.meta.lastModified);
    });

    it('If-Match with a stale version -> 412; If-None-Match with the current one -> 304 (RFC 7644 §3.14)', async () => {
      const { body: created } = await post(oktaUser());
      const stale = await t.http
        .put(`/scim/v2/Users/${created.id}`)
        .set(auth())
        .set('If-Match', 'W/"7"')
        .send(oktaUser({ userName: created.userName }));
      expectScimError(stale, 412);
      const ok = await t.http
        .put(`/scim/v2/Users/${created.id}`)
        .set(auth())
        .set('If-Match', created.meta.version)
        .send(oktaUser({ userName: created.userName }));
      expect(ok.status).toBe(200);
      const cached = await t.http.get(`/scim/v2/Users/${created.id}`).set(auth()).set('If-None-Match', ok.body.meta.version);
      expect(cached.status).toBe(304);
      const changed = await t.http.get(`/scim/v2/Users/${created.id}`).set(auth()).set('If-None-Match', created.meta.version);
      expect(changed.status).toBe(200);
    });

    it('DELETE -> 204, then GET 404 and a second DELETE 404 (RFC 7644 §3.6, #34)', async () => {
      const { body: created } = await post(oktaUser());
      expect((await t.http.delete(`/scim/v2/Users/${created.id}`).set(auth())).status).toBe(204);
      expectScimError(await t.http.get(`/scim/v2/Users/${created.id}`).set(auth()), 404);
      expectScimError(await t.http.delete(`/scim/v2/Users/${created.id}`).set(auth()), 404);
    });
  });

  describe('tokens, scopes and tenants', () => {
    it('no token -> 401 with WWW-Authenticate: Bearer and a SCIM body', async () => {
      const res = await t.http.get('/scim/v2/Users');
      expectScimError(res, 401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    });

    it('an unknown, revoked or expired token -> 401', async () => {
      expectScimError(await t.http.get('/scim/v2/Users').set('Authorization', 'Bearer scim_notatoken'), 401);
      const issued = await t.tokens.issue('acme', 'to-revoke', ['users:read']);
      expect((await t.http.get('/scim/v2/Users').set('Authorization', `Bearer ${issued.token}`)).status).toBe(200);
      await t.tokens.revoke(issued.record.id);
      expectScimError(await t.http.get('/scim/v2/Users').set('Authorization', `Bearer ${issued.token}`), 401);
      const expiring = await t.tokens.issue('acme', 'expiring', ['users:read'], 0.00000001);
      await new Promise((r) => setTimeout(r, 20));
      expectScimError(await t.http.get('/scim/v2/Users').set('Authorization', `Bearer ${expiring.token}`), 401);
    });

    it('a users:read token reads but cannot write (403)', async () => {
      const readOnly = await t.token('acme', ['users:read']);
      const { body: created } = await post(oktaUser());
      expect((await t.http.get(`/scim/v2/Users/${created.id}`).set('Authorization', `Bearer ${readOnly}`)).status).toBe(200);
      expectScimError(await post(oktaUser(), readOnly), 403);
      expectScimError(await t.http.delete(`/scim/v2/Users/${created.id}`).set('Authorization', `Bearer ${readOnly}`), 403);
      const groupsOnly = await t.token('acme', ['groups:write']);
      expectScimError(await t.http.get('/scim/v2/Users').set('Authorization', `Bearer ${groupsOnly}`), 403);
    });

    it('a token\'s profile decides which IdP forms are accepted (docs/idp/quirks.md #2, PATCH profiles)', async () => {
      const strict = (await t.tokens.issue('acme', 'strict', ['users:read', 'users:write'], undefined, 'rfc-strict')).token;
      const { body: created } = await post(oktaUser());
      const entraStyle = { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] };
      const refused = await t.http.patch(`/scim/v2/Users/${created.id}`).set('Authorization', `Bearer ${strict}`).send(entraStyle);
      expectScimError(refused, 400, 'invalidValue');
      const entra = (await t.tokens.issue('acme', 'entra', ['users:read', 'users:write'], undefined, 'entra')).token;
      const ok = await t.http.patch(`/scim/v2/Users/${created.id}`).set('Authorization', `Bearer ${entra}`).send(entraStyle);
      expect(ok.status).toBe(200);
      expect(ok.body.active).toBe(false);
      await expect(t.tokens.issue('acme', 'bad', ['users:read'], undefined, 'azure')).rejects.toThrow(/Unknown profile/);
    });

    it('a token of tenant B can never read or change tenant A\'s users', async () => {
      const other = await t.token('globex');
      const { body: a } = await post(oktaUser({ userName: 'shared-name@example.com' }));
      const asB = (r: { set: (k: string, v: string) => unknown }) => r.set('Authorization', `Bearer ${other}`);
      expectScimError(await (asB(t.http.get(`/scim/v2/Users/${a.id}`)) as Promise<never>), 404);
      expectScimError(await (asB(t.http.put(`/scim/v2/Users/${a.id}`).send(oktaUser())) as Promise<never>), 404);
      expectScimError(
        await (asB(t.http.patch(`/scim/v2/Users/${a.id}`).send({ schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] })) as Promise<never>),
        404,
      );
      expectScimError(await (asB(t.http.delete(`/scim/v2/Users/${a.id}`)) as Promise<never>), 404);
      const list = await t.http.get('/scim/v2/Users').set('Authorization', `Bearer ${other}`);
      expect(list.body.totalResults).toBe(0);
      // the same userName is free in tenant B: uniqueness is per tenant (#28)
      expect((await post(oktaUser({ userName: 'shared-name@example.com' }), other)).status).toBe(201);
      expect((await t.http.get(`/scim/v2/Users/${a.id}`).set(auth())).body.active).toBe(true);
    });
  });

  describe('discovery (RFC 7644 §4, RFC 7643 §5-§7)', () => {
    it('ServiceProviderConfig is truthful', async () => {
      const res = await t.http.get('/scim/v2/ServiceProviderConfig').set(auth());
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
      expect(res.body).toMatchObject({
        patch: { supported: true },
        bulk: { supported: true, maxOperations: 1000, maxPayloadSize: 1048576 },
        filter: { supported: true, maxResults: 1000 },
        sort: { supported: true },
        etag: { supported: true },
      });
      expect(res.body.authenticationSchemes[0].type).toBe('oauthbearertoken');
    });

    it('ResourceTypes lists only what is served; Schemas come from the registry', async () => {
      const rts = await t.http.get('/scim/v2/ResourceTypes').set(auth());
      expect(rts.body.Resources.map((r: { name: string }) => r.name)).toEqual(['User', 'Group']);
      expect(rts.body.Resources[0].schemaExtensions).toEqual([{ schema: ENTERPRISE, required: false }]);
      expect((await t.http.get('/scim/v2/ResourceTypes/User').set(auth())).body.endpoint).toBe('/Users');
      expect((await t.http.get('/scim/v2/ResourceTypes/group').set(auth())).body.endpoint).toBe('/Groups');
      expectScimError(await t.http.get('/scim/v2/ResourceTypes/Device').set(auth()), 404);
      const schemas = await t.http.get('/scim/v2/Schemas').set(auth());
      expect(schemas.body.Resources.map((s: { id: string }) => s.id)).toEqual(
        expect.arrayContaining([USER_SCHEMA, ENTERPRISE]),
      );
      const user = await t.http.get(`/scim/v2/Schemas/${USER_SCHEMA}`).set(auth());
      const userName = user.body.attributes.find((a: { name: string }) => a.name === 'userName');
      expect(userName).toMatchObject({ required: true, caseExact: false, uniqueness: 'server' });
      const pw = user.body.attributes.find((a: { name: string }) => a.name === 'password');
      expect(pw).toMatchObject({ mutability: 'writeOnly', returned: 'never' });
    });

    it('a filter on a discovery endpoint is refused with 403, never a 500 (#35)', async () => {
      expectScimError(await t.http.get('/scim/v2/Schemas').query({ filter: 'id eq "x"' }).set(auth()), 403);
    });
  });
});
