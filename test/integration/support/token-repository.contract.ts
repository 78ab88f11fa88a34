/**
 * The TenantRepository and TokenRepository contracts (STYLE §8): one suite for the TypeORM and
 * the in-memory implementations.
 */
import { randomUUID } from 'node:crypto';
import {
  NewServiceToken,
  Scope,
  ServiceToken,
  TokenRepository,
} from '../../../src/core/ports/token.repository';
import { Tenant, TenantRepository } from '../../../src/core/ports/tenant.repository';

export interface AuthRepositoriesHarness {
  readonly tenants: TenantRepository;
  readonly tokens: TokenRepository;
  close(): Promise<void>;
}

/** Builds a fresh, empty store. */
export type AuthRepositoriesFactory = () => Promise<AuthRepositoriesHarness>;

const tenant = (slug: string, profile?: string): Tenant => ({
  id: randomUUID(),
  slug,
  createdAt: '2024-01-01T00:00:00.000Z',
  ...(profile !== undefined ? { profile } : {}),
});

/** How a tenant reads back: `profile` null when it was not set. */
const stored = (t: Tenant): Tenant => ({
  ...t,
  profile: t.profile ?? null,
  deprovisioning: t.deprovisioning ?? null,
  groupCycles: t.groupCycles ?? null,
  disabledAt: t.disabledAt ?? null,
  notifications: t.notifications ?? null,
  defaultRole: t.defaultRole ?? null,
  linkPolicy: t.linkPolicy ?? null,
  tokenPolicy: t.tokenPolicy ?? null,
  switches: t.switches ?? null,
});

const newToken = (tenantId: string, overrides: Partial<NewServiceToken> = {}): NewServiceToken => ({
  id: randomUUID(),
  tenantId,
  name: 'okta',
  prefix: 'scim_abcdefg',
  hash: randomUUID().replace(/-/g, '').repeat(2),
  scopes: ['users:read', 'groups:write'],
  createdAt: '2024-01-01T00:00:00.000Z',
  expiresAt: null,
  ...overrides,
});

/** The record a freshly created token reads back as. */
const recordOf = (t: NewServiceToken): ServiceToken => ({
  id: t.id,
  tenantId: t.tenantId,
  name: t.name,
  prefix: t.prefix,
  scopes: t.scopes,
  createdAt: t.createdAt,
  expiresAt: t.expiresAt,
  revokedAt: null,
  lastUsedAt: null,
  profile: t.profile ?? null,
});

