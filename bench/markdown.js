#!/usr/bin/env node
'use strict';
/**
 * Prints bench results (JSON from `--out`) as Markdown tables, for docs/performance.md:
 *   node bench/markdown.js bench-results/sqlite-10k.json [more.json ...]
 */
const { readFileSync } = require('node:fs');
const { fmt, rowsOf } = require('./lib/report');

const md = (headers, rows) =>
  [`| ${headers.join(' | ')} |`, `|${headers.map((_, i) => (i ? ' ---: ' : ' --- ')).join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

for (const file of process.argv.slice(2)) {
  const r = JSON.parse(readFileSync(file, 'utf8'));
  const m = r.meta;
  const out = [];
  out.push(
    `**${m.db === 'mysql' ? m.databaseVersion : m.databaseVersion || 'SQLite'}, ${m.users.toLocaleString('en')} users (${m.seed} seeding), ` +
      `group of ${m.members.toLocaleString('en')}, concurrency ${m.concurrency}, ${m.duration} s per scenario` +
      `${m.warmup ? ` after ${m.warmup} s warm-up` : ', no warm-up'}** — commit \`${(m.git.commit || '?').slice(0, 7)}\`` +
      `${m.git.srcDirty ? ' (+ uncommitted src changes)' : ''}, load average ${m.machine.loadavg?.join(' / ') ?? '?'} before, ` +
      `${m.loadavgAtEnd?.join(' / ') ?? '?'} after.`,
    '',
  );
  if (r.raw) {
    out.push(
      `Raw ceiling (${r.raw.mode}): single-row insert **${fmt(r.raw.insert.rps, 0)}/s** (p99 ${fmt(r.raw.insert.p99, 2)} ms), ` +
        `PK select **${fmt(r.raw.select.rps, 0)}/s** (p99 ${fmt(r.raw.select.p99, 2)} ms).`,
      '',
    );
  }
  if (r.floors) {
    out.push(
      `HTTP floors, same load generator (${m.client ?? 'fast'} client) and concurrency: ` +
        Object.values(r.floors)
          .map((f) => `${f.label} **${fmt(f.rps, 0)}/s** (p99 ${fmt(f.p99, 2)} ms, server ${fmt(f.serverCpuMsPerRequest, 3)} CPU ms/req)`)
          .join(', ') +
        '.',
      '',
    );
  }
  const rows = rowsOf(r)
    .filter((x) => !x.skipped)
    .map((x) => [
      x.label,
      x.requests,
      x.errors,
      x.unitsPerS !== undefined ? `${fmt(x.rps)} (${fmt(x.unitsPerS, 0)} users/s)` : fmt(x.rps),
      fmt(x.p50, 1),
      fmt(x.p99, 1),
      x.ratio === null || x.ratio === undefined ? '-' : `${(x.ratio * 100).toFixed(1)}% ${x.kind === 'write' ? 'ins' : 'sel'}`,
      x.floorRatio === null || x.floorRatio === undefined ? '-' : `${(x.floorRatio * 100).toFixed(1)}%`,
      fmt(x.cpuMsPerRequest, 2),
      x.dbCpuMsPerRequest === undefined ? '-' : fmt(x.dbCpuMsPerRequest, 3),
      x.statements ? fmt(x.statements.inRequest, 2) : '-',
      x.statements ? fmt(x.statements.background, 2) : '-',
      fmt(x.rssPeakMiB, 0),
    ]);
  out.push(
    md(
      ['scenario', 'requests', 'errors', 'req/s', 'p50 ms', 'p99 ms', 'vs raw', 'vs Nest floor', 'server CPU ms/req', 'DB CPU ms/req', 'stmts/req', 'bg stmts/req', 'peak RSS MiB'],
      rows,
    ),
  );
  for (const s of rowsOf(r).filter((x) => x.skipped)) {
    out.push('', `${s.label}: ${s.skipped}`);
  }
  out.push('', md(['target', 'measured', 'required', 'verdict'], r.targets.map((t) => [t.name, t.measured, t.required, `**${t.verdict}**`])), '');
  process.stdout.write(out.join('\n') + '\n');
}
