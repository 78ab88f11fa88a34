'use strict';
/**
 * The noisy-neighbour scenario: one tenant cannot starve the others (docs/security.md).
 *
 * The bench tenant (the N seeded users) is the noisy one: it sends, open loop at --noisy-rate
 * requests per second (what a per-token rate limit of that rate lets through, e.g.
 * SCIM_RATE_LIMIT=600/60 for 10/s), the worst filter the default budget allows:
 * `POST /Users/.search` ORing 16 `emails.value co` terms (each a scan of the tenant's emails;
 * cost 192 of 200). A second tenant, "quiet", reads its own users by id (`GET /Users/{id}`, a
 * closed loop at concurrency 2), first alone, then while the noise runs. The target: the quiet
 * tenant's p99 stays under 100 ms on both databases.
 *
 * Tags: `alone` (quiet GETs without noise), `with-noise` (quiet GETs while the noise runs),
 * `noisy` (the noisy searches answered while the noise ran: 200, or 503 when the tenant's
 * searches waited too long for their turn; the rest were still queued or running). At the end the noisy client closes its sockets, so what the
 * server still has queued for it is abandoned, which is the third thing measured: how long the
 * quiet GETs stay affected after the noise stops (`after`).
 */
const { performance } = require('node:perf_hooks');
const { runCli } = require('./server');
const { ScimClient, runLoad, summarize } = require('./load');
const { userBody } = require('./data');

const SEARCH_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
/** the most substring terms on emails the default budget (200) allows: 16 × (10 + 2) */
const NOISY_TERMS = 16;
const MAX_NOISY_IN_FLIGHT = 64;
const QUIET_USERS = 20;
const QUIET_CONCURRENCY = 2;

function noisyFilter(k) {
  return Array.from({ length: NOISY_TERMS }, (_, i) => `emails.value co "noisy.${k}.${i}@"`).join(' or ');
}

/** Open-loop requests at `rate`/s on their own sockets until stop(); answers tallied. */
function startNoise(ctx, rate) {
  const client = new ScimClient({ port: ctx.client.port, basePath: ctx.client.basePath, token: ctx.client.token, concurrency: MAX_NOISY_IN_FLIGHT });
  const stats = { sent: 0, skipped: 0, statuses: {}, answered: [] };
  let inFlight = 0;
  let k = 0;
  const fire = () => {
    if (inFlight >= MAX_NOISY_IN_FLIGHT) {
      stats.skipped++;
      return;
    }
    inFlight++;
    stats.sent++;
    const body = { schemas: [SEARCH_REQUEST], filter: noisyFilter(k++), count: 10 };
    client.request('POST', '/Users/.search', body).then((res) => {
      inFlight--;
      stats.statuses[res.status] = (stats.statuses[res.status] || 0) + 1;
      if (res.status !== 0) {
        stats.answered.push(res);
      }
    });
  };
  const timer = setInterval(fire, 1000 / rate);
  return {
    stats,
    inFlight: () => inFlight,
    stop() {
      clearInterval(timer);
      // abandon what is still in flight: the server must drop it
      client.close();
    },
  };
}

function tagOf(results) {
  const statuses = {};
  for (const r of results) {
    statuses[r.status] = (statuses[r.status] || 0) + 1;
  }
  const errors = results.filter((r) => r.status !== 200 && r.status !== 503).length;
  return { requests: results.length, errors, opErrors: 0, statuses, errorSamples: [], ...summarize(results.map((r) => r.ms)) };
}

