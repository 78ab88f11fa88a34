import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
export const MAIN = join(ROOT, 'dist', 'src', 'server', 'main.js');
export const CLI = join(ROOT, 'dist', 'src', 'server', 'cli', 'main.js');

/** The compiled CLI on `databaseUrl`; returns stdout (throws with stderr on failure). */
export function cli(databaseUrl: string, ...args: string[]): string {
  return cliWith({}, databaseUrl, ...args);
}

/** The compiled CLI with `env` added to the environment (e.g. SCIM_WEBHOOK_ALLOW). */
export function cliWith(env: NodeJS.ProcessEnv, databaseUrl: string, ...args: string[]): string {
  const res = spawnSync('node', [CLI, ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, SCIM_BOOTSTRAP: 'false', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (res.status !== 0) {
    throw new Error(`cli ${args.join(' ')} failed: ${res.stderr}`);
  }
  return res.stdout;
}

/** The CLI's `--json` output: JSON lines, one object per line (none for an empty list). */
export function parseJsonLines<T = Record<string, unknown>>(stdout: string): T[] {
  const text = stdout.trim();
  return text === '' ? [] : text.split('\n').map((line) => JSON.parse(line) as T);
}

/** One standalone server process on a free loopback port; `baseUrl` once it is listening. */
export class ServerProcess {
  private constructor(
    readonly child: ChildProcess,
    readonly baseUrl: string,
    private readonly output: { stdout: string },
  ) {}

  /** everything the process wrote on stdout so far */
  get stdout(): string {
    return this.output.stdout;
  }

  static start(databaseUrl: string, env: NodeJS.ProcessEnv = {}): Promise<ServerProcess> {
    const child = spawn('node', [MAIN], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        PORT: '0',
        HOST: '127.0.0.1',
        SCIM_BOOTSTRAP: 'false',
        LOG_LEVEL: 'warn',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new Promise((resolve, reject) => {
      const output = { stdout: '' };
      let err = '';
      let started = false;
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`server did not start in 30 s: ${err}`));
      }, 30_000);
      child.stdout!.on('data', (d: Buffer) => {
        output.stdout += d.toString();
        const m = started ? null : /SCIM base URL: (\S+)/.exec(output.stdout);
        if (m) {
          started = true;
          clearTimeout(timer);
          resolve(new ServerProcess(child, m[1], output));
        }
      });
      child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`server exited with ${code}: ${err}`));
      });
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) {
      return;
    }
    await new Promise<void>((resolve) => {
      const kill = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
      this.child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      this.child.kill('SIGTERM');
    });
  }
}
