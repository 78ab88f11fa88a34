/**
 * The OAuth stores on the in-memory implementation and on real SQLite and MariaDB/MySQL: the
 * client repository contract (clients, secrets by hash, revocation once, the state joined with
 * the tenant's settings, exact id comparison), the signing-key and assertion-jti repositories,
 * and the migrations: the tables the entities describe, down() dropping them again.
 */
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { OAuthClient, OAuthClientRepository } from '../../src/core/ports/oauth-client.repository';
import { TenantRepository } from '../../src/core/ports/tenant.repository';
import { InMemoryTenantRepository } from '../../src/persistence/in-memory';
import { InMemoryOAuthClientRepository } from '../../src/persistence/in-memory/in-memory-oauth-client.repository';
import { TypeOrmAssertionJtiRepository } from '../../src/persistence/repositories/typeorm-assertion-jti.repository';
import { TypeOrmOAuthClientRepository } from '../../src/persistence/repositories/typeorm-oauth-client.repository';
import { TypeOrmSigningKeyRepository } from '../../src/persistence/repositories/typeorm-signing-key.repository';
import { TypeOrmTenantRepository } from '../../src/persistence/repositories/typeorm-tenant.repository';
import { TEST_DATABASES } from '../support/databases';
import { TypeOrmStore, openTypeOrmStore } from './support/typeorm-store';

interface Harness {
  tenants: TenantRepository;
  clients: OAuthClientRepository;
  close(): Promise<void>;
}

const T0 = '2025-01-01T00:00:00.000Z';

function clientContract(open: () => Promise<Harness>) {
  let h: Harness;
  let tenantId: string;
  const client = (overrides: Partial<OAuthClient> = {}): OAuthClient => ({
    id: randomUUID(),
    tenantId,
    name: 'entra',
    scopes: ['users:read', 'groups:write'],
    status: 'active',
    createdAt: T0,
    disabledAt: null,
    jwks: null,
    jwksUri: null,
    ...overrides,
  });

  beforeEach(async () => {
    h = await open();
    tenantId = randomUUID();
    await h.tenants.create({ id: tenantId, slug: `t-${tenantId.slice(0, 8)}`, createdAt: T0 });
  });
  afterEach(async () => {
    await h.close();
  });

  it('creates, finds, lists and updates clients', async () => {
    const c = client({ jwks: { keys: [{ kty: 'EC', kid: 'a' }] } });
    expect(await h.clients.create(c)).toEqual(c);
    expect(await h.clients.findById(c.id)).toEqual(c);
    expect(await h.clients.findById(`${c.id} `)).toBeNull();
    expect(await h.clients.list(tenantId)).toEqual([c]);
    expect(await h.clients.update(c.id, { status: 'disabled', disabledAt: T0, scopes: ['users:read'], jwks: null, jwksUri: 'https://k.example/jwks' })).toBe(true);
    expect(await h.clients.findById(c.id)).toEqual({ ...c, status: 'disabled', disabledAt: T0, scopes: ['users:read'], jwks: null, jwksUri: 'https://k.example/jwks' });
    expect(await h.clients.update('nobody', { name: 'x' })).toBe(false);
  });

  it('reads the state with the tenant settings', async () => {
    const c = client();
    await h.clients.create(c);
    await h.tenants.updateSettings(tenantId, { profile: 'entra', disabledAt: T0, deprovisioning: 'soft' });
    expect(await h.clients.findState(c.id)).toMatchObject({ ...c, tenantProfile: 'entra', tenantDisabledAt: T0, tenantDeprovisioning: 'soft' });
    expect(await h.clients.findState('nobody')).toBeNull();
  });

  it('keeps secrets by hash, revokes each once, records the last use', async () => {
    const c = client();
    await h.clients.create(c);
    const hash = 'a'.repeat(64);
    const s = await h.clients.addSecret({ id: randomUUID(), clientId: c.id, prefix: 'scimsec_abcd', hash, createdAt: T0, expiresAt: '2027-01-01T00:00:00.000Z' });
    expect(JSON.stringify(s)).not.toContain(hash);
    expect(await h.clients.findSecretByHash(hash)).toEqual(s);
    expect(await h.clients.findSecretByHash(`${hash.slice(0, 63)} `)).toBeNull();
    await h.clients.touchSecret(s.id, T0);
    expect((await h.clients.listSecrets(c.id))[0].lastUsedAt).toBe(T0);
    expect(await h.clients.revokeSecret('other-client', s.id, T0)).toBe(false);
    expect(await h.clients.revokeSecret(c.id, s.id, T0)).toBe(true);
    expect(await h.clients.revokeSecret(c.id, s.id, T0)).toBe(false);
    expect((await h.clients.findSecretByHash(hash))?.revokedAt).toBe(T0);
  });
}