const NOISY_NEIGHBOUR = {
  name: 'noisy-neighbour',
  kind: 'read',
  tags: { alone: 'alone', 'with-noise': 'with-noise', after: 'after', noisy: 'noisy' },
  label: (ctx) => `GET by id beside a noisy tenant (${ctx.opts['noisy-rate']}/s)`,
  describe: (ctx) =>
    `GET /Users/{id} of a second tenant (concurrency ${QUIET_CONCURRENCY}) alone, then while the bench tenant ` +
    `(${ctx.N} users) sends ${ctx.opts['noisy-rate']} POST /Users/.search per second, open loop, each ORing ` +
    `${NOISY_TERMS} emails.value co terms (the worst the default filter budget allows), then once the noisy ` +
    'client has closed its sockets; target: p99 of the quiet GETs < 100 ms',
  async prepare(ctx) {
    await runCli(['tenant', 'create', `quiet-${ctx.runId}`], ctx.env);
    const token = await runCli(
      ['token', 'create', '--tenant', `quiet-${ctx.runId}`, '--name', 'quiet', '--scopes', 'users:read,users:write'],
      ctx.env,
    );
    const quiet = new ScimClient({ port: ctx.client.port, basePath: ctx.client.basePath, token, concurrency: QUIET_CONCURRENCY });
    ctx.quiet = { client: quiet, ids: [] };
    for (let i = 0; i < QUIET_USERS; i++) {
      const u = await quiet.must('POST', '/Users', userBody(i, `quiet.${i}@quiet.example`, `quiet-${i}`));
      ctx.quiet.ids.push(u.id);
    }
    // the noisy filter is within the budget: answered (200), or queued too long (503), never 400
    const probe = await ctx.client.request('POST', '/Users/.search', { schemas: [SEARCH_REQUEST], filter: noisyFilter(-1), count: 10 });
    if (probe.status !== 200 && probe.status !== 503) {
      throw new Error(`the noisy filter is refused: ${probe.status} ${probe.text?.slice(0, 300)}`);
    }
    ctx.quiet.noisyProbeMs = probe.ms;
    ctx.log(`  one noisy search alone: ${probe.ms.toFixed(0)} ms (${probe.status})`);
    return undefined;
  },
  /** Replaces the closed loop of the other scenarios; returns runLoad's shape. */
  async run(ctx, monitor) {
    const d = ctx.opts.duration;
    const quietLoad = (durationS) =>
      runLoad({
        client: ctx.quiet.client,
        concurrency: QUIET_CONCURRENCY,
        durationS,
        maxRequests: ctx.opts['max-requests'],
        monitor,
        next: () => ({ method: 'GET', path: `/Users/${ctx.quiet.ids[Math.floor(Math.random() * QUIET_USERS)]}` }),
      });
    const alone = await quietLoad(d);
    const t0 = performance.now();
    const noise = startNoise(ctx, ctx.opts['noisy-rate']);
    // let the noisy tenant's queue build up first
    await new Promise((r) => setTimeout(r, 1000));
    const withNoise = await quietLoad(d);
    const inFlightAtStop = noise.inFlight();
    const noiseS = (performance.now() - t0) / 1000;
    noise.stop();
    const after = await quietLoad(Math.min(d, 3));
    const elapsedS = (performance.now() - t0) / 1000;
    ctx.log(
      `  noise: ${noise.stats.sent} sent (${noise.stats.skipped} skipped at ${MAX_NOISY_IN_FLIGHT} in flight), ` +
        `answers ${JSON.stringify(noise.stats.statuses)}, ${inFlightAtStop} in flight when the client left`,
    );
    const tags = {
      alone: alone.tags.all,
      'with-noise': withNoise.tags.all,
      after: after.tags.all,
      noisy: { ...tagOf(noise.stats.answered), rps: noise.stats.answered.length / noiseS },
    };
    return {
      elapsedS,
      requests: Object.values(tags).reduce((n, t) => n + t.requests, 0),
      exhausted: false,
      tags,
      server: withNoise.server,
      database: withNoise.database,
      client: withNoise.client,
      noise: { sent: noise.stats.sent, skipped: noise.stats.skipped, statuses: noise.stats.statuses, inFlightAtStop, probeMs: ctx.quiet.noisyProbeMs },
    };
  },
  async cleanup(ctx) {
    ctx.quiet?.client.close();
  },
};

module.exports = { NOISY_NEIGHBOUR, noisyFilter, NOISY_TERMS };
