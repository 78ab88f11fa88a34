'use strict';
/** The result table, the performance targets (docs/performance.md) and their verdicts. */

const fmt = (v, digits = 1) => (v === null || v === undefined || Number.isNaN(v) ? '-' : Number(v).toFixed(digits));
const pct = (v) => (v === null || v === undefined ? '-' : `${(v * 100).toFixed(1)}%`);

function table(headers, rows, alignLeft = [0]) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) =>
    cells.map((c, i) => (alignLeft.includes(i) ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Flattens scenario results into rows (one per scenario and request tag). */
function rowsOf(result) {
  const rows = [];
  for (const s of result.scenarios) {
    if (s.skipped) {
      rows.push({ scenario: s.name, label: s.label, skipped: s.skipped });
      continue;
    }
    for (const [tag, t] of Object.entries(s.tags)) {
      rows.push({
        scenario: s.name,
        label: tag === 'all' ? s.label : `${s.label} ${tag}`,
        tag,
        kind: s.kind,
        ...t,
        ratio: t.ratio,
        cpuMsPerRequest: s.server?.cpuMsPerRequest,
        dbCpuMsPerRequest: s.database?.cpuMsPerRequest,
        statements: s.statements,
        rssPeakMiB: s.server?.rssPeakMiB,
        unitsPerS: t.unitsPerS,
        floorRatio: t.floorRatio,
        clientCpuMsPerRequest: s.client && s.requests ? s.client.cpuMs / s.requests : undefined,
      });
    }
  }
  return rows;
}

function formatResult(result) {
  const out = [];
  const m = result.meta;
  out.push(
    `scim-nest bench: ${m.db} (${m.seed} seeding), ${m.users} users, big group ${m.members} members, ` +
      `concurrency ${m.concurrency}, ${m.duration} s / ≤${m.maxRequests} requests per scenario`,
  );
  out.push(
    `${m.machine.cpuModel} × ${m.machine.cpus}, node ${m.machine.node}, ${m.databaseVersion ?? ''}, ` +
      `commit ${m.git.commit ?? '?'}${m.git.srcDirty ? ' (src modified)' : ''}` +
      (m.machine.loadavg ? `, load avg ${m.machine.loadavg.join(' ')} before / ${m.loadavgAtEnd?.join(' ')} after` : ''),
  );
  if (result.raw) {
    const r = result.raw;
    out.push(
      `raw ceiling (${r.mode}): insert ${fmt(r.insert.rps, 0)}/s (p50 ${fmt(r.insert.p50, 3)} ms, p99 ${fmt(r.insert.p99, 3)} ms), ` +
        `PK select ${fmt(r.select.rps, 0)}/s (p50 ${fmt(r.select.p50, 3)} ms, p99 ${fmt(r.select.p99, 3)} ms)`,
    );
  }
  if (result.floors) {
    out.push(
      `HTTP floors (${m.client ?? 'fast'} client): ` +
        Object.values(result.floors)
          .map(
            (f) =>
              `${f.label} ${fmt(f.rps, 0)}/s (p50 ${fmt(f.p50, 2)} ms, p99 ${fmt(f.p99, 2)} ms; ` +
              `CPU ms/req server ${fmt(f.serverCpuMsPerRequest, 3)}, client ${fmt(f.clientCpuMsPerRequest, 3)})`,
          )
          .join('; '),
    );
  }
  out.push('');
  const headers = [
    'scenario',
    'req',
    'err',
    'req/s',
    'p50 ms',
    'p99 ms',
    'vs raw',
    'vs Nest floor',
    'srv CPU ms/req',
    'db CPU ms/req',
    'stmts/req',
    'bg stmts/req',
    'cli CPU ms/req',
    'peak RSS MiB',
  ];
  const rows = rowsOf(result)
    .filter((r) => !r.skipped)
    .map((r) => [
          r.label,
          r.requests,
          r.errors,
          r.unitsPerS !== undefined ? `${fmt(r.rps)} (${fmt(r.unitsPerS, 0)} users/s)` : fmt(r.rps),
          fmt(r.p50, 2),
          fmt(r.p99, 2),
          `${pct(r.ratio)} ${r.kind === 'write' ? 'ins' : 'sel'}`,
          pct(r.floorRatio),
          fmt(r.cpuMsPerRequest, 2),
          fmt(r.dbCpuMsPerRequest, 3),
          fmt(r.statements?.inRequest, 2),
          fmt(r.statements?.background, 2),
          fmt(r.clientCpuMsPerRequest, 3),
          fmt(r.rssPeakMiB, 0),
        ]);
  out.push(table(headers, rows));
  for (const r of rowsOf(result).filter((x) => x.skipped)) {
    out.push(`${r.label}: ${r.skipped}`);
  }
  out.push('');
  out.push(
    table(
      ['target', 'measured', 'required', 'verdict'],
      result.targets.map((t) => [t.name, t.measured, t.required, t.verdict]),
    ),
  );
  const errs = rowsOf(result).filter((r) => !r.skipped && r.errors);
  if (errs.length) {
    out.push('', 'ERRORS (non-2xx answers, or failed Bulk operations):');
    for (const r of errs) {
      out.push(`  ${r.label}: ${r.errors} errors; statuses ${JSON.stringify(r.statuses)}`);
      for (const s of r.errorSamples) {
        out.push(`    ${s}`);
      }
    }
  }
  return out.join('\n');
}

/** Verdicts on the performance targets that one run can decide. */
function evaluateTargets(result) {
  const raw = result.raw;
  const byName = new Map(result.scenarios.filter((s) => !s.skipped).map((s) => [s.name, s]));
  const targets = [];
  const add = (name, measured, required, ok) =>
    targets.push({ name, measured, required, verdict: ok === null ? 'n/a' : ok ? 'PASS' : 'MISS' });
  const rate = (s, tag = 'all') => byName.get(s)?.tags?.[tag]?.rps;
  const p99 = (s, tag = 'all') => byName.get(s)?.tags?.[tag]?.p99;
  const ratio = (name, scenario, ceiling, min, label) => {
    const r = rate(scenario);
    if (r === undefined || !raw) {
      add(name, 'n/a', `≥ ${min * 100}% of raw ${label}`, null);
      return;
    }
    const v = r / ceiling;
    add(name, `${(v * 100).toFixed(1)}% (${r.toFixed(0)}/${ceiling.toFixed(0)} per s)`, `≥ ${min * 100}% of raw ${label}`, v >= min);
  };
  ratio('create rate', 'create', raw?.insert.rps, 0.25, 'insert');
  ratio('GET by id rate', 'get', raw?.select.rps, 0.35, 'PK select');
  ratio('userName eq rate', 'filter-username', raw?.select.rps, 0.35, 'PK select');
  // an access token is checked from memory, a static token by a database look-up
  const staticGet = rate('get');
  const oauthGet = rate('get-oauth');
  if (staticGet !== undefined && oauthGet !== undefined) {
    const v = oauthGet / staticGet;
    add('GET by id, OAuth vs static token', `${(v * 100).toFixed(1)}% (${oauthGet.toFixed(0)}/${staticGet.toFixed(0)} per s)`, '≥ 100% (5% noise)', v >= 0.95);
  }
  ratio('deep cursor page rate', 'page-deep-cursor', raw?.select.rps, 0.15, 'PK select');
  for (const lean of ['', '-lean']) {
    const suffix = lean ? ' (excludedAttributes=members)' : ' (as IdPs send it)';
    for (const op of ['add', 'remove']) {
      const big = p99(`group-big${lean}`, op);
      const small = p99(`group-small${lean}`, op);
      if (big === undefined || small === undefined) {
        add(`group ${op} p99 big/small${suffix}`, 'n/a', '≤ 2.0×', null);
      } else {
        add(
          `group ${op} p99 big/small${suffix}`,
          `${(big / small).toFixed(2)}× (${big.toFixed(1)} / ${small.toFixed(1)} ms)`,
          '≤ 2.0×',
          big / small <= 2,
        );
      }
    }
    const s = byName.get(`group-big${lean}`);
    if (s && raw) {
      const changes = ((s.tags.add?.requests || 0) + (s.tags.remove?.requests || 0)) / s.elapsedS;
      const v = changes / raw.insert.rps;
      add(
        `group add+remove rate, big group${suffix}`,
        `${(v * 100).toFixed(1)}% (${changes.toFixed(0)}/${raw.insert.rps.toFixed(0)} per s)`,
        '≥ 20% of raw insert',
        v >= 0.2,
      );
    } else {
      add(`group add+remove rate, big group${suffix}`, 'n/a', '≥ 20% of raw insert', null);
    }
  }
  const peaks = result.scenarios.filter((s) => s.server).map((s) => ({ name: s.name, peak: s.server.rssPeakMiB }));
  if (peaks.length) {
    const worst = peaks.reduce((a, b) => (b.peak > a.peak ? b : a));
    const steady = result.serverRssAfterSeedMiB;
    add(
      `server RSS at ${result.meta.users} users`,
      `peak ${worst.peak.toFixed(0)} MiB (${worst.name}); ${steady ? `${steady.toFixed(0)} MiB after seeding` : ''}`,
      '< 300 MiB (issue: at 1M users)',
      worst.peak < 300,
    );
  }
  add('userName eq p99 flat 10k → 1M', 'see bench/compare.js', '≤ 1.5×', null);
  const noisy = byName.get('noisy-neighbour');
  const quiet = noisy?.tags?.['with-noise'];
  add(
    'GET by id p99 beside a noisy tenant',
    quiet ? `${quiet.p99.toFixed(1)} ms (alone ${noisy.tags.alone.p99.toFixed(1)} ms)` : 'n/a',
    '< 100 ms',
    quiet ? quiet.p99 < 100 : null,
  );
  // not performance targets: how far each request is from what a bare Nest endpoint answers
  const nest = result.floors?.nest?.rps;
  if (nest) {
    for (const [s, label] of [
      ['http-floor', 'GET /ServiceProviderConfig'],
      ['get', 'GET by id'],
      ['filter-username', 'userName eq'],
    ]) {
      const r = rate(s);
      if (r !== undefined) {
        add(`${label} vs bare Nest-on-Fastify (info)`, `${((100 * r) / nest).toFixed(1)}% (${r.toFixed(0)}/${nest.toFixed(0)} per s)`, '-', null);
      }
    }
  }
  return targets;
}

module.exports = { formatResult, evaluateTargets, table, fmt, rowsOf };