describe('InMemoryOAuthClientRepository', () => {
  clientContract(async () => {
    const tenants = new InMemoryTenantRepository();
    return { tenants, clients: new InMemoryOAuthClientRepository(tenants), close: async () => undefined };
  });
});

describe.each(TEST_DATABASES)('TypeOrmOAuthClientRepository on %s', (kind) => {
  clientContract(async () => {
    const store = await openTypeOrmStore(kind);
    return { tenants: new TypeOrmTenantRepository(store.ds), clients: new TypeOrmOAuthClientRepository(store.ds), close: store.close };
  });
});

describe.each(TEST_DATABASES)('OAuth keys, jtis and migrations on %s', (kind) => {
  let store: TypeOrmStore;
  let ds: DataSource;
  beforeAll(async () => {
    store = await openTypeOrmStore(kind);
    ds = store.ds;
  });
  afterAll(async () => {
    await store?.close();
  });

  it('signing keys: newest first, older ones retired, retired ones deleted after their time', async () => {
    const repo = new TypeOrmSigningKeyRepository(ds);
    const key = (kid: string, createdAt: string) => ({ kid, alg: 'RS256', publicJwk: '{}', sealedPrivateKey: 'x', createdAt, retiredAt: null });
    await repo.insert(key('k1', '2025-01-01T00:00:00.000Z'));
    await repo.insert(key('k2', '2025-02-01T00:00:00.000Z'));
    expect((await repo.list()).map((k) => k.kid)).toEqual(['k2', 'k1']);
    expect(await repo.retireOlderThan('2025-02-01T00:00:00.000Z', '2025-02-01T00:00:00.000Z')).toBe(1);
    expect(await repo.deleteRetiredBefore('2025-01-15T00:00:00.000Z')).toBe(0);
    expect(await repo.deleteRetiredBefore('2025-03-01T00:00:00.000Z')).toBe(1);
    expect((await repo.list()).map((k) => [k.kid, k.retiredAt])).toEqual([['k2', null]]);
  });

  it('assertion jtis: the first use wins, a second is a replay; expired ones are pruned', async () => {
    const repo = new TypeOrmAssertionJtiRepository(ds);
    const k = 'b'.repeat(64);
    expect(await repo.use(k, 'c1', '2025-01-01T00:05:00.000Z')).toBe(true);
    expect(await repo.use(k, 'c1', '2025-01-01T00:05:00.000Z')).toBe(false);
    expect(await repo.use(`${k.slice(0, 63)} `, 'c1', '2025-01-01T00:05:00.000Z')).toBe(true);
    const both = await Promise.all([0, 1].map(() => repo.use('c'.repeat(64), 'c1', '2025-01-01T00:05:00.000Z')));
    expect(both.sort()).toEqual([false, true]);
    expect(await repo.pruneExpired('2025-01-01T00:06:00.000Z', 100)).toBe(3);
  });

  it('the entities match the tables (MySQL), and down() drops the OAuth tables again', async () => {
    if (kind === 'mysql') {
      const pending = (await ds.driver.createSchemaBuilder().log()).upQueries
        .map((q) => q.query)
        .filter((q) => /scim_oauth|token_policy/.test(q))
        // TypeORM artefacts, as for the group tables: text vs longtext, MariaDB's DEFAULT NULL
        // read as a change of a nullable column, and the foreign keys the migrations add (the
        // entities declare no relations)
        .filter((q) => !/`jwks`|`public_jwk`|`private_key`/.test(q))
        .filter((q) => !/DROP FOREIGN KEY/.test(q))
        .filter((q) => !/^ALTER TABLE `\w+` CHANGE `(\w+)` `\1` varchar\(\d+\) NULL$/.test(q));
      expect(pending).toEqual([]);
    }
    const first = ds.migrations.findIndex((m) => m.name === 'OAuthClients1763985000000');
    for (let i = ds.migrations.length - 1; i >= first; i--) {
      await ds.undoLastMigration();
    }
    const qr = ds.createQueryRunner();
    try {
      for (const t of ['scim_oauth_clients', 'scim_oauth_client_secrets', 'scim_oauth_signing_keys', 'scim_oauth_assertion_jtis']) {
        expect(await qr.hasTable(t)).toBe(false);
      }
      expect(await qr.hasColumn('scim_tenants', 'token_policy')).toBe(false);
      await ds.runMigrations();
      expect(await qr.hasTable('scim_oauth_assertion_jtis')).toBe(true);
    } finally {
      await qr.release();
    }
  });
});
