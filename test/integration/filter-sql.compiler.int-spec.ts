import Database from 'better-sqlite3';
import { Client } from 'pg';
import { ScimError } from '../../src/core/errors/scim-error';
import { createDefaultRegistry, USER_RESOURCE_TYPE } from '../../src/core/schema/schema.registry';
import { FilterNode } from '../../src/core/filter/filter.ast';
import { SAMPLE_USER } from '../../src/core/filter/filter.cases';
import { MATCH_CASES } from '../../src/core/filter/filter.evaluator.cases';
import { normalizeFilterDateTime } from '../../src/core/filter/filter.datetime';
import { parseFilter } from '../../src/core/filter/filter.parser';
import { validateFilter } from '../../src/core/filter/filter.validator';
import { compileFilter } from '../../src/core/filter/filter-sql.compiler';
import { escapeLike, jsonMemberPath, SqlDialect } from '../../src/core/filter/filter-sql.dialect';
import { lookupKey, normalizeDateTime, SqlFragment } from '../../src/core/filter/filter-sql.target';
import { FAKE_KEY_LENGTH, fakeTarget, SQL_CASES, SQL_ERROR_CASES } from '../../src/core/filter/filter-sql.cases';
import { positionalParameters } from '../../src/persistence/repositories/sql-dialect';
import { TEST_DATABASES, TestDatabase, createTestDatabase } from '../support/databases';

const registry = createDefaultRegistry();
const DIALECTS: readonly SqlDialect[] = ['mysql', 'sqlite', 'postgres'];

const validated = (text: string) => validateFilter(parseFilter(text), registry, USER_RESOURCE_TYPE);
const compile = (node: FilterNode, dialect: SqlDialect) => compileFilter(node, fakeTarget(dialect));

/** The string literals of a filter AST. */
function stringValues(node: FilterNode): string[] {
  switch (node.kind) {
    case 'and':
    case 'or':
      return [...stringValues(node.left), ...stringValues(node.right)];
    case 'not':
    case 'valuePath':
      return stringValues(node.filter);
    case 'present':
      return [];
    case 'compare':
      return typeof node.value === 'string' ? [node.value] : [];
  }
}

/**
 * SQL text without the literals the compiler may write itself (JSON paths, PostgreSQL's
 * text[] paths, `'!'`, `''`, jsonb constants and type names).
 */
function withoutOwnLiterals(sql: string): string {
  return sql
    .replace(/'\$(?:[^']|'')*'/g, '')
    .replace(/'\{(?:[^']|'')*\}'/g, '')
    .replace(/'(?:!|true|false|null|number|)'/g, '');
}

describe('FilterSqlCompiler (RFC 7644 §3.4.2.2 filters to parameterized SQL)', () => {
  describe.each(DIALECTS)('%s', (dialect) => {
    it.each(SQL_CASES.map((c) => [c.name, c] as const))('RFC 7644 §3.4.2.2 %s', (_name, c) => {
      expect(compile(validated(c.filter), dialect)).toEqual(c[dialect]);
    });

    it.each(SQL_CASES.map((c) => [c.filter, c] as const))(
      'RFC 7644 §3.4.2.2 values of %s are only parameters, never SQL text',
      (_filter, c) => {
        const node = validated(c.filter);
        const out: SqlFragment = compile(node, dialect);
        expect(out.sql.split('?').length - 1).toBe(out.params.length);
        expect(withoutOwnLiterals(out.sql)).not.toContain("'");
        for (const v of stringValues(node).filter((s) => s.length >= 3)) {
          expect(out.sql).not.toContain(v);
          expect(out.sql.toLowerCase()).not.toContain(v.toLowerCase());
        }
      },
    );

    it.each(SQL_ERROR_CASES.map((c) => [c.name, c] as const))(
      'RFC 7644 §3.12 invalidFilter: %s',
      (_name, c) => {
        const run = () =>
          compile(c.validated ? validated(c.filter) : parseFilter(c.filter), dialect);
        expect(run).toThrow(ScimError);
        expect(run).toThrow(c.error);
        try {
          run();
        } catch (e) {
          expect((e as ScimError).scimType).toBe('invalidFilter');
          expect((e as ScimError).status).toBe(400);
        }
      },
    );
  });

  it('compiles a raw (unvalidated) AST the same way: "True" strings and dateTime offsets', () => {
    for (const dialect of DIALECTS) {
      for (const text of [
        'roles[primary eq "True"]',
        'meta.created ge "2011-05-13T06:42:34+02:00"',
        'EMAILS co "x"',
      ]) {
        expect(compile(parseFilter(text), dialect)).toEqual(compile(validated(text), dialect));
      }
    }
  });

  it('escapes the LIKE metacharacters % _ and the escape character itself', () => {
    expect(escapeLike('50%_!x')).toBe('50!%!_!!x');
    expect(escapeLike('plain')).toBe('plain');
  });

  it('quotes every JSON member, so URNs with ":" and "." stay one member', () => {
    expect(jsonMemberPath(['urn:a:2.0:User', 'b'])).toBe('$."urn:a:2.0:User"."b"');
    expect(jsonMemberPath(['say "hi"'])).toBe('$."say \\"hi\\""');
  });

  it('lookupKey lower-cases and cuts at code points, not UTF-16 units', () => {
    expect(lookupKey('ABC', 2)).toBe('ab');
    expect(lookupKey('😀😀😀', 2)).toBe('😀😀');
  });

  it('normalizeDateTime uses the validator grammar (RFC 7643 §2.3.5)', () => {
    expect(normalizeDateTime('2011-05-13T04:42:34Z')).toBe('2011-05-13T04:42:34.000Z');
    const year99 = '0099-01-01T00:00:00Z';
    expect(normalizeDateTime(year99)).toBe(normalizeFilterDateTime(year99));
    expect(normalizeDateTime(year99)).toBe('0099-01-01T00:00:00.000Z');
    expect(() => normalizeDateTime('2011-05-13')).toThrow(ScimError);
    expect(() => normalizeDateTime('2011-02-30T00:00:00Z')).toThrow(/not a valid dateTime/);
  });
});

