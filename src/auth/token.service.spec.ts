/**
 * TokenService on the in-memory tenant and token repositories (tenants made through
 * TenantService): no database, no Nest testing
 * module (STYLE §10 "Service tests use in-memory ports").
 */
import { createHmac } from 'node:crypto';
import { InMemoryTenantRepository, InMemoryTokenRepository } from '../persistence/in-memory';
import { ScimError } from '../core/errors/scim-error';
import { ALL_SCOPES, NewServiceToken, Scope } from '../core/ports/token.repository';
import { Clock } from '../core/ports/clock';
import { TenantService } from './tenant.service';
import { TokenService, effectiveScopes, parseScopes } from './token.service';

const PEPPER = 'test-pepper-0123456789';
const T0 = '2024-06-01T12:00:00.000Z';

class MutableClock implements Clock {
  private ms = Date.parse(T0);
  nowIso(): string {
    return new Date(this.ms).toISOString();
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

function setup() {
  const tenants = new InMemoryTenantRepository();
  const tokens = new InMemoryTokenRepository(tenants);
  const clock = new MutableClock();
  const tenantService = new TenantService(tenants, clock);
  const service = new TokenService(tokens, tenantService, clock, { tokenPepper: PEPPER });
  return { service, tenantService, tenants, tokens, clock };
}

/** A tenant `acme` and one token in it. */
async function withToken(scopes: readonly Scope[] = ['users:write'], expiresInDays?: number) {
  const s = setup();
  await s.tenantService.createTenant('acme');
  const issued = await s.service.issue('acme', 'okta', scopes, expiresInDays);
  return { ...s, ...issued };
}

describe('TokenService', () => {
  describe('issue', () => {
    it('returns a scim_ token of at least 43 random characters, shown once and stored hashed', async () => {
      const { tenantService, service, tenants, tokens } = setup();
      const tenant = await tenantService.createTenant('acme');
      const create = jest.spyOn(tokens, 'create');
      const { token, record } = await service.issue('acme', '  okta  ', ['users:read']);

      expect(token).toMatch(/^scim_[A-Za-z0-9_-]{43,}$/);
      expect(token.length - 'scim_'.length).toBeGreaterThanOrEqual(43);
      expect(create).toHaveBeenCalledTimes(1);
      const stored: NewServiceToken = create.mock.calls[0][0];
      expect(stored.hash).toBe(createHmac('sha256', PEPPER).update(token).digest('hex'));
      expect(stored.hash).toBe(service.hash(token));
      expect(JSON.stringify(stored)).not.toContain(token);
      expect(stored.prefix).toBe(token.slice(0, 12));
      expect(record).toMatchObject({
        tenantId: tenant.id,
        name: 'okta',
        scopes: ['users:read'],
        createdAt: T0,
        expiresAt: null,
        revokedAt: null,
        lastUsedAt: null,
      });
      expect(await tokens.findByHash(service.hash(token))).toMatchObject({ id: record.id });
      expect(await tenants.count()).toBe(1);
    });

    it('issues a different secret every time', async () => {
      const { service } = await withToken();
      const a = await service.issue('acme', 'a', ['users:read']);
      const b = await service.issue('acme', 'b', ['users:read']);
      expect(a.token).not.toBe(b.token);
    });

    it('sets expiresAt from expiresInDays', async () => {
      const { record } = await withToken(['users:read'], 2);
      expect(record.expiresAt).toBe('2024-06-03T12:00:00.000Z');
    });

    it.each<[string, () => Promise<unknown>]>([
      ['an unknown tenant', () => setup().service.issue('nope', 'x', ['users:read'])],
      ['a blank name', async () => (await withToken()).service.issue('acme', '  ', ['users:read'])],
      [
        'expiresInDays 0',
        async () => (await withToken()).service.issue('acme', 'x', ['users:read'], 0),
      ],
      [
        'negative expiresInDays',
        async () => (await withToken()).service.issue('acme', 'x', ['users:read'], -1),
      ],
      [
        'an unknown profile',
        async () =>
          (await withToken()).service.issue('acme', 'x', ['users:read'], undefined, 'azure'),
      ],
    ])('rejects %s', async (_label, issue) => {
      await expect(issue()).rejects.toThrow();
    });
  });

  describe('verify', () => {
    it('accepts the token and expands write to read', async () => {
      const { service, token, record } = await withToken(['users:write', 'groups:read']);
      const principal = await service.verify(token);
      expect(principal).toEqual({
        tokenId: record.id,
        tenantId: record.tenantId,
        scopes: new Set(['users:write', 'users:read', 'groups:read']),
      });
    });

    it('rejects a revoked token', async () => {
      const { service, token, record } = await withToken();
      expect(await service.revoke(record.id)).toBe(true);
      expect(await service.verify(token)).toBeNull();
      expect(await service.revoke(record.id)).toBe(false);
    });

    it('rejects an expired token, from the instant it expires', async () => {
      const { service, token, clock } = await withToken(['users:read'], 1);
      clock.advance(86_400_000 - 1);
      expect(await service.verify(token)).not.toBeNull();
      clock.advance(1);
      expect(await service.verify(token)).toBeNull();
    });

    it.each<[string, (token: string) => string]>([
      ['an unknown token', () => `scim_${'A'.repeat(43)}`],
      ['the token without its prefix', (t) => t.slice('scim_'.length)],
      ['another prefix', (t) => `scum_${t.slice('scim_'.length)}`],
      ['the prefix in another case', (t) => `SCIM_${t.slice('scim_'.length)}`],
      ['the token with a trailing character', (t) => `${t}x`],
      ['an over-long token', (t) => t + 'A'.repeat(200)],
      ['the empty string', () => ''],
    ])('rejects %s', async (_label, mangle) => {
      const { service, token } = await withToken();
      expect(await service.verify(mangle(token))).toBeNull();
    });

    it('does not look up tokens without the scim_ prefix', async () => {
      const { service, tokens, token } = await withToken();
      const findByHash = jest.spyOn(tokens, 'findByHash');
      await service.verify(token.slice('scim_'.length));
      expect(findByHash).not.toHaveBeenCalled();
    });

    it('rejects a token hashed under another pepper', async () => {
      const { tokens, tenantService, clock, token } = await withToken();
      const other = new TokenService(tokens, tenantService, clock, { tokenPepper: 'another-pepper' });
      expect(await other.verify(token)).toBeNull();
    });

    it('touches lastUsedAt at most once a minute', async () => {
      const { service, tokens, clock, token, record } = await withToken();
      const touch = jest.spyOn(tokens, 'touch');
      await service.verify(token);
      expect(touch).toHaveBeenCalledTimes(1);
      expect(touch).toHaveBeenLastCalledWith(record.id, T0);

      clock.advance(30_000);
      await service.verify(token);
      clock.advance(30_000);
      await service.verify(token);
      expect(touch).toHaveBeenCalledTimes(1);
      expect((await tokens.findById(record.id))?.lastUsedAt).toBe(T0);

      clock.advance(1);
      await service.verify(token);
      expect(touch).toHaveBeenCalledTimes(2);
      expect((await tokens.findById(record.id))?.lastUsedAt).toBe('2024-06-01T12:01:00.001Z');
    });

    it("carries the token's profile, else its tenant's", async () => {
      const { tenantService, service } = setup();
      await tenantService.createTenant('entra-tenant', 'entra');
      const inherited = await service.issue('entra-tenant', 'a', ['users:read']);
      const own = await service.issue('entra-tenant', 'b', ['users:read'], undefined, 'okta');
      expect(await service.verify(inherited.token)).toMatchObject({ profile: 'entra' });
      expect(await service.verify(own.token)).toMatchObject({ profile: 'okta' });
      await tenantService.createTenant('plain');
      const plain = await service.issue('plain', 'c', ['users:read']);
      expect(await service.verify(plain.token)).not.toHaveProperty('profile');
    });
  });

  describe('bootstrap', () => {
    it('creates tenant default and one all-scopes token on an empty store', async () => {
      const { tenantService, service, tokens } = setup();
      const issued = await service.bootstrap();
      expect(issued).toBeDefined();
      expect((await tenantService.listTenants()).map((t) => t.slug)).toEqual(['default']);
      expect(issued!.record.scopes).toEqual(ALL_SCOPES);
      expect(await tokens.list()).toHaveLength(1);
      const principal = await service.verify(issued!.token);
      expect(principal?.scopes).toEqual(new Set(ALL_SCOPES));
    });

    it('does nothing the second time', async () => {
      const { tenantService, service, tokens } = setup();
      await service.bootstrap();
      expect(await service.bootstrap()).toBeUndefined();
      expect(await tenantService.listTenants()).toHaveLength(1);
      expect(await tokens.list()).toHaveLength(1);
    });

    it('does nothing when any tenant exists', async () => {
      const { tenantService, service, tokens } = setup();
      await tenantService.createTenant('acme');
      expect(await service.bootstrap()).toBeUndefined();
      expect((await tenantService.listTenants()).map((t) => t.slug)).toEqual(['acme']);
      expect(await tokens.list()).toEqual([]);
    });
  });

  describe('listTokens', () => {
    it('lists tokens of one tenant or of all', async () => {
      const { tenantService, service } = await withToken();
      await tenantService.createTenant('other');
      await service.issue('other', 'other-token', ['groups:read']);
      expect((await service.listTokens('acme')).map((t) => t.name)).toEqual(['okta']);
      expect((await service.listTokens()).map((t) => t.name)).toEqual(['okta', 'other-token']);
      await expect(service.listTokens('nope')).rejects.toThrow(/Unknown tenant/);
    });
  });

  it("a disabled tenant's tokens still verify, marked tenantDisabled (the scopes guard answers 403)", async () => {
    const { tenantService, service, token } = await withToken();
    await tenantService.updateTenant('acme', { scimEnabled: false });
    expect(await service.verify(token)).toMatchObject({ tenantDisabled: true });
    await tenantService.updateTenant('acme', { scimEnabled: true });
    expect(await service.verify(token)).not.toHaveProperty('tenantDisabled');
  });

  it('still answers the tenant methods hosts call on it, through TenantService', async () => {
    const { service, tenantService } = setup();
    const created = await service.createTenant('acme', 'okta', { defaultRole: 'member' });
    expect(await tenantService.getTenant('acme')).toEqual(created);
    expect(await service.updateTenant('acme', { notifications: 'off' })).toMatchObject({ notifications: 'off' });
    expect(await service.getTenant('acme')).toMatchObject({ profile: 'okta', defaultRole: 'member' });
    expect((await service.listTenants()).map((t) => t.slug)).toEqual(['acme']);
    expect(await service.hasWebhookSecret(created.id)).toBe(false);
    expect(await service.setRoleMapping('acme', 'admins', 'owner')).toEqual({ group: 'admins', role: 'owner' });
    expect(await tenantService.listRoleMappings('acme')).toEqual([{ group: 'admins', role: 'owner' }]);
    expect(await service.listRoleMappings('acme')).toEqual([{ group: 'admins', role: 'owner' }]);
    expect(await service.removeRoleMapping('acme', 'ADMINS')).toBe(true);
    expect(await tenantService.listRoleMappings('acme')).toEqual([]);
  });
});

describe('parseScopes', () => {
  it.each<[string, Scope[]]>([
    ['users:read', ['users:read']],
    ['users:read,groups:write', ['users:read', 'groups:write']],
    [' users:write , users:write ,', ['users:write']],
    [ALL_SCOPES.join(','), [...ALL_SCOPES]],
  ])('parses %j', (text, expected) => {
    expect(parseScopes(text)).toEqual(expected);
  });

  it.each(['', ' , ', 'users:admin', 'users:read,groups:delete', 'USERS:READ', 'users'])(
    'rejects %j',
    (text) => {
      expect(() => parseScopes(text)).toThrow();
    },
  );
});

describe('effectiveScopes', () => {
  it.each<[Scope[], Scope[]]>([
    [[], []],
    [['users:read'], ['users:read']],
    [['users:write'], ['users:write', 'users:read']],
    [['groups:write'], ['groups:write', 'groups:read']],
    [[...ALL_SCOPES], [...ALL_SCOPES]],
  ])('%j → %j', (scopes, expected) => {
    expect(effectiveScopes(scopes)).toEqual(new Set(expected));
  });
});
