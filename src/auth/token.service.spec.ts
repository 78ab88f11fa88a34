/**
 * TokenService on the in-memory tenant and token repositories: no database, no Nest testing
 * module (STYLE §10 "Service tests use in-memory ports").
 */
import { createHmac } from 'node:crypto';
import { InMemoryTenantRepository, InMemoryTokenRepository } from '../persistence/in-memory';
import { ScimError } from '../core/errors/scim-error';
import { ALL_SCOPES, NewServiceToken, Scope } from '../core/ports/token.repository';
import { Clock } from '../core/ports/clock';
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
  const service = new TokenService(tokens, tenants, clock, { tokenPepper: PEPPER });
  return { service, tenants, tokens, clock };
}

/** A tenant `acme` and one token in it. */
async function withToken(scopes: readonly Scope[] = ['users:write'], expiresInDays?: number) {
  const s = setup();
  await s.service.createTenant('acme');
  const issued = await s.service.issue('acme', 'okta', scopes, expiresInDays);
  return { ...s, ...issued };
}

describe('TokenService', () => {
  describe('issue', () => {
    it('returns a scim_ token of at least 43 random characters, shown once and stored hashed', async () => {
      const { service, tenants, tokens } = setup();
      const tenant = await service.createTenant('acme');
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
      const { tokens, tenants, clock, token } = await withToken();
      const other = new TokenService(tokens, tenants, clock, { tokenPepper: 'another-pepper' });
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
      const { service } = setup();
      await service.createTenant('entra-tenant', 'entra');
      const inherited = await service.issue('entra-tenant', 'a', ['users:read']);
      const own = await service.issue('entra-tenant', 'b', ['users:read'], undefined, 'okta');
      expect(await service.verify(inherited.token)).toMatchObject({ profile: 'entra' });
      expect(await service.verify(own.token)).toMatchObject({ profile: 'okta' });
      await service.createTenant('plain');
      const plain = await service.issue('plain', 'c', ['users:read']);
      expect(await service.verify(plain.token)).not.toHaveProperty('profile');
    });
  });

  describe('bootstrap', () => {
    it('creates tenant default and one all-scopes token on an empty store', async () => {
      const { service, tokens } = setup();
      const issued = await service.bootstrap();
      expect(issued).toBeDefined();
      expect((await service.listTenants()).map((t) => t.slug)).toEqual(['default']);
      expect(issued!.record.scopes).toEqual(ALL_SCOPES);
      expect(await tokens.list()).toHaveLength(1);
      const principal = await service.verify(issued!.token);
      expect(principal?.scopes).toEqual(new Set(ALL_SCOPES));
    });

    it('does nothing the second time', async () => {
      const { service, tokens } = setup();
      await service.bootstrap();
      expect(await service.bootstrap()).toBeUndefined();
      expect(await service.listTenants()).toHaveLength(1);
      expect(await tokens.list()).toHaveLength(1);
    });

    it('does nothing when any tenant exists', async () => {
      const { service, tokens } = setup();
      await service.createTenant('acme');
      expect(await service.bootstrap()).toBeUndefined();
      expect((await service.listTenants()).map((t) => t.slug)).toEqual(['acme']);
      expect(await tokens.list()).toEqual([]);
    });
  });

  describe('tenants', () => {
    it.each(['a', '0', 'acme', 'acme-2', 'a-b-c', 'a'.repeat(63)])(
      'accepts the slug %j',
      async (slug) => {
        const { service } = setup();
        await expect(service.createTenant(slug)).resolves.toMatchObject({ slug, createdAt: T0 });
      },
    );

    it.each(['', 'Acme', '-acme', 'a_b', 'ac me', 'acme.io', 'a'.repeat(64), 'ümlaut'])(
      'rejects the slug %j',
      async (slug) => {
        const { service } = setup();
        await expect(service.createTenant(slug)).rejects.toThrow(/slug/);
        expect(await service.listTenants()).toEqual([]);
      },
    );

    it('rejects a duplicate slug with 409 uniqueness', async () => {
      const { service } = setup();
      await service.createTenant('acme');
      const dup = service.createTenant('acme');
      await expect(dup).rejects.toBeInstanceOf(ScimError);
      await expect(dup).rejects.toMatchObject({ status: 409, scimType: 'uniqueness' });
    });

    it('rejects an unknown profile', async () => {
      const { service } = setup();
      await expect(service.createTenant('acme', 'azure')).rejects.toThrow(/profile/);
    });

    it('lists tokens of one tenant or of all', async () => {
      const { service } = await withToken();
      await service.createTenant('other');
      await service.issue('other', 'other-token', ['groups:read']);
      expect((await service.listTokens('acme')).map((t) => t.name)).toEqual(['okta']);
      expect((await service.listTokens()).map((t) => t.name)).toEqual(['okta', 'other-token']);
      await expect(service.listTokens('nope')).rejects.toThrow(/Unknown tenant/);
    });
  });
});

