#!/usr/bin/env node
'use strict';
/**
 * The HTTP floors alone, with either load generator, in a few seconds and without a database:
 *
 *   node bench/floors.js                       # both clients, concurrency 16, 5 s each
 *   node bench/floors.js --client node --duration 3
 *
 * Shows what a bare Fastify and a bare Nest-on-Fastify hello-world answer on this machine, and
 * how much of that the load generator itself allows (its CPU per request is printed).
 * Loopback only; each measurement is bounded by --duration and 500,000 requests.
 */
const { measureFloors } = require('./lib/floors');
const { table, fmt } = require('./lib/report');

function parse(argv) {
  const o = { concurrency: 16, duration: 5, warmup: 1, client: 'both' };
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, '');
    if (!(name in o) || argv[i + 1] === undefined) {
      throw new Error(`usage: node bench/floors.js [--concurrency C] [--duration S] [--warmup S] [--client fast|node|both]`);
    }
    o[name] = name === 'client' ? argv[i + 1] : Number(argv[i + 1]);
  }
  if (!['fast', 'node', 'both'].includes(o.client) || !(o.duration > 0 && o.duration <= 60) || !(o.concurrency >= 1 && o.concurrency <= 1024)) {
    throw new Error('--client fast|node|both, --duration 0-60 s, --concurrency 1-1024');
  }
  return o;
}

async function main() {
  const o = parse(process.argv.slice(2));
  const clients = o.client === 'both' ? ['fast', 'node'] : [o.client];
  const rows = [];
  for (const clientImpl of clients) {
    const floors = await measureFloors({
      concurrency: o.concurrency,
      durationS: o.duration,
      warmupS: o.warmup,
      maxRequests: 500000,
      clientImpl,
      log: (s) => process.stderr.write(`${clientImpl}: ${s.trim()}\n`),
    });
    for (const f of Object.values(floors)) {
      rows.push([
        f.label,
        clientImpl,
        fmt(f.rps, 0),
        fmt(f.p50, 2),
        fmt(f.p99, 2),
        fmt(f.serverCpuMsPerRequest, 3),
        fmt(f.clientCpuMsPerRequest, 3),
        f.errors,
      ]);
    }
  }
  process.stdout.write(
    `concurrency ${o.concurrency}, ${o.duration} s after ${o.warmup} s warm-up, load average ${require('node:os').loadavg().map((v) => v.toFixed(2)).join(' ')}\n` +
      table(['server', 'client', 'req/s', 'p50 ms', 'p99 ms', 'server CPU ms/req', 'client CPU ms/req', 'errors'], rows) +
      '\n',
  );
}

const hard = setTimeout(() => {
  process.stderr.write('hard timeout (5 min)\n');
  process.exit(3);
}, 300000);
hard.unref();
main().catch((e) => {
  process.stderr.write(`${e && e.stack ? e.stack : e}\n`);
  process.exitCode = 1;
});
