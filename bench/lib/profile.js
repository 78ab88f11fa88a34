'use strict';
/** Self-time summary of a V8 .cpuprofile (node --cpu-prof): top functions and top packages. */
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

function summarizeProfile(file, root, top = 25) {
  const prof = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const { samples, timeDeltas } = prof;
  for (let i = 0; i < samples.length; i++) {
    // timeDeltas[i + 1] is the time spent in samples[i]
    const dt = i + 1 < timeDeltas.length ? timeDeltas[i + 1] : 0;
    self.set(samples[i], (self.get(samples[i]) || 0) + dt);
  }
  const fns = new Map();
  const pkgs = new Map();
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
    const key = `${fn}  ${where(cf.url, root)}${cf.url ? `:${cf.lineNumber + 1}` : ''}`;
    fns.set(key, (fns.get(key) || 0) + us);
    const pkg = packageOf(cf.url, fn, root);
    pkgs.set(pkg, (pkgs.get(pkg) || 0) + us);
  }
  const rank = (m, n) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => ({ name, ms: us / 1000, pct: total ? (100 * us) / total : 0 }));
  return {
    file,
    busyMs: total / 1000,
    idleMs: idle / 1000,
    functions: rank(fns, top),
    packages: rank(pkgs, 20),
  };
}

function formatProfile(s) {
  const lines = [`CPU profile ${s.file}: ${s.busyMs.toFixed(0)} ms busy, ${s.idleMs.toFixed(0)} ms idle`, '', 'Self time by package:'];
  for (const p of s.packages) {
    lines.push(`  ${p.pct.toFixed(1).padStart(5)}%  ${p.ms.toFixed(0).padStart(7)} ms  ${p.name}`);
  }
  lines.push('', 'Top self-time functions:');
  for (const f of s.functions) {
    lines.push(`  ${f.pct.toFixed(1).padStart(5)}%  ${f.ms.toFixed(0).padStart(7)} ms  ${f.name}`);
  }
  return lines.join('\n');
}

module.exports = { summarizeProfile, formatProfile };
