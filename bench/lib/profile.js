'use strict';
/**
 * Summary of a V8 .cpuprofile (node --cpu-prof): self time by package and function, inclusive
 * time of the functions on the request path, and each sample's stack put in one category of
 * per-request work (CATEGORIES, first match wins), so that the time per request can be read
 * as "how many µs go to passport, guards, the interceptor, the DB...".
 *
 *   node bench/lib/profile.js FILE.cpuprofile [requests]     (requests: µs per request)
 */
const { readFileSync } = require('node:fs');
const path = require('node:path');

function where(url, root) {
  if (!url) {
    return '';
  }
  let u = url.replace(/^file:\/\//, '');
  if (u.startsWith(root)) {
    u = path.relative(root, u);
  }
  return u;
}

function packageOf(url, fn, root) {
  if (!url) {
    return fn.startsWith('(') ? fn : '(native)';
  }
  const u = where(url, root);
  const nm = u.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = u.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (u.startsWith('node:')) {
    return 'node (core)';
  }
  if (u.startsWith('dist/src/')) {
    const parts = u.slice('dist/src/'.length).split('/');
    return `scim-nest: ${parts.slice(0, Math.min(parts.length - 1, 3)).join('/') || parts[0]}`;
  }
  return u;
}

/**
 * Categories of per-request work. A sample goes to the first category any frame of whose stack
 * matches `fn` (function name, a RegExp) and/or `url` (a RegExp on the script path). App-level
 * work comes first (an audit write that runs a TypeORM query is "audit", not "TypeORM").
 */
const CATEGORIES = [
  // leaf work, whoever asked for it
  { name: 'garbage collector', fn: /^\(garbage collector\)$/ },
  { name: 'socket write (writev/write syscalls)', fn: /^(writev|writeUtf8String|writeBuffer|writeLatin1String|writevGeneric|writeGeneric)$/ },
  { name: 'JSON serialisation (reply)', fn: /^(serialize|stringify|JSONStringify|asString|asJson)$/ },
  { name: 'SQLite/MySQL statement execution (native)', fn: /^(all|run|get|iterate|execute|prepare)$/, url: /^$|better-sqlite3|mysql2/ },
  { name: 'PostgreSQL driver (pg: protocol, parsing rows)', url: /node_modules\/(pg|pg-protocol|pg-pool|pg-types)\// },
  { name: 'interceptor: AsyncResource.bind + deprecate() (Nest InterceptorsConsumer)', fn: /^(bind|deprecate|deprecated|bound|runInAsyncScope)$/, url: /async_hooks|internal\/util/ },
  // per-request features, by the app frame on the stack
  { name: 'start-up (module loading, Nest bootstrap)', fn: /^(wrapSafe|compileFunction|bootstrap|createApp)$/ },
  { name: 'audit: writing entries (batched INSERT)', fn: /^(append|flush)$/, url: /audit/ },
  { name: 'audit: building the entry (after the response)', fn: /^(finished|entryOf|resourceOf|record)$/, url: /audit/ },
  { name: 'rate limit (upsert per request)', url: /rate-limit/ },
  { name: 'token: HMAC', fn: /^(hash|createHmac|Hmac|digest|update)$/, url: /token\.service|internal\/crypto\/hash/ },
  { name: 'token: look-up (TypeORM query or cache)', url: /typeorm-token\.repository|token-cache/ },
  { name: 'token: verify (rest)', url: /token\.service/ },
  { name: 'passport (AuthGuard, strategy, passport-http-bearer)', url: /passport/ },
  { name: 'request id (randomUUID, ISO date, WeakMap)', fn: /^(stampRequest|requestIdFrom|randomUUID|toISOString)$/ },
  { name: 'interceptor: rxjs', url: /rxjs/ },
  { name: 'SCIM request guard + reply helpers (RequestContext, headers)', url: /scim-response\.interceptor|scim-request\.guard|scim-reply|shared\/base-url/ },
  { name: 'pipes: class-validator / class-transformer', url: /class-validator|class-transformer|validation\.pipe/ },
  { name: 'user/group repositories (SQL building, hydration)', url: /typeorm-(user|group)\.repository|persistence\/repositories/ },
  { name: 'SCIM service + core (filter, projection, rendering)', url: /dist\/src\/scim\/(users|groups|core|schemas|service-provider-config|resource-types)|persistence\/mappers/ },
  { name: 'TypeORM (query runner, broadcaster, logger)', url: /typeorm/ },
  { name: 'Nest router/guards consumer (other)', url: /@nestjs/ },
  { name: 'observability hooks (request id, metrics)', url: /observability/ },
  { name: 'Fastify (routing, hooks, reply, content-type parsing)', url: /fastify|find-my-way|avvio/ },
  { name: 'Node HTTP parser + streams + event loop', url: /_http_|internal\/streams|node:net|node:events|internal\/http|task_queues|internal\/timers/ },
];

function summarizeProfile(file, root, top = 25, requests = 0) {
  const prof = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of prof.nodes) {
    for (const c of n.children || []) {
      parent.set(c, n.id);
    }
  }
  const self = new Map();
  const { samples, timeDeltas } = prof;
  for (let i = 0; i < samples.length; i++) {
    // timeDeltas[i + 1] is the time spent in samples[i]
    const dt = i + 1 < timeDeltas.length ? timeDeltas[i + 1] : 0;
    self.set(samples[i], (self.get(samples[i]) || 0) + dt);
  }
  const keyOf = (cf) => `${cf.functionName || '(anonymous)'}  ${where(cf.url, root)}${cf.url ? `:${cf.lineNumber + 1}` : ''}`;
  const fns = new Map();
  const pkgs = new Map();
  const inclusive = new Map();
  const cats = new Map();
  let total = 0;
  let idle = 0;
  for (const [id, us] of self) {
    const n = byId.get(id);
    const cf = n.callFrame;
    const fn = cf.functionName || '(anonymous)';
    if (fn === '(idle)') {
      idle += us;
      continue;
    }
    total += us;
    const key = keyOf(cf);
    fns.set(key, (fns.get(key) || 0) + us);
    const pkg = packageOf(cf.url, fn, root);
    pkgs.set(pkg, (pkgs.get(pkg) || 0) + us);
    // the stack, leaf first
    const stack = [];
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      stack.push(byId.get(cur).callFrame);
    }
    const seen = new Set();
    for (const f of stack) {
      const k = keyOf(f);
      if (!seen.has(k)) {
        seen.add(k);
        inclusive.set(k, (inclusive.get(k) || 0) + us);
      }
    }
    let cat = 'other';
    for (const c of CATEGORIES) {
      if (stack.some((f) => (!c.fn || c.fn.test(f.functionName)) && (!c.url || c.url.test(f.url)))) {
        cat = c.name;
        break;
      }
    }
    cats.set(cat, (cats.get(cat) || 0) + us);
  }
  const rank = (m, n) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => ({
        name,
        ms: us / 1000,
        pct: total ? (100 * us) / total : 0,
        ...(requests ? { usPerRequest: us / requests } : {}),
      }));
  const appFrames = [...inclusive.entries()].filter(([k]) => /dist\/src\/|@nestjs\/passport|passport-http-bearer/.test(k));
  return {
    file,
    busyMs: total / 1000,
    idleMs: idle / 1000,
    requests: requests || undefined,
    categories: rank(cats, 40),
    functions: rank(fns, top),
    inclusive: rank(new Map(appFrames), top),
    packages: rank(pkgs, 20),
  };
}

