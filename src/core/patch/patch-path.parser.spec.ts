import { isScimError } from '../errors/scim-error';
import { PATCH_PATH_CASES, PATCH_PATH_ERROR_CASES } from '../filter/filter.cases';
import { parseFilter } from '../filter/filter.parser';
import { parsePatchPath } from './patch-path.parser';

function scimTypeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return isScimError(e) ? e.scimType : 'not-a-ScimError';
  }
  return undefined;
}

describe('parsePatchPath (RFC 7644 §3.5.2 PATH = attrPath / valuePath [subAttr])', () => {
  it.each(PATCH_PATH_CASES)('agrees with the filter parser on %s', (text, expected) => {
    const parsed = parsePatchPath(text, parseFilter);
    expect(parsed.attrPath).toEqual(expected.path);
    expect(parsed.filter).toEqual(expected.filter);
    expect(parsed.subAttr).toEqual(expected.subAttr);
  });

  it.each([
    [
      'RFC 7644 §3.10 URN-qualified valuePath',
      'urn:ietf:params:scim:schemas:core:2.0:User:emails[type eq "work"].value',
    ],
    ['RFC 7644 §3.4.2.2 "]" inside a quoted string', 'emails[value eq "a]b"].type'],
    ['RFC 7644 §3.4.2.2 escaped quote inside a string', 'emails[value eq "a\\"]"]'],
    ['docs/idp/quirks.md #11 string boolean', 'roles[primary eq "True"].value'],
    ['surrounding whitespace is trimmed', '  emails[type eq "work"]  '],
  ])('%s: %s', (_n, text) => {
    const parsed = parsePatchPath(text, parseFilter);
    expect(parsed.filter).toBeDefined();
  });

  it.each(PATCH_PATH_ERROR_CASES)('rejects %j with %s', (text, scimType) => {
    expect(scimTypeOf(() => parsePatchPath(text, parseFilter))).toBe(scimType);
  });

  it('hands only the bracket text to the injected filter parser', () => {
    const seen: string[] = [];
    parsePatchPath('emails[type eq "x]"].value', (t) => {
      seen.push(t);
      return { kind: 'present', path: { attr: 'type' } };
    });
    expect(seen).toEqual(['type eq "x]"']);
  });

  it('turns a non-ScimError from the filter parser into invalidFilter', () => {
    const boom = () => {
      throw new Error('boom');
    };
    expect(scimTypeOf(() => parsePatchPath('emails[x]', boom))).toBe('invalidFilter');
  });
});
