/**
 * Deprovisioning modes per tenant: 'hard' deletes (RFC 7644 §3.6 default),
 * 'soft' keeps a tombstone invisible to every SCIM read (404 after DELETE, as the RFC requires)
 * that a later POST with the same userName or externalId restores under the same id.
 */
import { oktaUser } from '../fixtures/users.factory';
import { TEST_DATABASES } from '../support/databases';
import { TestApp } from '../support/test-app';

const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';

describe.each(TEST_DATABASES)('deprovisioning modes on %s', (kind) => {
  let t: TestApp;
  let soft: string;
  let hard: string;

  beforeAll(async () => {
    t = await TestApp.start(kind);
    soft = await t.token('soft-tenant');
    await t.tenantService.updateTenant('soft-tenant', { deprovisioning: 'soft' });
    hard = await t.token('hard-tenant');
  });
  afterAll(async () => {
    await t?.close();
  });

  const as = (token: string) => ({ Authorization: `Bearer ${token}` });
  const body = (overrides: Record<string, unknown>) => {
    const { password: _p, ...u } = oktaUser(overrides);
    return u;
  };

  it('soft: DELETE hides the user (404, absent from lists), a re-POST restores the same id', async () => {
    const created = (await t.http.post('/scim/v2/Users').set(as(soft)).send(body({ userName: 'leaver@example.com', externalId: 'EXT-LEAVER' }))).body;
    const group = (await t.http.post('/scim/v2/Groups').set(as(soft)).send({ schemas: [GROUP], displayName: 'Team', members: [{ value: created.id }] })).body;

    expect((await t.http.delete(`/scim/v2/Users/${created.id}`).set(as(soft))).status).toBe(204);
    expect((await t.http.get(`/scim/v2/Users/${created.id}`).set(as(soft))).status).toBe(404);
    expect((await t.http.delete(`/scim/v2/Users/${created.id}`).set(as(soft))).status).toBe(404);
    const listed = await t.http.get('/scim/v2/Users').query({ filter: 'userName eq "leaver@example.com"' }).set(as(soft));
    expect(listed.body.totalResults).toBe(0);
    const members = (await t.http.get(`/scim/v2/Groups/${group.id}`).set(as(soft))).body.members;
    expect(members).toBeUndefined();
    // a tombstone cannot be a new member either
    expect(
      (await t.http.patch(`/scim/v2/Groups/${group.id}`).set(as(soft)).send({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'add', path: 'members', value: [{ value: created.id }] }],
      })).status,
    ).toBe(400);

    const back = await t.http.post('/scim/v2/Users').set(as(soft)).send(body({ userName: 'LEAVER@example.com', externalId: 'EXT-LEAVER', displayName: 'Back Again' }));
    expect(back.status).toBe(201);
    expect(back.body.id).toBe(created.id);
    expect(back.body.userName).toBe('LEAVER@example.com');
    expect(back.body.displayName).toBe('Back Again');
    expect(back.body.meta.created).toBe(created.meta.created);
    expect(back.body.meta.version).not.toBe(created.meta.version);
    expect((await t.http.get(`/scim/v2/Users/${created.id}`).set(as(soft))).status).toBe(200);
  });

  it('soft: a re-POST with the same externalId under a new userName also restores the id', async () => {
    const created = (await t.http.post('/scim/v2/Users').set(as(soft)).send(body({ userName: 'renamed@example.com', externalId: 'EXT-RENAME' }))).body;
    await t.http.delete(`/scim/v2/Users/${created.id}`).set(as(soft));
    const back = await t.http.post('/scim/v2/Users').set(as(soft)).send(body({ userName: 'new-name@example.com', externalId: 'EXT-RENAME' }));
    expect(back.status).toBe(201);
    expect(back.body.id).toBe(created.id);
    expect(back.body.userName).toBe('new-name@example.com');
    const old = await t.http.get('/scim/v2/Users').query({ filter: 'userName eq "renamed@example.com"' }).set(as(soft));
    expect(old.body.totalResults).toBe(0);
  });

  it('hard (default): DELETE removes the row; a re-POST is a new user with a new id', async () => {
    const created = (await t.http.post('/scim/v2/Users').set(as(hard)).send(body({ userName: 'gone@example.com' }))).body;
    expect((await t.http.delete(`/scim/v2/Users/${created.id}`).set(as(hard))).status).toBe(204);
    const again = await t.http.post('/scim/v2/Users').set(as(hard)).send(body({ userName: 'gone@example.com' }));
    expect(again.status).toBe(201);
    expect(again.body.id).not.toBe(created.id);
  });

  it('active=false deactivates without deleting in either mode (Okta, docs/idp/quirks.md #10, #16)', async () => {
    const created = (await t.http.post('/scim/v2/Users').set(as(soft)).send(body({}))).body;
    const res = await t.http
      .patch(`/scim/v2/Users/${created.id}`)
      .set(as(soft))
      .send({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', value: { active: false } }] });
    expect(res.body.active).toBe(false);
    expect((await t.http.get(`/scim/v2/Users/${created.id}`).set(as(soft))).body.active).toBe(false);
  });
});
