'use strict';
/**
 * A small closed-loop load generator: C workers, each with at most one request in flight on a
 * keep-alive socket (bench/lib/http-client.js), loop until the duration or the request budget is
 * used up. Latency is measured per request with performance.now(); every non-2xx answer is
 * counted as an error.
 */
const http = require('node:http');
const { performance } = require('node:perf_hooks');
const { procStats, cpuDelta } = require('./server');
const { FastHttpClient } = require('./http-client');

const REQUEST_TIMEOUT_MS = 120000;

class ScimClient {
  /**
   * `impl`: 'fast' (default) is bench/lib/http-client.js, raw keep-alive sockets; 'node' is
   * Node's http module with a keep-alive agent (what the bench used before; about 4× the client
   * CPU per request, which capped the whole bench at ~5,000-7,000 req/s on 2 vCPUs).
   */
  constructor({ port, basePath, token, concurrency, impl = 'fast' }) {
    this.port = port;
    this.basePath = basePath;
    this.token = token;
    this.impl = impl;
    const headers = { Accept: 'application/scim+json' };
    if (token) {
      headers.Authorization = `Bearer ${token}`;
    }
    if (impl === 'fast') {
      this.fast = new FastHttpClient({ port, basePath, headers, timeoutMs: REQUEST_TIMEOUT_MS });
    } else {
      this.agent = new http.Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });
    }
  }

  /**
   * One request; resolves {status, text, json?, ms} (never rejects on HTTP errors; a network
   * error resolves with status 0).
   */
  request(method, path, body, { parse = false } = {}) {
    if (this.fast) {
      return this.fast.request(method, path, body, { parse });
    }
    return this.nodeRequest(method, path, body, { parse });
  }

  nodeRequest(method, path, body, { parse = false } = {}) {
    const payload = body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    const headers = { Accept: 'application/scim+json' };
    if (this.token) {
      headers.Authorization = `Bearer ${this.token}`;
    }
    if (payload) {
      headers['Content-Type'] = 'application/scim+json';
      headers['Content-Length'] = payload.length;
    }
    const t0 = performance.now();
    return new Promise((resolve) => {
      const req = http.request(
        { host: '127.0.0.1', port: this.port, method, path: this.basePath + path, headers, agent: this.agent },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => {
            const ms = performance.now() - t0;
            const status = res.statusCode;
            const ok = status >= 200 && status < 300;
            let text;
            let json;
            if (parse || !ok) {
              text = Buffer.concat(chunks).toString('utf8');
              if (parse && text) {
                try {
                  json = JSON.parse(text);
                } catch {
                  /* leave undefined */
                }
              }
            }
            resolve({ status, ok, text, json, ms });
          });
          res.on('error', (e) => resolve({ status: 0, ok: false, text: String(e), ms: performance.now() - t0 }));
        },
      );
      req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`timeout after ${REQUEST_TIMEOUT_MS} ms`)));
      req.on('error', (e) => resolve({ status: 0, ok: false, text: String(e.message || e), ms: performance.now() - t0 }));
      if (payload) {
        req.write(payload);
      }
      req.end();
    });
  }

  /** Like request() but throws unless the status is 2xx; returns the parsed body. */
  async must(method, path, body) {
    const r = await this.request(method, path, body, { parse: true });
    if (!r.ok) {
      throw new Error(`${method} ${path} → ${r.status}: ${(r.text || '').slice(0, 500)}`);
    }
    return r.json;
  }

  close() {
    this.fast?.close();
    this.agent?.destroy();
  }
}

