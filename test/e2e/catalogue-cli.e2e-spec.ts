/**
 * The tenant catalogue from the command line (compiled CLI in a child process, as an operator
 * runs it): `catalogue set|list|remove` write the table the catalogue endpoints serve, on
 * SQLite and MariaDB. dist/ is built once by test/setup/global-setup.js.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Scope } from '../../src/library';
import { DatabaseKind, TEST_DATABASES, TestDatabase, createTestDatabase } from '../support/databases';
import { TestApp } from '../support/test-app';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'src', 'server', 'cli', 'main.js');
const ENV = { SCIM_CATALOGUE: 'Role,Entitlement', SCIM_ROLES: 'admin,member' };

describe.each(TEST_DATABASES)('catalogue CLI on %s', (kind: DatabaseKind) => {
  let db: TestDatabase;
  const cli = (...args: string[]) =>
    spawnSync('node', [CLI, ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: db.url, SCIM_BOOTSTRAP: 'false', ...ENV },
      encoding: 'utf8',
      timeout: 60_000,
    });

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    expect(cli('migration', 'run').status).toBe(0);
    expect(cli('tenant', 'create', 'acme').status).toBe(0);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('sets, lists and removes values that /Entitlements then serves', async () => {
    const set = cli('catalogue', 'set', '--tenant', 'acme', '--type', 'entitlement', '--value', 'seat.pro',
      '--display-name', 'Pro seat', '--entry-type', 'License', '--json');
    // the database it worked on, and nothing else
    expect(set.stderr).toMatch(/^Database: (SQLite \/\S+\.sqlite|(?:MySQL\/MariaDB|PostgreSQL) \S+@\S+:\d+\/scim_test_\w+)\n$/);
    expect(set.status).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({ resourceType: 'Entitlement', value: 'seat.pro', displayName: 'Pro seat', version: 1 });
    expect(cli('catalogue', 'set', '--tenant', 'acme', '--type', 'Entitlement', '--value', 'seat.basic', '--supported', 'false').status).toBe(0);

    const list = cli('catalogue', 'list', '--tenant', 'acme', '--type', 'Entitlement');
    expect(list.status).toBe(0);
    expect(list.stdout.split('\n')[0]).toMatch(/^value\s+displayName\s+type\s+supported\s+modified$/);
    expect(list.stdout).toMatch(/seat\.basic\s+false/);
    expect(list.stdout).toMatch(/seat\.pro\s+Pro seat\s+License\s+true/);

    const app = await TestApp.attach(db.url, ENV);
    try {
      const token = await app.token('acme', ['entitlements:read'] as Scope[]);
      const res = await app.http.get('/scim/v2/Entitlements').set('Authorization', `Bearer ${token}`);
      expect(res.body.Resources.map((r: { id: string; supported: boolean }) => [r.id, r.supported])).toEqual([
        ['seat.basic', false],
        ['seat.pro', true],
      ]);
      expect(cli('catalogue', 'remove', '--tenant', 'acme', '--type', 'Entitlement', '--value', 'seat.basic').status).toBe(0);
      const after = await app.http.get('/scim/v2/Entitlements').set('Authorization', `Bearer ${token}`);
      expect(after.body.totalResults).toBe(1);
    } finally {
      await app.app.close();
    }
  });

  it('says what is wrong, with exit status 1', () => {
    const unknownType = cli('catalogue', 'list', '--tenant', 'acme', '--type', 'Device');
    expect(unknownType.status).toBe(1);
    expect(unknownType.stderr).toMatch(/No catalogue type "Device" is served; catalogue types: Role, Entitlement/);
    const badValue = cli('catalogue', 'set', '--tenant', 'acme', '--type', 'Role', '--value', '..');
    expect(badValue.status).toBe(1);
    expect(badValue.stderr).toMatch(/catalogue value must/);
    const missing = cli('catalogue', 'remove', '--tenant', 'acme', '--type', 'Role', '--value', 'admin');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/managed as roles/);
    const unknown = cli('catalogue', 'frobnicate');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/^Unknown command "catalogue frobnicate": the catalogue commands are list, set, remove\n/);
  });
});
