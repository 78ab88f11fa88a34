/**
 * The README's first-hour walkthrough (examples/first-hour.sh: what an IdP does, with curl)
 * runs as written against the standalone server, on every database: look-up, create, group
 * with a member, Okta's deactivation, member removal, deletes, then 404.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { DatabaseKind, TEST_DATABASES, TestDatabase, createTestDatabase } from '../support/databases';
import { ServerProcess, cli } from '../support/server-process';

const SCRIPT = join(__dirname, '..', '..', 'examples', 'first-hour.sh');

describe.each(TEST_DATABASES)('the first-hour walkthrough on %s', (kind: DatabaseKind) => {
  let db: TestDatabase;
  let server: ServerProcess | undefined;

  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });

  it('runs every step with the status it expects, and the user is gone at the end', async () => {
    db = await createTestDatabase(kind);
    cli(db.url, 'migration', 'run');
    cli(db.url, 'tenant', 'create', 'default');
    const token = cli(db.url, 'token', 'create', '--tenant', 'default', '--name', 'walk', '--scopes',
      'users:read,users:write,groups:read,groups:write').trim();
    server = await ServerProcess.start(db.url, { MIGRATIONS_RUN: 'false' });
    const out = execFileSync('bash', [SCRIPT], {
      env: { ...process.env, BASE: server.baseUrl, TOKEN: token },
      encoding: 'utf8',
      timeout: 60_000,
    });
    const steps = out.split('\n').filter((l) => l.startsWith('# ')).length;
    expect(steps).toBe(7);
    expect(out).toContain('"totalResults":0');
    expect(out).toContain('"displayName":"Engineering"');
    expect(out).toContain('"active":false');
    expect(out.trim().endsWith('404')).toBe(true);
  }, 120_000);
});