describe('TokenService tenant settings', () => {
  it('round-trips every setting; absent keys stay as they are', async () => {
    const { service, tenants } = setup();
    const { id } = await service.createTenant('acme');
    const t = await service.updateTenant('acme', {
      notifications: 'off',
      defaultRole: 'member',
      linkPolicy: 'verified-email',
      deprovisioning: 'soft',
    });
    expect(t).toMatchObject({
      notifications: 'off',
      defaultRole: 'member',
      linkPolicy: 'verified-email',
      deprovisioning: 'soft',
      disabledAt: null,
    });
    const again = await service.updateTenant('acme', { groupCycles: 'allow' });
    expect(again).toMatchObject({ notifications: 'off', defaultRole: 'member', groupCycles: 'allow' });
    // null: back to the default
    const reset = await service.updateTenant('acme', { defaultRole: null, notifications: null, linkPolicy: null });
    expect(reset).toMatchObject({ defaultRole: null, notifications: null, linkPolicy: null });
    expect(await tenants.findById(id)).toEqual(reset);
  });

  it('scimEnabled false records since when (kept while it stays off); true clears it', async () => {
    const { service, clock } = setup();
    await service.createTenant('acme');
    expect((await service.updateTenant('acme', { scimEnabled: false })).disabledAt).toBe(T0);
    clock.advance(60_000);
    expect((await service.updateTenant('acme', { scimEnabled: false })).disabledAt).toBe(T0);
    expect((await service.updateTenant('acme', { scimEnabled: true })).disabledAt).toBeNull();
  });

  it("a disabled tenant's tokens still verify, marked tenantDisabled (the scopes guard answers 403)", async () => {
    const { service, token } = await withToken();
    await service.updateTenant('acme', { scimEnabled: false });
    expect(await service.verify(token)).toMatchObject({ tenantDisabled: true });
    await service.updateTenant('acme', { scimEnabled: true });
    expect(await service.verify(token)).not.toHaveProperty('tenantDisabled');
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['scimEnabled as a string', { scimEnabled: 'false' }, /scimEnabled must be true or false/],
    ['notifications maybe', { notifications: 'maybe' }, /Unknown notifications setting "maybe": use on or off/],
    ['notifications as a boolean', { notifications: false }, /notifications setting/],
    ['link policy email', { linkPolicy: 'email' }, /Unknown link policy "email": use off or verified-email/],
    ['an empty default role', { defaultRole: '' }, /default role must be 1 to 64 characters/],
    ['a default role with a space', { defaultRole: 'team admin' }, /default role/],
    ['a default role of 65 characters', { defaultRole: 'r'.repeat(65) }, /default role/],
    ['a default role as a number', { defaultRole: 7 }, /default role/],
    ['deprovisioning later', { deprovisioning: 'later' }, /Unknown deprovisioning mode "later": use hard or soft/],
    ['group cycles sometimes', { groupCycles: 'sometimes' }, /Unknown group cycle policy/],
    ['an unknown profile', { profile: 'azure' }, /Unknown profile "azure"/],
    ['a secret without a URL', { webhookSecret: 'shared-secret-0123456789' }, /needs a webhook URL/],
    ['a webhook URL as a number', { webhookUrl: 42 }, /webhook URL must be a string/],
  ])('refuses %s with 400 invalidValue and changes nothing', async (_label, settings, message) => {
    const { service } = setup();
    const before = await service.createTenant('acme');
    // a valid setting beside the bad one is not written either
    const update = service.updateTenant('acme', { ...settings, defaultRole: settings.defaultRole ?? 'member' } as never);
    await expect(update).rejects.toThrow(message);
    await expect(update).rejects.toMatchObject({ status: 400, scimType: 'invalidValue' });
    expect(await service.getTenant('acme')).toMatchObject({ ...before, defaultRole: null, disabledAt: null });
  });

  it.each(['member', 'org:admin', 'a', 'R_1.2-x', 'r'.repeat(64)])('accepts the role %j', async (role) => {
    const { service } = setup();
    await service.createTenant('acme');
    expect((await service.updateTenant('acme', { defaultRole: role })).defaultRole).toBe(role);
  });

  it('answers 404 for an unknown tenant', async () => {
    const { service } = setup();
    await expect(service.updateTenant('nope', { notifications: 'off' })).rejects.toMatchObject({
      status: 404,
      detail: 'Unknown tenant "nope"',
    });
    await expect(service.getTenant('nope')).rejects.toMatchObject({ status: 404 });
    await expect(service.listRoleMappings('nope')).rejects.toMatchObject({ status: 404 });
  });

  describe('role mappings', () => {
    it('sets, lists (by group), replaces case-insensitively and removes', async () => {
      const { service } = setup();
      await service.createTenant('acme');
      expect(await service.setRoleMapping('acme', 'Engineering', 'developer')).toEqual({
        group: 'Engineering',
        role: 'developer',
      });
      await service.setRoleMapping('acme', 'admins', 'org:admin');
      expect(await service.listRoleMappings('acme')).toEqual([
        { group: 'admins', role: 'org:admin' },
        { group: 'Engineering', role: 'developer' },
      ]);
      // the same group in another letter case replaces the mapping
      await service.setRoleMapping('acme', 'ENGINEERING', 'lead');
      expect(await service.listRoleMappings('acme')).toEqual([
        { group: 'admins', role: 'org:admin' },
        { group: 'ENGINEERING', role: 'lead' },
      ]);
      expect(await service.removeRoleMapping('acme', 'engineering')).toBe(true);
      expect(await service.removeRoleMapping('acme', 'engineering')).toBe(false);
      expect(await service.listRoleMappings('acme')).toEqual([{ group: 'admins', role: 'org:admin' }]);
    });

    it('keeps mappings per tenant', async () => {
      const { service } = setup();
      await service.createTenant('acme');
      await service.createTenant('other');
      await service.setRoleMapping('acme', 'admins', 'owner');
      expect(await service.listRoleMappings('other')).toEqual([]);
    });

    it.each<[string, unknown, unknown, RegExp]>([
      ['an empty group', '', 'member', /group name must be 1 to 255 characters/],
      ['a blank group', '   ', 'member', /group name/],
      ['a group of 256 characters', 'g'.repeat(256), 'member', /group name/],
      ['a group as a number', 5, 'member', /group name/],
      ['an empty role', 'admins', '', /role must be 1 to 64 characters/],
      ['a role with a slash', 'admins', 'a/b', /role must be/],
      ['no role', 'admins', undefined, /role must be/],
    ])('refuses %s', async (_label, group, role, message) => {
      const { service } = setup();
      await service.createTenant('acme');
      const set = service.setRoleMapping('acme', group, role);
      await expect(set).rejects.toThrow(message);
      await expect(set).rejects.toMatchObject({ status: 400 });
      expect(await service.listRoleMappings('acme')).toEqual([]);
    });

    it('accepts a group of 255 characters with spaces and any letters', async () => {
      const { service } = setup();
      await service.createTenant('acme');
      const group = `Ünïcode Team ${'x'.repeat(242)}`;
      expect(group).toHaveLength(255);
      await service.setRoleMapping('acme', group, 'member');
      expect(await service.listRoleMappings('acme')).toEqual([{ group, role: 'member' }]);
    });
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
