/**
 * The CLI as an operator runs it (compiled, in a child process) against SQLite and MySQL:
 * a created token is printed alone on stdout, logs go to stderr, and the token works; tenant
 * settings, role mappings, the change-event outbox and the unlinked-users report from the
 * command line.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { AuditService } from '../../src/audit/audit.service';
import { AuditEntry, AuditRepository } from '../../src/core/ports/audit.repository';
import { AUDIT_REPOSITORY } from '../../src/core/ports/tokens';
import { oktaUser } from '../fixtures/users.factory';
import { DatabaseKind, TEST_DATABASES, TestDatabase, createTestDatabase } from '../support/databases';
import { parseJsonLines } from '../support/server-process';
import { TestApp } from '../support/test-app';
import { query as dbQuery } from '../../src/persistence/repositories/sql.util';

const ROOT = join(__dirname, '..', '..');
const SECRET = 'webhook-shared-secret-0123456789';

/** a loopback port nothing listens on (a webhook that cannot be reached) */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
const CLI = join(ROOT, 'dist', 'src', 'server', 'cli', 'main.js');

/**
 * The CLI with its stdout on a pipe whose reader starts late (as `| wc -c` behind a busy
 * shell may): the pipe fills, and the rest must still arrive before the process ends.
 */
function cliThroughSlowPipe(env: NodeJS.ProcessEnv, ...args: string[]): Promise<{ status: number | null; stdout: Buffer }> {
  return new Promise((resolve, reject) => {
    const child = spawn('node', [CLI, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'ignore'] });
    const chunks: Buffer[] = [];
    child.stdout.pause();
    setTimeout(() => child.stdout.resume(), 1500);
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout: Buffer.concat(chunks) }));
  });
}

