import { isScimError, ScimType } from '../errors/scim-error';
import { profileFor, ProfileName } from '../profile/idp-profile';
import { findIn } from '../schema/schema.registry';
import { attr, AttributeDefinition } from '../schema/schema.types';
import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA } from '../schema/user.schema';
import { coerceValue, normalizeDateTime } from './value.coercer';

const user = (name: string): AttributeDefinition => findIn(USER_SCHEMA.attributes, name)!;
const manager = findIn(ENTERPRISE_USER_SCHEMA.attributes, 'manager')!;
const level = attr('level', { type: 'integer' });
const score = attr('score', { type: 'decimal' });
const hiredAt = attr('hiredAt', { type: 'dateTime' });
const tags = attr('tags', { multiValued: true });

type Row = [string, AttributeDefinition, unknown, ProfileName, unknown | { error: ScimType }];

const ROWS: Row[] = [
  [
    'RFC 7643 §2.3.1 string kept byte-identical',
    user('userName'),
    ' Ünï@Ex.com ',
    'rfc-strict',
    ' Ünï@Ex.com ',
  ],
  [
    'RFC 7643 §2.3.1 number for a string → invalidValue',
    user('displayName'),
    7,
    'lenient',
    { error: 'invalidValue' },
  ],
  ['RFC 7643 §2.3.2 boolean', user('active'), false, 'rfc-strict', false],
  ['docs/idp/quirks.md #2 "True" coerced (lenient)', user('active'), 'True', 'lenient', true],
  ['docs/idp/quirks.md #2 "FALSE" coerced (entra)', user('active'), 'FALSE', 'entra', false],
  [
    'docs/idp/quirks.md #2 "True" rfc-strict → invalidValue',
    user('active'),
    'True',
    'rfc-strict',
    { error: 'invalidValue' },
  ],
  [
    'RFC 7643 §2.3.2 "yes" is no boolean even in lenient',
    user('active'),
    'yes',
    'lenient',
    { error: 'invalidValue' },
  ],
  ['RFC 7643 §2.3.4 integer', level, 5, 'rfc-strict', 5],
  [
    'RFC 7643 §2.3.4 integer with a fraction → invalidValue',
    level,
    5.5,
    'lenient',
    { error: 'invalidValue' },
  ],
  ['RFC 7643 §2.3.4 lenient numeric string → integer', level, '42', 'lenient', 42],
  [
    'RFC 7643 §2.3.4 rfc-strict numeric string → invalidValue',
    level,
    '42',
    'rfc-strict',
    { error: 'invalidValue' },
  ],
  ['RFC 7643 §2.3.3 decimal', score, 1.25, 'rfc-strict', 1.25],
  ['RFC 7643 §2.3.3 lenient decimal string', score, '-0.5', 'lenient', -0.5],
  [
    'RFC 7643 §2.3.5 dateTime normalized to ISO UTC',
    hiredAt,
    '2015-02-01T10:00:00+02:00',
    'rfc-strict',
    '2015-02-01T08:00:00.000Z',
  ],
  [
    'RFC 7643 §2.3.5 dateTime without zone read as UTC',
    hiredAt,
    '2015-02-01T10:00:00',
    'rfc-strict',
    '2015-02-01T10:00:00.000Z',
  ],
  [
    'RFC 7643 §2.3.5 impossible date → invalidValue',
    hiredAt,
    '2015-02-30T00:00:00Z',
    'lenient',
    { error: 'invalidValue' },
  ],
  [
    'RFC 7643 §2.3.5 not an xsd:dateTime → invalidValue',
    hiredAt,
    'yesterday',
    'lenient',
    { error: 'invalidValue' },
  ],
  [
    'RFC 7643 §2.3.6 binary is a base64 string',
    user('x509Certificates'),
    [{ value: 'MIIDQzCC' }],
    'rfc-strict',
    [{ value: 'MIIDQzCC' }],
  ],
  [
    'RFC 7643 §2.3.7 reference is a string',
    user('profileUrl'),
    'https://login.example.com/bjensen',
    'rfc-strict',
    'https://login.example.com/bjensen',
  ],
  [
    'RFC 7643 §2.3.8 complex: names rewritten to canonical case',
    user('name'),
    { GIVENNAME: 'B', familyname: 'J' },
    'rfc-strict',
    { givenName: 'B', familyName: 'J' },
  ],
  [
    'RFC 7643 §2.3.8 rfc-strict unknown sub-attribute → invalidValue',
    user('name'),
    { nick: 'B' },
    'rfc-strict',
    { error: 'invalidValue' },
  ],
  [
    'RFC 7643 §2.3.8 lenient unknown sub-attribute dropped',
    user('name'),
    { givenName: 'B', nick: 'x' },
    'lenient',
    { givenName: 'B' },
  ],
  [
    'RFC 7643 §2.5 null sub-attribute is unassigned',
    user('name'),
    { givenName: 'B', familyName: null },
    'rfc-strict',
    { givenName: 'B' },
  ],
  [
    'RFC 7643 §2.3.8 an array for a singular complex → invalidValue',
    user('name'),
    [{ givenName: 'B' }],
    'lenient',
    { error: 'invalidValue' },
  ],
  ['RFC 7643 §2.5 null is unassigned', user('displayName'), null, 'rfc-strict', undefined],
  ['RFC 7643 §2.5 [] is unassigned', user('emails'), [], 'rfc-strict', undefined],
  [
    'RFC 7643 §2.4 null elements are dropped',
    user('emails'),
    [null, { value: 'a@x' }],
    'rfc-strict',
    [{ value: 'a@x' }],
  ],
  [
    'RFC 7643 §2.4 rfc-strict single object for multi-valued → invalidValue',
    user('emails'),
    { value: 'a@x' },
    'rfc-strict',
    { error: 'invalidValue' },
  ],
  [
    'RFC 7643 §2.4 lenient single object wrapped',
    user('emails'),
    { value: 'a@x' },
    'lenient',
    [{ value: 'a@x' }],
  ],
  [
    'RFC 7643 §2.4 lenient single string wrapped for multi-valued strings',
    tags,
    'x',
    'lenient',
    ['x'],
  ],
  [
    'RFC 7643 §2.3.1 canonicalValues are a SHOULD: "custom" type kept',
    user('emails'),
    [{ value: 'a@x', type: 'custom' }],
    'rfc-strict',
    [{ value: 'a@x', type: 'custom' }],
  ],
  [
    'RFC 7643 §2.4 rfc-strict two primaries → invalidValue',
    user('emails'),
    [{ value: 'a', primary: true }, { value: 'b', primary: true }],
    'rfc-strict',
    { error: 'invalidValue' },
  ],
  [
    'RFC 7643 §2.4 lenient two primaries keep the first',
    user('emails'),
    [{ value: 'a', primary: true }, { value: 'b', primary: true }],
    'lenient',
    [{ value: 'a', primary: true }, { value: 'b', primary: false }],
  ],
  [
    'docs/idp/quirks.md #2 primary "true" in an element (lenient)',
    user('emails'),
    [{ value: 'a', primary: 'true' }],
    'lenient',
    [{ value: 'a', primary: true }],
  ],
  ['docs/idp/quirks.md #8 manager bare string wrapped (entra)', manager, 'm-1', 'entra', { value: 'm-1' }],
  ['docs/idp/quirks.md #8 manager "" is unassigned (lenient)', manager, '', 'lenient', undefined],
  [
    'docs/idp/quirks.md #8 rfc-strict manager bare string → invalidValue',
    manager,
    'm-1',
    'rfc-strict',
    { error: 'invalidValue' },
  ],
  [
    'RFC 7643 §4.3 manager object',
    manager,
    { value: 'm-1', $ref: '../Users/m-1' },
    'rfc-strict',
    { value: 'm-1', $ref: '../Users/m-1' },
  ],
];