function percentile(sorted, p) {
  if (!sorted.length) {
    return null;
  }
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

function summarize(latencies) {
  const s = Float64Array.from(latencies).sort();
  let sum = 0;
  for (const v of s) {
    sum += v;
  }
  return {
    p50: percentile(s, 50),
    p90: percentile(s, 90),
    p99: percentile(s, 99),
    max: s.length ? s[s.length - 1] : null,
    mean: s.length ? sum / s.length : null,
  };
}

/**
 * Runs `next(worker, state)` → {method, path, body, tag?, check?} | null in C workers.
 * `check(res)` may return the number of errors inside a 2xx answer (Bulk). Returns stats per tag.
 * `monitor` = {serverPid, dbPid}: CPU and RSS are read before/after and RSS sampled every 100 ms.
 */
async function runLoad({ client, concurrency, durationS, maxRequests, next, monitor = {}, parse = false }) {
  const perTag = new Map();
  const tagStats = (tag) => {
    let t = perTag.get(tag);
    if (!t) {
      t = { latencies: [], requests: 0, errors: 0, opErrors: 0, statuses: {}, errorSamples: [] };
      perTag.set(tag, t);
    }
    return t;
  };
  let issued = 0;
  let exhausted = false;
  const start = performance.now();
  const end = start + durationS * 1000;
  const serverBefore = procStats(monitor.serverPid);
  const dbBefore = procStats(monitor.dbPid);
  const clientBefore = process.cpuUsage();
  let rssPeak = serverBefore ? serverBefore.rssMiB : null;
  const sampler = setInterval(() => {
    const s = procStats(monitor.serverPid);
    if (s && (rssPeak === null || s.rssMiB > rssPeak)) {
      rssPeak = s.rssMiB;
    }
  }, 100);

  const worker = async (w) => {
    const state = {};
    for (;;) {
      if (performance.now() >= end || issued >= maxRequests || exhausted) {
        return;
      }
      const req = next(w, state);
      if (!req) {
        exhausted = true;
        return;
      }
      issued++;
      const res = await client.request(req.method, req.path, req.body, { parse: parse || Boolean(req.check) });
      const t = tagStats(req.tag || 'all');
      t.requests++;
      t.latencies.push(res.ms);
      t.statuses[res.status] = (t.statuses[res.status] || 0) + 1;
      let bad = !res.ok;
      if (res.ok && req.check) {
        const n = req.check(res);
        if (n) {
          t.opErrors += n;
          bad = true;
          if (t.errorSamples.length < 3) {
            t.errorSamples.push(`${res.status} with ${n} failed operations: ${(res.text || '').slice(0, 300)}`);
          }
        }
      }
      if (bad) {
        t.errors++;
        if (!res.ok && t.errorSamples.length < 3) {
          t.errorSamples.push(`${req.method} ${req.path.slice(0, 120)} → ${res.status} ${(res.text || '').slice(0, 300)}`);
        }
      }
      if (req.after) {
        req.after(res);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  clearInterval(sampler);
  const elapsedS = (performance.now() - start) / 1000;
  const serverAfter = procStats(monitor.serverPid);
  const dbAfter = procStats(monitor.dbPid);
  const clientCpu = process.cpuUsage(clientBefore);
  if (serverAfter && (rssPeak === null || serverAfter.rssMiB > rssPeak)) {
    rssPeak = serverAfter.rssMiB;
  }
  const total = [...perTag.values()].reduce((n, t) => n + t.requests, 0);
  const tags = {};
  for (const [tag, t] of perTag) {
    tags[tag] = {
      requests: t.requests,
      errors: t.errors,
      opErrors: t.opErrors,
      statuses: t.statuses,
      errorSamples: t.errorSamples,
      rps: t.requests / elapsedS,
      ...summarize(t.latencies),
    };
  }
  return {
    elapsedS,
    requests: total,
    exhausted,
    tags,
    server:
      serverBefore && serverAfter
        ? {
            cpuMs: serverAfter.cpuMs - serverBefore.cpuMs,
            cpuMsPerRequest: total ? (serverAfter.cpuMs - serverBefore.cpuMs) / total : null,
            cpuUtilisation: (serverAfter.cpuMs - serverBefore.cpuMs) / (elapsedS * 1000),
            rssStartMiB: serverBefore.rssMiB,
            rssEndMiB: serverAfter.rssMiB,
            rssPeakMiB: rssPeak,
          }
        : null,
    database:
      dbBefore && dbAfter
        ? { cpuMs: cpuDelta(dbBefore, dbAfter), cpuMsPerRequest: total ? cpuDelta(dbBefore, dbAfter) / total : null }
        : null,
    client: { cpuMs: (clientCpu.user + clientCpu.system) / 1000 },
  };
}

module.exports = { ScimClient, runLoad, summarize, percentile };
