import { QueryFailedError } from 'typeorm';
import {
  STORE_DIALECTS,
  isRetryableConflict,
  isUniqueViolation,
  isUnstorableText,
  isValueTooLong,
  positionalParameters,
} from './sql-dialect';

const driverError = (props: object) => new QueryFailedError('q', [], Object.assign(new Error('x'), props));

describe('positionalParameters (PostgreSQL placeholders)', () => {
  it.each([
    ['SELECT ? AS a, ? AS b', 'SELECT $1 AS a, $2 AS b'],
    ["SELECT '?' AS q, ? AS v", "SELECT '?' AS q, $1 AS v"],
    ["SELECT 'it''s ?', ?", "SELECT 'it''s ?', $1"],
    ['SELECT "odd?name" FROM t WHERE x = ?', 'SELECT "odd?name" FROM t WHERE x = $1'],
    ['SELECT 1 -- why?\nWHERE x = ?', 'SELECT 1 -- why?\nWHERE x = $1'],
    ['SELECT /* ? */ ?', 'SELECT /* ? */ $1'],
    ['DO $$ SELECT ? $$; SELECT ?', 'DO $$ SELECT ? $$; SELECT $1'],
    ['SELECT $tag$ ? $tag$, ?', 'SELECT $tag$ ? $tag$, $1'],
    [`SELECT r.doc::jsonb #>> '{"a?","b"}' WHERE x IN (?, ?, ?)`, `SELECT r.doc::jsonb #>> '{"a?","b"}' WHERE x IN ($1, $2, $3)`],
    ['SELECT 1', 'SELECT 1'],
  ])('%s', (sql, expected) => {
    expect(positionalParameters(sql)).toBe(expected);
  });

  it('is the PostgreSQL dialect statement and no other', () => {
    expect(STORE_DIALECTS.postgres.statement('x = ?')).toBe('x = $1');
    expect(STORE_DIALECTS.mysql.statement('x = ?')).toBe('x = ?');
    expect(STORE_DIALECTS.sqlite.statement('x = ?')).toBe('x = ?');
  });
});

describe('StoreDialect', () => {
  it('writes INSERT ... skipping duplicates per database', () => {
    expect(STORE_DIALECTS.mysql.insertIgnore('t', '(a) VALUES (?)')).toBe('INSERT IGNORE INTO t (a) VALUES (?)');
    expect(STORE_DIALECTS.sqlite.insertIgnore('t', '(a) VALUES (?)')).toBe('INSERT OR IGNORE INTO t (a) VALUES (?)');
    expect(STORE_DIALECTS.postgres.insertIgnore('t', '(a) VALUES (?)')).toBe(
      'INSERT INTO t (a) VALUES (?) ON CONFLICT DO NOTHING',
    );
  });

  it('bounds a DELETE with the where parameters first, the limit last', () => {
    expect(STORE_DIALECTS.mysql.boundedDelete('t', 'at < ?', 'at')).toBe('DELETE FROM t WHERE at < ? ORDER BY at LIMIT ?');
    expect(STORE_DIALECTS.sqlite.boundedDelete('t', 'at < ?')).toBe(
      'DELETE FROM t WHERE rowid IN (SELECT rowid FROM t WHERE at < ? LIMIT ?)',
    );
    expect(STORE_DIALECTS.postgres.boundedDelete('t', 'at < ?', 'at', 'seq')).toBe(
      'DELETE FROM t WHERE seq = ANY(ARRAY(SELECT seq FROM t WHERE at < ? ORDER BY at LIMIT ?))',
    );
  });

  it('quotes text literals', () => {
    expect(STORE_DIALECTS.postgres.textLiteral("O'x")).toBe(`('O''x' COLLATE "C")`);
    expect(STORE_DIALECTS.sqlite.textLiteral("O'x")).toBe(`'O''x'`);
  });
});

describe('driver errors', () => {
  it('reads unique violations of every database', () => {
    expect(isUniqueViolation(driverError({ code: '23505' }))).toBe(true);
    expect(isUniqueViolation(driverError({ errno: 1062 }))).toBe(true);
    expect(isUniqueViolation(driverError({ code: 'SQLITE_CONSTRAINT_UNIQUE' }))).toBe(true);
    expect(isUniqueViolation(driverError({ code: '23503' }))).toBe(false);
    expect(isUniqueViolation(new Error('23505'))).toBe(false);
  });

  it('retries deadlocks and serialization failures', () => {
    for (const e of [{ code: '40P01' }, { code: '40001' }, { errno: 1213 }]) {
      expect(isRetryableConflict(driverError(e))).toBe(true);
    }
    expect(isRetryableConflict(driverError({ code: '57014' }))).toBe(false);
  });

  it('tells values too long from text PostgreSQL cannot hold', () => {
    expect(isValueTooLong(driverError({ code: '22001' }))).toBe(true);
    expect(isValueTooLong(driverError({ errno: 1406 }))).toBe(true);
    expect(isUnstorableText(driverError({ code: '22021' }))).toBe(true);
    expect(isUnstorableText(driverError({ code: '22P05' }))).toBe(true);
    expect(isUnstorableText(driverError({ code: '22001' }))).toBe(false);
  });
});