describe('coerceValue (RFC 7643 §2.3 data types)', () => {
  it.each(ROWS)('%s', (_name, def, value, profile, expected) => {
    const run = () => coerceValue(def, value, def.name, profileFor(profile));
    if (expected !== null && typeof expected === 'object' && 'error' in expected) {
      let err: unknown;
      try {
        run();
      } catch (e) {
        err = e;
      }
      expect(isScimError(err)).toBe(true);
      expect((err as { scimType: string }).scimType).toBe((expected as { error: string }).error);
      expect((err as Error).message).toContain(def.name);
      return;
    }
    expect(run()).toEqual(expected);
  });

  it('reports dropped sub-attributes and readOnly ones with readOnlySubAttributes=drop', () => {
    const ignored: string[] = [];
    const out = coerceValue(
      manager,
      { value: 'm', displayName: 'Boss', shoe: 1 },
      'manager',
      profileFor('lenient'),
      { ignored, readOnlySubAttributes: 'drop' },
    );
    expect(out).toEqual({ value: 'm' });
    expect(ignored.sort()).toEqual(['manager.displayName', 'manager.shoe']);
  });

  it.each([
    ['2015-09-01T12:00:00Z', '2015-09-01T12:00:00.000Z'],
    ['2015-09-01T12:00:00.5-01:30', '2015-09-01T13:30:00.500Z'],
    ['2016-02-29T00:00:00Z', '2016-02-29T00:00:00.000Z'],
    ['2015-13-01T00:00:00Z', undefined],
    ['2015-09-01 12:00:00Z', undefined],
    ['2015-09-01T25:00:00Z', undefined],
  ])('RFC 7643 §2.3.5 normalizeDateTime(%s)', (input, expected) => {
    expect(normalizeDateTime(input)).toBe(expected);
  });
});
