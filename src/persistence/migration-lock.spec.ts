import { mysqlLockName } from './migration-lock';

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
