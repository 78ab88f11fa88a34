'use strict';
/** The server under test as a child process, the CLI, and /proc readings of a process. */
const { spawn, execFile, execFileSync } = require('node:child_process');
const { existsSync, readFileSync, readdirSync } = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const path = require('node:path');

/**
 * The checkout whose dist/ is benchmarked: this one, or BENCH_ROOT (another checkout or a
 * `git archive` copy with the same node_modules), to compare two builds with one harness.
 */
const ROOT = process.env.BENCH_ROOT ? path.resolve(process.env.BENCH_ROOT) : path.resolve(__dirname, '..', '..');
const MAIN = path.join(ROOT, 'dist', 'src', 'server', 'main.js');
const CLI = path.join(ROOT, 'dist', 'src', 'server', 'cli', 'main.js');
const GUARD = path.join(__dirname, 'child-guard.js');

let CLK_TCK = 100;
try {
  CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
} catch {
  /* keep 100 */
}

/** A free loopback port (bound then released). */
function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Runs the CLI (`node dist/src/server/cli/main.js …`) and returns its stdout, trimmed. */
function runCli(args, env, timeoutMs = 120000) {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd: ROOT, env: { ...process.env, ...env }, timeout: timeoutMs, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        if (err) {
          reject(new Error(`cli ${args.join(' ')} failed: ${err.message}\n${stderr}`));
        } else {
          resolve(stdout.trim());
        }
      },
    );
  });
}

class ServerProcess {
  /** `script` + `args`: another server than dist/src/server/main.js (the HTTP floors of floor-server.js). */
  constructor(env, { profileDir, script = MAIN, args = [] } = {}) {
    const nodeArgs = ['-r', GUARD];
    const childEnv = { ...process.env, ...env };
    this.profileDir = profileDir;
    this.profileWindows = 0;
    if (profileDir) {
      // child-guard.js drives the CPU profiler on IPC messages (profileStart / profileStop)
      childEnv.BENCH_PROFILE_DIR = profileDir;
    }
    this.output = '';
    this.exited = false;
    this.child = spawn(process.execPath, [...nodeArgs, script, ...args], {
      cwd: ROOT,
      env: childEnv,
      stdio: profileDir ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
    });
    this.pid = this.child.pid;
    const keep = (chunk) => {
      this.output = (this.output + chunk.toString()).slice(-20000);
    };
    this.child.stdout.on('data', keep);
    this.child.stderr.on('data', keep);
    this.exitPromise = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        this.exited = true;
        this.exitCode = code;
        this.exitSignal = signal;
        resolve();
      });
    });
  }

  /** Polls GET <base><probe> until it answers 200; resolves its JSON body. */
  async waitReady(baseUrl, timeoutMs = 60000, probe = '/ServiceProviderConfig') {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      if (this.exited) {
        throw new Error(`server exited (code ${this.exitCode}, signal ${this.exitSignal}):\n${this.output}`);
      }
      const ok = await new Promise((resolve) => {
        const req = http.get(`${baseUrl}${probe}`, (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => resolve(res.statusCode === 200 ? JSON.parse(Buffer.concat(chunks)) : null));
        });
        req.on('error', () => resolve(null));
        req.setTimeout(2000, () => req.destroy());
      });
      if (ok) {
        return ok;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`server did not answer within ${timeoutMs} ms:\n${this.output}`);
  }

  /** Starts the CPU profiler in the server (--profile). */
  profileStart() {
    this.child.send('profile-start');
  }

  /** Stops it; resolves the path of the .cpuprofile written (null if none within 60 s). */
  async profileStop() {
    const n = this.profileWindows++;
    this.child.send('profile-stop');
    const done = path.join(this.profileDir, `window-${n}.done`);
    const end = Date.now() + 60000;
    while (Date.now() < end && !this.exited) {
      if (existsSync(done)) {
        const file = path.join(this.profileDir, `window-${n}.cpuprofile`);
        return existsSync(file) ? file : null;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    return null;
  }

  /** SIGTERM, then SIGKILL after graceMs. */
  async stop(graceMs = 15000) {
    if (this.exited) {
      return;
    }
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => {
      if (!this.exited) {
        this.child.kill('SIGKILL');
      }
    }, graceMs);
    await this.exitPromise;
    clearTimeout(timer);
  }

  /** Synchronous last resort (process 'exit' handler). */
  killNow() {
    if (!this.exited) {
      try {
        this.child.kill('SIGKILL');
      } catch {
        /* gone */
      }
    }
  }
}

