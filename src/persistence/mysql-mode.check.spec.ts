import { checkSqlMode } from './mysql-mode.check';

describe('checkSqlMode', () => {
  it.each([
    [''],
    [null],
    ['STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'],
    ['ANSI_QUOTES'],
  ])('accepts %p', (mode) => {
    expect(() => checkSqlMode(mode)).not.toThrow();
  });

  it.each([['NO_BACKSLASH_ESCAPES'], ['STRICT_TRANS_TABLES,no_backslash_escapes'], ['ANSI, NO_BACKSLASH_ESCAPES']])(
    'refuses %p: the driver escapes quotes with backslashes',
    (mode) => {
      expect(() => checkSqlMode(mode)).toThrow(/NO_BACKSLASH_ESCAPES/);
    },
  );
});
