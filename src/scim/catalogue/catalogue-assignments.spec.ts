import { StoredResource } from '../../core/ports/resource.types';
import { AssignableCatalogue, CatalogueAssignments } from './catalogue-assignments';

const stored = (value: string, supported = true): StoredResource => ({
  id: value,
  tenantId: 't',
  resource: { value, supported },
  version: 1,
  created: '',
  lastModified: '',
});

function catalogue(name: string, attribute: 'roles' | 'entitlements', list: string[], reads: string[]): AssignableCatalogue {
  return {
    name,
    endpoint: `/${name}s`,
    attribute,
    resources: async () => {
      reads.push(name);
      return list.map((v) => stored(v));
    },
  };
}

describe('CatalogueAssignments', () => {
  const reads: string[] = [];
  const check = new CatalogueAssignments([
    catalogue('Role', 'roles', ['admin'], reads),
    catalogue('Entitlement', 'entitlements', ['storage'], reads),
    catalogue('License', 'entitlements', ['pro', 'Storage'], reads),
  ]);

  beforeEach(() => {
    reads.length = 0;
  });

  it('looks in the catalogue an item\'s type names, else in every catalogue of the attribute', async () => {
    const out = await check.check('t', { entitlements: [{ value: 'PRO' }, { value: 'storage', type: 'license' }] }, undefined);
    expect(out.entitlements).toEqual([{ value: 'pro' }, { value: 'Storage', type: 'license' }]);
    await expect(check.check('t', { entitlements: [{ value: 'pro', type: 'Entitlement' }] }, undefined)).rejects.toMatchObject({
      scimType: 'invalidValue',
      detail: expect.stringContaining('"pro" is not in the tenant\'s catalogue: Entitlement (GET /Entitlements)'),
    });
  });

  it('reads nothing when the write adds no value, and keeps held values as they are', async () => {
    const before = { roles: [{ value: 'gone' }] };
    expect(await check.check('t', { roles: [{ value: 'GONE', primary: true }], active: false }, before)).toEqual({
      roles: [{ value: 'GONE', primary: true }],
      active: false,
    });
    expect(reads).toEqual([]);
    await expect(check.check('t', { roles: [{ value: 'gone' }, { display: 'x' }] }, before)).rejects.toMatchObject({
      detail: 'Each of roles needs a value from the tenant\'s catalogue',
    });
  });

  it('leaves an attribute no catalogue governs free-form', async () => {
    const only = new CatalogueAssignments([catalogue('Role', 'roles', [], reads)]);
    expect(await only.check('t', { entitlements: [{ value: 'anything' }] }, undefined)).toEqual({ entitlements: [{ value: 'anything' }] });
  });
});