/**
 * CPU time (ms) and resident memory (MiB) of a process from /proc; null if unreadable. `pid`
 * may also be `{ comm, database }`: the sum over the processes of that name serving that
 * database (PostgreSQL serves each connection in a process of its own, named after its
 * database in its command line), with each one's CPU in `perPid` (cpuDelta).
 */
function procStats(pid) {
  if (!pid) {
    return null;
  }
  if (typeof pid === 'object') {
    const perPid = new Map();
    let rssMiB = 0;
    let hwmMiB = 0;
    for (const p of pidsNamed(pid.comm)) {
      const s = servesDatabase(p, pid.database) ? procStats(p) : null;
      if (s) {
        perPid.set(p, s.cpuMs);
        rssMiB += s.rssMiB;
        hwmMiB += s.hwmMiB;
      }
    }
    const cpuMs = [...perPid.values()].reduce((a, b) => a + b, 0);
    // none yet (the pool opens its connections on demand): zero, and the next reading counts them
    return { cpuMs, rssMiB, hwmMiB, perPid };
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state): utime is field 14, stime field 15
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name) => {
      const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
      return m ? Number(m[1]) : 0;
    };
    return {
      cpuMs: ((utime + stime) * 1000) / CLK_TCK,
      rssMiB: kb('VmRSS') / 1024,
      hwmMiB: kb('VmHWM') / 1024,
    };
  } catch {
    return null;
  }
}

/**
 * A PostgreSQL backend's title: `postgres: [<cluster>: ]<user> <database> <client> <state>`
 * (the cluster name when one is set, as Debian's `15/main`), NUL-padded.
 */
function servesDatabase(pid, database) {
  try {
    const title = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0+/g, ' ');
    const m = /^postgres: (?:\S+: )?(\S+) (\S+) /.exec(title);
    return m !== null && m[2] === database;
  } catch {
    return false;
  }
}

/**
 * The CPU ms spent between two procStats readings. For a set of processes (perPid): only
 * what the processes alive at the second reading spent since the first (a process started in
 * between counts whole; one that exited in between is not seen), so an exited backend never
 * makes it negative.
 */
function cpuDelta(before, after) {
  if (!before.perPid || !after.perPid) {
    return after.cpuMs - before.cpuMs;
  }
  let ms = 0;
  for (const [pid, cpu] of after.perPid) {
    ms += cpu - (before.perPid.get(pid) ?? 0);
  }
  return ms;
}

/** The port a MariaDB/MySQL server was started with (`--port=N`, else the default 3306). */
function mysqlPort(pid) {
  try {
    const m = /\0--port=(\d+)/.exec(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
    return m ? Number(m[1]) : 3306;
  } catch {
    return undefined;
  }
}

/** The pids of the processes whose name is one of `names` ([] without /proc). */
function pidsNamed(...names) {
  const out = [];
  try {
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) {
        continue;
      }
      try {
        if (names.includes(readFileSync(`/proc/${d}/comm`, 'utf8').trim())) {
          out.push(Number(d));
        }
      } catch {
        /* raced */
      }
    }
  } catch {
    /* no /proc */
  }
  return out;
}

/**
 * The local database server's process (to report its CPU too), if it can be seen: the
 * MariaDB/MySQL pid listening on `port` (the whole server's), or PostgreSQL's backends of the bench's own database
 * `database` (procStats sums them; other databases' work on a shared server is left out);
 * none for SQLite, which runs in the server's own process.
 */
function findDatabaseProcess(kind, database, port = 3306) {
  switch (kind) {
    case 'mysql':
      // the server on the bench's port: another one may run beside it (its own --port)
      return pidsNamed('mariadbd', 'mysqld').find((p) => mysqlPort(p) === port);
    case 'postgres':
      return pidsNamed('postgres').length ? { comm: 'postgres', database } : undefined;
    default:
      return undefined;
  }
}

module.exports = { ROOT, MAIN, CLI, ServerProcess, runCli, freePort, procStats, cpuDelta, findDatabaseProcess };
