/**
 * A tenant's change-event webhook through TenantService.updateTenant, on the
 * in-memory tenant repository: http(s) only, always with a shared secret, the secret never read back
 * with the tenant.
 */
import { InMemoryTenantRepository } from '../persistence/in-memory';
import { TenantService } from './tenant.service';

const SECRET = 'shared-secret-0123456789';

async function setup() {
  const tenants = new InMemoryTenantRepository();
  const service = new TenantService(tenants, { nowIso: () => '2025-06-01T12:00:00.000Z' });
  const { id } = await service.createTenant('acme');
  return { service, tenants, id };
}

describe('tenant webhook settings', () => {
  it('keeps the URL on the tenant and the secret only for the dispatcher', async () => {
    const { service, tenants, id } = await setup();
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
});
