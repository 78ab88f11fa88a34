/**
 * A tenant's change-event webhook through TenantService.updateTenant, on the
 * in-memory tenant repository: http(s) only, always with a shared secret, the secret never read back
 * with the tenant, never a URL whose host is an internal address unless the operator allows it.
 */
import { REFUSED_URLS } from '../core/egress/destination-address.cases';
import { EgressPolicy } from '../core/egress/egress-policy';
import { ScimError } from '../core/errors/scim-error';
import { InMemoryTenantRepository } from '../persistence/in-memory';
import { TenantService } from './tenant.service';

const SECRET = 'shared-secret-0123456789';

async function setup(egress?: EgressPolicy) {
  const tenants = new InMemoryTenantRepository();
  const service = new TenantService(tenants, { nowIso: () => '2025-06-01T12:00:00.000Z' }, egress);
  const { id } = await service.createTenant('acme');
  return { service, tenants, id };
}

describe('tenant webhook settings', () => {
  it('keeps the URL on the tenant and the secret only for the dispatcher', async () => {
    const { service, tenants, id } = await setup(new EgressPolicy(['127.0.0.1']));
    const t = await service.updateTenant('acme', { webhookUrl: 'https://hooks.example.com/scim', webhookSecret: SECRET });
    expect(t.webhookUrl).toBe('https://hooks.example.com/scim');
    expect(JSON.stringify(await service.listTenants())).not.toContain(SECRET);
    expect(await tenants.webhookOf(id)).toEqual({ url: 'https://hooks.example.com/scim', secret: SECRET });
    // a new URL keeps the stored secret; a new secret alone rotates it
    await service.updateTenant('acme', { webhookUrl: 'http://127.0.0.1:8080/hook' });
    await service.updateTenant('acme', { webhookSecret: 'another-secret-012345' });
    expect(await tenants.webhookOf(id)).toEqual({ url: 'http://127.0.0.1:8080/hook', secret: 'another-secret-012345' });
    // null removes both
    const off = await service.updateTenant('acme', { webhookUrl: null });
    expect(off.webhookUrl).toBeUndefined();
    expect(await tenants.webhookOf(id)).toBeNull();
  });

  it.each([
    [{ webhookUrl: 'ftp://example.com/x', webhookSecret: SECRET }, /http:\/\/ or https:\/\//],
    [{ webhookUrl: 'example.com/hook', webhookSecret: SECRET }, /absolute/],
    [{ webhookUrl: 'https://user:pw@example.com/hook', webhookSecret: SECRET }, /no credentials/],
    [{ webhookUrl: 'https://example.com/hook' }, /needs a secret/],
    [{ webhookUrl: 'https://example.com/hook', webhookSecret: 'short' }, /at least 16/],
    [{ webhookUrl: null, webhookSecret: SECRET }, /removing/],
  ])('refuses %j', async (settings, message) => {
    const { service, tenants, id } = await setup();
    await expect(service.updateTenant('acme', settings)).rejects.toThrow(message);
    expect(await tenants.webhookOf(id)).toBeNull();
  });

  it.each(REFUSED_URLS)('refuses %s (%s) with a 400 that says how to allow it', async (url) => {
    const { service, tenants, id } = await setup();
    const refused = service.updateTenant('acme', { webhookUrl: url, webhookSecret: SECRET });
    await expect(refused).rejects.toBeInstanceOf(ScimError);
    await expect(refused).rejects.toMatchObject({ status: 400, scimType: 'invalidValue' });
    await expect(refused).rejects.toThrow(/webhooks may reach public addresses only.*SCIM_WEBHOOK_ALLOW/);
    expect(await tenants.webhookOf(id)).toBeNull();
  });

  it('refuses an internal address when creating a tenant too', async () => {
    const { service } = await setup();
    await expect(
      service.createTenant('beta', undefined, { webhookUrl: 'http://[::1]:9000/x', webhookSecret: SECRET }),
    ).rejects.toThrow(/\[::1\] is a loopback address/);
    expect(await service.findTenant('beta')).toBeNull();
  });

  it('accepts an internal address the allowlist names, and names (checked at delivery)', async () => {
    const { service } = await setup(new EgressPolicy(['10.0.0.0/8', 'hooks.corp.example']));
    for (const url of ['https://10.20.30.40/hook', 'https://hooks.corp.example/hook', 'https://hooks.example.com/hook']) {
      await expect(service.updateTenant('acme', { webhookUrl: url, webhookSecret: SECRET })).resolves.toMatchObject({
        webhookUrl: url,
      });
    }
    await expect(service.updateTenant('acme', { webhookUrl: 'https://192.168.0.1/hook' })).rejects.toThrow(
      /192\.168\.0\.1 is a private-network address/,
    );
  });
});
