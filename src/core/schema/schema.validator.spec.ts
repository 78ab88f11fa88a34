import { createDefaultRegistry } from './schema.registry';
import { attr } from './schema.types';
import { SchemaDefinitionError, parseExtensionSchemas } from './schema.validator';
import { ENTERPRISE_USER_SCHEMA_ID, USER_SCHEMA_ID } from './user.schema';

const URN = 'urn:example:params:scim:schemas:extension:acme:2.0:User';
const schema = (attributes: unknown[], extra: Record<string, unknown> = {}) => ({
  id: URN,
  name: 'AcmeUser',
  description: 'Acme',
  attributes,
  ...extra,
});

function problemsOf(input: unknown, taken?: string[]): string[] {
  try {
    parseExtensionSchemas(input, { taken });
  } catch (e) {
    expect(e).toBeInstanceOf(SchemaDefinitionError);
    return [...(e as SchemaDefinitionError).problems];
  }
  throw new Error('expected a SchemaDefinitionError');
}

describe('parseExtensionSchemas', () => {
  it('fills in the RFC 7643 §2.2 defaults, like attr()', () => {
    const [s] = parseExtensionSchemas([
      schema([
        { name: 'costCenter' },
        { name: 'clearance', type: 'integer', required: true },
        { name: 'homepage', type: 'reference' },
        { name: 'badge', mutability: 'immutable', caseExact: true, canonicalValues: ['A', 'B'] },
        { name: 'office', type: 'complex', subAttributes: [{ name: 'building' }, { name: 'floor', type: 'integer' }] },
      ]),
    ]);
    expect(s.attributes).toEqual([
      attr('costCenter'),
      attr('clearance', { type: 'integer', required: true }),
      attr('homepage', { type: 'reference' }),
      attr('badge', { mutability: 'immutable', caseExact: true, canonicalValues: ['A', 'B'] }),
      attr('office', { type: 'complex', subAttributes: [attr('building'), attr('floor', { type: 'integer' })] }),
    ]);
    expect(s.attributes[2].referenceTypes).toEqual(['external']);
  });

  it('accepts definitions built in code with attr(), and a copy of a /Schemas response', () => {
    const built = { id: URN, name: 'X', description: '', attributes: [attr('a'), attr('b', { type: 'boolean' })] };
    expect(parseExtensionSchemas([built])).toEqual([built]);
    const rendered = { ...built, schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'], meta: { resourceType: 'Schema' } };
    expect(parseExtensionSchemas([rendered])).toEqual([built]);
  });

  it('names the schema from its URN when "name" is absent', () => {
    expect(parseExtensionSchemas([{ id: URN, attributes: [{ name: 'a' }] }])[0]).toMatchObject({
      name: 'User',
      description: '',
    });
  });

  it('builds a registry that resolves the new attributes', () => {
    const exts = parseExtensionSchemas([schema([{ name: 'costCenter' }])]);
    const registry = createDefaultRegistry({ schemas: exts });
    expect(registry.getSchema(URN.toUpperCase())?.attributes[0].name).toBe('costCenter');
  });

  it.each<[string, unknown, RegExp]>([
    ['not an array', { id: URN }, /expected an array/],
    ['a schema that is no object', ['x'], /schema #1: expected an object/],
    ['an id that is no URN', [schema([{ name: 'a' }], { id: 'acme-user' })], /"id" must be a URN/],
    ['a reserved message URN', [schema([{ name: 'a' }], { id: 'urn:ietf:params:scim:api:messages:2.0:Foo' })], /reserved namespace/],
    ['no attributes', [schema([])], /"attributes" must be a non-empty array/],
    ['an unknown schema property', [schema([{ name: 'a' }], { attributs: [] })], /unknown property "attributs"/],
    ['a bad attribute name', [schema([{ name: '1st' }])], /attribute "1st": "name" must start with a letter/],
    ['a $ref top-level attribute', [schema([{ name: '$ref' }])], /"name" must start with a letter/],
    ['a duplicate name in another case', [schema([{ name: 'a' }, { name: 'A' }])], /attribute "A": the name is used twice/],
    ['an unknown type', [schema([{ name: 'a', type: 'int' }])], /"type" is "int", expected one of string, boolean/],
    ['a non-boolean required', [schema([{ name: 'a', required: 'yes' }])], /"required" must be true or false/],
    ['an unknown mutability', [schema([{ name: 'a', mutability: 'readonly' }])], /"mutability" is "readonly"/],
    ['an unknown returned', [schema([{ name: 'a', returned: 'sometimes' }])], /"returned" is "sometimes"/],
    ['an unknown attribute property (typo)', [schema([{ name: 'a', mutable: false }])], /unknown property "mutable"/],
    ['a multi-valued attribute', [schema([{ name: 'badges', multiValued: true }])], /multi-valued attributes are not supported/],
    ['a multi-valued sub-attribute', [schema([{ name: 'o', type: 'complex', subAttributes: [{ name: 'x', multiValued: true }] }])], /sub-attribute "x": multi-valued/],
    ['uniqueness server', [schema([{ name: 'a', uniqueness: 'server' }])], /uniqueness "server" cannot be enforced/],
    ['canonicalValues on an integer', [schema([{ name: 'a', type: 'integer', canonicalValues: ['1'] }])], /canonicalValues" applies to string/],
    ['empty canonicalValues', [schema([{ name: 'a', canonicalValues: [] }])], /non-empty array of non-empty strings/],
    ['referenceTypes on a string', [schema([{ name: 'a', referenceTypes: ['User'] }])], /referenceTypes" applies to reference/],
    ['required and readOnly', [schema([{ name: 'a', required: true, mutability: 'readOnly' }])], /cannot be readOnly/],
    ['writeOnly but returned', [schema([{ name: 'a', mutability: 'writeOnly' }])], /writeOnly attribute must have returned "never"/],
    ['complex without sub-attributes', [schema([{ name: 'a', type: 'complex' }])], /needs a non-empty "subAttributes"/],
    ['a complex sub-attribute', [schema([{ name: 'a', type: 'complex', subAttributes: [{ name: 'b', type: 'complex', subAttributes: [{ name: 'c' }] }] }])], /sub-attribute cannot be complex/],
    ['sub-attributes on a string', [schema([{ name: 'a', subAttributes: [{ name: 'b' }] }])], /"subAttributes" applies to complex/],
    ['the same URN twice', [schema([{ name: 'a' }]), schema([{ name: 'b' }], { id: URN.toLowerCase() })], /already registered/],
  ])('refuses %s', (_label, input, message) => {
    expect(problemsOf(input).join('\n')).toMatch(message);
  });

  it('refuses the URN of a built-in schema', () => {
    const taken = [USER_SCHEMA_ID, ENTERPRISE_USER_SCHEMA_ID];
    expect(problemsOf([schema([{ name: 'a' }], { id: ENTERPRISE_USER_SCHEMA_ID })], taken)).toEqual([
      `schema #1 "${ENTERPRISE_USER_SCHEMA_ID}": the id is already registered (each schema URN may be used once)`,
    ]);
  });

  it('reports every problem at once, each naming its schema and attribute', () => {
    const problems = problemsOf([schema([{ name: 'a', type: 'int' }, { name: 'b', multiValued: true }])]);
    expect(problems).toEqual([
      `schema #1 "${URN}": attribute "a": "type" is "int", expected one of string, boolean, decimal, integer, dateTime, binary, reference, complex`,
      expect.stringMatching(new RegExp(`^schema #1 "${URN}": attribute "b": multi-valued`)),
    ]);
    expect(() => parseExtensionSchemas([schema([{ name: 'a', type: 'int' }])])).toThrow(
      /^Invalid extension schema: schema #1/,
    );
  });
});
