#!/usr/bin/env node
'use strict';
/**
 * scim-nest benchmark: starts the built server on a fresh SQLite file or MariaDB/MySQL or
 * PostgreSQL database, seeds users and a big group, measures every scenario at a fixed concurrency, and
 * compares the rates with the raw-database ceiling measured in the same run.
 * Loopback only; bounded in requests and time per scenario and by a hard overall timeout.
 *
 *   npm run bench -- --db mysql --users 10000 --json
 *   npm run bench -- --db postgres --users 10000
 *
 * See docs/performance.md.
 */
const { execFileSync } = require('node:child_process');
const { existsSync, mkdirSync, renameSync, statSync, writeFileSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const { randomBytes } = require('node:crypto');

const { parse, USAGE } = require('./lib/args');
const { ROOT, MAIN, ServerProcess, runCli, freePort, procStats, findDatabaseProcess } = require('./lib/server');
const { createDatabase, seedSql, rawCeiling, checkSeedDocument, analyze } = require('./lib/db');
const { ScimClient, runLoad } = require('./lib/load');
const { SCENARIOS } = require('./lib/scenarios');
const { GROUP_SCHEMA, PATCH_OP, userBody, userName } = require('./lib/data');
const { formatResult, evaluateTargets } = require('./lib/report');
const { summarizeProfile, formatProfile } = require('./lib/profile');
const { measureFloors } = require('./lib/floors');
const { readCounters, perRequest, settle } = require('./lib/statements');

const BASE_PATH = '/scim/v2';
const SCOPES = 'users:read,users:write,groups:read,groups:write';

let opts;
const log = (s) => {
  if (!opts || !opts.quiet) {
    process.stderr.write(s + '\n');
  }
};

/** Everything to undo, newest first. */
const cleanups = [];
let server;
let cleaningUp;

function cleanup() {
  if (!cleaningUp) {
    cleaningUp = (async () => {
      while (cleanups.length) {
        const fn = cleanups.pop();
        try {
          await fn();
        } catch (e) {
          log(`cleanup: ${e.message}`);
        }
      }
    })();
  }
  return cleaningUp;
}

function machineInfo() {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model?.trim() ?? 'unknown',
    cpus: cpus.length,
    memGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    loadavg: os.loadavg().map((v) => +v.toFixed(2)),
  };
}

function gitInfo() {
  const git = (args) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  const info = {};
  try {
    info.commit = git(['rev-parse', 'HEAD']);
  } catch {
    info.commit = null;
  }
  try {
    execFileSync('git', ['diff', '--quiet', 'HEAD', '--', 'src'], { cwd: ROOT, stdio: 'ignore' });
    info.srcDirty = false;
  } catch {
    info.srcDirty = info.commit ? true : null;
  }
  return info;
}

/** Seeds users through the API at concurrency C; returns their ids by index. */
async function seedApi(client, from, to, concurrency, monitor) {
  const ids = new Array(to - from);
  let next = from;
  const t0 = performance.now();
  const res = await runLoad({
    client,
    concurrency,
    durationS: 24 * 3600,
    maxRequests: to - from,
    monitor,
    parse: true,
    next: () => {
      if (next >= to) {
        return null;
      }
      const i = next++;
      return {
        method: 'POST',
        path: '/Users',
        body: userBody(i),
        after: (r) => {
          if (r.ok && r.json) {
            ids[i - from] = r.json.id;
          }
        },
      };
    },
  });
  const t = res.tags.all;
  if (!t || t.errors) {
    throw new Error(`API seeding failed: ${t ? t.errors : '?'} errors, e.g. ${t?.errorSamples?.[0]}`);
  }
  log(`  api seeding: ${to - from} users in ${((performance.now() - t0) / 1000).toFixed(1)} s (${t.rps.toFixed(0)}/s)`);
  return ids;
}