function formatProfile(s) {
  const per = (x) => (x.usPerRequest !== undefined ? `  ${x.usPerRequest.toFixed(1).padStart(7)} µs/req` : '');
  const lines = [
    `CPU profile ${s.file}: ${s.busyMs.toFixed(0)} ms busy, ${s.idleMs.toFixed(0)} ms idle` +
      (s.requests ? `, ${s.requests} requests (µs/req = sampled time ÷ requests; wall-clock samples, so time spent waiting for a CPU on a busy machine counts too)` : ''),
    '',
    'Where the time goes (each sample counted once, first matching category):',
  ];
  for (const c of s.categories) {
    lines.push(`  ${c.pct.toFixed(1).padStart(5)}%  ${c.ms.toFixed(0).padStart(7)} ms${per(c)}  ${c.name}`);
  }
  lines.push('', 'Self time by package:');
  for (const p of s.packages) {
    lines.push(`  ${p.pct.toFixed(1).padStart(5)}%  ${p.ms.toFixed(0).padStart(7)} ms${per(p)}  ${p.name}`);
  }
  lines.push('', 'Top self-time functions:');
  for (const f of s.functions) {
    lines.push(`  ${f.pct.toFixed(1).padStart(5)}%  ${f.ms.toFixed(0).padStart(7)} ms${per(f)}  ${f.name}`);
  }
  if (s.inclusive?.length) {
    lines.push('', 'Inclusive time of scim-nest and passport functions (synchronous parts; async continuations count under the same name):');
    for (const f of s.inclusive) {
      lines.push(`  ${f.pct.toFixed(1).padStart(5)}%  ${f.ms.toFixed(0).padStart(7)} ms${per(f)}  ${f.name}`);
    }
  }
  return lines.join('\n');
}

module.exports = { summarizeProfile, formatProfile, CATEGORIES };

if (require.main === module) {
  const [file, requests] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: node bench/lib/profile.js FILE.cpuprofile [requests]\n');
    process.exit(2);
  }
  process.stdout.write(formatProfile(summarizeProfile(file, path.resolve(__dirname, '..', '..'), 25, Number(requests) || 0)) + '\n');
}
