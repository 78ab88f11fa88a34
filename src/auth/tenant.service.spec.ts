/**
 * TenantService on the in-memory tenant repository: tenants, their settings and role
 * mappings, every value checked before anything is written. No database, no Nest testing
 * module (STYLE §10 "Service tests use in-memory ports").
 */
import { InMemoryTenantRepository } from '../persistence/in-memory';
import { ScimError } from '../core/errors/scim-error';
import { Clock } from '../core/ports/clock';
import { TenantService } from './tenant.service';

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
  const clock = new MutableClock();
  const service = new TenantService(tenants, clock);
  return { service, tenants, clock };
}

describe('TenantService', () => {
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

    it('deletes a tenant with its role mappings; the others stay; an unknown one is 404', async () => {
      const { service } = setup();
      const acme = await service.createTenant('acme');
      await service.createTenant('other');
      await service.setRoleMapping('acme', 'Admins', 'admin');
      await service.setRoleMapping('other', 'Admins', 'admin');
      await expect(service.deleteTenant('acme')).resolves.toMatchObject({ id: acme.id, slug: 'acme' });
      expect((await service.listTenants()).map((t) => t.slug)).toEqual(['other']);
      await expect(service.getTenant('acme')).rejects.toMatchObject({ status: 404 });
      expect(await service.listRoleMappings('other')).toEqual([{ group: 'Admins', role: 'admin' }]);
      // a new tenant with the slug starts empty
      await service.createTenant('acme');
      expect(await service.listRoleMappings('acme')).toEqual([]);
      await expect(service.deleteTenant('nope')).rejects.toMatchObject({ status: 404, detail: 'Unknown tenant "nope"' });
    });
  });
});

describe('TenantService tenant settings', () => {
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

  it('merges profile switches into the stored ones; default drops one or all (docs/idp/profiles.md)', async () => {
    const { service } = setup();
    await service.createTenant('acme', undefined, { switches: 'allowRemoveAll=true' });
    expect((await service.getTenant('acme')).switches).toBe('allowRemoveAll=true');
    const t = await service.updateTenant('acme', { switches: 'unknownAttributes=reject' });
    expect(t.switches).toBe('allowRemoveAll=true,unknownAttributes=reject');
    expect((await service.updateTenant('acme', { switches: 'allowRemoveAll=default' })).switches).toBe(
      'unknownAttributes=reject',
    );
    expect((await service.updateTenant('acme', { groupCycles: 'allow' })).switches).toBe('unknownAttributes=reject');
    expect((await service.updateTenant('acme', { switches: null })).switches).toBeNull();
  });

  it('scimEnabled false records since when (kept while it stays off); true clears it', async () => {
    const { service, clock } = setup();
    await service.createTenant('acme');
    expect((await service.updateTenant('acme', { scimEnabled: false })).disabledAt).toBe(T0);
    clock.advance(60_000);
    expect((await service.updateTenant('acme', { scimEnabled: false })).disabledAt).toBe(T0);
    expect((await service.updateTenant('acme', { scimEnabled: true })).disabledAt).toBeNull();
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
    ['an unknown switch', { switches: 'removeEverything=true' }, /Unknown switch "removeEverything=true"/],
    ['a switch value', { switches: 'allowRemoveAll=yes' }, /allowRemoveAll takes true, false, default/],
    ['switches as an object', { switches: { allowRemoveAll: true } }, /switches must be a string/],
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
