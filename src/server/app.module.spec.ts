import { migrationsLine } from './app.module';

describe('migrationsLine (what start-up says of the migrations)', () => {
  it.each([
    [[], 3.2, 'Migrations: the database schema is up to date'],
    [['Groups1'], 41.6, 'Migrations: applied 1 (Groups1) in 42 ms'],
    [['A1', 'B2', 'C3'], 10, 'Migrations: applied 3 (A1, B2, C3) in 10 ms'],
    [['A1', 'B2', 'C3', 'D4'], 1035.4, 'Migrations: applied 4 (A1 … D4) in 1035 ms'],
  ])('%j in %d ms', (names, ms, line) => {
    expect(migrationsLine(names, ms)).toBe(line);
  });
});
