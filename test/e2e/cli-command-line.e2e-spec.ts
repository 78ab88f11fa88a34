/**
 * The CLI's command line as an operator meets it (compiled, in a child process): every
 * command refuses an unknown option with exit status 2 before it opens a database, each has
 * its own --help, `token create --expires 30` creates nothing, and the CLI names the database
 * it uses and does not create a SQLite file it was not asked to. dist/ is built once by
 * test/setup/global-setup.js.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMMANDS } from '../../src/server/cli/cli.commands';
import { DatabaseKind, TEST_DATABASES, TestDatabase, createTestDatabase } from '../support/databases';
import { CLI, parseJsonLines } from '../support/server-process';

const ROOT = join(__dirname, '..', '..');

function run(env: NodeJS.ProcessEnv, args: string[], cwd = ROOT) {
  const { DATABASE_URL: _url, ...rest } = process.env;
  return spawnSync('node', [CLI, ...args], {
    cwd,
    env: { ...rest, SCIM_BOOTSTRAP: 'false', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('CLI command line', () => {
  let dir: string;
  let missing: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'scim-cli-'));
    missing = join(dir, 'nothing-here', 'scim.sqlite');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('every command refuses an unknown option (exit 2), says which are valid, and opens no database', () => {
    for (const spec of COMMANDS) {
      const res = run({ DATABASE_URL: `sqlite:${missing}` }, [...spec.name.split(' '), '--bogus', 'x']);
      expect([spec.name, res.status]).toEqual([spec.name, 2]);
      expect(res.stdout).toBe('');
      expect(res.stderr).toMatch(new RegExp(`^Unknown option --bogus for "${spec.name}": (its options are --|it takes no options)`));
      // followed by that command's usage, and no "Database:" line: nothing was opened
      expect(res.stderr).toContain(`\n\nUsage: npm run -s cli -- ${spec.name}`);
      expect(res.stderr).not.toMatch(/^Database:/m);
    }
    expect(existsSync(join(dir, 'nothing-here'))).toBe(false);
  });

  it('each command has its own help (exit 0, on stdout, nothing else)', () => {
    for (const args of [['token', 'create', '--help'], ['help', 'token', 'create'], ['token', 'create', '-h']]) {
      const res = run({ DATABASE_URL: `sqlite:${missing}` }, args);
      expect(res.status).toBe(0);
      expect(res.stderr).toBe('');
      expect(res.stdout).toMatch(/^Usage: npm run -s cli -- token create --tenant <slug> --name <label> --scopes /);
      expect(res.stdout).toMatch(/^ {2}--expires-in <days> +days until it expires/m);
      expect(res.stdout).not.toContain('tenant create');
    }
    const all = run({}, ['--help']);
    expect(all.status).toBe(0);
    for (const spec of COMMANDS) {
      expect(all.stdout).toMatch(new RegExp(`^  ${spec.name}\\b`, 'm'));
    }
    const unknown = run({}, ['help', 'token', 'mint']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/^Unknown command "token mint": the token commands are create, list, revoke\n/);
  });

  it('refuses to create a SQLite file it was not asked to, and says where it looked', () => {
    const res = run({ DATABASE_URL: `sqlite:${missing}` }, ['token', 'list']);
    expect(res.status).toBe(1);
    expect(res.stderr).toContain(`Database: SQLite ${missing}\n`);
    expect(res.stderr).toContain(`Error: No SQLite database at ${missing}. `);
    expect(res.stderr).toMatch(/add --create to create an empty one there/);
    expect(existsSync(join(dir, 'nothing-here'))).toBe(false);

    // DATABASE_URL unset: the default file, relative to the working directory, named as such
    const unset = run({}, ['tenant', 'list'], dir);
    expect(unset.status).toBe(1);
    const fallback = join(dir, 'data', 'scim.sqlite');
    expect(unset.stderr).toContain(`Database: SQLite ${fallback} (DATABASE_URL is not set: the default)\n`);
    expect(unset.stderr).toMatch(/No SQLite database at \S+ \(DATABASE_URL is not set: the default sqlite:\.\/data\/scim\.sqlite/);
    expect(existsSync(join(dir, 'data'))).toBe(false);

    // asked to: --create, or `migration run`, whose point it is
    const created = run({}, ['tenant', 'create', 'acme', '--create'], dir);
    expect(created.status).toBe(0);
    expect(created.stdout).toMatch(/^[0-9a-f-]{36}\n$/);
    expect(existsSync(fallback)).toBe(true);
    const migrated = run({ DATABASE_URL: `sqlite:${join(dir, 'other', 'scim.sqlite')}` }, ['migration', 'run']);
    expect(migrated.status).toBe(0);
    expect(existsSync(join(dir, 'other', 'scim.sqlite'))).toBe(true);
    const listed = run({}, ['tenant', 'list', '--json'], dir);
    expect(parseJsonLines(listed.stdout).map((t) => t.slug)).toEqual(['acme']);
  });
});

describe.each(TEST_DATABASES)('CLI on %s: what it works on', (kind: DatabaseKind) => {
  let db: TestDatabase;
  const cli = (...args: string[]) => run({ DATABASE_URL: db.url }, args);

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    expect(cli('migration', 'run').status).toBe(0);
    expect(cli('tenant', 'create', 'acme').status).toBe(0);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('names the database on stderr, never its password', () => {
    const res = cli('tenant', 'list');
    expect(res.status).toBe(0);
    const first = res.stderr.split('\n')[0];
    if (kind === 'sqlite') {
      expect(first).toBe(`Database: SQLite ${db.url.slice('sqlite:'.length)}`);
      return;
    }
    const u = new URL(db.url);
    const server = kind === 'postgres' ? 'PostgreSQL' : 'MySQL/MariaDB';
    const [user, port] = kind === 'postgres' ? ['postgres', 5432] : ['root', 3306];
    expect(first).toBe(`Database: ${server} ${u.username || user}@${u.hostname}:${u.port || port}${u.pathname}`);
    const secret = 'n0t-the-real-pw-7731';
    u.password = secret;
    if (kind === 'postgres') {
      // this machine's PostgreSQL trusts loopback whatever the password: a role it does not know
      // is refused instead (the password still must not show)
      u.username = 'no_such_role_7731';
    }
    const denied = run({ DATABASE_URL: u.toString() }, ['tenant', 'list']);
    expect(denied.status).toBe(1);
    expect(denied.stderr.split('\n')[0]).toBe(kind === 'postgres' ? first.replace(/ \S+@/, ` ${u.username}@`) : first);
    expect(denied.stderr).not.toContain(secret);
  }, 60_000);

  it('token create --expires 30 is refused, creates nothing, and names --expires-in', () => {
    const base = ['token', 'create', '--tenant', 'acme', '--name', 'thirty', '--scopes', 'users:read'];
    const res = cli(...base, '--expires', '30');
    expect(res.status).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(/^Unknown option --expires for "token create" \(did you mean --expires-in\?\)/);
    for (const bad of ['30d', '1e3', '0']) {
      const refused = cli(...base, '--expires-in', bad);
      expect(refused.status).toBe(2);
      expect(refused.stderr).toMatch(/^--expires-in must be a positive number of days, e\.g\. 30 \("\w+" is not\)$/m);
    }
    expect(parseJsonLines(cli('token', 'list', '--json').stdout)).toEqual([]);

    const never = cli(...base);
    expect(never.status).toBe(0);
    expect(never.stderr).toMatch(/never expires: give --expires-in <days> for one that does/);
    const dated = cli(...base, '--expires-in', '30');
    expect(dated.status).toBe(0);
    const rows = parseJsonLines<{ name: string; expires: string }>(cli('token', 'list', '--tenant', 'acme', '--json').stdout);
    expect(rows.map((r) => r.name)).toEqual(['thirty', 'thirty']);
    expect(rows.filter((r) => r.expires === '')).toHaveLength(1);
    const days = (Date.parse(rows.find((r) => r.expires !== '')!.expires) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);
  });
});
