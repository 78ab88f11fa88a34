import { ConfigError, DEFAULT_TOKEN_PEPPER, isLoopbackHost, loadConfig } from './app.config';

describe('loadConfig', () => {
  it('has defaults that start on embedded SQLite', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      databaseUrl: 'sqlite:./data/scim.sqlite',
      basePath: 'scim/v2',
      bootstrap: true,
      migrationsRun: true,
    });
  });

  it.each([
    [{ PORT: 'abc' }, /PORT="abc"/],
    [{ PORT: '70000' }, /PORT/],
    [{ DATABASE_URL: 'oracle://x/db' }, /not supported/],
    [{ DATABASE_URL: 'constructor://x/db' }, /not supported/],
    [{ DATABASE_URL: 'mysql://root@localhost:3306' }, /names no database/],
    [{ DATABASE_URL: 'postgres://x' }, /names no database \(postgres:\/\/user:pass@host:5432\/db\)/],
    [{ SCIM_BOOTSTRAP: 'maybe' }, /SCIM_BOOTSTRAP/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ SCIM_BASE_PATH: '/scim v2' }, /SCIM_BASE_PATH/],
    [{ SCIM_TOKEN_PEPPER: 'short' }, /at least 16/],
    [{ HTTP_REQUEST_TIMEOUT_MS: '0' }, /HTTP_REQUEST_TIMEOUT_MS="0"/],
    [{ HTTP_REQUEST_TIMEOUT_MS: '5000', HTTP_HEADERS_TIMEOUT_MS: '6000' }, /HTTP_HEADERS_TIMEOUT_MS="6000" must be an integer from 100 to 5000/],
    [{ HTTP_KEEP_ALIVE_TIMEOUT_MS: 'soon' }, /HTTP_KEEP_ALIVE_TIMEOUT_MS/],
    [{ SCIM_FILTER_BUDGET: '0' }, /SCIM_FILTER_BUDGET="0" must be an integer from 1/],
  ])('rejects %j with a clear message', (env, msg) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(msg);
  });

  it('prices filters against a budget of 200 unless SCIM_FILTER_BUDGET says otherwise', () => {
    expect(loadConfig({}).filterBudget).toBe(200);
    expect(loadConfig({ SCIM_FILTER_BUDGET: '50' }).filterBudget).toBe(50);
  });

  it('stops a search statement on MySQL after 10 s unless SCIM_STATEMENT_TIMEOUT_MS says otherwise', () => {
    expect(loadConfig({}).statementTimeoutMs).toBe(10_000);
    expect(loadConfig({ SCIM_STATEMENT_TIMEOUT_MS: '0' }).statementTimeoutMs).toBe(0);
    expect(() => loadConfig({ SCIM_STATEMENT_TIMEOUT_MS: '-1' })).toThrow(/SCIM_STATEMENT_TIMEOUT_MS/);
  });

  it('times out slow clients by default, and reads the HTTP timeouts', () => {
    expect(loadConfig({}).http).toEqual({
      requestTimeoutMs: 30_000,
      headersTimeoutMs: 10_000,
      keepAliveTimeoutMs: 72_000,
    });
    expect(loadConfig({ HTTP_REQUEST_TIMEOUT_MS: '5000' }).http.headersTimeoutMs).toBe(5000);
    expect(
      loadConfig({ HTTP_REQUEST_TIMEOUT_MS: '2000', HTTP_HEADERS_TIMEOUT_MS: '1000', HTTP_KEEP_ALIVE_TIMEOUT_MS: '500' })
        .http,
    ).toEqual({ requestTimeoutMs: 2000, headersTimeoutMs: 1000, keepAliveTimeoutMs: 500 });
  });

  it('redacts nothing it does not need and accepts MySQL URLs', () => {
    const c = loadConfig({ DATABASE_URL: 'mysql://u:p@127.0.0.1:3306/scim', SCIM_BASE_PATH: '/api/scim/' });
    expect(c.databaseUrl).toBe('mysql://u:p@127.0.0.1:3306/scim');
    expect(c.basePath).toBe('api/scim');
  });

  it('reads the roles and the break-glass role, and the admin token and log format', () => {
    expect(loadConfig({}).roles).toBeUndefined();
    expect(loadConfig({ SCIM_ROLES: 'owner, admin,member', SCIM_PROTECTED_ROLE: 'owner' }).roles).toEqual({
      names: ['owner', 'admin', 'member'],
      protect: 'owner',
    });
    expect(loadConfig({ SCIM_ROLES: 'owner' }).roles).toEqual({ names: ['owner'] });
    expect(loadConfig({}).logFormat).toBe('json');
    expect(loadConfig({ LOG_FORMAT: 'Pretty' }).logFormat).toBe('pretty');
    expect(loadConfig({ ADMIN_TOKEN: 'a'.repeat(32) }).adminToken).toBe('a'.repeat(32));
    expect(loadConfig({}).tokenCacheTtlMs).toBe(1000);
    expect(loadConfig({ SCIM_TOKEN_CACHE_TTL_MS: '0' }).tokenCacheTtlMs).toBe(0);
    expect(loadConfig({ SCIM_TOKEN_CACHE_TTL_MS: '5000' }).tokenCacheTtlMs).toBe(5000);
    expect(() => loadConfig({ SCIM_TOKEN_CACHE_TTL_MS: '120000' })).toThrow(/SCIM_TOKEN_CACHE_TTL_MS/);
  });

  it.each([
    [{ SCIM_PROTECTED_ROLE: 'owner' }, /needs SCIM_ROLES/],
    [{ SCIM_ROLES: 'owner,owner' }, /distinct/],
    [{ SCIM_ROLES: 'owner,team lead' }, /distinct role names/],
    [{ SCIM_ROLES: 'owner,admin', SCIM_PROTECTED_ROLE: 'root' }, /must be one of SCIM_ROLES/],
    [{ ADMIN_TOKEN: 'short' }, /ADMIN_TOKEN must be at least 32/],
    [{ LOG_FORMAT: 'xml' }, /LOG_FORMAT/],
  ])('rejects %j', (env, msg) => {
    expect(() => loadConfig(env)).toThrow(msg);
  });

  describe('safe deployment defaults', () => {
    const PEPPER = 'a-pepper-of-our-own-0123456789';

    it('starts with no variable at all outside production (npm start on a fresh machine)', () => {
      expect(loadConfig({})).toMatchObject({ host: '127.0.0.1', tokenPepperIsDefault: true });
      expect(loadConfig({ NODE_ENV: 'development' }).tokenPepper).toBe(DEFAULT_TOKEN_PEPPER);
    });

    it.each([
      [{ NODE_ENV: 'production' }, /SCIM_TOKEN_PEPPER is not set/],
      [{ NODE_ENV: 'production', SCIM_TOKEN_PEPPER: DEFAULT_TOKEN_PEPPER }, /SCIM_TOKEN_PEPPER is a published default/],
      [
        { NODE_ENV: 'production', SCIM_TOKEN_PEPPER: 'compose-default-pepper-change-me' },
        /SCIM_TOKEN_PEPPER is a published default/,
      ],
      [{ HOST: '0.0.0.0' }, /METRICS_TOKEN is not set while HOST="0.0.0.0"/],
      [{ HOST: '::' }, /METRICS_TOKEN/],
      [{ HOST: '10.0.0.7' }, /METRICS_PUBLIC=true/],
      [{ HOST: '0.0.0.0', METRICS_PUBLIC: 'false' }, /METRICS_TOKEN/],
      [{ HOST: '0.0.0.0', METRICS_PUBLIC: 'maybe' }, /METRICS_PUBLIC="maybe"/],
    ])('refuses %j, naming the variable', (env, msg) => {
      expect(() => loadConfig(env)).toThrow(ConfigError);
      expect(() => loadConfig(env)).toThrow(msg);
    });

    it.each([
      { NODE_ENV: 'production', SCIM_TOKEN_PEPPER: PEPPER },
      { NODE_ENV: 'production', SCIM_TOKEN_PEPPER: PEPPER, HOST: '0.0.0.0', METRICS_TOKEN: 'm-token' },
      { HOST: '0.0.0.0', METRICS_PUBLIC: 'true' },
      { HOST: 'localhost' },
      { HOST: '::1' },
      { HOST: '127.0.0.2' },
    ])('accepts %j', (env) => {
      expect(() => loadConfig(env)).not.toThrow();
    });

    it.each([
      ['127.0.0.1', true],
      ['127.1.2.3', true],
      ['localhost', true],
      ['::1', true],
      ['[::1]', true],
      ['::ffff:127.0.0.1', true],
      ['0.0.0.0', false],
      ['::', false],
      ['192.168.1.10', false],
      ['128.0.0.1', false],
      ['localhost.example.com', false],
    ])('isLoopbackHost(%s) is %s', (host, expected) => {
      expect(isLoopbackHost(host)).toBe(expected);
    });
  });
});
