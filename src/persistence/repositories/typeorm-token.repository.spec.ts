/**
 * The token look-up cache of TypeOrmTokenRepository, on a stand-in DataSource that
 * counts statements: off by default, answers from memory within cacheTtlMs, forgets a token
 * revoked through it at once, keeps last_used_at current, never keeps unknown tokens.
 * (The SQL itself runs on real databases in test/integration/token-repository.int-spec.ts.)
 */
import { DataSource } from 'typeorm';
import { TokenLookupCache } from './token-lookup.cache';
import { TypeOrmTenantRepository } from './typeorm-tenant.repository';
import { TypeOrmTokenRepository } from './typeorm-token.repository';

const ROW = {
  id: 't1',
  tenant_id: 'n1',
  name: 'okta',
  prefix: 'scim_abcdefg',
  scopes: 'users:read,users:write',
  created_at: '2025-01-01T00:00:00.000Z',
  expires_at: null,
  revoked_at: null,
  last_used_at: null,
  profile: null,
  tenant_profile: 'okta',
  tenant_deprovisioning: null,
  tenant_group_cycles: null,
  tenant_disabled_at: null,
  tenant_link_policy: null,
};

function fakeDataSource() {
  const rows = new Map<string, typeof ROW>([['h1', { ...ROW }]]);
  const query = jest.fn(async (_sql: string, params: unknown[]) => {
    const r = rows.get(params[0] as string);
    return r ? [{ ...r }] : [];
  });
  const update = jest.fn(async (where: { id: string }, set: Record<string, string>) => {
    for (const r of rows.values()) {
      if (r.id === where.id) {
        Object.assign(r, set.revokedAt ? { revoked_at: set.revokedAt } : {});
        Object.assign(r, set.lastUsedAt ? { last_used_at: set.lastUsedAt } : {});
      }
    }
    return { affected: 1 };
  });
  const ds = {
    options: { type: 'better-sqlite3' },
    query,
    getRepository: () => ({ update }),
  } as unknown as DataSource;
  return { ds, query, update, rows };
}

describe('TypeOrmTokenRepository look-up cache', () => {
  afterEach(() => jest.useRealTimers());

  it('reads the token on every look-up by default', async () => {
    const { ds, query } = fakeDataSource();
    const repo = new TypeOrmTokenRepository(ds);
    await repo.findByHash('h1');
    await repo.findByHash('h1');
    expect(query).toHaveBeenCalledTimes(2);
  });

  it('answers from memory within the TTL, then reads again', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] });
    const { ds, query, rows } = fakeDataSource();
    const repo = new TypeOrmTokenRepository(ds, { cacheTtlMs: 5000 });
    expect(await repo.findByHash('h1')).toMatchObject({ id: 't1', tenantProfile: 'okta' });
    rows.get('h1')!.tenant_profile = 'entra'; // changed by another process
    jest.advanceTimersByTime(4999);
    expect(await repo.findByHash('h1')).toMatchObject({ tenantProfile: 'okta' });
    expect(query).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(1);
    expect(await repo.findByHash('h1')).toMatchObject({ tenantProfile: 'entra' });
    expect(query).toHaveBeenCalledTimes(2);
  });

  it('forgets a token revoked through it at once', async () => {
    const { ds, query } = fakeDataSource();
    const repo = new TypeOrmTokenRepository(ds, { cacheTtlMs: 60_000 });
    await repo.findByHash('h1');
    expect(await repo.revoke('t1', '2025-02-01T00:00:00.000Z')).toBe(true);
    expect(await repo.findByHash('h1')).toMatchObject({ revokedAt: '2025-02-01T00:00:00.000Z' });
    expect(query).toHaveBeenCalledTimes(2);
  });

  it('keeps last_used_at current after a touch', async () => {
    const { ds, query } = fakeDataSource();
    const repo = new TypeOrmTokenRepository(ds, { cacheTtlMs: 60_000 });
    await repo.findByHash('h1');
    await repo.touch('t1', '2025-03-01T00:00:00.000Z');
    expect(await repo.findByHash('h1')).toMatchObject({ lastUsedAt: '2025-03-01T00:00:00.000Z' });
    expect(query).toHaveBeenCalledTimes(1);
  });

  it('never keeps an unknown token', async () => {
    const { ds, query, rows } = fakeDataSource();
    const repo = new TypeOrmTokenRepository(ds, { cacheTtlMs: 60_000 });
    expect(await repo.findByHash('h2')).toBeNull();
    rows.set('h2', { ...ROW, id: 't2' });
    expect(await repo.findByHash('h2')).toMatchObject({ id: 't2' });
    expect(query).toHaveBeenCalledTimes(2);
  });

  it.each([
    ['SCIM switched off', { disabledAt: '2025-02-01T00:00:00.000Z' }],
    ['the profile', { profile: 'entra' }],
    ['the deprovisioning mode', { deprovisioning: 'soft' as const }],
    ['the link policy', { linkPolicy: 'verified-email' as const }],
  ])('forgets the tokens of a tenant whose settings change through it (%s)', async (_label, settings) => {
    const { ds, query } = fakeDataSource();
    const cache = new TokenLookupCache(60_000);
    const tokens = new TypeOrmTokenRepository(ds, { cache });
    const tenants = new TypeOrmTenantRepository(ds, cache);
    await tokens.findByHash('h1');
    await tokens.findByHash('h1');
    expect(query).toHaveBeenCalledTimes(1);
    await tenants.updateSettings('other-tenant', settings);
    await tokens.findByHash('h1');
    expect(query).toHaveBeenCalledTimes(1);
    await tenants.updateSettings('n1', settings);
    await tokens.findByHash('h1');
    expect(query).toHaveBeenCalledTimes(2);
  });
});
