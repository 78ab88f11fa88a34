import { OKTA_ENTITLEMENT_SCHEMA_ID, OKTA_ROLE_SCHEMA_ID } from '../core/schema/catalogue.schema';
import { ENTITLEMENT_CATALOGUE_TYPE, ROLE_CATALOGUE_TYPE } from '../scim/catalogue/catalogue-types';
import { resolveResourceTypes } from './resource-types.validate';

const LICENSE_EXT = 'urn:example:scim:schemas:extension:plans:1.0:License';
const license = (extra: Record<string, unknown> = {}) => ({
  resourceType: {
    name: 'License',
    endpoint: '/Licenses',
    schema: OKTA_ENTITLEMENT_SCHEMA_ID,
    schemaExtensions: [{ schema: LICENSE_EXT, required: false }],
  },
  schemas: [{ id: LICENSE_EXT, name: 'License', attributes: [{ name: 'seats', type: 'integer' }] }],
  catalogue: { provider: class {} },
  ...extra,
});

describe('resolveResourceTypes: catalogue types', () => {
  it('takes Role, Entitlement and a host type sharing the Entitlement core schema', () => {
    const [role, ent, lic] = resolveResourceTypes([ROLE_CATALOGUE_TYPE, ENTITLEMENT_CATALOGUE_TYPE, license()]);
    expect(role).toMatchObject({ scope: 'roles', resourceType: { id: 'Role', schema: OKTA_ROLE_SCHEMA_ID }, schemas: [] });
    expect(ent.scope).toBe('entitlements');
    expect(lic).toMatchObject({ scope: 'licenses', schemas: [{ id: LICENSE_EXT }] });
  });

  it.each<[string, unknown, RegExp]>([
    ['a catalogue schema without catalogue', { ...license(), catalogue: undefined }, /is a catalogue schema: add catalogue: \{\}/],
    [
      'a catalogue on another core schema',
      { ...license(), resourceType: { ...license().resourceType, schema: LICENSE_EXT } },
      /a catalogue type's schema must be urn:okta:scim:schemas:core:1.0:Role or/,
    ],
    ['an unknown catalogue option', license({ catalogue: { cache: true } }), /catalogue has no option "cache"/],
    ['a provider that is not a class', license({ catalogue: { provider: 'plans' } }), /catalogue.provider must be a class/],
    ['writable that is not a boolean', license({ catalogue: { writable: 'yes' } }), /catalogue.writable must be true or false/],
    ['a store beside the catalogue', license({ store: class {} }), /takes a catalogue.provider, not a store/],
    [
      'redefining the Okta core schema',
      license({ schemas: [{ id: OKTA_ENTITLEMENT_SCHEMA_ID, name: 'E', attributes: [{ name: 'x', type: 'string' }] }] }),
      /already registered/,
    ],
  ])('refuses %s', (_label, entry, message) => {
    expect(() => resolveResourceTypes([entry])).toThrow(message);
  });
});
