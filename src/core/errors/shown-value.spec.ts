import { shownValue } from './shown-value';

describe('shownValue', () => {
  const deep = (n: number): unknown => {
    let v: unknown = 'x';
    for (let i = 0; i < n; i++) {
      v = [v];
    }
    return v;
  };

  it.each<[string, unknown, string]>([
    ['a string, quoted', 'okta', '"okta"'],
    ['a long string, cut', 'a'.repeat(100), `"${'a'.repeat(64)}..."`],
    ['a number', 42, '42'],
    ['a boolean', false, 'false'],
    ['null', null, 'null'],
    ['undefined', undefined, 'undefined'],
    ['an object, by its kind', { a: 1 }, 'an object'],
    ['an array, by its kind', [1, 2], 'an array'],
    ['an array nested 100,000 deep, without walking it', deep(100_000), 'an array'],
  ])('%s', (_label, value, expected) => {
    expect(shownValue(value)).toBe(expected);
  });
});
