import { InMemoryTenantRepository } from '../persistence/in-memory';
import { ScimError } from '../core/errors/scim-error';
import { ScimAuthRequest } from '../core/ports/authenticator';
import { ScimCallers } from './scim-caller.service';

const request = (host: string, key?: string): ScimAuthRequest => ({
  method: 'GET',
  url: '/scim/v2/Users',
  headers: { host, ...(key ? { 'x-api-key': key } : {}) },
});

async function setup() {
  const tenants = new InMemoryTenantRepository();
  await tenants.create({ id: 't-acme', slug: 'acme', createdAt: '2026-01-01T00:00:00.000Z', profile: 'okta' });
  await tenants.create({ id: 't-beta', slug: 'beta', createdAt: '2026-01-01T00:00:00.000Z' });
  // the host's keys: one per customer
  const keys: Record<string, { tenant: string; actorId: string }> = {
    'key-acme': { tenant: 'acme', actorId: 'gateway-acme' },
    'key-beta': { tenant: 't-beta', actorId: 'gateway-beta' },
  };
  const callers = new ScimCallers(
    tenants,
    {
      authenticate: (r) => {
        const k = keys[String(r.headers['x-api-key'])];
        return k ? { ...k, scopes: ['users:write'] } : null;
      },
    },
    // acme.example.com serves tenant acme
    { resolveTenant: (r) => String(r.headers.host).split('.')[0] },
  );
  return { tenants, callers };
}

describe('ScimCallers (host authentication and tenancy)', () => {
  it('turns the host\'s caller into a principal with the tenant\'s settings (by slug or id)', async () => {
    const { callers, tenants } = await setup();
    await tenants.updateSettings('t-acme', { deprovisioning: 'soft', linkPolicy: 'verified-email' });
    expect(await callers.authenticate(request('acme.example.com', 'key-acme'))).toEqual({
      tokenId: 'gateway-acme',
      tenantId: 't-acme',
      scopes: new Set(['users:write', 'users:read']),
      profile: 'okta',
      deprovisioning: 'soft',
      linkByVerifiedEmail: true,
    });
    expect((await callers.authenticate(request('beta.example.com', 'key-beta')))?.tenantId).toBe('t-beta');
  });

  it('no caller, or a caller of an unknown tenant, is not authenticated', async () => {
    const { callers } = await setup();
    expect(await callers.authenticate(request('acme.example.com'))).toBeNull();
    expect(await callers.principalOf({ tenant: 'nope', actorId: 'x', scopes: [] })).toBeNull();
  });

  it('a disabled tenant\'s caller carries tenantDisabled (the scopes guard answers 403)', async () => {
    const { callers, tenants } = await setup();
    await tenants.updateSettings('t-beta', { disabledAt: '2026-02-01T00:00:00.000Z' });
    expect((await callers.authenticate(request('beta.example.com', 'key-beta')))?.tenantDisabled).toBe(true);
  });

  it('a bad caller from the authenticator is a programming error, not a 401', async () => {
    const { callers } = await setup();
    await expect(callers.principalOf({ tenant: 'acme', actorId: '', scopes: [] })).rejects.toThrow(/actorId/);
    await expect(
      callers.principalOf({ tenant: 'acme', actorId: 'a'.repeat(37), scopes: [] }),
    ).rejects.toThrow(/1 to 36/);
    await expect(
      callers.principalOf({ tenant: 'acme', actorId: 'x', scopes: ['admin' as never] }),
    ).rejects.toThrow(/unknown scopes: admin/);
  });

  it('tenancy: a credential works only at its own tenant\'s address (403 elsewhere)', async () => {
    const { callers } = await setup();
    const acme = (await callers.authenticate(request('acme.example.com', 'key-acme')))!;
    await expect(callers.checkTenancy(request('acme.example.com'), acme)).resolves.toBeUndefined();
    const err = await callers.checkTenancy(request('beta.example.com'), acme).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScimError);
    expect((err as ScimError).status).toBe(403);
    await expect(callers.checkTenancy(request('unknown.example.com'), acme)).rejects.toThrow(ScimError);
  });

  it('without an authenticator or a resolver it does nothing', async () => {
    const callers = new ScimCallers(new InMemoryTenantRepository());
    expect(callers.hostAuthenticates).toBe(false);
    expect(await callers.authenticate(request('x'))).toBeNull();
    await expect(
      callers.checkTenancy(request('x'), { tokenId: 't', tenantId: 'x', scopes: new Set() }),
    ).resolves.toBeUndefined();
  });
});
