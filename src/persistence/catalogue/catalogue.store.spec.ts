import { ScimError } from '../../core/errors/scim-error';
import { CatalogueEntry, CatalogueProvider } from '../../core/ports/catalogue';
import { TenantRepository } from '../../core/ports/tenant.repository';
import { OKTA_ENTITLEMENT_SCHEMA_ID, catalogueSchema } from '../../core/schema/catalogue.schema';
import { parseFilter } from '../../core/filter/filter.parser';
import { createDefaultRegistry } from '../../core/schema/schema.registry';
import { attr } from '../../core/schema/schema.types';
import { CatalogueStore } from './catalogue.store';

const EXT = 'urn:example:scim:schemas:extension:plans:1.0:License';
const registry = createDefaultRegistry({
  schemas: [
    catalogueSchema('Entitlement', true),
    { id: EXT, name: 'License', description: '', attributes: [attr('seats', { type: 'integer' })] },
  ],
  resourceTypes: [
    {
      id: 'License',
      name: 'License',
      endpoint: '/Licenses',
      description: '',
      schema: OKTA_ENTITLEMENT_SCHEMA_ID,
      schemaExtensions: [{ schema: EXT, required: false }],
    },
  ],
});
const tenants = {
  findById: async (id: string) => (id === 't1' ? { id, slug: 't1', createdAt: '2024-01-01T00:00:00.000Z' } : null),
} as unknown as TenantRepository;

class MapProvider implements CatalogueProvider {
  readonly entries = new Map<string, CatalogueEntry>();
  constructor(list: CatalogueEntry[]) {
    for (const e of list) {
      this.entries.set(e.value, e);
    }
  }
  async list(): Promise<CatalogueEntry[]> {
    return [...this.entries.values()];
  }
  async save(_t: string, _type: string, e: CatalogueEntry, at: string): Promise<void> {
    this.entries.set(e.value, { ...e, lastModified: at, version: (this.entries.get(e.value)?.version ?? 0) + 1 });
  }
  async remove(_t: string, _type: string, value: string): Promise<boolean> {
    return this.entries.delete(value);
  }
}

const filter = (f: string) => parseFilter(f);

describe('CatalogueStore', () => {
  it('serves valid entries in value order, leaves bad and duplicate ones out and says so once', async () => {
    const warnings: string[] = [];
    const provider = new MapProvider([]);
    const list: CatalogueEntry[] = [
      { value: 'pro', attributes: { [EXT]: { seats: 10 } } },
      { value: 'basic', displayName: 'Basic', supported: false },
      { value: ' spaced' },
      { value: 'PRO' },
      { value: '' },
    ];
    provider.list = async () => list;
    const store = new CatalogueStore(registry, 'License', provider, tenants, { writable: false, warn: (m) => warnings.push(m) });
    const all = await store.resources('t1');
    expect(all.map((s) => s.id)).toEqual(['basic', 'pro']);
    expect(all[1].resource).toEqual({
      schemas: [OKTA_ENTITLEMENT_SCHEMA_ID, EXT],
      value: 'pro',
      displayName: 'pro',
      display: 'pro',
      type: 'License',
      supported: true,
      [EXT]: { seats: 10 },
    });
    expect(all[1].created).toBe('2024-01-01T00:00:00.000Z');
    await store.resources('t1');
    expect(warnings).toHaveLength(3);
    expect(warnings.join('\n')).toMatch(/"PRO" is not served: it is listed twice/);
  });

  it('filters on extension attributes and pages by position', async () => {
    const store = new CatalogueStore(
      registry,
      'License',
      new MapProvider(['a', 'b', 'c', 'd'].map((v, i) => ({ value: v, attributes: { [EXT]: { seats: i } } }))),
      tenants,
      { writable: false },
    );
    const page = await store.search('t1', { filter: filter(`${EXT}:seats ge 2`), startIndex: 1, count: 10 });
    expect(page.items.map((s) => s.id)).toEqual(['c', 'd']);
    const first = await store.search('t1', { startIndex: 1, count: 3, keyset: {} });
    expect(first.items.map((s) => s.id)).toEqual(['a', 'b', 'c']);
    expect(first).toMatchObject({ hasNext: true, hasPrevious: false, keys: { first: '0', last: '2' } });
    const next = await store.search('t1', { startIndex: 1, count: 3, keyset: { after: '2' } });
    expect(next.items.map((s) => s.id)).toEqual(['d']);
    const back = await store.search('t1', { startIndex: 1, count: 3, keyset: { before: '3' } });
    expect(back.items.map((s) => s.id)).toEqual(['a', 'b', 'c']);
  });

  it('refuses writes with 405 while read-only', async () => {
    const store = new CatalogueStore(registry, 'License', new MapProvider([{ value: 'a' }]), tenants, { writable: false });
    const err = await store.delete('t1', 'a').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScimError);
    expect(err).toMatchObject({ status: 405, headers: { Allow: 'GET' } });
  });

  it('writes through the provider when writable: create, 409, 412, immutable value, delete', async () => {
    const provider = new MapProvider([]);
    const store = new CatalogueStore(registry, 'License', provider, tenants, { writable: true });
    const at = '2025-01-01T00:00:00.000Z';
    const created = await store.create('t1', { id: 'ignored', created: at, resource: { value: 'pro', displayName: 'Pro', [EXT]: { seats: 3 } } });
    expect(created).toMatchObject({ id: 'pro', version: 1, lastModified: at });
    expect(provider.entries.get('pro')).toMatchObject({ displayName: 'Pro', attributes: { [EXT]: { seats: 3 } } });
    await expect(store.create('t1', { id: 'x', created: at, resource: { value: 'PRO' } })).rejects.toMatchObject({ status: 409 });
    await expect(store.update('t1', 'pro', { resource: { value: 'pro' }, lastModified: at, expectedVersion: 7 })).rejects.toMatchObject({ status: 412 });
    await expect(store.update('t1', 'pro', { resource: { value: 'other' }, lastModified: at, expectedVersion: 1 })).rejects.toMatchObject({ scimType: 'mutability' });
    const updated = await store.update('t1', 'pro', { resource: { value: 'pro', displayName: 'Pro 2' }, lastModified: at, expectedVersion: 1 });
    expect(updated).toMatchObject({ version: 2, resource: { displayName: 'Pro 2' } });
    expect(await store.delete('t1', 'pro')).toBe(true);
    expect(await store.findById('t1', 'pro')).toBeNull();
  });
});
