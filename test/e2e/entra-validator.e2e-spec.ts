/**
 * Microsoft Entra ID's 2026 gallery validation (the Logic-App suite of 25 tests, described in
 * AzureAD/SCIMReferenceCode's "SCIM Provisioning Validation — Test Overview"), replayed against
 * the standalone server on SQLite and MariaDB/MySQL, under the `entra` profile and under the
 * default one. Each `it` names the validator test it replays; the requests are the ones the
 * validator (or the provisioning engine it drives) sends, written here in our own words:
 *
 * - the engine-driven tests (1-14) are replayed as the SCIM traffic Entra sends for them
 *   (look-up before create, PATCH with capitalised ops and "False", DELETE, member adds and
 *   removals, unassign then reassign);
 * - the direct SCIM tests (15-25) as the validator sends them: /Schemas flattened into
 *   attribute names such as `emails[type eq "work"].value`, PATCH with "" then null, PATCH of
 *   every single-valued attribute, `count=5` paging, `manager` set, changed and removed.
 *
 * Not replayed: Validate_Credentials_Test (21) and Federated_Identity_Test (22), which need an
 * OAuth token endpoint, and Provision on Demand (7, 13), which is the engine's own call (the
 * SCIM requests it causes are those of tests 1 and 8).
 */
import { ENTERPRISE, USER_SCHEMA } from '../fixtures/users.factory';
import { TEST_DATABASES } from '../support/databases';
import { SCIM_JSON, TestApp } from '../support/test-app';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

type Res = { status: number; body: Record<string, any> };

/** The target attributes of Entra's default mappings for a non-gallery app (docs/idp/entra-id.md). */
const ENTRA_USER_TARGETS = [
  'userName',
  'active',
  'displayName',
  'title',
  'emails[type eq "work"].value',
  'preferredLanguage',
  'name.givenName',
  'name.familyName',
  'name.formatted',
  'addresses[type eq "work"].formatted',
  'addresses[type eq "work"].streetAddress',
  'addresses[type eq "work"].locality',
  'addresses[type eq "work"].region',
  'addresses[type eq "work"].postalCode',
  'addresses[type eq "work"].country',
  'phoneNumbers[type eq "work"].value',
  'phoneNumbers[type eq "mobile"].value',
  'phoneNumbers[type eq "fax"].value',
  'externalId',
  // app role assignments, when the mapping adds them (SingleAppRoleAssignment)
  'roles[primary eq "True"].value',
  `${ENTERPRISE}:employeeNumber`,
  `${ENTERPRISE}:department`,
  `${ENTERPRISE}:costCenter`,
  `${ENTERPRISE}:organization`,
  `${ENTERPRISE}:division`,
  `${ENTERPRISE}:manager`,
];
const ENTRA_GROUP_TARGETS = ['displayName', 'externalId', 'members'];

interface SchemaAttr {
  name: string;
  type: string;
  multiValued?: boolean;
  required?: boolean;
  mutability?: string;
  returned?: string;
  canonicalValues?: string[];
  subAttributes?: SchemaAttr[];
}

/**
 * The validator's flattening of a /Schemas attribute list into the names a mapping targets:
 * `manager`/`members` as they are; a multi-valued complex attribute as
 * `name[type eq "<canonical>"].<sub>` (or `name[primary eq "True"].<sub>` without canonical
 * types); a singular complex one as `name.<sub>`; a simple one by name; references left out.
 */
function flatten(attrs: SchemaAttr[]): string[] {
  const out: string[] = [];
  for (const a of attrs) {
    if (a.name === 'manager' || a.name === 'members') {
      out.push(a.name);
    } else if (a.type === 'complex' && a.multiValued) {
      const subs = a.subAttributes ?? [];
      const types = subs.find((s) => s.name === 'type')?.canonicalValues ?? [];
      const rest = subs.filter((s) => s.name !== 'type' && s.name !== 'primary');
      if (types.length) {
        types.forEach((t) => rest.forEach((s) => out.push(`${a.name}[type eq "${t}"].${s.name}`)));
      } else {
        subs.filter((s) => s.name !== 'primary').forEach((s) => out.push(`${a.name}[primary eq "True"].${s.name}`));
      }
    } else if (a.type === 'complex') {
      (a.subAttributes ?? []).filter((s) => s.type !== 'complex' && s.type !== 'reference').forEach((s) => out.push(`${a.name}.${s.name}`));
    } else if (a.type !== 'reference') {
      out.push(a.name);
    }
  }
  return out;
}

