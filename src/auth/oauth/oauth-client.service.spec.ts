/**
 * OAuthClientService on the in-memory ports: clients per tenant, secrets generated, shown once,
 * stored only as an HMAC under the pepper, expiring within the allowed range, several active
 * for rotation, revocable one by one, and the client_secret check of the token endpoint.
 */
import { createHmac } from 'node:crypto';
import { InMemoryTenantRepository } from '../../persistence/in-memory';
import { InMemoryOAuthClientRepository } from '../../persistence/in-memory/in-memory-oauth-client.repository';
import { ScimError } from '../../core/errors/scim-error';
import { Clock } from '../../core/ports/clock';
import { TenantService } from '../tenant.service';
import { OAuthClientService } from './oauth-client.service';
import { MAX_ACTIVE_SECRETS, resolveOAuthOptions } from './oauth.options';

const PEPPER = 'test-pepper-0123456789';
const DAY = 86_400_000;

class MutableClock implements Clock {
  ms = Date.parse('2025-01-01T00:00:00.000Z');
  nowIso(): string {
    return new Date(this.ms).toISOString();
  }
}

async function setup() {
  const tenants = new InMemoryTenantRepository();
  const repo = new InMemoryOAuthClientRepository(tenants);
  const clock = new MutableClock();
  const tenantService = new TenantService(tenants, clock);
  await tenantService.createTenant('acme');
  const service = new OAuthClientService(
    repo,
    tenantService,
    clock,
    { tokenPepper: PEPPER },
    resolveOAuthOptions(undefined),
  );
  return { service, repo, clock, tenantService };
}

const expectScimError = async (p: Promise<unknown>, status: number) => {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(ScimError);
  expect((e as ScimError).status).toBe(status);
};

