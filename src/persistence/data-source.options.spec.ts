import { DEFAULT_PG_STATEMENT_TIMEOUT_MS, buildDataSourceOptions, parseDatabaseUrl } from './data-source.options';

describe('parseDatabaseUrl', () => {
  it.each([
    ['postgres://u:p%40ss@db.internal:6432/scim', { port: 6432, username: 'u', password: 'p@ss' }],
    ['postgresql://u@db.internal/scim', { port: 5432, username: 'u', password: '' }],
    ['POSTGRES://db.internal/scim', { port: 5432, username: 'postgres', password: '' }],
  ])('reads %s as PostgreSQL', (url, expected) => {
    expect(parseDatabaseUrl(url)).toEqual({
      kind: 'postgres',
      host: 'db.internal',
      database: 'scim',
      ...expected,
    });
  });

  it('still reads MySQL and MariaDB URLs', () => {
    expect(parseDatabaseUrl('mariadb://root@127.0.0.1/scim')).toMatchObject({ kind: 'mysql', port: 3306 });
  });

  it.each(['postgres://db.internal', 'postgres://db.internal/'])('refuses %s: no database', (url) => {
    expect(() => parseDatabaseUrl(url)).toThrow(/names no database/);
  });

  it.each(['oracle://x/db', 'toString://x/db', 'pg://x/db'])('refuses %s: not supported', (url) => {
    expect(() => parseDatabaseUrl(url)).toThrow(/not supported/);
  });

  it('never shows the password in a message', () => {
    expect(() => parseDatabaseUrl('postgres://u:secret@x')).toThrow(/u:\*\*\*@/);
    expect(() => parseDatabaseUrl('postgres://u:secret@x')).not.toThrow(/secret/);
  });
});

describe('buildDataSourceOptions on PostgreSQL', () => {
  it('uses the pg driver with a statement_timeout', () => {
    const o = buildDataSourceOptions({ url: 'postgres://u:p@h:5432/scim' }) as unknown as Record<string, unknown>;
    expect(o).toMatchObject({ type: 'postgres', host: 'h', port: 5432, database: 'scim', synchronize: false });
    expect(o.extra).toMatchObject({ statement_timeout: DEFAULT_PG_STATEMENT_TIMEOUT_MS });
  });

  it('takes another statement timeout, or none', () => {
    const o = buildDataSourceOptions({ url: 'postgres://h/scim', statementTimeoutMs: 0 });
    expect((o as unknown as { extra: object }).extra).toMatchObject({ statement_timeout: 0 });
  });
});
