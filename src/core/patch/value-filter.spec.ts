import { isScimError } from '../errors/scim-error';
import { parseFilter } from '../filter/filter.parser';
import { findIn } from '../schema/schema.registry';
import { attr } from '../schema/schema.types';
import { USER_SCHEMA } from '../schema/user.schema';
import { GROUP_SCHEMA } from '../schema/group.schema';
import { dialectFor } from './patch.dialect';
import { equalityTerms, matchesElement } from './value-filter';

const emails = findIn(USER_SCHEMA.attributes, 'emails')!;
const members = findIn(GROUP_SCHEMA.attributes, 'members')!;
const visits = attr('visits', {
  type: 'complex',
  multiValued: true,
  subAttributes: [attr('at', { type: 'dateTime' }), attr('count', { type: 'integer' })],
});
const tags = attr('tags', { multiValued: true, caseExact: true });

const EMAIL = { value: 'Babs@Example.com', type: 'work', primary: true };
const NEW_YEAR = { at: '2020-01-01T00:00:00Z' };
const lenient = dialectFor('lenient');
const strict = dialectFor('rfc-strict');

describe('matchesElement (RFC 7644 §3.4.2.2 on one element)', () => {
  it.each([
    ['eq ignores case when caseExact=false', emails, EMAIL, 'value eq "babs@example.com"', true],
    ['ne', emails, EMAIL, 'type ne "work"', false],
    ['co', emails, EMAIL, 'value co "EXAMPLE"', true],
    ['sw', emails, EMAIL, 'value sw "babs@"', true],
    ['ew', emails, EMAIL, 'value ew ".org"', false],
    ['gt on strings (lexicographic)', emails, EMAIL, 'type gt "home"', true],
    ['le on strings', emails, EMAIL, 'type le "home"', false],
    ['pr', emails, EMAIL, 'display pr', false],
    ['and', emails, EMAIL, 'type eq "work" and primary eq true', true],
    ['or', emails, EMAIL, 'type eq "home" or primary eq true', true],
    ['not', emails, EMAIL, 'not (type eq "work")', false],
    ['absent attribute: eq false', emails, EMAIL, 'display eq "x"', false],
    ['absent attribute: ne true', emails, EMAIL, 'display ne "x"', true],
    ['eq null ≡ unassigned (RFC 7643 §2.5)', emails, EMAIL, 'display eq null', true],
    ['caseExact members.value', members, { value: 'U1' }, 'value eq "u1"', false],
    ['docs/idp/quirks.md #11 "True" matches a boolean (lenient)', emails, EMAIL, 'primary eq "True"', true],
    ['dateTime is an instant', visits, NEW_YEAR, 'at gt "2019-12-31T23:00:00-02:00"', false],
    ['dateTime equal instants', visits, NEW_YEAR, 'at eq "2020-01-01T01:00:00+01:00"', true],
    ['integer ge', visits, { count: 3 }, 'count ge 3', true],
    ['integer lt', visits, { count: 3 }, 'count lt 3', false],
    ['simple multi-valued: "value" is the element', tags, 'Blue', 'value eq "Blue"', true],
    ['simple multi-valued caseExact', tags, 'Blue', 'value eq "blue"', false],
  ] as const)('RFC 7644 §3.4.2.2 %s', (_n, def, element, filter, expected) => {
    expect(matchesElement(element, parseFilter(filter), def, lenient)).toBe(expected);
  });

  it.each([
    ['docs/idp/quirks.md #11 rfc-strict "True" for a boolean', 'primary eq "True"'],
    ['RFC 7644 §3.4.2.2 gt on a boolean', 'primary gt true'],
    ['RFC 7644 §3.4.2.2 unknown sub-attribute', 'color eq "red"'],
    ['RFC 7644 §3.4.2.2 nested value filter', 'type[value pr]'],
  ])('%s → invalidFilter', (_n, filter) => {
    let err: unknown;
    try {
      matchesElement(EMAIL, parseFilter(filter), emails, strict);
    } catch (e) {
      err = e;
    }
    expect(isScimError(err) && err.scimType).toBe('invalidFilter');
  });
});

describe('equalityTerms (docs/idp/quirks.md #9: the element a no-match replace creates)', () => {
  it.each([
    ['type eq "work"', [['type', 'work']]],
    ['type eq "work" and primary eq "True"', [['type', 'work'], ['primary', true]]],
    ['type eq "work" or type eq "home"', undefined],
    ['type sw "w"', undefined],
    ['not (type eq "work")', undefined],
  ] as const)('%s', (filter, expected) => {
    const terms = equalityTerms(parseFilter(filter), emails, lenient);
    expect(terms?.map((t) => [t.sub.name, t.value])).toEqual(expected);
  });
});
