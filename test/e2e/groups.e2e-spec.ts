/**
 * Groups end to end on SQLite and MariaDB: the Okta Group Push flow and the Entra ID flow
 * (docs/idp/quirks.md #4, #6, #13, #14, #17, #21, #22, #24, #31-33), RFC 7643 §4.2,
 * RFC 7644 §3.5.2.
 */
import { oktaUser } from '../fixtures/users.factory';
import { TEST_DATABASES } from '../support/databases';
import { SCIM_JSON, TestApp } from '../support/test-app';

const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

describe.each(TEST_DATABASES)('Groups on %s', (kind) => {
  let t: TestApp;
  let token: string;
  const users: Array<{ id: string; userName: string; displayName: string }> = [];

  const auth = () => ({ Authorization: `Bearer ${token}` });
  const post = (path: string, body: unknown) =>
    t.http.post(path).set(auth()).set('Content-Type', SCIM_JSON).send(JSON.stringify(body));
  /** PATCH asking for the group back (a plain group PATCH answers 204, see the Okta test) */
  const patch = (id: string, ops: unknown[], query = '?attributes=displayName,members,meta') =>
    t.http.patch(`/scim/v2/Groups/${id}${query}`).set(auth()).send({ schemas: [PATCH_OP], Operations: ops });
  const get = (id: string, query: Record<string, string> = {}) =>
    t.http.get(`/scim/v2/Groups/${id}`).query(query).set(auth());
  const memberIds = (body: { members?: Array<{ value: string }> }) =>
    (body.members ?? []).map((m) => m.value).sort();
  const expectScimError = (res: { status: number; body: Record<string, unknown> }, status: number, scimType?: string) => {
    expect(res.status).toBe(status);
    expect(res.body.schemas).toEqual([ERROR_SCHEMA]);
    expect(res.body.status).toBe(String(status));
    if (scimType) {
      expect(res.body.scimType).toBe(scimType);
    }
  };

  beforeAll(async () => {
    t = await TestApp.start(kind);
    token = await t.token('acme');
    for (let i = 0; i < 6; i++) {
      const res = await post('/scim/v2/Users', oktaUser());
      users.push(res.body);
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  it('Okta Group Push: create, add, remove+add in one request, rename, delete (#21, #22)', async () => {
    const created = await post('/scim/v2/Groups', { schemas: [GROUP], displayName: 'Okta Engineers', members: [] });
    expect(created.status).toBe(201);
    expect(created.headers.location).toMatch(new RegExp(`/scim/v2/Groups/${created.body.id}$`));
    expect(created.body.meta).toMatchObject({ resourceType: 'Group', version: 'W/"1"' });
    const id = created.body.id as string;

    // Okta checks for the group first
    const lookup = await t.http.get('/scim/v2/Groups').query({ filter: 'displayName eq "okta engineers"' }).set(auth());
    expect(lookup.body.Resources.map((g: { id: string }) => g.id)).toEqual([id]);

    // as Okta sends it: no attributes asked for, so 204 with the new ETag (RFC 7644 §3.5.2)
    const plain = await patch(id, [{ op: 'add', path: 'members', value: [{ value: users[5].id }] }], '');
    expect(plain.status).toBe(204);
    expect(plain.text).toBe('');
    expect(plain.headers.etag).toBe('W/"2"');
    await patch(id, [{ op: 'remove', path: `members[value eq "${users[5].id}"]` }], '');

    const add = await patch(id, [
      { op: 'add', path: 'members', value: [{ value: users[0].id, display: users[0].userName }, { value: users[1].id }] },
    ]);
    expect(add.status).toBe(200);
    expect(memberIds(add.body)).toEqual([users[0].id, users[1].id].sort());
    expect(add.body.members.find((m: { value: string }) => m.value === users[0].id)).toMatchObject({
      type: 'User',
      display: users[0].displayName,
      $ref: expect.stringMatching(new RegExp(`/scim/v2/Users/${users[0].id}$`)),
    });
    expect(add.body.meta.version).toBe('W/"4"');

    const swap = await patch(id, [
      { op: 'remove', path: `members[value eq "${users[0].id}"]` },
      { op: 'add', path: 'members', value: [{ value: users[2].id, display: 'x' }] },
    ]);
    expect(swap.status).toBe(200);
    expect(memberIds(swap.body)).toEqual([users[1].id, users[2].id].sort());

    // Okta sends a rename with the id inside the value on every membership update (#21a)
    const rename = await patch(id, [{ op: 'replace', value: { id, displayName: 'Okta Platform' } }]);
    expect(rename.status).toBe(200);
    expect(rename.body.displayName).toBe('Okta Platform');
    expect(memberIds(rename.body)).toEqual([users[1].id, users[2].id].sort());

    // full push with replace, then an empty group (#21c)
    const full = await patch(id, [{ op: 'replace', path: 'members', value: [{ value: users[3].id }] }]);
    expect(memberIds(full.body)).toEqual([users[3].id]);
    const empty = await patch(id, [{ op: 'replace', path: 'members', value: [] }]);
    expect(empty.status).toBe(200);
    expect(empty.body.members).toBeUndefined();

    expect((await t.http.delete(`/scim/v2/Groups/${id}`).set(auth())).status).toBe(204);
    expectScimError(await get(id), 404);
    expectScimError(await t.http.delete(`/scim/v2/Groups/${id}`).set(auth()), 404);
  });

  it('Entra ID: create with members, filter displayName with excludedAttributes=members, remove by filter and by value list (#4, #6)', async () => {
    const created = await post('/scim/v2/Groups', {
      schemas: [GROUP],
      externalId: 'AAD-GROUP-1',
      displayName: 'Entra Sales',
      members: [{ value: users[0].id }, { value: users[1].id }, { value: users[2].id }],
    });
    expect(created.status).toBe(201);
    expect(memberIds(created.body)).toEqual([users[0].id, users[1].id, users[2].id].sort());
    const id = created.body.id as string;

    const found = await t.http
      .get('/scim/v2/Groups')
      .query({ filter: 'displayName eq "Entra Sales"', excludedAttributes: 'members' })
      .set(auth());
    expect(found.body.totalResults).toBe(1);
    expect(found.body.Resources[0].members).toBeUndefined();
    expect(found.body.Resources[0].displayName).toBe('Entra Sales');
    const byExternal = await t.http.get('/scim/v2/Groups').query({ filter: 'externalId eq "AAD-GROUP-1"' }).set(auth());
    expect(byExternal.body.totalResults).toBe(1);
    expect((await t.http.get('/scim/v2/Groups').query({ filter: 'externalId eq "aad-group-1"' }).set(auth())).body.totalResults).toBe(0);

    const byMember = await t.http.get('/scim/v2/Groups').query({ filter: `members.value eq "${users[1].id}"`, excludedAttributes: 'members' }).set(auth());
    expect(byMember.body.Resources.map((g: { id: string }) => g.id)).toContain(id);

    const removed = await patch(id, [{ op: 'Remove', path: `members[value eq "${users[0].id}"]` }]);
    expect(removed.status).toBe(200);
    expect(memberIds(removed.body)).toEqual([users[1].id, users[2].id].sort());

    // legacy Entra: remove path=members with a value list removes only those (#4b)
    const legacy = await patch(id, [{ op: 'Remove', path: 'members', value: [{ value: users[1].id }] }]);
    expect(legacy.status).toBe(200);
    expect(memberIds(legacy.body)).toEqual([users[2].id]);

    // removing an absent member succeeds (#14); adding an existing one is a no-op (#24)
    expect((await patch(id, [{ op: 'Remove', path: `members[value eq "${users[5].id}"]` }])).status).toBe(200);
    const again = await patch(id, [{ op: 'Add', path: 'members', value: [{ value: users[2].id }] }]);
    expect(again.status).toBe(200);
    expect(memberIds(again.body)).toEqual([users[2].id]);

    // GET with excludedAttributes=members
    const lean = await get(id, { excludedAttributes: 'members' });
    expect(lean.body.members).toBeUndefined();
    expect(lean.headers.etag).toBe(lean.body.meta.version);
  });

  it('refuses a remove-all without an explicit switch, unknown members, and duplicate names (#28, #33)', async () => {
    const { body: g } = await post('/scim/v2/Groups', {
      schemas: [GROUP],
      displayName: 'Guarded',
      members: [{ value: users[0].id }],
    });
    expectScimError(await patch(g.id, [{ op: 'remove', path: 'members' }]), 400);
    expect(memberIds((await get(g.id)).body)).toEqual([users[0].id]);
    expectScimError(await patch(g.id, [{ op: 'add', path: 'members', value: [{ value: 'no-such-user' }] }]), 400, 'invalidValue');
    expectScimError(await post('/scim/v2/Groups', { schemas: [GROUP], displayName: 'GUARDED' }), 409, 'uniqueness');
    expectScimError(await post('/scim/v2/Groups', { schemas: [GROUP] }), 400, 'invalidValue');
  });

  it('a replace that does not name members leaves membership alone; PUT replaces it (#17, #32)', async () => {
    const { body: g } = await post('/scim/v2/Groups', {
      schemas: [GROUP],
      displayName: 'Keep Members',
      members: [{ value: users[0].id }, { value: users[1].id }],
    });
    const renamed = await patch(g.id, [{ op: 'replace', path: 'displayName', value: 'Kept Members' }]);
    expect(memberIds(renamed.body)).toEqual([users[0].id, users[1].id].sort());
    const put = await t.http
      .put(`/scim/v2/Groups/${g.id}`)
      .set(auth())
      .send({ schemas: [GROUP], id: g.id, displayName: 'Kept Members', members: [{ value: users[2].id }] });
    expect(put.status).toBe(200);
    expect(memberIds(put.body)).toEqual([users[2].id]);
  });

  it('nested groups are allowed, cycles refused; a user lists direct and indirect groups (RFC 7643 §4.1.2)', async () => {
    const { body: inner } = await post('/scim/v2/Groups', { schemas: [GROUP], displayName: 'Inner', members: [{ value: users[4].id }] });
    const { body: outer } = await post('/scim/v2/Groups', {
      schemas: [GROUP],
      displayName: 'Outer',
      members: [{ value: inner.id, type: 'Group' }],
    });
    expect(outer.members[0]).toMatchObject({ value: inner.id, type: 'Group', display: 'Inner' });
    expectScimError(await patch(inner.id, [{ op: 'add', path: 'members', value: [{ value: outer.id }] }]), 400, 'invalidValue');
    expectScimError(await patch(inner.id, [{ op: 'add', path: 'members', value: [{ value: inner.id }] }]), 400, 'invalidValue');

    const user = await t.http.get(`/scim/v2/Users/${users[4].id}`).set(auth());
    const groups = (user.body.groups as Array<{ value: string; type: string; display: string }>).sort((a, b) => a.display.localeCompare(b.display));
    expect(groups).toEqual([
      expect.objectContaining({ value: inner.id, type: 'direct', display: 'Inner' }),
      expect.objectContaining({ value: outer.id, type: 'indirect', display: 'Outer' }),
    ]);
    // the same from a list, where a whole page's groups are read in one query
    const listed = await t.http
      .get('/scim/v2/Users')
      .query({ filter: `id eq "${users[4].id}" or id eq "${users[5].id}"`, attributes: 'groups' })
      .set(auth());
    const byId = new Map(listed.body.Resources.map((r: { id: string; groups?: unknown[] }) => [r.id, r.groups]));
    expect(byId.get(users[4].id)).toEqual(user.body.groups);
    expect(byId.get(users[5].id)).toBeUndefined();
  });

  it('a tenant may allow nested-group cycles; a group can still never contain itself', async () => {
    const loose = await t.token('cyclic');
    await t.tenantService.updateTenant('cyclic', { groupCycles: 'allow' });
    const as = { Authorization: `Bearer ${loose}` };
    const a = (await t.http.post('/scim/v2/Groups').set(as).send({ schemas: [GROUP], displayName: 'A' })).body;
    const b = (await t.http.post('/scim/v2/Groups').set(as).send({ schemas: [GROUP], displayName: 'B', members: [{ value: a.id }] })).body;
    const close = await t.http
      .patch(`/scim/v2/Groups/${a.id}`)
      .set(as)
      .send({ schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: [{ value: b.id }] }] });
    expect(close.status).toBe(204);
    const self = await t.http
      .patch(`/scim/v2/Groups/${a.id}`)
      .set(as)
      .send({ schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: [{ value: a.id }] }] });
    expectScimError(self, 400, 'invalidValue');
  });

  it('deleting a user removes it from every group and bumps their versions', async () => {
    const { body: victim } = await post('/scim/v2/Users', oktaUser());
    const { body: g } = await post('/scim/v2/Groups', {
      schemas: [GROUP],
      displayName: 'Leavers',
      members: [{ value: victim.id }, { value: users[0].id }],
    });
    expect((await t.http.delete(`/scim/v2/Users/${victim.id}`).set(auth())).status).toBe(204);
    const after = await get(g.id);
    expect(memberIds(after.body)).toEqual([users[0].id]);
    expect(after.body.meta.version).not.toBe(g.meta.version);
  });

  it('50 parallel PATCHes adding distinct members to one group never lose a member (#13)', async () => {
    const { body: g } = await post('/scim/v2/Groups', { schemas: [GROUP], displayName: 'Parallel' });
    const extra: string[] = [];
    for (let i = 0; i < 50; i++) {
      extra.push((await post('/scim/v2/Users', oktaUser())).body.id);
    }
    const results = await Promise.all(
      extra.map((uid) => patch(g.id, [{ op: 'add', path: 'members', value: [{ value: uid }] }])),
    );
    expect(results.map((r) => r.status)).toEqual(extra.map(() => 200));
    expect(memberIds((await get(g.id)).body)).toEqual([...extra].sort());
  });

  it('a groups:read token reads but cannot write; users:* tokens cannot read groups (403)', async () => {
    const reader = await t.token('acme', ['groups:read']);
    const usersOnly = await t.token('acme', ['users:read', 'users:write']);
    expect((await t.http.get('/scim/v2/Groups').set('Authorization', `Bearer ${reader}`)).status).toBe(200);
    expectScimError(
      await t.http.post('/scim/v2/Groups').set('Authorization', `Bearer ${reader}`).send({ schemas: [GROUP], displayName: 'x' }),
      403,
    );
    expectScimError(await t.http.get('/scim/v2/Groups').set('Authorization', `Bearer ${usersOnly}`), 403);
  });

  it('tenant isolation: another tenant cannot see, change, or reference these groups and users', async () => {
    const other = await t.token('globex');
    const { body: g } = await post('/scim/v2/Groups', { schemas: [GROUP], displayName: 'Private', members: [{ value: users[0].id }] });
    const asOther = (r: { set: (k: string, v: string) => unknown }) => r.set('Authorization', `Bearer ${other}`) as Promise<never>;
    expectScimError(await asOther(t.http.get(`/scim/v2/Groups/${g.id}`)), 404);
    expect((await asOther(t.http.get('/scim/v2/Groups'))) as unknown as { body: { totalResults: number } }).toMatchObject({ body: { totalResults: 0 } });
    const foreign = await asOther(
      t.http.post('/scim/v2/Groups').send({ schemas: [GROUP], displayName: 'Theirs', members: [{ value: users[0].id }] }),
    );
    expectScimError(foreign, 400, 'invalidValue');
  });

  it('meta filters on Groups compare exactly on both databases (RFC 7644 §3.4.2.2)', async () => {
    const { body: g } = await post('/scim/v2/Groups', { schemas: [GROUP], displayName: 'Meta Probe' });
    const q = (filter: string) =>
      t.http.get('/scim/v2/Groups').query({ filter: `${filter} and id eq "${g.id}"`, excludedAttributes: 'members' }).set(auth());
    expect((await q('meta.resourceType eq "Group"')).body.totalResults).toBe(1);
    expect((await q('meta.resourceType sw "g"')).body.totalResults).toBe(0);
    expect((await q(`meta.version eq "W/\\"1\\""`)).body.totalResults).toBe(1);
  });

  it('discovery now lists the Group resource type and schema', async () => {
    const rts = await t.http.get('/scim/v2/ResourceTypes').set(auth());
    expect(rts.body.Resources.map((r: { name: string }) => r.name)).toEqual(['User', 'Group']);
    expect((await t.http.get(`/scim/v2/Schemas/${GROUP}`).set(auth())).status).toBe(200);
  });
});
