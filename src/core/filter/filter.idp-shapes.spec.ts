import { isScimError } from '../errors/scim-error';
import { and, cmp, pr, vp } from './filter.cases';
import { parseFilter } from './filter.parser';
import { printFilter } from './filter.printer';

/**
 * Filters identity providers send that the RFC 7644 §3.4.2.2 grammar does not have, read only
 * when the caller's profile allows them (docs/idp/profiles.md, `subAttrAfterValuePath`).
 */
describe('a sub-attribute comparison after a valuePath (Entra ID email matching)', () => {
  const lenient = { subAttrAfterValuePath: true };

  it.each([
    [
      'emails[type eq "work"].value eq "x@example.com"',
      vp('emails', and(cmp('type', 'eq', 'work'), cmp('value', 'eq', 'x@example.com'))),
    ],
    ['emails[type eq "work"].value pr', vp('emails', and(cmp('type', 'eq', 'work'), pr('value')))],
    [
      'emails[type eq "work" or primary eq true].value EQ "x"',
      vp(
        'emails',
        and({ kind: 'or', left: cmp('type', 'eq', 'work'), right: cmp('primary', 'eq', true) }, cmp('value', 'eq', 'x')),
      ),
    ],
    [
      'emails[type eq "work"].value eq "x" and userName sw "j"',
      and(vp('emails', and(cmp('type', 'eq', 'work'), cmp('value', 'eq', 'x'))), cmp('userName', 'sw', 'j')),
    ],
    [
      'not (addresses[type eq "home"].country eq "DE")',
      { kind: 'not', filter: vp('addresses', and(cmp('type', 'eq', 'home'), cmp('country', 'eq', 'DE'))) },
    ],
  ] as const)('%s is read as one value matching both', (text, ast) => {
    expect(parseFilter(text, lenient)).toEqual(ast);
  });

  it('prints back as the RFC form, which parses to the same tree under any profile', () => {
    const ast = parseFilter('emails[type eq "work"].value eq "x"', lenient);
    expect(printFilter(ast)).toBe('emails[type eq "work" and value eq "x"]');
    expect(parseFilter(printFilter(ast))).toEqual(ast);
  });

  it.each([
    // the RFC grammar: refused without the option
    ['emails[type eq "work"].value eq "x"', {}],
    // the sub-attribute must follow the bracket directly, and be a name
    ['emails[type eq "work"] .value eq "x"', lenient],
    ['emails[type eq "work"].va-lue.x eq "x"', lenient],
    ['emails[type eq "work"].value', lenient],
    ['emails[type eq "work"].value eq', lenient],
  ])('%s (options %j) is 400 invalidFilter', (text, options) => {
    let error: unknown;
    try {
      parseFilter(text, options);
    } catch (e) {
      error = e;
    }
    expect(isScimError(error) && error.scimType === 'invalidFilter').toBe(true);
  });
});
