/**
 * Lifecycle hooks, roles and break-glass protection over HTTP on SQLite and MariaDB/MySQL: a host's
 * lifecycle hooks veto with a SCIM error; the tenant's group-to-role mapping; break-glass
 * protection answers 409 and changes nothing when a request would leave the tenant without an
 * active owner (also inside a Bulk request); the Enterprise manager.displayName (RFC 7643 §4.3) on
 * reads and lists.
 */
import { DatabaseKind, TEST_DATABASES, TestDatabase, createTestDatabase } from '../support/databases';
import { LifecycleApp } from '../support/lifecycle-app';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const BULK = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

type Json = Record<string, unknown>;
const patch = (...Operations: Json[]) => ({ schemas: [PATCH_OP], Operations });
const deactivate = patch({ op: 'replace', path: 'active', value: false });

describe.each(TEST_DATABASES)('lifecycle hooks, roles and break-glass on %s', (kind: DatabaseKind) => {
  let db: TestDatabase;
  let app: LifecycleApp;
  let token: string;
  let tenantId: string;
  const auth = () => ({ Authorization: `Bearer ${token}` });
  const createUser = async (userName: string, extra: Json = {}) => {
    const res = await app.http.post('/scim/v2/Users').set(auth()).send({ schemas: [USER], userName, active: true, ...extra });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const createGroup = async (displayName: string, members: string[]) => {
    const res = await app.http
      .post('/scim/v2/Groups')
      .set(auth())
      .send({ schemas: [GROUP], displayName, members: members.map((value) => ({ value })) });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const active = async (id: string) => (await app.http.get(`/scim/v2/Users/${id}`).set(auth())).body.active;
  const expectConflict = (res: { status: number; body: Json }, detail: RegExp) => {
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ schemas: [ERROR], status: '409' });
    expect(res.body.detail).toMatch(detail);
  };

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    app = await LifecycleApp.start(db.url);
    tenantId = (await app.tenantService.createTenant('acme')).id;
    token = (await app.tokens.issue('acme', 'okta', ['users:write', 'groups:write'])).token;
    await app.tenants.setRoleMapping(tenantId, 'Acme Owners', 'owner', new Date().toISOString());
    await app.tenants.setRoleMapping(tenantId, 'acme admins', 'admin', new Date().toISOString());
    await app.tenants.updateSettings(tenantId, { defaultRole: 'member' });
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('a beforeCreate hook vetoes with its SCIM error; nothing is stored', async () => {
    const res = await app.http
      .post('/scim/v2/Users')
      .set(auth())
      .send({ schemas: [USER], userName: 'mallory@blocked.example' });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ schemas: [ERROR], status: '403', detail: expect.stringMatching(/blocked\.example/) });
    const list = await app.http.get('/scim/v2/Users').query({ filter: 'userName eq "mallory@blocked.example"' }).set(auth());
    expect(list.body.totalResults).toBe(0);
  });

  it('afterDeactivate runs once the deactivation committed', async () => {
    const id = await createUser('leaver@acme.example');
    expect((await app.http.patch(`/scim/v2/Users/${id}`).set(auth()).send(deactivate)).status).toBe(200);
    expect(app.hooks.deactivated).toContain(id);
  });

  it('a user\'s role comes from the mapping of their groups, else the tenant default', async () => {
    const id = await createUser('dev@acme.example');
    await createGroup('Developers', [id]);
    expect(await app.roles.roleOf(tenantId, id)).toBe('member');
    await createGroup('ACME ADMINS', [id]);
    expect(await app.roles.roleOf(tenantId, id)).toBe('admin');
  });

  describe('break-glass: the last active owner', () => {
    let owner: string;
    let spare: string;
    let owners: string;

    beforeAll(async () => {
      owner = await createUser('founder@acme.example');
      spare = await createUser('cto@acme.example');
      owners = await createGroup('Acme Owners', [owner]);
    });

    it('cannot be deactivated (PATCH or PUT) or deleted: 409, and the user stays active', async () => {
      expectConflict(await app.http.patch(`/scim/v2/Users/${owner}`).set(auth()).send(deactivate), /holds the role "owner"/);
      const put = await app.http
        .put(`/scim/v2/Users/${owner}`)
        .set(auth())
        .send({ schemas: [USER], userName: 'founder@acme.example', active: false });
      expectConflict(put, /owner/);
      expectConflict(await app.http.delete(`/scim/v2/Users/${owner}`).set(auth()), /owner/);
      expect(await active(owner)).toBe(true);
    });

    it('cannot be removed from the owner group, nor the group emptied, renamed or deleted', async () => {
      const remove = patch({ op: 'remove', path: `members[value eq "${owner}"]` });
      expectConflict(await app.http.patch(`/scim/v2/Groups/${owners}`).set(auth()).send(remove), /removing member/);
      const rename = patch({ op: 'replace', path: 'displayName', value: 'Former owners' });
      expectConflict(await app.http.patch(`/scim/v2/Groups/${owners}`).set(auth()).send(rename), /renaming/);
      expectConflict(await app.http.delete(`/scim/v2/Groups/${owners}`).set(auth()), /deleting group/);
      const put = await app.http.put(`/scim/v2/Groups/${owners}`).set(auth()).send({ schemas: [GROUP], displayName: 'Acme Owners', members: [] });
      expectConflict(put, /owner/);
      const group = await app.http.get(`/scim/v2/Groups/${owners}`).set(auth());
      expect(group.body.displayName).toBe('Acme Owners');
      expect(group.body.members.map((m: Json) => m.value)).toEqual([owner]);
    });

    it('inside a Bulk request the refused operation is a 409 result and the others apply', async () => {
      const res = await app.http
        .post('/scim/v2/Bulk')
        .set(auth())
        .send({
          schemas: [BULK],
          Operations: [
            { method: 'PATCH', path: `/Users/${owner}`, data: deactivate },
            { method: 'PATCH', path: `/Users/${spare}`, data: patch({ op: 'replace', path: 'displayName', value: 'CTO' }) },
          ],
        });
      expect(res.status).toBe(200);
      expect(res.body.Operations.map((o: Json) => o.status)).toEqual(['409', '200']);
      expect(await active(owner)).toBe(true);
    });

    it('once another active user holds the role, the former last owner can go', async () => {
      const add = patch({ op: 'add', path: 'members', value: [{ value: spare }] });
      expect((await app.http.patch(`/scim/v2/Groups/${owners}`).set(auth()).send(add)).status).toBe(204);
      expect((await app.http.patch(`/scim/v2/Users/${owner}`).set(auth()).send(deactivate)).status).toBe(200);
      expect(await active(owner)).toBe(false);
      // the CTO is now the last active owner
      expectConflict(await app.http.delete(`/scim/v2/Users/${spare}`).set(auth()), /owner/);
    });
  });

  it('manager.displayName is the manager\'s current displayName (RFC 7643 §4.3)', async () => {
    const boss = await createUser('boss@acme.example', { displayName: 'Barbara Boss' });
    const res = await app.http
      .post('/scim/v2/Users')
      .set(auth())
      .send({
        schemas: [USER, ENTERPRISE],
        userName: 'report@acme.example',
        [ENTERPRISE]: { department: 'Sales', manager: { value: boss } },
      });
    expect(res.status).toBe(201);
    const manager = { value: boss, $ref: `${res.body.meta.location.replace(/\/Users\/.*$/, '')}/Users/${boss}`, displayName: 'Barbara Boss' };
    expect(res.body[ENTERPRISE].manager).toEqual(manager);
    await app.http
      .patch(`/scim/v2/Users/${boss}`)
      .set(auth())
      .send(patch({ op: 'replace', path: 'displayName', value: 'B. Boss' }));
    const listed = await app.http.get('/scim/v2/Users').query({ filter: 'userName eq "report@acme.example"' }).set(auth());
    expect(listed.body.Resources[0][ENTERPRISE].manager).toEqual({ ...manager, displayName: 'B. Boss' });
    // leaving the manager out of the projection reads nothing and returns nothing of it
    const without = await app.http
      .get(`/scim/v2/Users/${res.body.id}`)
      .query({ excludedAttributes: `${ENTERPRISE}:manager` })
      .set(auth());
    expect(without.body[ENTERPRISE]).toEqual({ department: 'Sales' });
  });
});