// dist/ is built once by test/setup/global-setup.js
describe.each(TEST_DATABASES)('CLI on %s', (kind: DatabaseKind) => {
  let db: TestDatabase;
  const cli = (...args: string[]) =>
    spawnSync('node', [CLI, ...args], {
      cwd: ROOT,
      // webhooks to a loopback port are allowed, as an on-premises operator would allow them
      env: { ...process.env, DATABASE_URL: db.url, SCIM_BOOTSTRAP: 'false', SCIM_WEBHOOK_ALLOW: '127.0.0.1' },
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
    const rows = parseJsonLines<Record<string, string>>(list.stdout);
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

  it('audit --json on a pipe writes every byte before it exits (more than 1 MiB)', async () => {
    const app = await TestApp.attach(db.url);
    const at = Date.now() - 60_000;
    const entries: AuditEntry[] = Array.from({ length: 600 }, (_, i) => ({
      at: new Date(at + i).toISOString(),
      tenantId: null,
      tokenId: null,
      requestId: `pipe-${String(i).padStart(4, '0')}`,
      method: 'POST',
      path: '/scim/v2/Users',
      resourceType: 'User',
      resourceId: null,
      status: 201,
      latencyMs: 1,
      clientIp: '127.0.0.1',
      userAgent: 'cli-pipe-test',
      body: JSON.stringify({ userName: `u${i}`, note: 'x'.repeat(2000) }),
      profile: null,
      error: null,
    }));
    let expected: number;
    try {
      await app.app.get<AuditRepository>(AUDIT_REPOSITORY).append(entries);
      // what the data says: one JSON line per entry, as the CLI's own service reads them
      const rows = await app.app.get(AuditService).search({ since: new Date(at - 1000).toISOString(), limit: 100_000 });
      expect(rows.filter((r) => r.requestId.startsWith('pipe-'))).toHaveLength(entries.length);
      expected = rows.reduce((n, r) => n + Buffer.byteLength(JSON.stringify(r)) + 1, 0);
    } finally {
      await app.app.close();
    }
    expect(expected).toBeGreaterThan(1024 * 1024);

    const res = await cliThroughSlowPipe(
      { ...process.env, DATABASE_URL: db.url, SCIM_BOOTSTRAP: 'false' },
      'audit', '--json', '--since', new Date(at - 1000).toISOString(), '--limit', '100000',
    );
    expect(res.status).toBe(0);
    expect(res.stdout.length).toBe(expected);
    const lines = res.stdout.toString('utf8').trimEnd().split('\n');
    const seeded = lines.map((l) => (JSON.parse(l) as { requestId: string }).requestId).filter((id) => id.startsWith('pipe-'));
    expect(seeded).toEqual(entries.map((e) => e.requestId));
  }, 120_000);

  it('refuses bad input with a message and a non-zero exit', () => {
    const badScope = cli('token', 'create', '--tenant', 'acme', '--name', 'x', '--scopes', 'users:admin');
    expect(badScope.status).toBe(1);
    expect(badScope.stderr).toMatch(/Unknown scope "users:admin"/);
    expect(badScope.stdout).toBe('');
    const noTenant = cli('token', 'create', '--tenant', 'nope', '--name', 'x', '--scopes', 'users:read');
    expect(noTenant.stderr).toMatch(/Unknown tenant "nope"/);
    const usage = cli('frobnicate');
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/^Unknown command "frobnicate"\n\nUsage:/);
    expect(usage.stdout).toBe('');
  });

  it('tenant set / show: SCIM on and off, notifications, default role, link policy', async () => {
    const set = cli(
      'tenant', 'set', 'acme',
      '--scim', 'disabled', '--notifications', 'off', '--default-role', 'member', '--link-policy', 'verified-email',
    );
    expect(set.status).toBe(0);
    expect(set.stdout).toMatch(/^acme: scim disabled since \d{4}-\d\d-\d\dT[\d:.]+Z, /);
    expect(set.stdout).toContain('notifications off, default role member, link policy verified-email, token policy any, switches none');
    // IdP profile switches on top of the tokens' profile (docs/idp/profiles.md)
    const switched = cli('tenant', 'set', 'acme', '--switches', 'allowRemoveAll=true');
    expect(switched.status).toBe(0);
    expect(switched.stdout).toContain('switches allowRemoveAll=true');
    expect(cli('tenant', 'show', 'acme').stdout).toMatch(/^switches +allowRemoveAll=true$/m);
    expect(cli('tenant', 'set', 'acme', '--switches', 'default').stdout).toContain('switches none');

    const token = cli('token', 'create', '--tenant', 'acme', '--name', 'idp', '--scopes', 'users:write').stdout.trim();
    const app = await TestApp.attach(db.url);
    try {
      const refused = await app.http.get('/scim/v2/Users').set('Authorization', `Bearer ${token}`);
      expect(refused.status).toBe(403);
      expect(refused.body.detail).toMatch(/disabled for this tenant/);
      expect(cli('tenant', 'set', 'acme', '--scim', 'enabled', '--default-role', 'none').status).toBe(0);
      expect((await app.http.get('/scim/v2/Users').set('Authorization', `Bearer ${token}`)).status).toBe(200);
    } finally {
      await app.app.close();
    }

    const shown = cli('tenant', 'show', 'acme', '--json');
    expect(shown.status).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({
      slug: 'acme',
      scimEnabled: true,
      disabledAt: null,
      notifications: 'off',
      defaultRole: null,
      linkPolicy: 'verified-email',
      webhookSecretSet: false,
      roleMappings: [],
      events: { pending: expect.any(Number), failed: 0 },
    });
    const text = cli('tenant', 'show', 'acme');
    expect(text.stdout).toMatch(/^scim +enabled$/m);
    expect(text.stdout).toMatch(/^notifications +off$/m);

    const maybe = cli('tenant', 'set', 'acme', '--scim', 'maybe');
    expect(maybe.status).toBe(2);
    expect(maybe.stderr).toMatch(/^--scim must be one of enabled, disabled \("maybe" is not\)$/m);
    for (const [args, message] of [
      [['--notifications', 'loud'], /Unknown notifications setting "loud": use on or off/],
      [['--default-role', 'team admin'], /default role must be 1 to 64 characters/],
      [['--link-policy', 'email'], /Unknown link policy "email"/],
      [['--switches', 'allowRemoveAll=maybe'], /allowRemoveAll takes true, false, default/],
    ] as const) {
      const bad = cli('tenant', 'set', 'acme', ...args);
      expect(bad.status).toBe(1);
      expect(bad.stderr).toMatch(message);
    }
    expect(cli('tenant', 'show', 'nope').stderr).toMatch(/Unknown tenant "nope"/);
    expect(cli('tenant', 'set', 'acme', '--notifications', 'on').status).toBe(0);
  }, 120_000);

  it('tenant role-map sets, replaces case-insensitively and removes a mapping', () => {
    const set = cli('tenant', 'role-map', 'acme', '--group', 'Platform Admins', '--role', 'org:admin');
    expect(set.status).toBe(0);
    expect(set.stdout).toBe('Platform Admins -> org:admin\n');
    expect(cli('tenant', 'role-map', 'acme', '--group', 'platform admins', '--role', 'owner').status).toBe(0);
    expect(JSON.parse(cli('tenant', 'show', 'acme', '--json').stdout).roleMappings).toEqual([
      { group: 'platform admins', role: 'owner' },
    ]);
    expect(cli('tenant', 'show', 'acme').stdout).toContain('  platform admins -> owner');
    const bad = cli('tenant', 'role-map', 'acme', '--group', 'x', '--role', 'a/b');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/role must be 1 to 64 characters/);
    expect(cli('tenant', 'role-map', 'acme', '--group', 'x').stderr).toMatch(/needs --role/);
    expect(cli('tenant', 'role-map', 'acme', '--group', 'PLATFORM ADMINS', '--remove').status).toBe(0);
    const again = cli('tenant', 'role-map', 'acme', '--group', 'PLATFORM ADMINS', '--remove');
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/no role mapping/);
  }, 120_000);

  it('events list shows an undeliverable event; events retry makes it due again; users unlinked', async () => {
    const port = await closedPort();
    expect(
      cli('tenant', 'set', 'acme', '--webhook-url', `http://127.0.0.1:${port}/hook`, '--webhook-secret', SECRET).status,
    ).toBe(0);
    const token = cli('token', 'create', '--tenant', 'acme', '--name', 'idp2', '--scopes', 'users:write').stdout.trim();
    const app = await TestApp.attach(db.url, { SCIM_WEBHOOK_ALLOW: '127.0.0.1' });
    let userId: string;
    try {
      const { password: _p, groups: _g, ...user } = oktaUser();
      const created = await app.http.post('/scim/v2/Users').set('Authorization', `Bearer ${token}`).send(user);
      expect(created.status).toBe(201);
      userId = created.body.id as string;
      // the server tries once (the webhook refuses the connection), then waits for the retry
      for (let i = 0; ; i++) {
        const rows = (await dbQuery(
          app.app.get(DataSource),
          'SELECT attempts FROM scim_outbox WHERE resource_id = ?',
          [userId],
        )) as Array<{ attempts: number | string }>;
        if (Number(rows[0]?.attempts) >= 1) {
          break;
        }
        if (i > 200) {
          throw new Error('the server did not try the webhook');
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      await app.app.close();
    }

    const listed = cli('events', 'list', '--tenant', 'acme', '--status', 'pending', '--json');
    expect(listed.status).toBe(0);
    const events = parseJsonLines(listed.stdout);
    const event = events.find((e) => e.resourceId === userId)!;
    expect(event).toMatchObject({ operation: 'created', status: 'pending', attempts: 1 });
    // a failure class only: no errno, address or port
    expect(event.lastError).toBe('connection failed');
    const table = cli('events', 'list', '--tenant', 'acme', '--limit', '5');
    expect(table.stdout).toMatch(/^seq +id +time +resource +operation +version +status +attempts +next +error$/m);
    expect(table.stdout).toContain(`User ${userId}`);

    // every failed event of the tenant (here: the one waiting for its retry) due now
    expect(cli('events', 'retry', '--tenant', 'acme', '--all-failed', '--json').stdout).toBe('{"retried":1}\n');
    const listAgain = () =>
      parseJsonLines(cli('events', 'list', '--tenant', 'acme', '--json').stdout).find(
        (e) => e.id === event.id,
      );
    expect(listAgain()).toMatchObject({ status: 'pending', attempts: 0 });
    // one event by id
    const one = cli('events', 'retry', event.id as string);
    expect(one.status).toBe(0);
    expect(one.stdout).toBe('');
    expect(one.stderr).toMatch(/is due again/);
    expect(listAgain()).toMatchObject({ status: 'pending', attempts: 0 });
    const unknown = cli('events', 'retry', 'no-such-event');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/No change event with id "no-such-event"/);
    expect(cli('events', 'list', '--tenant', 'acme', '--status', 'dead').stderr).toMatch(/--status must be one of/);
    expect(cli('tenant', 'set', 'acme', '--webhook-url', 'off').status).toBe(0);

    const unlinked = cli('users', 'unlinked', '--tenant', 'acme', '--json');
    expect(unlinked.status).toBe(0);
    // JSON lines: one per unlinked user, and this store has none
    expect(unlinked.stdout).toBe('');
    expect(unlinked.stderr).toMatch(/only SCIM-provisioned users/);
  }, 120_000);
});