/** Warm-up, then the measured closed loop of one scenario (CPU-profiled with --profile). */
async function measure(sc, ctx, monitor, profiles, label) {
  const C = opts.concurrency;
  // a scenario may send its requests with another credential (get-oauth: an access token)
  const client = sc.client ? sc.client(ctx) : ctx.client;
  let state = Array.from({ length: C }, () => ({}));
  const next = (w) => sc.next(ctx, w, state[w]);
  if (opts.warmup > 0) {
    if (sc.reset) {
      await sc.reset(ctx, state);
    }
    await runLoad({ client, concurrency: C, durationS: opts.warmup, maxRequests: Math.min(1000, opts['max-requests']), next });
  }
  if (sc.reset) {
    state = Array.from({ length: C }, () => ({}));
    await sc.reset(ctx, state);
  }
  // the warm-up's and reset's background work (audit flush, outbox rounds) is done first
  const st0 = ctx.statements ? (await settle(), await ctx.statements()) : null;
  if (ctx.profileDir) {
    server.profileStart();
  }
  const r = await runLoad({ client, concurrency: C, durationS: opts.duration, maxRequests: opts['max-requests'], next, monitor });
  if (ctx.profileDir) {
    const file = await server.profileStop();
    if (file) {
      const named = path.join(ctx.profileDir, `${sc.name}.cpuprofile`);
      renameSync(file, named);
      profiles.push({ scenario: sc.name, label, ...summarizeProfile(named, ROOT, 25, r.requests) });
    } else {
      log(`  no CPU profile was written for ${sc.name}`);
    }
  }
  if (st0) {
    // ... and the scenario's own background work is in
    await settle();
    r.statements = perRequest(st0, await ctx.statements(), r.requests);
  }
  return r;
}

