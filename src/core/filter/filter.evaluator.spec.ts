import { isScimError } from '../errors/scim-error';
import {
  createDefaultRegistry,
  GROUP_RESOURCE_TYPE,
  USER_RESOURCE_TYPE,
} from '../schema/schema.registry';
import { SAMPLE_USER } from './filter.cases';
import { EVAL_CASES, EvalCase, EvalSubject } from './filter.evaluator.cases';
import {
  createElementMatcher,
  createFilterMatcher,
  isPresentValue,
  matchesElement,
  matchesFilter,
} from './filter.evaluator';
import { FilterNode } from './filter.ast';
import { parseFilter } from './filter.parser';
import { FilterValidationOptions } from './filter.validator';

const registry = createDefaultRegistry();

function evaluate(
  subject: EvalSubject,
  node: FilterNode,
  options: FilterValidationOptions = {},
): boolean {
  if ('element' in subject) {
    return matchesElement(subject.element, node, subject.attribute, options);
  }
  const rt = subject.resourceType === 'User' ? USER_RESOURCE_TYPE : GROUP_RESOURCE_TYPE;
  return matchesFilter(subject.resource, node, registry, rt, options);
}

const title = ([subject, filter, expected, options]: EvalCase): string =>
  `${subject.label}: ${filter}${options ? ` ${JSON.stringify(options)}` : ''} -> ` +
  (typeof expected === 'boolean' ? String(expected) : expected.scimType);

const named = (rows: readonly EvalCase[]) => rows.map((c) => [title(c), c] as const);
const matching = EVAL_CASES.filter(
  (c): c is readonly [EvalSubject, string, boolean, FilterValidationOptions?] =>
    typeof c[2] === 'boolean',
);
const failing = EVAL_CASES.filter((c) => typeof c[2] !== 'boolean');

describe('filter evaluator (RFC 7644 §3.4.2.2) on resources and on value-path elements', () => {
  it.each(named(matching))('%s', (_t, [subject, filter, expected, options]) => {
    expect(evaluate(subject, parseFilter(filter), options)).toBe(expected);
  });

  it.each(named(matching))('not (...) is the complement: %s', (_t, c) => {
    const [subject, filter, expected, options] = c;
    expect(evaluate(subject, parseFilter(`not (${filter})`), options)).toBe(!expected);
  });

  it.each(named(failing))('%s', (_t, [subject, filter, expected, options]) => {
    let err: unknown;
    try {
      evaluate(subject, parseFilter(filter), options);
    } catch (e) {
      err = e;
    }
    expect(isScimError(err) && err.scimType).toBe('invalidFilter');
    if (typeof expected !== 'boolean' && expected.detail) {
      expect((err as Error).message).toMatch(expected.detail);
    }
  });

  it('createFilterMatcher validates once and is reusable', () => {
    const m = createFilterMatcher(parseFilter('active eq "True"'), registry, USER_RESOURCE_TYPE);
    expect(m(SAMPLE_USER)).toBe(true);
    expect(m({ active: false })).toBe(false);
    expect(m({})).toBe(false);
  });

  it('createElementMatcher validates once (even with no element to test) and is reusable', () => {
    const emails = registry.resolve(USER_RESOURCE_TYPE, { attr: 'emails' })!.attribute;
    expect(() => createElementMatcher(parseFilter('color eq "red"'), emails)).toThrow(
      /no sub-attribute/,
    );
    const work = createElementMatcher(parseFilter('type eq "work"'), emails);
    expect([{ type: 'home' }, { type: 'Work' }, null, 'work'].map(work)).toEqual([
      false,
      true,
      false,
      false,
    ]);
    // rule 8: an element of a complex attribute that is not an object satisfies no filter,
    // not even a negation (so this is no row of the table, whose rows have complements)
    expect(matchesElement('a@b.c', parseFilter('not (type eq "work")'), emails)).toBe(false);
  });
});

describe('isPresentValue', () => {
  it.each<[unknown, boolean]>([
    [undefined, false],
    [null, false],
    ['', false],
    [[], false],
    [{}, false],
    [[null, ''], false],
    [{ a: '' }, false],
    [{ a: [] }, false],
    [0, true],
    [false, true],
    ['x', true],
    [[''.concat('x')], true],
    [{ a: 0 }, true],
    [new Date(0), true],
  ])('%j -> %s', (v, expected) => {
    expect(isPresentValue(v)).toBe(expected);
  });
});
