'use strict';
/**
 * The measured scenarios. Each has `prepare(ctx)` (may return a string: the reason it is not
 * applicable), `next(worker, state)` building one request, and optional `cleanup(ctx)`.
 * `kind` says which raw ceiling its rate is compared with ('write' → single-row insert,
 * 'read' → primary-key select).
 */
const { PATCH_OP, BULK_REQUEST, GROUP_SCHEMA, userBody, putBody, userName, externalId } = require('./data');
const { NOISY_NEIGHBOUR } = require('./noisy-neighbour');

const q = (s) => encodeURIComponent(s);
const rand = (n) => Math.floor(Math.random() * n);

/** k-th of a fixed scattering of 0..n-1 (a bijection while k < n): distinct rows, no locality. */
function scatter(k, n) {
  const P = 2654435761n; // prime > any n used here, so k*P mod n is a permutation
  return Number((BigInt(k % n) * P) % BigInt(n));
}

function memberPatch(op, id) {
  return op === 'add'
    ? { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: [{ value: id }] }] }
    : { schemas: [PATCH_OP], Operations: [{ op: 'remove', path: `members[value eq "${id}"]` }] };
}

/** Group membership toggling: worker w adds its own pool user, then removes it, and so on. */
function groupScenario(name, which, lean) {
  return {
    name,
    kind: 'write',
    group: true,
    tags: { add: 'add', remove: 'remove' },
    label: (ctx) => {
      const size = which === 'big' ? ctx.bigGroup.members : ctx.smallGroup.members;
      return `group ${size}-member${lean ? ' ?excludedAttributes=members' : ''}`;
    },
    describe: (ctx) =>
      `PATCH /Groups/{${which} group}${lean ? '?excludedAttributes=members' : ''} adding one fresh user, then removing it (worker w toggles its own user; group size ±${ctx.opts.concurrency})`,
    prepare(ctx) {
      if (ctx.pool.length < ctx.opts.concurrency) {
        return 'n/a (no pool users)';
      }
      return undefined;
    },
    next(ctx, w, state) {
      const group = which === 'big' ? ctx.bigGroup.id : ctx.smallGroup.id;
      const user = ctx.pool[w];
      const op = state.added ? 'remove' : 'add';
      state.added = !state.added;
      return {
        method: 'PATCH',
        path: `/Groups/${group}${lean ? '?excludedAttributes=members' : ''}`,
        body: memberPatch(op, user),
        tag: op,
      };
    },
    /**
     * Before warm-up and before measuring: odd workers' users are members, even workers' are
     * not, so that the first round already measures both adds and removes (a PATCH answered
     * with 100,000 members takes seconds: a short run may see one request per worker).
     */
    async reset(ctx, states) {
      const group = which === 'big' ? ctx.bigGroup.id : ctx.smallGroup.id;
      for (let w = 0; w < states.length; w++) {
        const member = w % 2 === 1;
        await ctx.client.must('PATCH', `/Groups/${group}?excludedAttributes=members`, memberPatch(member ? 'add' : 'remove', ctx.pool[w]));
        states[w].added = member;
      }
    },
    async cleanup(ctx) {
      // leave the group as it was: every pool user out
      const group = which === 'big' ? ctx.bigGroup.id : ctx.smallGroup.id;
      for (const user of ctx.pool) {
        await ctx.client.must('PATCH', `/Groups/${group}?excludedAttributes=members`, memberPatch('remove', user));
      }
    },
  };
}

/** marks seeded user i deleted; false when a delete scenario already took it */
function takeForDelete(ctx, i) {
  ctx.deleted = ctx.deleted ?? new Set();
  if (ctx.deleted.has(i)) {
    return false;
  }
  ctx.deleted.add(i);
  return true;
}

function listTotal(res) {
  return res.json && typeof res.json.totalResults === 'number' ? res.json.totalResults : -1;
}

/** Checks that a filter finds exactly what it should before measuring it. */
async function expectOne(ctx, path) {
  const body = await ctx.client.must('GET', path);
  if (body.totalResults !== 1) {
    throw new Error(`GET ${path} found ${body.totalResults} resources, expected 1`);
  }
}

