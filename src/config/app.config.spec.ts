import { ConfigError, loadConfig } from './app.config';

describe('loadConfig', () => {
  it('has defaults that start on embedded SQLite', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 3000,
      host: '0.0.0.0',
      databaseUrl: 'sqlite:./data/scim.sqlite',
      basePath: 'scim/v2',
      bootstrap: true,
      migrationsRun: true,
    });
  });

  it.each([
    [{ PORT: 'abc' }, /PORT="abc"/],
    [{ PORT: '70000' }, /PORT/],
    [{ DATABASE_URL: 'postgres://x' }, /not supported/],
    [{ DATABASE_URL: 'mysql://root@localhost:3306' }, /names no database/],
    [{ SCIM_BOOTSTRAP: 'maybe' }, /SCIM_BOOTSTRAP/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ SCIM_BASE_PATH: '/scim v2' }, /SCIM_BASE_PATH/],
    [{ SCIM_TOKEN_PEPPER: 'short' }, /at least 16/],
  ])('rejects %j with a clear message', (env, msg) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(msg);
  });

  it('redacts nothing it does not need and accepts MySQL URLs', () => {
    const c = loadConfig({ DATABASE_URL: 'mysql://u:p@127.0.0.1:3306/scim', SCIM_BASE_PATH: '/api/scim/' });
    expect(c.databaseUrl).toBe('mysql://u:p@127.0.0.1:3306/scim');
    expect(c.basePath).toBe('api/scim');
  });
});
