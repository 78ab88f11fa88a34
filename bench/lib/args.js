'use strict';
/** Command-line flags of bench/run.js: `--flag value`, `--flag=value`, boolean switches. */

const BOOLEAN = new Set(['json', 'profile', 'keep', 'help', 'no-raw', 'quiet', 'floor', 'no-floor', 'no-statements']);

const DEFAULTS = {
  db: 'sqlite',
  users: 10000,
  members: 10000,
  concurrency: 16,
  duration: 5,
  'max-requests': 50000,
  warmup: 1,
  seed: 'auto',
  scenarios: 'all',
  port: 0,
  timeout: 40,
  'mysql-url': process.env.BENCH_MYSQL_URL || 'mysql://root@127.0.0.1:3306/',
  'pg-url': process.env.BENCH_PG_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
  'cursor-walk': 60,
  out: '',
  'profile-dir': 'bench-results',
  'server-env': '',
  client: 'fast',
  'noisy-rate': 10,
};

/** `--floor`: the HTTP floors and the two requests the speed targets compare with them, quickly. */
const FLOOR_SCENARIOS = 'http-floor,get,filter-username';

const USAGE = `Usage: npm run bench -- [flags]      (or: node bench/run.js [flags] after npm run build)

  --db sqlite|mysql|postgres
                           database of the server under test (default sqlite: a fresh temp file;
                           mysql, postgres: a fresh database scim_bench_<random> on --mysql-url or
                           --pg-url, dropped after)
  --users N                users seeded before the scenarios (default 10000)
  --members M              members of the big group, taken from the seeded users (default 10000, or
                           N when fewer users are seeded; <= N)
  --concurrency C          concurrent requests (keep-alive sockets) per scenario (default 16)
  --duration S             measured seconds per scenario (default 5)
  --max-requests R         measured requests per scenario at most (default 50000)
  --warmup S               unmeasured warm-up seconds before each scenario (default 1)
  --seed api|sql|auto      api: POST /Users at concurrency C; sql: multi-row INSERTs straight into the
                           tables before the server starts; auto: api below 50,000 users (default)
  --scenarios a,b,...      subset of the scenarios (default all; see docs/performance.md)
  --port P                 loopback port of the server (default: a free one)
  --timeout MIN            hard limit on the whole run in minutes (default 40)
  --mysql-url URL          admin URL of the MySQL/MariaDB server (default mysql://root@127.0.0.1:3306/)
  --pg-url URL             admin URL of the PostgreSQL server, any database of it (default
                           postgres://postgres@127.0.0.1:5432/postgres; BENCH_PG_URL)
  --cursor-walk S          seconds at most spent walking cursors to a deep position (default 60)
  --json                   print the result as JSON on stdout (the table goes to stderr)
  --out FILE               also write the JSON result to FILE
  --profile                CPU-profile each scenario's measured phase in the server (V8 profiler
                           toggled by SIGUSR2 through bench/lib/child-guard.js; .cpuprofile files
                           in --profile-dir, default bench-results/) and print where the time per
                           request goes
  --floor                  only the HTTP floors (bare Fastify, bare Nest-on-Fastify hello-world),
                           GET /ServiceProviderConfig, GET /Users/:id and userName eq; SQL seeding
                           unless --seed is given
  --no-floor               skip the HTTP floors (measured by default, before the server starts)
  --client fast|node       load generator: raw keep-alive sockets (default) or Node's http module
                           with a keep-alive agent (the old one: ~4x the client CPU per request)
  --server-env K=V,K=V     extra environment of the server (e.g. SCIM_RATE_LIMIT=100000/60)
  --noisy-rate R           requests per second of the noisy tenant in the noisy-neighbour scenario
                           (open loop; what a rate limit of R/s lets through; default 10)
  --no-raw                 skip the raw-database ceiling
  --no-statements          do not count SQL statements per request (the server is started with
                           SCIM_COUNT_STATEMENTS=1 and its /metrics read around each scenario)
  --keep                   keep the database (and print its URL) instead of dropping it
`;

function parse(argv) {
  const o = { ...DEFAULTS };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) {
      throw new Error(`Unexpected argument "${a}"`);
    }
    let name = a.slice(2);
    let value;
    const eq = name.indexOf('=');
    if (eq >= 0) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
    } else if (BOOLEAN.has(name)) {
      value = true;
    } else {
      value = argv[++i];
      if (value === undefined) {
        throw new Error(`--${name} needs a value`);
      }
    }
    if (!(name in DEFAULTS) && !BOOLEAN.has(name)) {
      throw new Error(`Unknown flag --${name}`);
    }
    o[name] = value;
  }
  const int = (name, min, max) => {
    const n = Number(o[name]);
    if (!Number.isFinite(n) || n < min || n > max) {
      throw new Error(`--${name} must be a number from ${min} to ${max}`);
    }
    o[name] = n;
  };
  int('users', 1, 10_000_000);
  int('members', 0, 10_000_000);
  int('concurrency', 1, 1024);
  int('duration', 0.1, 3600);
  int('max-requests', 1, 10_000_000);
  int('warmup', 0, 600);
  int('port', 0, 65535);
  int('timeout', 1, 24 * 60);
  int('cursor-walk', 1, 3600);
  int('noisy-rate', 1, 1000);
  if (!['sqlite', 'mysql', 'postgres'].includes(o.db)) {
    throw new Error('--db must be sqlite, mysql or postgres');
  }
  if (!['api', 'sql', 'auto'].includes(o.seed)) {
    throw new Error('--seed must be api, sql or auto');
  }
  if (!['fast', 'node'].includes(o.client)) {
    throw new Error('--client must be fast or node');
  }
  if (o.floor) {
    if (o.scenarios === 'all') {
      o.scenarios = FLOOR_SCENARIOS;
    }
    if (o.seed === 'auto') {
      o.seed = 'sql';
    }
  }
  if (o.seed === 'auto') {
    o.seed = o.users < 50000 ? 'api' : 'sql';
  }
  if (!argv.some((a) => a === '--members' || a.startsWith('--members='))) {
    o.members = Math.min(o.members, o.users);
  }
  if (o.members > o.users) {
    throw new Error(`--members (${o.members}) cannot exceed --users (${o.users}): members are seeded users`);
  }
  return o;
}

module.exports = { parse, USAGE };
