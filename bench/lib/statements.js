'use strict';
/**
 * SQL statements per request, from the server's own driver counters: the bench starts the
 * server with SCIM_COUNT_STATEMENTS=1 (src/server/observability/statement-counter.ts wraps the
 * mysql2, better-sqlite3 and pg query paths) and reads them from GET /metrics before and after each
 * scenario's measured phase.
 *
 * Two counters per statement kind: `inRequests` counts what ran while an HTTP request was
 * being served (exact: the scenario's own requests only), `total` everything the process sent,
 * so `total - inRequests` is the background work the scenario caused (the batched audit
 * INSERTs, the outbox dispatcher's rounds) plus the idle outbox polls (4 per second).
 */
const http = require('node:http');

const KINDS = ['select', 'insert', 'update', 'delete', 'begin', 'commit', 'rollback', 'other'];
/** after a phase: long enough for the audit flush (100 ms) and a dispatch round (20 ms) */
const SETTLE_MS = 300;

/** GET /metrics on the server's port; resolves { total, inRequests } by kind, or null. */
function readCounters(port, metricsToken) {
  return new Promise((resolve) => {
    const headers = metricsToken ? { Authorization: `Bearer ${metricsToken}` } : {};
    const req = http.get({ host: '127.0.0.1', port, path: '/metrics', headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve(res.statusCode === 200 ? parse(Buffer.concat(chunks).toString('utf8')) : null));
    });
    req.on('error', () => resolve(null));
    req.setTimeout(10000, () => req.destroy());
  });
}

function parse(text) {
  const out = { total: {}, inRequests: {} };
  let seen = false;
  for (const m of text.matchAll(/^scim_db_(request_)?statements_total\{kind="(\w+)"\} (\d+)$/gm)) {
    out[m[1] ? 'inRequests' : 'total'][m[2]] = Number(m[3]);
    seen = true;
  }
  return seen ? out : null;
}

const sum = (o) => KINDS.reduce((n, k) => n + (o[k] || 0), 0);

/**
 * Per request between two readings: `inRequest` (the request path), `background`, `total`, and
 * the request path by kind (only kinds that occurred).
 */
function perRequest(before, after, requests) {
  if (!before || !after || !requests) {
    return null;
  }
  const byKind = {};
  for (const k of KINDS) {
    const d = (after.inRequests[k] || 0) - (before.inRequests[k] || 0);
    if (d) {
      byKind[k] = d / requests;
    }
  }
  const inReq = sum(after.inRequests) - sum(before.inRequests);
  const total = sum(after.total) - sum(before.total);
  return {
    inRequest: inReq / requests,
    background: (total - inReq) / requests,
    total: total / requests,
    byKind,
    counted: { inRequest: inReq, total, requests },
  };
}

const settle = () => new Promise((r) => setTimeout(r, SETTLE_MS));

module.exports = { readCounters, perRequest, settle, KINDS };
