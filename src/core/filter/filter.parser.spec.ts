import { ScimError } from '../errors/scim-error';
import { FilterNode } from './filter.ast';
import {
  INJECTION_CASES,
  LITERAL_CASES,
  OPERATOR_CASES,
  PATCH_PATH_CASES,
  PATCH_PATH_ERROR_CASES,
  PRECEDENCE_CASES,
  RFC_EXAMPLES,
  SYNTAX_ERROR_CASES,
  URN_CASES,
  VALUE_PATH_CASES,
  WHITESPACE_CASES,
  and,
  cmp,
  pr,
} from './filter.cases';
import {
  isJsonNumber,
  MAX_FILTER_DEPTH,
  MAX_FILTER_LENGTH,
  parseFilter,
  parseValuePath,
} from './filter.parser';

function scimErrorOf(fn: () => unknown): ScimError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ScimError) {
      return e;
    }
    throw e;
  }
  throw new Error('expected a ScimError');
}

describe('parseFilter', () => {
  it.each(RFC_EXAMPLES)('RFC 7644 §3.4.2.2 example: %s', (text, ast) => {
    expect(parseFilter(text)).toEqual(ast);
  });

  it.each(OPERATOR_CASES)('RFC 7644 §3.4.2.2 operators are case-insensitive: %s', (text, ast) => {
    expect(parseFilter(text)).toEqual(ast);
  });

  it.each(LITERAL_CASES)('RFC 7644 §3.4.2.2 compValue (RFC 8259 literal) %s', (literal, value) => {
    expect(parseFilter(`a eq ${literal}`)).toEqual(cmp('a', 'eq', value));
  });

  it('RFC 7644 §3.4.2.2: -0 is normalized to 0', () => {
    const node = parseFilter('a eq -0') as Extract<FilterNode, { kind: 'compare' }>;
    expect(Object.is(node.value, 0)).toBe(true);
  });

  it.each(PRECEDENCE_CASES)('RFC 7644 §3.4.2.2 precedence and grouping: %s', (text, ast) => {
    expect(parseFilter(text)).toEqual(ast);
  });

  it.each(VALUE_PATH_CASES)('RFC 7644 §3.4.2.2 valuePath: %s', (text, ast) => {
    expect(parseFilter(text)).toEqual(ast);
  });

  it.each(URN_CASES)('RFC 7644 §3.10 fully qualified path: %s', (text, ast) => {
    expect(parseFilter(text)).toEqual(ast);
  });

  it.each(WHITESPACE_CASES)('whitespace is lenient: %j', (text, ast) => {
    expect(parseFilter(text)).toEqual(ast);
  });

  it.each(INJECTION_CASES)('RFC 7644 §7.5.2 injection stays a string literal: %s', (text, v) => {
    expect(parseFilter(text)).toEqual(cmp('userName', 'eq', v));
  });

  it.each(SYNTAX_ERROR_CASES)('RFC 7644 §3.4.2.2 invalidFilter for %j', (text, detail) => {
    const e = scimErrorOf(() => parseFilter(text));
    expect(e.scimType).toBe('invalidFilter');
    expect(e.status).toBe(400);
    expect(e.detail).toMatch(detail);
  });

  it.each([
    ['nested parentheses', (n: number) => `${'('.repeat(n)}a pr${')'.repeat(n)}`],
    ['nested not', (n: number) => `${'not ('.repeat(n)}a pr${')'.repeat(n)}`],
  ])('accepts %s up to the maximum depth', (_, build) => {
    expect(() => parseFilter(build(MAX_FILTER_DEPTH))).not.toThrow();
    const e = scimErrorOf(() => parseFilter(build(MAX_FILTER_DEPTH + 1)));
    expect(e.scimType).toBe('invalidFilter');
    expect(e.detail).toMatch(/maximum depth of 50 at position \d+/);
  });

  it('counts a value path bracket as one level of nesting', () => {
    const wrap = (n: number) => `${'('.repeat(n)}emails[type pr]${')'.repeat(n)}`;
    const deep = wrap(MAX_FILTER_DEPTH - 1);
    expect(() => parseFilter(deep)).not.toThrow();
    const tooDeep = wrap(MAX_FILTER_DEPTH);
    expect(scimErrorOf(() => parseFilter(tooDeep)).detail).toMatch(/maximum depth/);
  });

  it('stops at the depth limit on a maximal run of open parentheses', () => {
    const e = scimErrorOf(() => parseFilter('('.repeat(MAX_FILTER_LENGTH)));
    expect(e.detail).toMatch(/maximum depth of 50 at position 50/);
    expect(e.scimType).toBe('invalidFilter');
  });

  it('rejects filters longer than the maximum length', () => {
    const ok = `userName eq "${'x'.repeat(MAX_FILTER_LENGTH - 14)}"`;
    expect(ok.length).toBe(MAX_FILTER_LENGTH);
    expect(() => parseFilter(ok)).not.toThrow();
    const e = scimErrorOf(() => parseFilter(`${ok} `));
    expect(e.scimType).toBe('invalidFilter');
    expect(e.detail).toMatch(/maximum length of 10000/);
  });

  it('parses long and-chains left-associatively', () => {
    const n = 700;
    const node = parseFilter(Array.from({ length: n }, (_, i) => `a${i} pr`).join(' and '));
    let depth = 0;
    let cur = node;
    while (cur.kind === 'and') {
      expect(cur.right).toEqual(pr(`a${n - 1 - depth}`));
      cur = cur.left;
      depth++;
    }
    expect(depth).toBe(n - 1);
    expect(cur).toEqual(pr('a0'));
  });

  it.each([undefined, null, 42, ['userName eq "a"'], { filter: 'x' }])(
    'rejects a non-string filter %j with invalidFilter',
    (value) => {
      const e = scimErrorOf(() => parseFilter(value as unknown as string));
      expect(e.scimType).toBe('invalidFilter');
    },
  );

  it('keeps positions in UTF-16 code units after astral characters', () => {
    const e = scimErrorOf(() => parseFilter('a eq "😀" xx'));
    expect(e.detail).toMatch(/at position 10/);
  });

  it('RFC 7644 §3.4.2.2: a parenthesized group does not create a node', () => {
    expect(parseFilter('(a pr) and (b pr)')).toEqual(and(pr('a'), pr('b')));
  });
});

describe('isJsonNumber (RFC 8259 §6)', () => {
  it.each(['0', '-0', '1', '-1', '10', '1.0', '0.5', '1e5', '1E+5', '1e-5', '-12.5e10'])(
    'accepts %s',
    (s) => expect(isJsonNumber(s)).toBe(true),
  );
  it.each(['', '-', '01', '00', '1.', '.1', '+1', '1e', '1e+', '0x1', '1_000', 'NaN', '1.2.3'])(
    'rejects %j',
    (s) => expect(isJsonNumber(s)).toBe(false),
  );
});

describe('parseValuePath (RFC 7644 §3.5.2 PATCH path)', () => {
  it.each(PATCH_PATH_CASES)('%s', (text, expected) => {
    expect(parseValuePath(text)).toEqual(expected);
  });

  it.each(PATCH_PATH_ERROR_CASES)('%j fails with %s', (text, scimType, detail) => {
    const e = scimErrorOf(() => parseValuePath(text));
    expect(e.scimType).toBe(scimType);
    expect(e.detail).toMatch(detail);
  });

  it('rejects an over-long path with invalidPath', () => {
    expect(scimErrorOf(() => parseValuePath('a'.repeat(MAX_FILTER_LENGTH + 1))).scimType).toBe(
      'invalidPath',
    );
  });
});
