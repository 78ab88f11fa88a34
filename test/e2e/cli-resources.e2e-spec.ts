/**
 * `users list|show`, `groups list|show` and `tenant delete` from the command line (compiled
 * CLI in a child process) on SQLite and MariaDB: lists filtered in the database as GET
 * ?filter= is, the SCIM resource as GET /Users/{id} answers it, and a tenant deleted with
 * everything that is its own only once confirmed. dist/ is built once by global-setup.js.
 */
import { spawnSync } from 'node:child_process';
import { DataSource } from 'typeorm';
import { AuditService } from '../../src/audit/audit.service';
import { oktaUser } from '../fixtures/users.factory';
import { DatabaseKind, TEST_DATABASES, TestDatabase, createTestDatabase } from '../support/databases';
import { CLI, parseJsonLines } from '../support/server-process';
import { ALL, TestApp } from '../support/test-app';

const ROOT = `${__dirname}/../..`;
type Json = Record<string, unknown>;

describe.each(TEST_DATABASES)('CLI resources on %s', (kind: DatabaseKind) => {
  let db: TestDatabase;
  let app: TestApp;
  let token: string;
  const users: Json[] = [];
  let group: Json;
  // the server's SCIM_BASE_URL, so that meta.location and $ref are the ones the server sends
  const cliWith = (env: NodeJS.ProcessEnv, ...args: string[]) =>
    spawnSync('node', [CLI, ...args], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: db.url,
        SCIM_BOOTSTRAP: 'false',
        ...(app ? { SCIM_BASE_URL: `${app.origin}/scim/v2` } : {}),
        ...env,
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
  const cli = (...args: string[]) => cliWith({}, ...args);
  const http = () => app.http;
  const auth = () => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    expect(cli('migration', 'run').status).toBe(0);
    app = await TestApp.attach(db.url);
    token = await app.token('acme', ALL);
    for (const name of ['anna', 'bob', 'bea']) {
      const { password: _p, ...body } = oktaUser({ userName: `${name}@example.com` });
      const res = await http().post('/scim/v2/Users').set(auth()).send(body);
      expect(res.status).toBe(201);
      users.push(res.body as Json);
    }
    const res = await http()
      .post('/scim/v2/Groups')
      .set(auth())
      .send({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName: 'Engineering',
        members: users.slice(0, 2).map((u) => ({ value: u.id })),
      });
    expect(res.status).toBe(201);
    group = res.body as Json;
  });
  afterAll(async () => {
    await app?.app.close();
    await db?.drop();
  });

  it('users list: a table, JSON lines, the SCIM filter run as GET ?filter= runs it, --count', async () => {
    const all = cli('users', 'list', '--tenant', 'acme');
    expect(all.status).toBe(0);
    const lines = all.stdout.trimEnd().split('\n');
    expect(lines[0].split(/\s+/)).toEqual(['id', 'userName', 'displayName', 'active', 'externalId', 'lastModified']);
    expect(lines).toHaveLength(4);
    expect(all.stderr).toMatch(/^3 of 3 users of tenant "acme"$/m);

    const filter = 'userName sw "b"';
    const viaCli = cli('users', 'list', '--tenant', 'acme', '--filter', filter, '--json');
    expect(viaCli.status).toBe(0);
    const viaHttp = await http().get(`/scim/v2/Users?filter=${encodeURIComponent(filter)}&count=100`).set(auth());
    const cliUsers = parseJsonLines(viaCli.stdout);
    expect(cliUsers.map((u) => u.userName).sort()).toEqual(['bea@example.com', 'bob@example.com']);
    expect(cliUsers).toEqual(viaHttp.body.Resources);
    expect(viaCli.stderr).toMatch(/^2 of 2 users of tenant "acme" matching userName sw "b"$/m);

    const one = cli('users', 'list', '--tenant', 'acme', '--count', '1', '--json');
    expect(parseJsonLines(one.stdout)).toHaveLength(1);
    expect(one.stderr).toMatch(/^1 of 3 users/m);

    // the same refusal as over HTTP: the SCIM detail and its scimType
    const bad = cli('users', 'list', '--tenant', 'acme', '--filter', 'userName eq');
    const badHttp = await http().get(`/scim/v2/Users?filter=${encodeURIComponent('userName eq')}`).set(auth());
    expect(bad.status).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain(`Error: ${badHttp.body.detail} (invalidFilter)`);
    expect(cli('users', 'list', '--tenant', 'nope').stderr).toMatch(/Error: Unknown tenant "nope"/);
  });

  it('users show / groups show print the SCIM resource; groups list leaves the members out', async () => {
    const id = String(users[0].id);
    const shown = cli('users', 'show', id, '--tenant', 'acme');
    expect(shown.status).toBe(0);
    const resource = JSON.parse(shown.stdout) as Json;
    const viaHttp = (await http().get(`/scim/v2/Users/${id}`).set(auth())).body as Json;
    expect(resource).toEqual(viaHttp);
    // without SCIM_BASE_URL: HOST, PORT and SCIM_BASE_PATH, as the server prints its base URL
    const local = JSON.parse(cliWith({ SCIM_BASE_URL: '', PORT: '8080' }, 'users', 'show', id, '--tenant', 'acme').stdout) as Json;
    expect((local.meta as Json).location).toBe(`http://127.0.0.1:8080/scim/v2/Users/${id}`);
    // --json: the same, on one line
    expect(cli('users', 'show', id, '--tenant', 'acme', '--json').stdout).toBe(JSON.stringify(resource) + '\n');
    const missing = cli('users', 'show', 'no-such-id', '--tenant', 'acme');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/Error: User no-such-id not found/);

    const groups = cli('groups', 'list', '--tenant', 'acme', '--json');
    expect(parseJsonLines(groups.stdout)).toEqual([expect.objectContaining({ id: group.id, displayName: 'Engineering' })]);
    expect(parseJsonLines(groups.stdout)[0]).not.toHaveProperty('members');
    const filtered = cli('groups', 'list', '--tenant', 'acme', '--filter', 'displayName eq "nobody"');
    expect(filtered.stdout).toBe('(none)\n');
    const g = JSON.parse(cli('groups', 'show', String(group.id), '--tenant', 'acme', '--json').stdout) as Json;
    expect((g.members as Json[]).map((m) => m.value).sort()).toEqual([users[0].id, users[1].id].sort());
  });

  it('tenant delete says what it deletes and needs a confirmation; then everything of the tenant is gone', async () => {
    const doomedToken = await app.token('doomed', ALL);
    const { password: _p, ...body } = oktaUser();
    const u = await http().post('/scim/v2/Users').set({ Authorization: `Bearer ${doomedToken}` }).send(body);
    expect(u.status).toBe(201);
    const g = await http()
      .post('/scim/v2/Groups')
      .set({ Authorization: `Bearer ${doomedToken}` })
      .send({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Doomed', members: [{ value: u.body.id }] });
    expect(g.status).toBe(201);
    expect(cli('tenant', 'role-map', 'doomed', '--group', 'Doomed', '--role', 'member').status).toBe(0);
    const tenantId = (await app.tenantService.listTenants()).find((t) => t.slug === 'doomed')!.id;

    // no terminal (stdin is a pipe here) and no --yes: nothing is deleted
    const unconfirmed = cli('tenant', 'delete', 'doomed');
    expect(unconfirmed.status).toBe(2);
    expect(unconfirmed.stderr).toContain(
      `This deletes tenant "doomed" (${tenantId}) with 1 user, 1 group, 1 token (1 not revoked), 0 OAuth clients, 1 role mapping, `,
    );
    expect(unconfirmed.stderr).toMatch(/Its audit entries are kept\.\nNot deleted: add --yes/);
    // in a terminal it asks for the slug; another answer deletes nothing
    const wrong = inTerminal(db.url, 'tenant delete doomed', 'acme');
    expect(wrong.status).toBe(1);
    expect(wrong.stdout).toMatch(/Type the tenant's slug \(doomed\) to delete it: /);
    expect(wrong.stdout).toMatch(/Not deleted: the answer was not "doomed"/);
    expect(cli('tenant', 'show', 'doomed').status).toBe(0);

    const confirmed = inTerminal(db.url, 'tenant delete doomed', 'doomed');
    expect(confirmed.status).toBe(0);
    expect(confirmed.stdout).toContain(`Deleted tenant "doomed" (${tenantId})`);
    expect(cli('tenant', 'show', 'doomed').stderr).toMatch(/Unknown tenant "doomed"/);
    expect((await http().get('/scim/v2/Users').set({ Authorization: `Bearer ${doomedToken}` })).status).toBe(401);

    const ds = app.app.get(DataSource);
    for (const table of ['scim_users', 'scim_groups', 'scim_group_members', 'scim_tokens', 'scim_role_mappings', 'scim_outbox']) {
      const [{ n }] = (await ds.query(`SELECT COUNT(*) AS n FROM ${table} WHERE tenant_id = ${kind === 'postgres' ? '$1' : '?'}`, [tenantId])) as Array<{ n: unknown }>;
      expect([table, Number(n)]).toEqual([table, 0]);
    }
    const [{ n: values }] = (await ds.query('SELECT COUNT(*) AS n FROM scim_user_values v WHERE NOT EXISTS (SELECT 1 FROM scim_users u WHERE u.seq = v.owner_seq)')) as Array<{ n: unknown }>;
    expect(Number(values)).toBe(0);
    // its requests stay in the audit log; the other tenant is untouched
    await app.app.get(AuditService).flush();
    const [{ n: audited }] = (await ds.query('SELECT COUNT(*) AS n FROM scim_audit WHERE tenant_id = ' + (kind === 'postgres' ? '$1' : '?'), [tenantId])) as Array<{ n: unknown }>;
    expect(Number(audited)).toBeGreaterThan(0);
    expect(cli('users', 'list', '--tenant', 'acme').stderr).toMatch(/^3 of 3 users/m);

    // --yes: no question
    await app.token('gone', ALL);
    const yes = cli('tenant', 'delete', 'gone', '--yes');
    expect(yes.status).toBe(0);
    expect(yes.stderr).toMatch(/This deletes tenant "gone" .*\nDeleted tenant "gone"/);
  }, 120_000);
});

/**
 * The CLI in a pseudo-terminal (util-linux `script`), answering `answer` to its question:
 * what a person at a terminal sees is on the terminal, so stdout has stderr's lines too.
 */
function inTerminal(url: string, command: string, answer: string) {
  return spawnSync('script', ['-qec', `node ${CLI} ${command}`, '/dev/null'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: url, SCIM_BOOTSTRAP: 'false' },
    input: `${answer}\n`,
    encoding: 'utf8',
    timeout: 60_000,
  });
}