describe('OAuthClientService', () => {
  it('creates a client with a secret shown once and stored only as its HMAC', async () => {
    const { service, repo } = await setup();
    const add = jest.spyOn(repo, 'addSecret');
    const { client, secret } = await service.createClient('acme', { name: ' Entra ', scopes: ['users:write'] });
    expect(client).toMatchObject({ name: 'Entra', scopes: ['users:write'], status: 'active' });
    expect(secret!.secret).toMatch(/^scimsec_[A-Za-z0-9_-]{43}$/);
    const stored = add.mock.calls[0][0];
    expect(stored.hash).toBe(createHmac('sha256', PEPPER).update(secret!.secret).digest('hex'));
    expect(JSON.stringify(stored)).not.toContain(secret!.secret);
    expect(JSON.stringify(await service.listSecrets(client.id))).not.toContain(stored.hash);
  });

  it('a secret expires after two years by default; 1 to 3 years may be chosen', async () => {
    const { service } = await setup();
    const { client, secret } = await service.createClient('acme', { name: 'a', scopes: ['users:read'] });
    expect(Date.parse(secret!.record.expiresAt) - Date.parse(secret!.record.createdAt)).toBe(730 * DAY);
    const long = await service.addSecret(client.id, 1095);
    expect(Date.parse(long.record.expiresAt) - Date.parse(long.record.createdAt)).toBe(1095 * DAY);
    await expectScimError(service.addSecret(client.id, 364), 400);
    await expectScimError(service.addSecret(client.id, 1096), 400);
    await expectScimError(service.createClient('acme', { name: 'b', scopes: ['users:read'], secretExpiresInDays: 30 }), 400);
  });

  it('refuses unknown scopes, an unknown tenant and a missing name', async () => {
    const { service } = await setup();
    await expectScimError(service.createClient('acme', { name: 'a', scopes: ['admin'] }), 400);
    await expectScimError(service.createClient('acme', { name: 'a', scopes: [] }), 400);
    await expectScimError(service.createClient('nope', { name: 'a', scopes: ['users:read'] }), 404);
    await expectScimError(service.createClient('acme', { name: ' ', scopes: ['users:read'] }), 400);
  });

  it('rotation: two secrets work at once; a revoked one, an expired one and a wrong one do not', async () => {
    const { service, clock } = await setup();
    const { client, secret } = await service.createClient('acme', { name: 'a', scopes: ['users:read'] });
    const second = await service.addSecret(client.id, 365);
    expect((await service.checkSecret(client.id, secret!.secret)).ok).toBe(true);
    expect((await service.checkSecret(client.id, second.secret)).ok).toBe(true);
    await service.revokeSecret(client.id, secret!.record.id);
    expect(await service.checkSecret(client.id, secret!.secret)).toMatchObject({ ok: false, reason: 'secret_revoked' });
    expect((await service.checkSecret(client.id, second.secret)).ok).toBe(true);
    await expectScimError(service.revokeSecret(client.id, secret!.record.id), 404);
    expect(await service.checkSecret(client.id, second.secret + 'x')).toMatchObject({ ok: false, reason: 'bad_secret' });
    expect(await service.checkSecret('nobody', second.secret)).toMatchObject({ ok: false, reason: 'unknown_client' });
    clock.ms += 366 * DAY;
    expect(await service.checkSecret(client.id, second.secret)).toMatchObject({ ok: false, reason: 'secret_expired' });
  });

  it("a secret of another client does not authenticate this one", async () => {
    const { service } = await setup();
    const a = await service.createClient('acme', { name: 'a', scopes: ['users:read'] });
    const b = await service.createClient('acme', { name: 'b', scopes: ['users:read'] });
    expect(await service.checkSecret(a.client.id, b.secret!.secret)).toMatchObject({ ok: false, reason: 'bad_secret' });
  });

  it('records the last use, and a disabled client does not authenticate until enabled again', async () => {
    const { service } = await setup();
    const { client, secret } = await service.createClient('acme', { name: 'a', scopes: ['users:read'] });
    await service.checkSecret(client.id, secret!.secret);
    expect((await service.listSecrets(client.id))[0].lastUsedAt).not.toBeNull();
    const disabled = await service.updateClient(client.id, { enabled: false });
    expect(disabled).toMatchObject({ status: 'disabled' });
    expect(disabled.disabledAt).not.toBeNull();
    expect(await service.checkSecret(client.id, secret!.secret)).toMatchObject({ ok: false, reason: 'client_disabled' });
    await service.updateClient(client.id, { enabled: true, scopes: ['groups:write'], name: 'renamed' });
    expect(await service.getClient(client.id)).toMatchObject({ status: 'active', disabledAt: null, scopes: ['groups:write'], name: 'renamed' });
    expect((await service.checkSecret(client.id, secret!.secret)).ok).toBe(true);
  });

  it(`holds at most ${MAX_ACTIVE_SECRETS} active secrets; revoking one makes room`, async () => {
    const { service } = await setup();
    const { client, secret } = await service.createClient('acme', { name: 'a', scopes: ['users:read'] });
    for (let i = 1; i < MAX_ACTIVE_SECRETS; i++) {
      await service.addSecret(client.id);
    }
    await expectScimError(service.addSecret(client.id), 409);
    await service.revokeSecret(client.id, secret!.record.id);
    await expect(service.addSecret(client.id)).resolves.toBeDefined();
  });

  it('lists clients per tenant', async () => {
    const { service, tenantService } = await setup();
    await tenantService.createTenant('globex');
    await service.createClient('acme', { name: 'a', scopes: ['users:read'], withSecret: false });
    await service.createClient('globex', { name: 'g', scopes: ['users:read'] });
    expect((await service.listClients('acme')).map((c) => c.name)).toEqual(['a']);
    expect(await service.listClients()).toHaveLength(2);
    expect(await service.listSecrets((await service.listClients('acme'))[0].id)).toEqual([]);
  });
});

describe('resolveOAuthOptions', () => {
  it('defaults: 60 minute tokens, secrets 730 days within 365..1095', () => {
    expect(resolveOAuthOptions(undefined)).toMatchObject({
      accessTokenMinutes: 60,
      secretDays: { default: 730, min: 365, max: 1095 },
      keyRotationDays: 90,
    });
  });
  it.each([[59], [361], [90.5]])('refuses an access token lifetime of %p minutes', (m) => {
    expect(() => resolveOAuthOptions({ accessTokenMinutes: m })).toThrow(/accessTokenMinutes/);
  });
  it('refuses a default outside its range', () => {
    expect(() => resolveOAuthOptions({ secretDays: { default: 30 } })).toThrow(/secretDays/);
  });
});
