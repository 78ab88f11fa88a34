#!/usr/bin/env node
'use strict';
/**
 * CPU per request of the server's own pipeline (Fastify routing, Nest guards, pipes, filters,
 * the SCIM services, TypeORM, SQLite), without sockets or a load generator: the built app is
 * created in this process and driven with Fastify's `inject`. Far less noisy than the HTTP
 * bench on a shared machine, so it is the tool for A/B comparisons of code changes:
 *
 *   node bench/pipeline.js                                   # this checkout's dist/
 *   node bench/pipeline.js --root /tmp/a --root /tmp/b --rounds 5    # two builds, interleaved
 *   node bench/pipeline.js --env SCIM_TOKEN_CACHE_TTL_MS=5000
 *   node bench/pipeline.js --root .::SCIM_TOKEN_CACHE_TTL_MS=0 --root .::SCIM_TOKEN_CACHE_TTL_MS=5000
 *                                     (root::K=V,K=V: that build with extra environment)
 *   node bench/pipeline.js --cpu-prof DIR                    # V8 profile per child in DIR/<scenario>/<root>
 *                                     (read one with node bench/lib/profile.js FILE requests)
 *
 * One temp SQLite database (migrated and seeded once with --users users), then for every round
 * and every --root a child process per scenario measures --requests requests at --concurrency
 * after a warm-up; the table shows the median and the minimum µs of CPU per request (the
 * process's user + system time; light-my-request's own cost is included and the same for all).
 */