const SCENARIOS = [
  {
    name: 'http-floor',
    kind: 'read',
    label: () => 'GET ServiceProviderConfig',
    describe: () =>
      'GET /ServiceProviderConfig: no auth, no database; the HTTP + Nest floor every other request pays',
    next() {
      return { method: 'GET', path: '/ServiceProviderConfig' };
    },
  },
  {
    name: 'create',
    kind: 'write',
    label: () => 'create user',
    describe: () => 'POST /Users, an Okta-shaped user (no password) with a fresh userName',
    next(ctx) {
      const k = ctx.counter('create');
      const name = `bench.new.${ctx.runId}.${k}@bench.example`;
      return { method: 'POST', path: '/Users', body: userBody(k, name, `new-${ctx.runId}-${k}`) };
    },
  },
  {
    name: 'get',
    kind: 'read',
    label: () => 'GET user by id',
    describe: () => 'GET /Users/{random seeded id}',
    next(ctx) {
      return { method: 'GET', path: `/Users/${ctx.ids[rand(ctx.N)]}` };
    },
  },
  {
    name: 'get-oauth',
    kind: 'read',
    label: () => 'GET user by id (OAuth)',
    describe: () =>
      'GET /Users/{random seeded id} with an OAuth access token (RFC 9068 JWT, client credentials grant) instead of a static token',
    // the requests go out with the access token (ctx.oauthClient) instead of the static token
    client: (ctx) => ctx.oauthClient,
    next(ctx) {
      return { method: 'GET', path: `/Users/${ctx.ids[rand(ctx.N)]}` };
    },
  },
  {
    name: 'filter-username',
    kind: 'read',
    label: () => 'userName eq',
    describe: () => 'GET /Users?filter=userName eq "<random seeded userName>"',
    prepare: (ctx) => expectOne(ctx, `/Users?filter=${q(`userName eq "${userName(ctx.N - 1)}"`)}`),
    next(ctx) {
      return { method: 'GET', path: `/Users?filter=${q(`userName eq "${userName(rand(ctx.N))}"`)}` };
    },
  },
  {
    name: 'filter-externalid',
    kind: 'read',
    label: () => 'externalId eq',
    describe: () => 'GET /Users?filter=externalId eq "<random seeded externalId>"',
    prepare: (ctx) => expectOne(ctx, `/Users?filter=${q(`externalId eq "${externalId(ctx.N - 1)}"`)}`),
    next(ctx) {
      return { method: 'GET', path: `/Users?filter=${q(`externalId eq "${externalId(rand(ctx.N))}"`)}` };
    },
  },
  {
    name: 'filter-email-co',
    kind: 'read',
    label: () => 'emails.value co',
    describe: () => 'GET /Users?filter=emails.value co "user.<i>@"&count=100 (matches one user; a substring, so no index)',
    prepare: (ctx) => expectOne(ctx, `/Users?filter=${q(`emails.value co "user.${ctx.N - 1}@"`)}&count=100`),
    next(ctx) {
      return { method: 'GET', path: `/Users?filter=${q(`emails.value co "user.${rand(ctx.N)}@"`)}&count=100` };
    },
  },
  {
    name: 'page-first',
    kind: 'read',
    label: () => 'first page (100)',
    describe: () => 'GET /Users?startIndex=1&count=100',
    next() {
      return { method: 'GET', path: '/Users?startIndex=1&count=100' };
    },
  },
  {
    name: 'page-deep-index',
    kind: 'read',
    label: (ctx) => `deep page index (${ctx.N - 100})`,
    describe: () => 'GET /Users?startIndex=<N-100>&count=100',
    next(ctx) {
      return { method: 'GET', path: `/Users?startIndex=${Math.max(1, ctx.N - 100)}&count=100` };
    },
  },
  {
    name: 'page-deep-cursor',
    kind: 'read',
    label: (ctx) => `deep page cursor (${ctx.cursorDepth ?? '?'})`,
    describe: () =>
      'GET /Users?cursor=<stored deep cursor>&count=100 (cursors collected by walking nextCursor with the largest page size, RFC 9865)',
    async prepare(ctx) {
      const p = ctx.spc.pagination;
      if (!p || p.cursor !== true) {
        return 'n/a (server does not advertise cursor paging)';
      }
      const target = ctx.N - 100;
      // pages large enough to get deep in bounded time, small enough to leave several cursors
      const maxPage = Math.min(Number(p.maxPageSize) || ctx.maxResults, ctx.maxResults, 1000);
      const pageSize = Math.max(100, Math.min(maxPage, Math.floor(target / 5)));
      const deadline = Date.now() + ctx.opts['cursor-walk'] * 1000;
      // walking asks only for ids (the cursor is bound to filter/sortBy, not to attributes);
      // if the server refuses such a cursor later, the walk is repeated with full resources
      const walk = async (extra) => {
        let page = await ctx.client.must('GET', `/Users?cursor&count=${pageSize}${extra}`);
        let position = (page.Resources || []).length;
        const found = [];
        while (page.nextCursor && position < target && Date.now() < deadline) {
          const c = page.nextCursor;
          page = await ctx.client.must('GET', `/Users?cursor=${q(c)}&count=${pageSize}${extra}`);
          found.push({ cursor: c, position });
          position += (page.Resources || []).length;
        }
        return { found, position };
      };
      let { found: cursors, position } = await walk('&attributes=id');
      if (cursors.length) {
        const probe = await ctx.client.request('GET', `/Users?cursor=${q(cursors[cursors.length - 1].cursor)}&count=100`);
        if (!probe.ok) {
          ctx.log(`  a cursor walked with attributes=id is refused without it (${probe.status}); walking again`);
          ({ found: cursors, position } = await walk(''));
        }
      }
      // measure from the deepest cursors only (at least half-way to the target)
      cursors = cursors.filter((c) => c.position >= Math.min(target / 2, cursors[cursors.length - 1]?.position ?? 0)).slice(-20);
      if (!cursors.length) {
        return `n/a (walking the cursor produced no nextCursor after ${position} users)`;
      }
      ctx.deepCursors = cursors;
      ctx.cursorDepth = cursors[0].position;
      ctx.log(
        `  cursor walk: reached ${position} of ${target} (page size ${pageSize}); measuring from ${cursors.length} cursors at ${cursors[0].position}..${cursors[cursors.length - 1].position}`,
      );
      const check = await ctx.client.must('GET', `/Users?cursor=${q(cursors[0].cursor)}&count=100`);
      if (!Array.isArray(check.Resources) || check.Resources.length !== 100) {
        throw new Error(`a stored cursor returned ${check.Resources?.length} resources, expected 100`);
      }
      return undefined;
    },
    next(ctx) {
      const c = ctx.deepCursors[rand(ctx.deepCursors.length)];
      return { method: 'GET', path: `/Users?cursor=${q(c.cursor)}&count=100` };
    },
  },
  {
    name: 'patch-deactivate',
    kind: 'write',
    label: () => 'PATCH deactivate',
    describe: () =>
      'PATCH /Users/{id} {"op":"replace","value":{"active":false}} (Okta, path-less), distinct users; later rounds alternate true/false so every request writes',
    next(ctx) {
      const k = ctx.counter('patch');
      const active = Math.floor(k / ctx.N) % 2 === 1;
      return {
        method: 'PATCH',
        path: `/Users/${ctx.ids[scatter(k, ctx.N)]}`,
        body: { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active } }] },
      };
    },
  },
  {
    name: 'put',
    kind: 'write',
    label: () => 'PUT user',
    describe: () => 'PUT /Users/{id} with the full user, displayName and title changed, distinct users',
    next(ctx) {
      const k = ctx.counter('put');
      const i = scatter(k + 7919, ctx.N);
      return { method: 'PUT', path: `/Users/${ctx.ids[i]}`, body: putBody(i, k) };
    },
  },
  groupScenario('group-big', 'big', false),
  groupScenario('group-small', 'small', false),
  groupScenario('group-big-lean', 'big', true),
  groupScenario('group-small-lean', 'small', true),
  {
    name: 'group-get-lean',
    kind: 'read',
    label: (ctx) => `GET ${ctx.bigGroup.members}-member group excl. members`,
    describe: () => 'GET /Groups/{big group}?excludedAttributes=members',
    next(ctx) {
      return { method: 'GET', path: `/Groups/${ctx.bigGroup.id}?excludedAttributes=members` };
    },
  },
  {
    name: 'bulk',
    kind: 'write',
    perRequest: (ctx) => ctx.bulkOps,
    label: (ctx) => `Bulk ${ctx.bulkOps ?? 100} creates`,
    describe: () => 'POST /Bulk with 100 POST /Users operations (users/s = req/s × 100 is compared with the raw insert rate)',
    prepare(ctx) {
      const b = ctx.spc.bulk;
      if (!b || b.supported !== true) {
        return 'n/a (bulk not supported yet)';
      }
      ctx.bulkOps = Math.min(100, Number(b.maxOperations) || 100);
      return undefined;
    },
    next(ctx) {
      const k = ctx.counter('bulk');
      const ops = [];
      for (let j = 0; j < ctx.bulkOps; j++) {
        const n = `${k}x${j}`;
        ops.push({
          method: 'POST',
          path: '/Users',
          bulkId: `b${j}`,
          data: userBody(j, `bench.bulk.${ctx.runId}.${n}@bench.example`, `bulk-${ctx.runId}-${n}`),
        });
      }
      return {
        method: 'POST',
        path: '/Bulk',
        body: { schemas: [BULK_REQUEST], Operations: ops },
        check(res) {
          const list = res.json && Array.isArray(res.json.Operations) ? res.json.Operations : null;
          if (!list) {
            return ops.length;
          }
          return list.filter((o) => !/^2/.test(String(o.status))).length + Math.max(0, ops.length - list.length);
        },
      };
    },
  },
  // before delete: the noisy tenant is the seeded one
  NOISY_NEIGHBOUR,
  {
    name: 'delete-member',
    kind: 'write',
    label: (ctx) => `DELETE member of ${ctx.bigGroup.members}-member group`,
    describe: () =>
      'DELETE /Users/{id} of distinct members of the big group, from the first seeded user up (each delete also removes its membership and bumps the group version)',
    next(ctx) {
      // the members are users 0..M-1; `delete` takes users from the last one down
      const k = ctx.counter('delete-member');
      if (k >= ctx.bigGroup.members || !takeForDelete(ctx, k)) {
        return null;
      }
      return { method: 'DELETE', path: `/Users/${ctx.ids[k]}` };
    },
  },
  {
    name: 'delete',
    kind: 'write',
    label: () => 'DELETE user',
    describe: () => 'DELETE /Users/{id}, distinct seeded users from the last one down',
    next(ctx) {
      const k = ctx.counter('delete');
      if (k >= ctx.N || !takeForDelete(ctx, ctx.N - 1 - k)) {
        return null;
      }
      return { method: 'DELETE', path: `/Users/${ctx.ids[ctx.N - 1 - k]}` };
    },
  },
];

module.exports = { SCENARIOS, scatter, listTotal, GROUP_SCHEMA };