describe.each(TEST_DATABASES)("Entra ID's gallery validation on %s", (kind) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await TestApp.start(kind);
  });
  afterAll(async () => {
    await t?.close();
  });

  describe.each(['entra', 'default'])('profile %s', (profile) => {
    let token: string;
    const tenant = `entra-${profile}`;

    beforeAll(async () => {
      await t.tenantService.createTenant(tenant, profile === 'default' ? undefined : profile);
      token = await t.token(tenant);
    });

    const call = (method: 'get' | 'post' | 'patch' | 'delete', path: string, body?: unknown, query?: Record<string, unknown>): Promise<Res> => {
      let req = t.http[method](`/scim/v2${path}`).set('Authorization', `Bearer ${token}`).set('Accept', SCIM_JSON);
      if (query) {
        req = req.query(query);
      }
      if (body !== undefined) {
        req = req.set('Content-Type', SCIM_JSON).send(JSON.stringify(body));
      }
      return req as unknown as Promise<Res>;
    };
    const patch = (path: string, ops: unknown[]) => call('patch', path, { schemas: [PATCH_OP], Operations: ops });
    const byFilter = (path: string, filter: string, extra: Record<string, unknown> = {}) => call('get', path, undefined, { filter, ...extra });
    let n = 0;
    const upn = (prefix: string) => `${prefix}_${profile}_${++n}@Contoso.onmicrosoft.com`;
    /** a user carrying a value for every default mapping target, as the validator builds it */
    const mappedUser = (userName: string) => ({
      schemas: [USER_SCHEMA, ENTERPRISE],
      userName,
      active: true,
      externalId: `ext-${userName}`,
      displayName: 'Test Display',
      title: 'Engineer',
      preferredLanguage: 'en-US',
      name: { givenName: 'Test', familyName: 'User', formatted: 'Test User' },
      emails: [{ type: 'work', primary: true, value: userName.toLowerCase() }],
      addresses: [{ type: 'work', primary: true, formatted: '1 Main St', streetAddress: '1 Main St', locality: 'Redmond', region: 'WA', postalCode: '98052', country: 'US' }],
      phoneNumbers: [
        { type: 'work', primary: true, value: '+1 555 0100' },
        { type: 'mobile', primary: false, value: '+1 555 0101' },
        { type: 'fax', primary: false, value: '+1 555 0102' },
      ],
      [ENTERPRISE]: { employeeNumber: '42', department: 'R&D', costCenter: 'CC1', organization: 'Contoso', division: 'Cloud' },
    });
    const create = async (userName = upn('User')): Promise<string> => {
      const res = await call('post', '/Users', mappedUser(userName));
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    const get = async (id: string) => (await call('get', `/Users/${id}`)).body;

    it('1 Create_User_Test: look-up by userName finds nothing (200, not 404), POST, then the look-up finds the user', async () => {
      const userName = upn('Create');
      const before = await byFilter('/Users', `userName eq "${userName}"`);
      expect(before.status).toBe(200);
      expect(before.body).toMatchObject({ totalResults: 0, Resources: [] });
      const id = await create(userName);
      const after = await byFilter('/Users', `userName eq "${userName.toUpperCase()}"`);
      expect(after.body.Resources.map((r: { id: string }) => r.id)).toEqual([id]);
    });

    it('2 Update_User_Test: mapped attributes changed by PATCH read back', async () => {
      const id = await create();
      const res = await patch(`/Users/${id}`, [
        { op: 'Replace', path: 'title', value: 'Principal Engineer' },
        { op: 'Replace', path: `${ENTERPRISE}:department`, value: 'Sales' },
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'updated@contoso.com' },
      ]);
      expect(res.status).toBe(200);
      const user = await get(id);
      expect(user).toMatchObject({ title: 'Principal Engineer', [ENTERPRISE]: { department: 'Sales' } });
      expect(user.emails).toEqual([{ type: 'work', primary: true, value: 'updated@contoso.com' }]);
    });

    it('3 Disable_User_Test: active "False" (no aadOptscim062020 flag) deactivates, the user stays readable', async () => {
      const id = await create();
      expect((await patch(`/Users/${id}`, [{ op: 'Replace', path: 'active', value: 'False' }])).status).toBe(200);
      expect((await get(id)).active).toBe(false);
    });

    it('4 Delete_User_Test: DELETE, then 404 by id and totalResults 0 by filter', async () => {
      const userName = upn('Delete');
      const id = await create(userName);
      expect((await call('delete', `/Users/${id}`)).status).toBe(204);
      expect((await call('get', `/Users/${id}`)).status).toBe(404);
      expect((await byFilter('/Users', `userName eq "${userName}"`)).body.totalResults).toBe(0);
    });

    it('6 Restore_User_Test: unassigned (deleted) then reassigned (created again), the user is back', async () => {
      const userName = upn('Restore');
      const id = await create(userName);
      expect((await call('delete', `/Users/${id}`)).status).toBe(204);
      expect((await byFilter('/Users', `userName eq "${userName}"`)).body.totalResults).toBe(0);
      const again = await call('post', '/Users', mappedUser(userName));
      expect(again.status).toBe(201);
      const found = await byFilter('/Users', `userName eq "${userName}"`);
      expect(found.body.Resources.map((r: { id: string }) => r.id)).toEqual([again.body.id]);
      expect(found.body.Resources[0].userName).toBe(userName);
    });

    it('8-12 group tests: create and look up without members, rename, add a member, remove it, delete', async () => {
      const members = [await create(), await create()];
      const displayName = `Entra Group ${profile} ${kind}`;
      const none = await byFilter('/Groups', `displayName eq "${displayName}"`, { excludedAttributes: 'members' });
      expect(none.body).toMatchObject({ totalResults: 0, Resources: [] });
      const created = await call('post', '/Groups', { schemas: [GROUP_SCHEMA], displayName, externalId: `obj-${profile}-${kind}` });
      expect(created.status).toBe(201);
      const gid = created.body.id as string;
      const found = await byFilter('/Groups', `displayName eq "${displayName}"`, { excludedAttributes: 'members' });
      expect(found.body.Resources.map((r: { id: string }) => r.id)).toEqual([gid]);
      expect([200, 204]).toContain((await patch(`/Groups/${gid}`, [{ op: 'Replace', path: 'displayName', value: `${displayName} renamed` }])).status);
      expect([200, 204]).toContain((await patch(`/Groups/${gid}`, [{ op: 'Add', path: 'members', value: members.map((value) => ({ value })) }])).status);
      expect((await call('get', `/Groups/${gid}`)).body.members.map((m: { value: string }) => m.value).sort()).toEqual([...members].sort());
      // one member removed each way Entra removes (#4)
      expect([200, 204]).toContain((await patch(`/Groups/${gid}`, [{ op: 'Remove', path: 'members', value: [{ value: members[0] }] }])).status);
      expect([200, 204]).toContain((await patch(`/Groups/${gid}`, [{ op: 'Remove', path: `members[value eq "${members[1]}"]` }])).status);
      const emptied = (await call('get', `/Groups/${gid}`)).body;
      expect(emptied).toMatchObject({ displayName: `${displayName} renamed` });
      expect(emptied.members).toBeUndefined();
      expect((await call('delete', `/Groups/${gid}`)).status).toBe(204);
      expect((await byFilter('/Groups', `displayName eq "${displayName} renamed"`)).body.totalResults).toBe(0);
    });

    it('15 Schema_Discoverability_Test: every attribute of the default mappings is discoverable in /Schemas', async () => {
      const res = await call('get', '/Schemas');
      expect(res.status).toBe(200);
      const schemas = res.body.Resources as Array<{ id: string; attributes: SchemaAttr[] }>;
      const core = schemas.find((s) => s.id === USER_SCHEMA)!;
      const group = schemas.find((s) => s.id === GROUP_SCHEMA);
      expect(group).toBeDefined();
      const userNames = [
        ...flatten(core.attributes),
        ...schemas.filter((s) => s.id !== USER_SCHEMA && s.id !== GROUP_SCHEMA).flatMap((s) => s.attributes.map((a) => `${s.id}:${a.name}`)),
      ].map((x) => x.toLowerCase());
      const groupNames = flatten(group!.attributes).map((x) => x.toLowerCase());
      expect(ENTRA_USER_TARGETS.filter((a) => !userNames.includes(a.toLowerCase()))).toEqual([]);
      expect(ENTRA_GROUP_TARGETS.filter((a) => !groupNames.includes(a.toLowerCase()))).toEqual([]);
      // the common attribute listed in each core schema, with its RFC 7643 §3.1 characteristics
      for (const s of [core, group!]) {
        expect(s.attributes.find((a) => a.name === 'externalId')).toMatchObject({
          type: 'string', multiValued: false, caseExact: true, mutability: 'readWrite', required: false,
        });
      }
    });

    /** the targets the null test clears: not matching, not a reference, not required, not userName/active/externalId/roles */
    const NULL_TARGETS = ENTRA_USER_TARGETS.filter(
      (a) => !['userName', 'active', 'externalId', `${ENTERPRISE}:manager`].includes(a) && !a.startsWith('roles'),
    );
    /** a target's value in a GET, read the validator's way ('' when absent) */
    const valueAt = (user: Record<string, any>, target: string): unknown => {
      const typed = /^(\w+)\[type eq "(\w+)"\]\.(\w+)$/.exec(target);
      if (typed) {
        const el = ((user[typed[1]] as Array<Record<string, unknown>> | undefined) ?? []).find((e) => String(e.type).toLowerCase() === typed[2]);
        return el?.[typed[3]] ?? '';
      }
      if (target.startsWith('urn:')) {
        const i = target.lastIndexOf(':');
        return user[target.slice(0, i)]?.[target.slice(i + 1)] ?? '';
      }
      const [a, b] = target.split('.');
      return (b ? user[a]?.[b] : user[a]) ?? '';
    };

    it.each([
      ['one operation per attribute', true],
      ['filtered operations plus one path-less replace with dotted and URN keys', false],
    ])('16 SCIM_Null_Update_Test (%s): "" then null leave every cleared attribute null or empty', async (_label, verbose) => {
      const id = await create();
      const body = (value: '' | null) => {
        if (verbose) {
          return NULL_TARGETS.map((path) => ({ op: 'replace', path, value }));
        }
        const scalar = NULL_TARGETS.filter((p) => !p.includes('['));
        return [
          ...NULL_TARGETS.filter((p) => p.includes('[')).map((path) => ({ op: 'replace', path, value })),
          { op: 'replace', value: Object.fromEntries(scalar.map((p) => [p, value])) },
        ];
      };
      for (const value of ['', null] as const) {
        const res = await patch(`/Users/${id}`, body(value));
        expect([200, 204]).toContain(res.status);
        const user = await get(id);
        const notEmpty = NULL_TARGETS.filter((p) => !['', null].includes(valueAt(user, p) as string | null));
        expect(notEmpty).toEqual([]);
        expect(user.userName).toBeDefined();
      }
    });

    it('17 SCIM_User_Create_Test: 201 with an id, and userName returned exactly as sent', async () => {
      const userName = `Test_User.${profile}.${kind}@Contoso.com`;
      const res = await call('post', '/Users', { schemas: [USER_SCHEMA], userName, active: true });
      expect(res.status).toBe(201);
      expect(res.body.id).toEqual(expect.any(String));
      expect(res.body.userName).toBe(userName);
      expect((await get(res.body.id)).userName).toBe(userName);
    });

    it('18 SCIM_User_Update_Test: every single-valued string/integer/dateTime/boolean attribute PATCHed reads back', async () => {
      const id = await create();
      const schemas = (await call('get', '/Schemas')).body.Resources as Array<{ id: string; attributes: SchemaAttr[] }>;
      const skip = ['groups', 'roles', 'id', 'schemas', 'meta', 'active', 'userName'];
      const eligible = (a: SchemaAttr) =>
        !a.multiValued && ['string', 'integer', 'dateTime', 'boolean'].includes(a.type) && (a.mutability ?? 'readWrite') === 'readWrite' && a.returned !== 'never' && !skip.includes(a.name);
      const paths = schemas
        .filter((s) => s.id === USER_SCHEMA || s.id === ENTERPRISE)
        .flatMap((s) => s.attributes.filter(eligible).map((a) => ({ path: s.id === USER_SCHEMA ? a.name : `${s.id}:${a.name}`, attr: a })));
      expect(paths.length).toBeGreaterThan(10);
      const valueFor = (a: SchemaAttr, i: number) =>
        a.type === 'integer' ? 1000 + i : a.type === 'boolean' ? true : a.type === 'dateTime' ? '2026-03-04T05:06:07Z' : `Upd${i}`;
      const ops = paths.map((p, i) => ({ op: 'replace', path: p.path, value: valueFor(p.attr, i) }));
      expect([200, 204]).toContain((await patch(`/Users/${id}`, ops)).status);
      const user = await get(id);
      expect(paths.filter((p, i) => valueAt(user, p.path) !== valueFor(p.attr, i)).map((p) => p.path)).toEqual([]);
    });

    it('19-20 SCIM_Group_Create_Test / SCIM_Group_Update_Test: displayName round-trips; PATCHed attributes read back', async () => {
      const displayName = `Direct Group ${profile} ${kind}`;
      const created = await call('post', '/Groups', { schemas: [GROUP_SCHEMA], displayName });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ id: expect.any(String), displayName });
      const gid = created.body.id as string;
      const ops = [
        { op: 'replace', path: 'displayName', value: `${displayName} v2` },
        { op: 'replace', path: 'externalId', value: `ext-${gid}` },
      ];
      expect([200, 204]).toContain((await patch(`/Groups/${gid}`, ops)).status);
      expect((await call('get', `/Groups/${gid}`)).body).toMatchObject({ displayName: `${displayName} v2`, externalId: `ext-${gid}` });
    });

    it.each(['/Users', '/Groups'])('23-24 SCIM_User/Group_Pagination_Test: %s?startIndex=N&count=5 answers the startIndex asked for', async (path) => {
      for (let i = 0; i < 11; i++) {
        if (path === '/Users') {
          await create();
        } else {
          expect((await call('post', '/Groups', { schemas: [GROUP_SCHEMA], displayName: `Page ${profile} ${kind} ${i}` })).status).toBe(201);
        }
      }
      const total = (await call('get', path, undefined, { count: 0 })).body.totalResults as number;
      expect(total).toBeGreaterThanOrEqual(11);
      const seen = new Set<string>();
      let page = 0;
      for (; page * 5 < total; page++) {
        const res = await call('get', path, undefined, { startIndex: page * 5 + 1, count: 5 });
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ startIndex: page * 5 + 1, totalResults: total, itemsPerPage: Math.min(5, total - page * 5) });
        for (const r of res.body.Resources as Array<{ id: string }>) {
          seen.add(r.id);
        }
      }
      expect(page).toBeGreaterThanOrEqual(2);
      expect(seen.size).toBe(total);
    });

    it('5, 25 User_Update_Manager_Test / SCIM_Update_Manager_Test: manager set (Add), changed (replace), removed (replace with "")', async () => {
      const id = await create();
      const [first, second] = [await create(), await create()];
      const manager = async () => (await get(id))[ENTERPRISE]?.manager;
      const path = `${ENTERPRISE}:manager`;
      expect([200, 204]).toContain((await patch(`/Users/${id}`, [{ op: 'Add', path, value: first }])).status);
      expect((await manager()).value).toBe(first);
      expect([200, 204]).toContain((await patch(`/Users/${id}`, [{ op: 'replace', path, value: second }])).status);
      expect((await manager()).value).toBe(second);
      expect([200, 204]).toContain((await patch(`/Users/${id}`, [{ op: 'replace', path, value: '' }])).status);
      expect(await manager()).toBeUndefined();
    });
  });
});