export function authRepositoriesContract(factory: AuthRepositoriesFactory): void {
  let h: AuthRepositoriesHarness;
  beforeEach(async () => {
    h = await factory();
  });
  afterEach(async () => {
    await h?.close();
  });

  describe('tenants', () => {
    it('creates and finds a tenant by id and by slug', async () => {
      const t = tenant('acme');
      expect(await h.tenants.create(t)).toEqual(t);
      expect(await h.tenants.findById(t.id)).toEqual(stored(t));
      expect(await h.tenants.findBySlug('acme')).toEqual(stored(t));
      expect(await h.tenants.findBySlug('ACME')).toBeNull();
      expect(await h.tenants.findById(randomUUID())).toBeNull();
    });

    it('counts tenants and lists them by slug', async () => {
      expect(await h.tenants.count()).toBe(0);
      expect(await h.tenants.list()).toEqual([]);
      const [zeta, acme, beta] = [tenant('zeta'), tenant('acme'), tenant('beta')];
      for (const t of [zeta, acme, beta]) {
        await h.tenants.create(t);
      }
      expect(await h.tenants.count()).toBe(3);
      expect(await h.tenants.list()).toEqual([acme, beta, zeta].map(stored));
    });

    it("keeps a tenant's profile", async () => {
      const t = tenant('entra-tenant', 'entra');
      await h.tenants.create(t);
      expect(await h.tenants.findBySlug('entra-tenant')).toEqual(stored(t));
      expect(await h.tenants.list()).toEqual([stored(t)]);
    });

    it("changes a tenant's settings: profile and deprovisioning mode", async () => {
      const t = tenant('settings');
      await h.tenants.create(t);
      expect(await h.tenants.updateSettings(t.id, { deprovisioning: 'soft', profile: 'okta' })).toBe(true);
      expect(await h.tenants.findById(t.id)).toEqual({ ...stored(t), deprovisioning: 'soft', profile: 'okta' });
      expect(await h.tenants.updateSettings(t.id, { profile: null })).toBe(true);
      expect(await h.tenants.findById(t.id)).toEqual({ ...stored(t), deprovisioning: 'soft', profile: null });
      expect(await h.tenants.updateSettings('no-such-tenant', { deprovisioning: 'hard' })).toBe(false);
    });

    it('changes the lifecycle settings: disabled, notifications, default role, link policy', async () => {
      const t = tenant('lifecycle');
      await h.tenants.create(t);
      const settings = {
        disabledAt: '2026-01-02T03:04:05.000Z',
        notifications: 'off' as const,
        defaultRole: 'member',
        linkPolicy: 'verified-email' as const,
        tokenPolicy: 'oauth-only' as const,
      };
      expect(await h.tenants.updateSettings(t.id, settings)).toBe(true);
      expect(await h.tenants.findById(t.id)).toEqual({ ...stored(t), ...settings });
      const token = newToken(t.id);
      await h.tokens.create(token);
      expect(await h.tokens.findByHash(token.hash)).toMatchObject({
        tenantDisabledAt: settings.disabledAt,
        tenantLinkPolicy: 'verified-email',
        tenantTokenPolicy: 'oauth-only',
      });
      await h.tenants.updateSettings(t.id, { disabledAt: null, defaultRole: null });
      expect(await h.tenants.findById(t.id)).toEqual({ ...stored(t), ...settings, disabledAt: null, defaultRole: null });
    });

    it("keeps a tenant's profile switches and loads them with its tokens", async () => {
      const t = tenant('switches');
      await h.tenants.create(t);
      const token = newToken(t.id);
      await h.tokens.create(token);
      expect(await h.tokens.findByHash(token.hash)).toMatchObject({ tenantSwitches: null });
      const switches = 'allowRemoveAll=true,unknownAttributes=reject';
      expect(await h.tenants.updateSettings(t.id, { switches })).toBe(true);
      expect(await h.tenants.findById(t.id)).toEqual({ ...stored(t), switches });
      expect(await h.tokens.findByHash(token.hash)).toMatchObject({ tenantSwitches: switches });
      await h.tenants.updateSettings(t.id, { switches: null });
      expect(await h.tenants.findById(t.id)).toEqual(stored(t));
    });

    it('maps groups to roles by displayName, case-insensitively, per tenant', async () => {
      const a = tenant('roles-a');
      const b = tenant('roles-b');
      await h.tenants.create(a);
      await h.tenants.create(b);
      const at = '2026-01-01T00:00:00.000Z';
      expect(await h.tenants.setRoleMapping(a.id, 'Platform Admins', 'admin', at)).toBe(true);
      expect(await h.tenants.setRoleMapping(a.id, 'Owners', 'owner', at)).toBe(true);
      // the same group in another case replaces the mapping (and its spelling)
      expect(await h.tenants.setRoleMapping(a.id, 'platform ADMINS', 'member', at)).toBe(true);
      expect(await h.tenants.roleMappings(a.id)).toEqual([
        { group: 'Owners', role: 'owner' },
        { group: 'platform ADMINS', role: 'member' },
      ]);
      expect(await h.tenants.roleMappings(b.id)).toEqual([]);
      expect(await h.tenants.setRoleMapping(a.id, 'OWNERS', null, at)).toBe(true);
      expect(await h.tenants.setRoleMapping(a.id, 'Owners', null, at)).toBe(false);
      expect(await h.tenants.roleMappings(a.id)).toEqual([{ group: 'platform ADMINS', role: 'member' }]);
    });

    it('rejects a second tenant with the same slug', async () => {
      await h.tenants.create(tenant('acme'));
      await expect(h.tenants.create(tenant('acme'))).rejects.toThrow();
      expect(await h.tenants.count()).toBe(1);
    });
  });

  describe('tokens', () => {
    let acme: Tenant;
    let other: Tenant;
    beforeEach(async () => {
      acme = await h.tenants.create(tenant('acme'));
      other = await h.tenants.create(tenant('other', 'okta'));
    });

    it('creates a token and finds it by hash and by id, never exposing the hash', async () => {
      const input = newToken(acme.id, { expiresAt: '2030-01-01T00:00:00.000Z' });
      const created = await h.tokens.create(input);
      expect(created).toEqual(recordOf(input));
      expect(await h.tokens.findByHash(input.hash)).toEqual({
        ...recordOf(input),
        tenantProfile: null,
        tenantDeprovisioning: null,
        tenantGroupCycles: null,
        tenantDisabledAt: null,
        tenantLinkPolicy: null,
        tenantTokenPolicy: null,
        tenantSwitches: null,
      });
      expect(await h.tokens.findById(input.id)).toEqual(recordOf(input));
      expect(created).not.toHaveProperty('hash');
      expect(JSON.stringify(created)).not.toContain(input.hash);
    });

    it("keeps a token's profile and reads its tenant's profile with findByHash", async () => {
      const own = newToken(other.id, { profile: 'entra' });
      const inherited = newToken(other.id);
      await h.tokens.create(own);
      await h.tokens.create(inherited);
      expect(await h.tokens.findByHash(own.hash)).toEqual({
        ...recordOf(own),
        tenantProfile: 'okta',
        tenantDeprovisioning: null,
        tenantGroupCycles: null,
        tenantDisabledAt: null,
        tenantLinkPolicy: null,
        tenantTokenPolicy: null,
        tenantSwitches: null,
      });
      expect(await h.tokens.findByHash(inherited.hash)).toMatchObject({
        profile: null,
        tenantProfile: 'okta',
        tenantDeprovisioning: null,
        tenantGroupCycles: null,
        tenantDisabledAt: null,
        tenantLinkPolicy: null,
        tenantTokenPolicy: null,
        tenantSwitches: null,
      });
      expect(await h.tokens.findById(own.id)).toEqual(recordOf(own));
    });

    it('returns null for an unknown hash or id', async () => {
      await h.tokens.create(newToken(acme.id));
      expect(await h.tokens.findByHash('0'.repeat(64))).toBeNull();
      expect(await h.tokens.findById(randomUUID())).toBeNull();
    });

    it('rejects a second token with the same hash', async () => {
      const input = newToken(acme.id);
      await h.tokens.create(input);
      await expect(h.tokens.create(newToken(other.id, { hash: input.hash }))).rejects.toThrow();
      expect(await h.tokens.list()).toHaveLength(1);
    });

    it.each<[Scope[]]>([
      [[]],
      [['users:read']],
      [['users:read', 'users:write', 'groups:read', 'groups:write']],
    ])('round-trips scopes %j', async (scopes) => {
      const input = newToken(acme.id, { scopes });
      await h.tokens.create(input);
      expect((await h.tokens.findByHash(input.hash))?.scopes).toEqual(scopes);
    });

    it('keeps stored scopes apart from the arrays callers hold', async () => {
      const input = newToken(acme.id, { scopes: ['users:read'] });
      const created = await h.tokens.create(input);
      (created.scopes as Scope[]).push('groups:write');
      expect((await h.tokens.findById(input.id))?.scopes).toEqual(['users:read']);
    });

    it('revokes once: true, then false; unknown ids give false', async () => {
      const input = newToken(acme.id);
      await h.tokens.create(input);
      expect(await h.tokens.revoke(input.id, '2024-02-01T00:00:00.000Z')).toBe(true);
      expect(await h.tokens.revoke(input.id, '2024-03-01T00:00:00.000Z')).toBe(false);
      expect(await h.tokens.findByHash(input.hash)).toMatchObject({
        revokedAt: '2024-02-01T00:00:00.000Z',
      });
      expect(await h.tokens.revoke(randomUUID(), '2024-02-01T00:00:00.000Z')).toBe(false);
    });

    it('touches lastUsedAt, and ignores unknown ids', async () => {
      const input = newToken(acme.id);
      await h.tokens.create(input);
      await h.tokens.touch(input.id, '2024-02-01T00:00:00.000Z');
      expect((await h.tokens.findById(input.id))?.lastUsedAt).toBe('2024-02-01T00:00:00.000Z');
      await h.tokens.touch(input.id, '2024-02-02T00:00:00.000Z');
      expect(await h.tokens.findByHash(input.hash)).toEqual({
        ...recordOf(input),
        lastUsedAt: '2024-02-02T00:00:00.000Z',
        tenantProfile: null,
        tenantDeprovisioning: null,
        tenantGroupCycles: null,
        tenantDisabledAt: null,
        tenantLinkPolicy: null,
        tenantTokenPolicy: null,
        tenantSwitches: null,
      });
      await expect(
        h.tokens.touch(randomUUID(), '2024-02-01T00:00:00.000Z'),
      ).resolves.toBeUndefined();
    });

    it('lists tokens by creation time, for one tenant or for all', async () => {
      const second = newToken(acme.id, { name: 'second', createdAt: '2024-02-01T00:00:00.000Z' });
      const first = newToken(acme.id, { name: 'first', createdAt: '2024-01-01T00:00:00.000Z' });
      const elsewhere = newToken(other.id, {
        name: 'other',
        createdAt: '2024-01-15T00:00:00.000Z',
      });
      for (const t of [second, first, elsewhere]) {
        await h.tokens.create(t);
      }
      await h.tokens.revoke(first.id, '2024-03-01T00:00:00.000Z');
      expect((await h.tokens.list(acme.id)).map((t) => t.name)).toEqual(['first', 'second']);
      expect((await h.tokens.list(other.id)).map((t) => t.name)).toEqual(['other']);
      expect((await h.tokens.list()).map((t) => t.name)).toEqual(['first', 'other', 'second']);
      expect(await h.tokens.list(randomUUID())).toEqual([]);
      expect((await h.tokens.list(acme.id))[0].revokedAt).toBe('2024-03-01T00:00:00.000Z');
    });
  });
}