/** SAMPLE_USER in fakeTarget's layout: the row of `r`, and the rows of `vals`. */
function sampleRows(): { r: unknown[]; vals: unknown[][] } {
  const u = SAMPLE_USER as Record<string, unknown> & { meta: Record<string, string> };
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  const r = [
    u.id,
    u.userName,
    str(u.userName)?.toLowerCase() ?? null,
    str(u.externalId),
    str(u.displayName)?.toLowerCase() ?? null,
    str(u.nickName),
    typeof u.active === 'boolean' ? Number(u.active) : null,
    normalizeFilterDateTime(u.meta.created),
    normalizeFilterDateTime(u.meta.lastModified),
    JSON.stringify(u),
  ];
  const vals: unknown[][] = [];
  for (const def of registry.coreSchema(USER_RESOURCE_TYPE).attributes) {
    if (!def.multiValued || def.type !== 'complex' || def.mutability === 'readOnly') {
      continue;
    }
    for (const item of (u[def.name] as Record<string, unknown>[] | undefined) ?? []) {
      const value = str(item.value);
      vals.push([
        def.name,
        value,
        value?.toLowerCase() ?? null,
        value === null ? null : lookupKey(value, FAKE_KEY_LENGTH),
        JSON.stringify(item),
      ]);
    }
  }
  return { r, vals };
}

/**
 * The compiled SQL run on an in-memory SQLite database holding SAMPLE_USER in fakeTarget's
 * layout must agree with the evaluator's cases on it (filter.evaluator.cases.ts MATCH_CASES).
 */
describe('FilterSqlCompiler on SQLite agrees with MATCH_CASES (RFC 7644 §3.4.2.2)', () => {
  let db: Database.Database;

  beforeAll(() => {
    db = new Database(':memory:');
    db.function('scim_lower', { deterministic: true }, (v: unknown) =>
      typeof v === 'string' ? v.toLowerCase() : v,
    );
    db.pragma('case_sensitive_like = ON');
    db.exec(`
      CREATE TABLE r (seq INTEGER PRIMARY KEY, id TEXT, user_name TEXT, user_name_ci TEXT,
        external_id TEXT, display_name_ci TEXT, nick_name TEXT, active BOOLEAN, created TEXT,
        last_modified TEXT, doc TEXT);
      CREATE TABLE vals (owner_seq INTEGER, attribute TEXT, value TEXT, value_ci TEXT,
        value_key TEXT, item TEXT);
    `);
    const { r, vals } = sampleRows();
    db.prepare(`INSERT INTO r VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(...r);
    const insert = db.prepare('INSERT INTO vals VALUES (1, ?, ?, ?, ?, ?)');
    for (const v of vals) {
      insert.run(...v);
    }
  });

  afterAll(() => db.close());

  const matches = (text: string): boolean => {
    const where = compile(validated(text), 'sqlite');
    const row = db.prepare(`SELECT COUNT(*) AS n FROM r WHERE ${where.sql}`).get(...where.params);
    return (row as { n: number }).n === 1;
  };

  it.each(MATCH_CASES)('%s -> %s', (text, expected) => {
    expect(matches(text)).toBe(expected);
    expect(matches(`not (${text})`)).toBe(!expected);
  });
});

const describePostgres = TEST_DATABASES.includes('postgres') ? describe : describe.skip;

/** The same on PostgreSQL: fakeTarget's layout as the migrations type it ("C" text, jsonb). */
describePostgres('FilterSqlCompiler on PostgreSQL agrees with MATCH_CASES (RFC 7644 §3.4.2.2)', () => {
  let db: TestDatabase;
  let client: Client;

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    client = new Client({ connectionString: db.url });
    await client.connect();
    const t = 'text COLLATE "C"';
    await client.query(`
      CREATE TABLE r (seq bigint PRIMARY KEY, id ${t}, user_name ${t}, user_name_ci ${t},
        external_id ${t}, display_name_ci ${t}, nick_name ${t}, active boolean, created ${t},
        last_modified ${t}, doc jsonb);
      CREATE TABLE vals (owner_seq bigint, attribute ${t}, value ${t}, value_ci ${t},
        value_key ${t}, item jsonb);
    `);
    const { r, vals } = sampleRows();
    await client.query(positionalParameters('INSERT INTO r VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'), r);
    for (const v of vals) {
      await client.query(positionalParameters('INSERT INTO vals VALUES (1, ?, ?, ?, ?, ?)'), v);
    }
  });

  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  const matches = async (text: string): Promise<boolean> => {
    const where = compile(validated(text), 'postgres');
    const res = await client.query(
      positionalParameters(`SELECT COUNT(*) AS n FROM r WHERE ${where.sql}`),
      where.params,
    );
    return Number((res.rows[0] as { n: string }).n) === 1;
  };

  it.each(MATCH_CASES)('%s -> %s', async (text, expected) => {
    expect(await matches(text)).toBe(expected);
    expect(await matches(`not (${text})`)).toBe(!expected);
  });
});