async function main() {
  opts = parse(process.argv.slice(2));
  if (opts.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (!existsSync(MAIN)) {
    throw new Error(`${path.relative(ROOT, MAIN)} is missing: run "npm run build" (npm run bench does)`);
  }
  const startedAt = new Date().toISOString();
  const machine = machineInfo(); // load average before the run: the machine may be shared
  const git = gitInfo(); // at the start: dist is what `npm run -s build` just compiled from it
  const distBuiltAt = statSync(MAIN).mtime.toISOString();
  const runId = randomBytes(3).toString('hex');
  const C = opts.concurrency;

  // --- database, schema, tenant, token ---------------------------------------------------
  log(`database: fresh ${opts.db}`);
  const db = await createDatabase(opts.db, { mysqlUrl: opts['mysql-url'], pgUrl: opts['pg-url'] });
  cleanups.push(async () => {
    if (opts.keep) {
      log(`kept database ${db.url}`);
    } else {
      await db.drop();
    }
  });
  const port = opts.port || (await freePort());
  const env = {
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: db.url,
    SCIM_BOOTSTRAP: 'false',
    LOG_LEVEL: 'warn',
    SCIM_MAX_PAYLOAD_SIZE: String(64 * 1048576),
    // statements per request: the server counts at its drivers, /metrics shows the counters
    ...(opts['no-statements'] ? {} : { SCIM_COUNT_STATEMENTS: '1' }),
  };
  for (const kv of opts['server-env'] ? opts['server-env'].split(',') : []) {
    const eq = kv.indexOf('=');
    if (eq < 1) {
      throw new Error(`--server-env: "${kv}" is not K=V`);
    }
    env[kv.slice(0, eq).trim()] = kv.slice(eq + 1);
  }
  await runCli(['migration', 'run'], env);
  const tenantId = await runCli(['tenant', 'create', 'bench'], env);
  const token = await runCli(['token', 'create', '--tenant', 'bench', '--name', 'bench', '--scopes', SCOPES], env);
  if (!/^scim_/.test(token)) {
    throw new Error(`unexpected token from the CLI: ${token.slice(0, 40)}`);
  }

  // --- sql seeding (before the server runs: SQLite has one writer) -------------------------
  let ids;
  let bigGroup;
  let seedT0 = performance.now();
  let seedSqlSeconds = 0;
  if (opts.seed === 'sql') {
    if (checkSeedDocument(ROOT) === false) {
      log('  warning: could not load the normalizer from dist to check the seeded documents');
    }
    log(`seeding ${opts.users} users and a group of ${opts.members} with SQL`);
    const s = await seedSql(db, { tenantId, users: opts.users, members: opts.members, log });
    ids = s.ids;
    bigGroup = { id: s.bigGroupId, members: opts.members };
    seedSqlSeconds = (performance.now() - seedT0) / 1000;
  }

  // --- raw ceiling (server not running yet, so nothing competes) ---------------------------
  let raw;
  if (!opts['no-raw']) {
    log(`raw ceiling: ${opts.duration} s insert + ${opts.duration} s PK select`);
    raw = await rawCeiling(db, { concurrency: C, durationS: opts.duration, maxOps: opts['max-requests'] * 10, log });
    log(`  insert ${raw.insert.rps.toFixed(0)}/s, PK select ${raw.select.rps.toFixed(0)}/s (${raw.mode})`);
  }

  // --- HTTP floors (server not running yet): bare Fastify, bare Nest-on-Fastify -------------
  let floors;
  if (!opts['no-floor']) {
    log(`HTTP floors: ${opts.warmup} s warm-up + ${opts.duration} s each, concurrency ${C}, ${opts.client} client`);
    floors = await measureFloors({
      concurrency: C,
      durationS: opts.duration,
      warmupS: opts.warmup,
      maxRequests: opts['max-requests'] * 10,
      clientImpl: opts.client,
      log,
    });
  }

  // --- server ---------------------------------------------------------------------------
  let profileDir;
  if (opts.profile) {
    profileDir = path.resolve(ROOT, opts['profile-dir'], `profile-${opts.db}-${runId}`);
    mkdirSync(profileDir, { recursive: true });
  }
  server = new ServerProcess(env, { profileDir });
  cleanups.push(() => server.stop());
  const baseUrl = `http://127.0.0.1:${port}${BASE_PATH}`;
  const spc = await server.waitReady(baseUrl);
  log(`server pid ${server.pid} on ${baseUrl}${profileDir ? ` (profiling into ${profileDir})` : ''}`);
  seedT0 = performance.now(); // the raw ceiling and the floors are not seeding
  // BENCH_DB_PID: the database server's pid when several run (e.g. a private one for A/B runs)
  const dbPid =
    Number(process.env.BENCH_DB_PID) || findDatabaseProcess(opts.db, db.name, Number(new URL(opts['mysql-url']).port || 3306));
  const monitor = { serverPid: server.pid, dbPid };
  const client = new ScimClient({ port, basePath: BASE_PATH, token, concurrency: C, impl: opts.client });
  cleanups.push(async () => client.close());

  if (opts.seed === 'api') {
    log(`seeding ${opts.users} users through POST /Users at concurrency ${C}`);
    ids = await seedApi(client, 0, opts.users, C, monitor);
    const g = await client.must('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Bench Big Group' });
    for (let i = 0; i < opts.members; i += 1000) {
      const value = ids.slice(i, Math.min(opts.members, i + 1000)).map((id) => ({ value: id }));
      await client.must('PATCH', `/Groups/${g.id}?excludedAttributes=members`, {
        schemas: [PATCH_OP],
        Operations: [{ op: 'add', path: 'members', value }],
      });
    }
    bigGroup = { id: g.id, members: opts.members };
  }
  // extra users: 10 for the small group, C for the membership toggles (never in a group at rest)
  const extraNames = Array.from({ length: 10 + C }, (_, j) => `bench.extra.${j}@bench.example`);
  const extraIds = [];
  for (const [j, name] of extraNames.entries()) {
    extraIds.push((await client.must('POST', '/Users', userBody(1e9 + j, name, `extra-${j}`))).id);
  }
  const small = await client.must('POST', '/Groups?excludedAttributes=members', {
    schemas: [GROUP_SCHEMA],
    displayName: 'Bench Small Group',
    members: extraIds.slice(0, 10).map((value) => ({ value })),
  });
  const seedSeconds = seedSqlSeconds + (performance.now() - seedT0) / 1000;
  // the planner's statistics as autovacuum leaves them a minute later (PostgreSQL plans a table
  // it never analyzed as nearly empty: a search would then rescan the values per user)
  await analyze(db);

  // --- sanity: what was seeded is what the server sees ------------------------------------
  const first = await client.must('GET', `/Users?filter=${encodeURIComponent(`userName eq "${userName(0)}"`)}`);
  if (first.totalResults !== 1 || first.Resources[0].id !== ids[0]) {
    throw new Error(`seeded user 0 is not found by userName (${JSON.stringify(first).slice(0, 300)})`);
  }
  const all = await client.must('GET', '/Users?count=0');
  if (all.totalResults !== opts.users + extraIds.length) {
    throw new Error(`the server counts ${all.totalResults} users, expected ${opts.users + extraIds.length}`);
  }
  const bg = await client.must('GET', `/Groups/${bigGroup.id}?excludedAttributes=members`);
  if (bg.id !== bigGroup.id) {
    throw new Error('the big group is not readable');
  }
  const afterSeed = procStats(server.pid);
  log(`seeded in ${seedSeconds.toFixed(1)} s; server RSS ${afterSeed?.rssMiB.toFixed(0)} MiB`);

  // --- an OAuth client and one access token (client credentials grant) for get-oauth -------
  const [oauthId, oauthSecret] = (
    await runCli(['oauth-client', 'create', '--tenant', 'bench', '--name', 'bench', '--scopes', SCOPES], env)
  ).split('\n');
  const grant = await fetch(`${baseUrl}/oauth/token`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Authorization: `Basic ${Buffer.from(`${encodeURIComponent(oauthId)}:${encodeURIComponent(oauthSecret)}`).toString('base64')}`,
    },
    body: 'grant_type=client_credentials',
  });
  const accessToken = grant.ok ? (await grant.json()).access_token : undefined;
  if (!accessToken) {
    throw new Error(`the token endpoint answered ${grant.status}`);
  }
  const oauthClient = new ScimClient({ port, basePath: BASE_PATH, token: accessToken, concurrency: C, impl: opts.client });
  cleanups.push(async () => oauthClient.close());

  // --- scenarios ----------------------------------------------------------------------------
  const counters = new Map();
  const ctx = {
    opts,
    env,
    client,
    oauthClient,
    profileDir,
    // the server's statement counters (bench/lib/statements.js), unless --no-statements
    statements: opts['no-statements'] ? null : () => readCounters(port, env.METRICS_TOKEN),
    log,
    spc,
    runId,
    ids,
    N: opts.users,
    maxResults: spc.filter?.maxResults ?? 1000,
    bigGroup,
    smallGroup: { id: small.id, members: 10 },
    pool: extraIds.slice(10),
    counter: (name) => {
      const v = counters.get(name) ?? 0;
      counters.set(name, v + 1);
      return v;
    },
  };
  const wanted = opts.scenarios === 'all' ? null : new Set(opts.scenarios.split(',').map((s) => s.trim()));
  if (wanted) {
    for (const w of wanted) {
      if (!SCENARIOS.some((s) => s.name === w)) {
        throw new Error(`unknown scenario "${w}"; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
      }
    }
  }
  const results = [];
  const profiles = [];
  for (const sc of SCENARIOS) {
    if (wanted && !wanted.has(sc.name)) {
      continue;
    }
    const skipped = sc.prepare ? await sc.prepare(ctx) : undefined;
    const label = sc.label(ctx);
    if (skipped) {
      log(`${label}: ${skipped}`);
      results.push({ name: sc.name, label, kind: sc.kind, description: sc.describe(ctx), skipped });
      continue;
    }
    // a scenario with its own load shape (noisy-neighbour) runs itself: no warm-up, no profile
    const st0 = sc.run && ctx.statements ? (await settle(), await ctx.statements()) : null;
    const r = sc.run ? await sc.run(ctx, monitor) : await measure(sc, ctx, monitor, profiles, label);
    if (st0) {
      await settle();
      r.statements = perRequest(st0, await ctx.statements(), r.requests);
    }
    if (sc.cleanup) {
      await sc.cleanup(ctx);
    }
    const ceiling = raw ? (sc.kind === 'write' ? raw.insert.rps : raw.select.rps) : undefined;
    const per = sc.perRequest ? sc.perRequest(ctx) : 1;
    for (const t of Object.values(r.tags)) {
      t.ratio = ceiling ? (t.rps * per) / ceiling : null;
      if (per !== 1) {
        t.unitsPerS = t.rps * per;
      }
    }
    const nestFloor = floors?.nest?.rps;
    for (const t of Object.values(r.tags)) {
      t.floorRatio = nestFloor ? t.rps / nestFloor : null;
    }
    const res = { name: sc.name, label, kind: sc.kind, description: sc.describe(ctx), ...r };
    results.push(res);
    for (const [tag, t] of Object.entries(r.tags)) {
      log(
        `${label}${tag === 'all' ? '' : ` ${tag}`}: ${t.requests} req, ${t.errors} err, ${t.rps.toFixed(0)}/s, ` +
          `p50 ${t.p50?.toFixed(2)} ms, p99 ${t.p99?.toFixed(2)} ms` +
          (r.server ? `, ${r.server.cpuMsPerRequest?.toFixed(2)} CPU ms/req, RSS peak ${r.server.rssPeakMiB.toFixed(0)} MiB` : '') +
          (r.database ? `, db ${r.database.cpuMsPerRequest?.toFixed(3)} CPU ms/req` : '') +
          (r.statements ? `, ${r.statements.inRequest.toFixed(2)} stmts/req (+${r.statements.background.toFixed(2)} background)` : '') +
          `, client ${(r.client.cpuMs / Math.max(1, r.requests)).toFixed(3)} CPU ms/req`,
      );
    }
  }
  const final = procStats(server.pid);

  // --- stop -----------------------------------------------------------------------------------
  await server.stop();

  const result = {
    meta: {
      startedAt,
      db: opts.db,
      seed: opts.seed,
      users: opts.users,
      members: opts.members,
      concurrency: C,
      client: opts.client,
      serverEnv: opts['server-env'] || undefined,
      duration: opts.duration,
      maxRequests: opts['max-requests'],
      warmup: opts.warmup,
      seedSeconds,
      machine,
      loadavgAtEnd: os.loadavg().map((v) => +v.toFixed(2)),
      git,
      distBuiltAt,
      databaseVersion: await databaseVersion(opts),
    },
    raw,
    floors,
    serverRssAfterSeedMiB: afterSeed?.rssMiB,
    serverFinal: final ? { rssMiB: final.rssMiB, hwmMiB: final.hwmMiB, cpuMs: final.cpuMs } : null,
    scenarios: results,
    profiles: profiles.length ? profiles : undefined,
  };
  result.targets = evaluateTargets(result);
  const text = formatResult(result);
  if (opts.json) {
    process.stderr.write(text + '\n');
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  } else {
    process.stdout.write(text + '\n');
  }
  for (const p of profiles) {
    process.stderr.write(`\n=== ${p.label} (${p.scenario}) ===\n${formatProfile(p)}\n`);
  }
  if (opts.out) {
    writeFileSync(opts.out, JSON.stringify(result, null, 2) + '\n');
    log(`wrote ${opts.out}`);
  }
  return 0;
}

function databaseVersion(o) {
  switch (o.db) {
    case 'mysql':
      return mysqlVersion(o['mysql-url']);
    case 'postgres':
      return postgresVersion(o['pg-url']);
    default:
      return sqliteVersion();
  }
}

async function postgresVersion(url) {
  try {
    const { Client } = require('pg');
    const c = new Client({ connectionString: url });
    await c.connect();
    try {
      return `PostgreSQL ${(await c.query('SHOW server_version')).rows[0].server_version}`;
    } finally {
      await c.end();
    }
  } catch {
    return null;
  }
}

async function mysqlVersion(url) {
  try {
    const mysql = require('mysql2/promise');
    const c = await mysql.createConnection({ uri: url });
    const [[row]] = await c.query('SELECT VERSION() AS v');
    await c.end();
    return row.v;
  } catch {
    return null;
  }
}

function sqliteVersion() {
  try {
    const Database = require('better-sqlite3');
    const d = new Database(':memory:');
    const v = d.prepare('SELECT sqlite_version() AS v').get().v;
    d.close();
    return `SQLite ${v}`;
  } catch {
    return null;
  }
}

// --- bounded: hard timeout, signals, errors -----------------------------------------------------
let hardTimer;
function finish(code) {
  clearTimeout(hardTimer);
  cleanup().then(() => process.exit(code));
}

process.on('exit', () => server?.killNow());
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    process.stderr.write(`\n${sig}: stopping the server and dropping the database\n`);
    finish(130);
  });
}

const argvTimeout = (() => {
  try {
    return parse(process.argv.slice(2)).timeout;
  } catch {
    return 40;
  }
})();
hardTimer = setTimeout(() => {
  process.stderr.write(`hard timeout of ${argvTimeout} min reached: aborting\n`);
  finish(3);
}, argvTimeout * 60000);

main().then(
  (code) => finish(code),
  (e) => {
    // always shown, --quiet or not
    process.stderr.write(`bench failed: ${e && e.stack ? e.stack : e}\n`);
    if (server && server.output) {
      process.stderr.write(`--- server output (tail) ---\n${server.output.slice(-3000)}\n`);
    }
    finish(1);
  },
);
