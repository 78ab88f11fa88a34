/**
 * The CLI as an operator runs it (compiled, in a child process) against SQLite and MySQL:
 * a created token is printed alone on stdout, logs go to stderr, and the token works.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DatabaseKind, TEST_DATABASES, TestDatabase, createTestDatabase } from '../support/databases';
import { TestApp } from '../support/test-app';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');

// dist/ is built once by test/setup/global-setup.js
describe.each(TEST_DATABASES)('CLI on %s', (kind: DatabaseKind) => {
  let db: TestDatabase;
  const cli = (...args: string[]) =>
    spawnSync('node', [CLI, ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: db.url, SCIM_BOOTSTRAP: 'false' },
      encoding: 'utf8',
      timeout: 60_000,
    });

  beforeAll(async () => {
    db = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('migration run applies the migrations, then has nothing left to do', () => {
    const first = cli('migration', 'run');
    expect(first.status).toBe(0);
    expect(first.stdout).toBe('');
    const second = cli('migration', 'run');
    expect(second.status).toBe(0);
    expect(second.stderr).toMatch(/No pending migrations/);
  });

  it('creates tenants and tokens; the token alone on stdout; list, revoke', async () => {
    expect(cli('tenant', 'create', 'acme').status).toBe(0);
    const dup = cli('tenant', 'create', 'acme');
    expect(dup.status).toBe(1);
    expect(dup.stderr).toMatch(/already exists/);

    const created = cli('token', 'create', '--tenant', 'acme', '--name', 'okta', '--scopes', 'users:read,users:write', '--expires-in', '30');
    expect(created.status).toBe(0);
    expect(created.stdout).toMatch(/^scim_[A-Za-z0-9_-]{43}\n$/);
    expect(created.stderr).toMatch(/shown once/);
    const token = created.stdout.trim();

    const list = cli('token', 'list', '--tenant', 'acme', '--json');
    expect(list.status).toBe(0);
    const rows = JSON.parse(list.stdout) as Array<Record<string, string>>;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ tenant: 'acme', name: 'okta', scopes: 'users:read,users:write' });
    expect(list.stdout).not.toContain(token);

    const app = await TestApp.attach(db.url);
    try {
      expect((await app.http.get('/scim/v2/Users').set('Authorization', `Bearer ${token}`)).status).toBe(200);
      expect(cli('token', 'revoke', rows[0].id).status).toBe(0);
      expect((await app.http.get('/scim/v2/Users').set('Authorization', `Bearer ${token}`)).status).toBe(401);
    } finally {
      await app.app.close();
    }
  });

  it('refuses bad input with a message and a non-zero exit', () => {
    const badScope = cli('token', 'create', '--tenant', 'acme', '--name', 'x', '--scopes', 'users:admin');
    expect(badScope.status).toBe(1);
    expect(badScope.stderr).toMatch(/Unknown scope "users:admin"/);
    expect(badScope.stdout).toBe('');
    const noTenant = cli('token', 'create', '--tenant', 'nope', '--name', 'x', '--scopes', 'users:read');
    expect(noTenant.stderr).toMatch(/Unknown tenant "nope"/);
    const usage = cli('frobnicate');
    expect(usage.status).toBe(64);
    expect(usage.stderr).toMatch(/Usage:/);
  });
});
