#!/usr/bin/env node
'use strict';
/**
 * Compares two bench results (JSON from `--out`), typically the same database at 10k and at
 * 1M users: per scenario the rate and p99 ratio, and the scale target (userName eq p99
 * within 1.5× from the small to the large run).
 *
 *   node bench/compare.js bench-results/sqlite-10k.json bench-results/sqlite-1m.json
 */
const { readFileSync } = require('node:fs');
const { table, fmt, rowsOf } = require('./lib/report');

const [a, b] = process.argv.slice(2);
if (!a || !b) {
  process.stderr.write('Usage: node bench/compare.js <small.json> <large.json>\n');
  process.exit(64);
}
const small = JSON.parse(readFileSync(a, 'utf8'));
const large = JSON.parse(readFileSync(b, 'utf8'));
const key = (r) => `${r.scenario}/${r.tag}`;
const big = new Map(rowsOf(large).filter((r) => !r.skipped).map((r) => [key(r), r]));
const rows = [];
for (const r of rowsOf(small).filter((x) => !x.skipped)) {
  const o = big.get(key(r));
  if (!o) {
    continue;
  }
  rows.push([
    r.tag === 'all' ? r.scenario : `${r.scenario} ${r.tag}`,
    fmt(r.rps),
    fmt(o.rps),
    fmt(r.p99, 2),
    fmt(o.p99, 2),
    fmt(o.p99 / r.p99, 2) + '×',
  ]);
}
const m = (x) => `${x.meta.db} ${x.meta.users} users / ${x.meta.members} members`;
process.stdout.write(`${m(small)}  →  ${m(large)}\n\n`);
process.stdout.write(
  table(['scenario', 'req/s small', 'req/s large', 'p99 ms small', 'p99 ms large', 'p99 large/small'], rows) + '\n\n',
);
const u1 = rowsOf(small).find((r) => r.scenario === 'filter-username' && !r.skipped);
const u2 = rowsOf(large).find((r) => r.scenario === 'filter-username' && !r.skipped);
if (u1 && u2) {
  const ratio = u2.p99 / u1.p99;
  process.stdout.write(
    `target "userName eq p99 flat (≤ 1.5×)": ${ratio.toFixed(2)}× (${u1.p99.toFixed(2)} → ${u2.p99.toFixed(2)} ms): ${ratio <= 1.5 ? 'PASS' : 'MISS'}\n`,
  );
}
