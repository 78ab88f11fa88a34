'use strict';
/**
 * HTTP floors measured in the same run as the scenarios, with the same load generator and
 * concurrency: a bare Fastify hello-world and a bare Nest-on-Fastify hello-world controller
 * (bench/lib/floor-server.js), each in its own child process. They say what any request through
 * this stack can reach on this machine, so the SCIM figures can be read against them, and they
 * show whether the load generator itself is the limit (its CPU per request is reported).
 */
const path = require('node:path');
const { ServerProcess, freePort } = require('./server');
const { ScimClient, runLoad } = require('./load');

const FLOOR_SERVER = path.join(__dirname, 'floor-server.js');

const FLOORS = [
  { name: 'fastify', label: 'bare Fastify hello-world' },
  { name: 'nest', label: 'bare Nest-on-Fastify hello-world' },
];

/**
 * Measures each floor: warm-up, then `durationS` / `maxRequests` at `concurrency`. Returns
 * {fastify, nest}: {label, requests, errors, rps, p50, p99, serverCpuMsPerRequest,
 * clientCpuMsPerRequest}.
 */
async function measureFloors({ concurrency, durationS, warmupS, maxRequests, clientImpl, log }) {
  const out = {};
  for (const f of FLOORS) {
    const port = await freePort();
    const server = new ServerProcess({}, { script: FLOOR_SERVER, args: [f.name, String(port)] });
    try {
      await server.waitReady(`http://127.0.0.1:${port}/scim/v2`, 30000, '/hello');
      const client = new ScimClient({ port, basePath: '/scim/v2', token: null, concurrency, impl: clientImpl });
      const next = () => ({ method: 'GET', path: '/hello' });
      try {
        if (warmupS > 0) {
          await runLoad({ client, concurrency, durationS: warmupS, maxRequests, next });
        }
        const r = await runLoad({ client, concurrency, durationS, maxRequests, next, monitor: { serverPid: server.pid } });
        const t = r.tags.all;
        out[f.name] = {
          label: f.label,
          requests: t.requests,
          errors: t.errors,
          rps: t.rps,
          p50: t.p50,
          p99: t.p99,
          serverCpuMsPerRequest: r.server?.cpuMsPerRequest ?? null,
          clientCpuMsPerRequest: r.requests ? r.client.cpuMs / r.requests : null,
        };
        log(
          `  ${f.label}: ${t.rps.toFixed(0)} req/s, p50 ${t.p50?.toFixed(2)} ms, p99 ${t.p99?.toFixed(2)} ms, ` +
            `server ${out[f.name].serverCpuMsPerRequest?.toFixed(3)} / client ${out[f.name].clientCpuMsPerRequest?.toFixed(3)} CPU ms/req` +
            (t.errors ? `, ${t.errors} errors` : ''),
        );
      } finally {
        client.close();
      }
    } finally {
      await server.stop();
    }
  }
  return out;
}

module.exports = { measureFloors, FLOORS };
