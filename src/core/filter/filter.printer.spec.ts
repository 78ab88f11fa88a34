import { ScimError } from '../errors/scim-error';
import { FilterNode } from './filter.ast';
import {
  and,
  cmp,
  INJECTION_CASES,
  LITERAL_CASES,
  not,
  OPERATOR_CASES,
  or,
  pr,
  PRECEDENCE_CASES,
  RFC_EXAMPLES,
  URN_CASES,
  VALUE_PATH_CASES,
  vp,
  WHITESPACE_CASES,
} from './filter.cases';
import { parseFilter } from './filter.parser';
import { printFilter } from './filter.printer';

const ALL_PARSE_CASES: ReadonlyArray<[string, FilterNode]> = [
  ...RFC_EXAMPLES,
  ...OPERATOR_CASES,
  ...PRECEDENCE_CASES,
  ...VALUE_PATH_CASES,
  ...URN_CASES,
  ...WHITESPACE_CASES,
];

describe('printFilter', () => {
  it.each(ALL_PARSE_CASES)('round-trips %j', (_, ast) => {
    expect(parseFilter(printFilter(ast))).toEqual(ast);
  });

  it.each(LITERAL_CASES)('round-trips the literal %s', (_, value) => {
    const ast = cmp('a', 'eq', value);
    expect(parseFilter(printFilter(ast))).toEqual(ast);
  });

  it.each(INJECTION_CASES)('JSON-escapes the injection string of %s', (_, value) => {
    const ast = cmp('userName', 'eq', value);
    expect(printFilter(ast)).toBe(`userName eq ${JSON.stringify(value)}`);
    expect(parseFilter(printFilter(ast))).toEqual(ast);
  });

  it.each<[FilterNode, string]>([
    [cmp('userName', 'eq', 'bjensen'), 'userName eq "bjensen"'],
    [cmp('a', 'gt', 1e21), 'a gt 1e+21'],
    [cmp('a', 'lt', -0.5), 'a lt -0.5'],
    [cmp('a', 'eq', null), 'a eq null'],
    [cmp('a', 'ne', false), 'a ne false'],
    [cmp('a', 'eq', 'line\nbreak "q" \\'), 'a eq "line\\nbreak \\"q\\" \\\\"'],
    [pr('title'), 'title pr'],
    [and(and(pr('a'), pr('b')), pr('c')), 'a pr and b pr and c pr'],
    [and(pr('a'), and(pr('b'), pr('c'))), 'a pr and (b pr and c pr)'],
    [or(or(pr('a'), pr('b')), pr('c')), 'a pr or b pr or c pr'],
    [or(pr('a'), or(pr('b'), pr('c'))), 'a pr or (b pr or c pr)'],
    [and(or(pr('a'), pr('b')), pr('c')), '(a pr or b pr) and c pr'],
    [or(and(pr('a'), pr('b')), pr('c')), 'a pr and b pr or c pr'],
    [or(pr('a'), and(pr('b'), pr('c'))), 'a pr or b pr and c pr'],
    [not(or(pr('a'), pr('b'))), 'not (a pr or b pr)'],
    [and(not(pr('a')), pr('b')), 'not (a pr) and b pr'],
    [
      vp('emails', and(cmp('type', 'eq', 'work'), cmp('value', 'co', '@x'))),
      'emails[type eq "work" and value co "@x"]',
    ],
    [
      cmp('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value', 'eq', 'x'),
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "x"',
    ],
  ])('prints %j canonically as %s (RFC 7644 §3.4.2.2)', (ast, text) => {
    expect(printFilter(ast)).toBe(text);
  });

  it('lower-cases operators and keywords', () => {
    expect(printFilter(parseFilter('NOT (a EQ "x") AND b PR OR c Ge 1'))).toBe(
      'not (a eq "x") and b pr or c ge 1',
    );
  });

  it.each([NaN, Infinity, -Infinity])('refuses the non-finite number %s', (n) => {
    expect(() => printFilter(cmp('a', 'eq', n))).toThrow(ScimError);
  });
});
