import { mysqlLockName, postgresLockKey } from './migration-lock';

describe('mysqlLockName', () => {
  it('names the lock after the schema (GET_LOCK is server-wide)', () => {
    expect(mysqlLockName('scim')).toBe('scim_migrations.scim');
  });

  it('stays within the 64 characters MySQL allows', () => {
    const long = mysqlLockName('s'.repeat(64));
    expect(long.length).toBeLessThanOrEqual(64);
    expect(long).not.toBe(mysqlLockName('t'.repeat(64)));
  });
});

describe('postgresLockKey', () => {
  it('is a stable positive bigint per schema (pg_try_advisory_lock takes a bigint)', () => {
    const key = postgresLockKey('public');
    expect(key).toBe(postgresLockKey('public'));
    expect(key).not.toBe(postgresLockKey('scim'));
    expect(BigInt(key) >= 0n && BigInt(key) < 2n ** 63n).toBe(true);
  });
});