const { execFileSync, spawnSync } = require('node:child_process');
const { readFileSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const { createDatabase, seedSql } = require('./lib/db');
const { table } = require('./lib/report');
const { userName } = require('./lib/data');

const SCENARIOS = {
  spc: () => ({ method: 'GET', url: '/scim/v2/ServiceProviderConfig' }),
  // without a token: the RFC's view (with one, the caller's tenant may change what it shows)
  'spc-anon': () => ({ method: 'GET', url: '/scim/v2/ServiceProviderConfig', anonymous: true }),
  get: (ctx, i) => ({ method: 'GET', url: `/scim/v2/Users/${ctx.ids[(i * 7919) % ctx.ids.length]}` }),
  filter: (ctx, i) => ({
    method: 'GET',
    url: `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${userName((i * 7919) % ctx.ids.length)}"`)}`,
  }),
  page: () => ({ method: 'GET', url: '/scim/v2/Users?startIndex=1&count=100' }),
};

function parse(argv) {
  const o = { roots: [], rounds: 3, requests: 10000, concurrency: 16, users: 10000, scenarios: 'spc,get,filter', env: [] };
  for (let i = 0; i < argv.length; i += 2) {
    const [k, v] = [argv[i].replace(/^--/, ''), argv[i + 1]];
    if (v === undefined) {
      throw new Error(`--${k} needs a value`);
    }
    if (k === 'root') {
      const [dir, extra] = v.split('::');
      o.roots.push(path.resolve(dir) + (extra ? `::${extra}` : ''));
    } else if (k === 'env') {
      o.env.push(v);
    } else if (k === 'cpu-prof') {
      o.cpuProf = v;
    } else if (k in o) {
      o[k] = k === 'scenarios' ? v : Number(v);
    } else {
      throw new Error(`unknown flag --${k}`);
    }
  }
  if (!o.roots.length) {
    o.roots.push(path.resolve(__dirname, '..'));
  }
  if (!(o.requests >= 100 && o.requests <= 1e6) || !(o.rounds >= 1 && o.rounds <= 50)) {
    throw new Error('--requests 100..1000000, --rounds 1..50');
  }
  for (const s of o.scenarios.split(',')) {
    if (!SCENARIOS[s]) {
      throw new Error(`unknown scenario ${s}; known: ${Object.keys(SCENARIOS).join(', ')}`);
    }
  }
  return o;
}

/** Child: one build, one scenario; prints {usPerRequest, errors, rssMiB} as JSON. */
async function child() {
  const { root: spec, scenario, requests, concurrency, idsFile, token } = JSON.parse(process.env.BENCH_PIPELINE_CHILD);
  const [root, extra] = spec.split('::');
  for (const kv of extra ? extra.split(',') : []) {
    process.env[kv.slice(0, kv.indexOf('='))] = kv.slice(kv.indexOf('=') + 1);
  }
  const ids = JSON.parse(readFileSync(idsFile, 'utf8'));
  const { loadConfig } = require(path.join(root, 'dist/src/server/config/app.config.js'));
  const { createApp } = require(path.join(root, 'dist/src/server/bootstrap.js'));
  const app = await createApp(loadConfig(process.env), false);
  await app.init();
  const fastify = app.getHttpAdapter().getInstance();
  await fastify.ready();
  const ctx = { ids };
  const headers = { authorization: `Bearer ${token}`, accept: 'application/scim+json', 'user-agent': 'scim-nest-bench' };
  let errors = 0;
  let sample;
  const run = async (n) => {
    let next = 0;
    const worker = async () => {
      while (next < n) {
        const i = next++;
        const { anonymous, ...req } = SCENARIOS[scenario](ctx, i);
        const { authorization: _a, ...anonHeaders } = headers;
        const res = await fastify.inject({ ...req, headers: anonymous ? anonHeaders : headers });
        if (res.statusCode !== 200) {
          errors++;
          sample ??= `${res.statusCode} ${res.body.slice(0, 200)}`;
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  };
  await run(Math.min(2000, requests));
  global.gc?.();
  const t0 = process.cpuUsage();
  await run(requests);
  const d = process.cpuUsage(t0);
  await app.close();
  process.stdout.write(
    JSON.stringify({ usPerRequest: (d.user + d.system) / requests, errors, sample, rssMiB: process.memoryUsage().rss / 2 ** 20 }) + '\n',
  );
}

async function main() {
  const o = parse(process.argv.slice(2));
  const db = await createDatabase('sqlite', {});
  try {
    const env = { ...process.env, DATABASE_URL: db.url, SCIM_BOOTSTRAP: 'false', LOG_LEVEL: 'warn' };
    for (const kv of o.env) {
      env[kv.slice(0, kv.indexOf('='))] = kv.slice(kv.indexOf('=') + 1);
    }
    const cli = (...args) =>
      execFileSync(process.execPath, [path.join(o.roots[0].split('::')[0], 'dist/src/server/cli/main.js'), ...args], {
        env,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
    cli('migration', 'run');
    const tenantId = cli('tenant', 'create', 'bench');
    const token = cli('token', 'create', '--tenant', 'bench', '--name', 'bench', '--scopes', 'users:read,users:write,groups:read,groups:write');
    const { ids } = await seedSql(db, { tenantId, users: o.users, members: Math.min(100, o.users), log: () => undefined });
    // too large for an environment variable (128 KiB each on Linux)
    const idsFile = path.join(db.dir, 'ids.json');
    writeFileSync(idsFile, JSON.stringify(ids));
    const results = new Map();
    for (let round = 1; round <= o.rounds; round++) {
      for (const root of o.roots) {
        for (const scenario of o.scenarios.split(',')) {
          const prof = o.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(o.cpuProf, scenario, path.basename(root.split('::')[0]))}`] : [];
          const r = spawnSync(process.execPath, ['--expose-gc', ...prof, __filename], {
            env: {
              ...env,
              BENCH_PIPELINE_CHILD: JSON.stringify({ root, scenario, requests: o.requests, concurrency: o.concurrency, idsFile, token }),
            },
            encoding: 'utf8',
            timeout: 300000,
          });
          const line = (r.stdout || '').trim().split('\n').pop();
          let res;
          try {
            res = JSON.parse(line);
          } catch {
            throw new Error(`child failed (${root}, ${scenario}): ${r.error ?? ''} ${(r.stderr || '').slice(-2000)}`);
          }
          if (res.errors) {
            process.stderr.write(`${root} ${scenario}: ${res.errors} errors, e.g. ${res.sample}\n`);
          }
          const key = `${scenario}\u0000${root}`;
          results.set(key, [...(results.get(key) ?? []), res.usPerRequest]);
          process.stderr.write(`round ${round} ${scenario} ${root}: ${res.usPerRequest.toFixed(1)} µs/req\n`);
        }
      }
    }
    const rows = [];
    for (const [key, v] of results) {
      const [scenario, root] = key.split('\u0000');
      const s = [...v].sort((a, b) => a - b);
      rows.push([scenario, root, s[Math.floor(s.length / 2)].toFixed(1), s[0].toFixed(1), v.map((x) => x.toFixed(0)).join(' ')]);
    }
    rows.sort((a, b) => a[0].localeCompare(b[0]));
    process.stdout.write(
      `${o.requests} requests per run at concurrency ${o.concurrency}, ${o.users} users, ${o.rounds} rounds` +
        (o.env.length ? `, env ${o.env.join(' ')}` : '') +
        '\n' +
        table(['scenario', 'build', 'median µs CPU/req', 'min', 'runs'], rows, [0, 1]) +
        '\n',
    );
  } finally {
    await db.drop();
  }
}

if (process.env.BENCH_PIPELINE_CHILD) {
  child().catch((e) => {
    process.stderr.write(`${e && e.stack ? e.stack : e}\n`);
    process.exit(1);
  });
} else {
  const hard = setTimeout(() => {
    process.stderr.write('hard timeout (30 min)\n');
    process.exit(3);
  }, 30 * 60000);
  hard.unref();
  main().catch((e) => {
    process.stderr.write(`${e && e.stack ? e.stack : e}\n`);
    process.exitCode = 1;
  });
}
