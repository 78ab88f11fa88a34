/**
 * Case tables for filter-sql.compiler.spec.ts: filter text -> expected SQL and parameters for
 * each dialect (RFC 7644 §3.4.2.2), compiled against FAKE_TARGET, a small storage layout
 * shaped like TypeOrmUserRepository's (indexed columns, a child table for multi-valued
 * attributes, a JSON document for the rest). Not a spec itself.
 */
import {
  createDefaultRegistry,
  ResolvedAttribute,
  USER_RESOURCE_TYPE,
} from '../schema/schema.registry';
import { ENTERPRISE_USER_SCHEMA_ID } from '../schema/user.schema';
import { jsonMemberPath, pgPathLiteral, SqlDialect } from './filter-sql.dialect';
import { ColumnRef, FilterSqlTarget, MultiValuedRef, SqlFragment } from './filter-sql.target';

export const ENT = ENTERPRISE_USER_SCHEMA_ID;

/** Short on purpose, so that the cases show the look-up key being cut. */
export const FAKE_KEY_LENGTH = 8;

/** Singular attributes with a real column of `r`; everything else is read from `r.doc`. */
export const FAKE_COLUMNS: Readonly<Record<string, ColumnRef>> = {
  id: { expr: 'r.id' },
  userName: { expr: 'r.user_name', ciExpr: 'r.user_name_ci' },
  externalId: { expr: 'r.external_id' },
  displayName: { expr: 'r.display_name_ci', ciExpr: 'r.display_name_ci' },
  // caseExact false without a shadow column: the compiler lower-cases in SQL
  nickName: { expr: 'r.nick_name' },
  active: { expr: 'r.active' },
  'meta.created': { expr: 'r.created' },
  'meta.lastModified': { expr: 'r.last_modified' },
};

const registry = createDefaultRegistry();

function fakeMulti(r: ResolvedAttribute): MultiValuedRef | undefined {
  if (r.extension || r.attribute.mutability === 'readOnly') {
    return undefined;
  }
  const attribute = r.attribute.name;
  return {
    wrap: (cond: SqlFragment) => ({
      sql: `r.seq IN (SELECT v.owner_seq FROM vals v WHERE v.attribute = ? AND ${cond.sql})`,
      params: [attribute, ...cond.params],
    }),
    column: (sub) =>
      sub.name === 'value'
        ? {
            expr: 'v.value',
            ciExpr: 'v.value_ci',
            keyExpr: 'v.value_key',
            keyLength: FAKE_KEY_LENGTH,
          }
        : undefined,
    itemJson: 'v.item',
  };
}

export function fakeTarget(dialect: SqlDialect): FilterSqlTarget {
  return {
    dialect,
    registry,
    resourceType: USER_RESOURCE_TYPE,
    docJson: 'r.doc',
    column: (r) => {
      if (r.extension) {
        return undefined;
      }
      const key = r.subAttribute ? `${r.attribute.name}.${r.subAttribute.name}` : r.attribute.name;
      return FAKE_COLUMNS[key];
    },
    multiValued: fakeMulti,
  };
}

export interface SqlCase {
  /** what the case shows */
  readonly name: string;
  /** filter text; compiled after parseFilter + validateFilter, as UsersService does */
  readonly filter: string;
  readonly mysql: SqlFragment;
  readonly sqlite: SqlFragment;
  readonly postgres: SqlFragment;
}

export interface SqlErrorCase {
  readonly name: string;
  readonly filter: string;
  /** true: the validator runs first (it or the compiler throws); false: the raw parsed AST */
  readonly validated: boolean;
  readonly error: RegExp;
}

// ---- expected SQL ---------------------------------------------------------------------------
// Spelled-out helpers for the JSON reads; the extension cases write the quoted URN path in full.

const path = (...keys: string[]) => `'${jsonMemberPath(keys)}'`;
const myDoc = (...keys: string[]) => `JSON_VALUE(r.doc, ${path(...keys)})`;
const liteDoc = (...keys: string[]) => `json_extract(r.doc, ${path(...keys)})`;
const myItem = (key: string) => `JSON_VALUE(v.item, ${path(key)})`;
const liteItem = (key: string) => `json_extract(v.item, ${path(key)})`;
const myBool = (key: string) =>
  `(CASE WHEN JSON_CONTAINS(v.item, 'true', ${path(key)}) THEN 1 ` +
  `WHEN JSON_CONTAINS(v.item, 'false', ${path(key)}) THEN 0 END)`;
const liteBool = (key: string) =>
  `(CASE json_type(v.item, ${path(key)}) WHEN 'true' THEN 1 WHEN 'false' THEN 0 END)`;
/** PostgreSQL: a jsonb read in the "C" collation, and LOWER() by ICU's root locale */
const pgDoc = (...keys: string[]) => `((r.doc::jsonb #>> ${pgPathLiteral(keys)}) COLLATE "C")`;
const pgItem = (key: string) => `((v.item::jsonb #>> ${pgPathLiteral([key])}) COLLATE "C")`;
const pgBool = (key: string) =>
  `(CASE (v.item::jsonb #> ${pgPathLiteral([key])}) WHEN 'true'::jsonb THEN 1 ` +
  `WHEN 'false'::jsonb THEN 0 END)`;
const pgLower = (expr: string) => `(LOWER((${expr}) COLLATE "und-x-icu") COLLATE "C")`;
/** the start of fakeTarget's child-table sub-query */
const IN_VALS = 'r.seq IN (SELECT v.owner_seq FROM vals v WHERE v.attribute = ? AND ';

/**
 * Every operator, and/or/not, value paths, sub-attributes, extension URNs, caseExact, dateTime,
 * booleans, LIKE escaping, null; the last ones are counter-examples the property test
 * (test/integration/filter-sql.int-spec.ts) found in the first compiler.
 */
export const SQL_CASES: readonly SqlCase[] = [
  {
    name: 'eq on a caseExact:false column compares the lower-cased shadow column (userName)',
    filter: 'userName eq "BJensen"',
    mysql: {
      sql:
        '(r.user_name_ci IS NOT NULL AND r.user_name_ci = ? AND ' +
        'CAST(r.user_name_ci AS BINARY) = ?)',
      params: ['bjensen', 'bjensen'],
    },
    sqlite: { sql: '(r.user_name_ci IS NOT NULL AND r.user_name_ci = ?)', params: ['bjensen'] },
    postgres: { sql: '(r.user_name_ci IS NOT NULL AND r.user_name_ci = ?)', params: ['bjensen'] },
  },
  {
    name: 'the core schema URN prefix changes nothing',
    filter: 'urn:ietf:params:scim:schemas:core:2.0:User:userName eq "BJensen"',
    mysql: {
      sql:
        '(r.user_name_ci IS NOT NULL AND r.user_name_ci = ? AND ' +
        'CAST(r.user_name_ci AS BINARY) = ?)',
      params: ['bjensen', 'bjensen'],
    },
    sqlite: { sql: '(r.user_name_ci IS NOT NULL AND r.user_name_ci = ?)', params: ['bjensen'] },
    postgres: { sql: '(r.user_name_ci IS NOT NULL AND r.user_name_ci = ?)', params: ['bjensen'] },
  },
  {
    name: 'ne is not eq: true when absent',
    filter: 'userName ne "BJensen"',
    mysql: {
      sql: '(r.user_name_ci IS NULL OR CAST(r.user_name_ci AS BINARY) <> ?)',
      params: ['bjensen'],
    },
    sqlite: { sql: '(r.user_name_ci IS NULL OR r.user_name_ci <> ?)', params: ['bjensen'] },
    postgres: { sql: '(r.user_name_ci IS NULL OR r.user_name_ci <> ?)', params: ['bjensen'] },
  },
  {
    name: 'co',
    filter: 'userName co "Jen"',
    mysql: {
      sql: "(r.user_name_ci IS NOT NULL AND r.user_name_ci LIKE ? ESCAPE '!')",
      params: ['%jen%'],
    },
    sqlite: {
      sql: "(r.user_name_ci IS NOT NULL AND r.user_name_ci LIKE ? ESCAPE '!')",
      params: ['%jen%'],
    },
    postgres: {
      sql: "(r.user_name_ci IS NOT NULL AND r.user_name_ci LIKE ? ESCAPE '!')",
      params: ['%jen%'],
    },
  },
  {
    name: 'sw',
    filter: 'userName sw "BJ"',
    mysql: {
      sql: "(r.user_name_ci IS NOT NULL AND r.user_name_ci LIKE ? ESCAPE '!')",
      params: ['bj%'],
    },
    sqlite: {
      sql: "(r.user_name_ci IS NOT NULL AND r.user_name_ci LIKE ? ESCAPE '!')",
      params: ['bj%'],
    },
    postgres: {
      sql: "(r.user_name_ci IS NOT NULL AND r.user_name_ci LIKE ? ESCAPE '!')",
      params: ['bj%'],
    },
  },
  {
    name: 'ew',
    filter: 'userName ew "@Example.com"',
    mysql: {
      sql: "(r.user_name_ci IS NOT NULL AND r.user_name_ci LIKE ? ESCAPE '!')",
      params: ['%@example.com'],
    },
    sqlite: {
      sql: "(r.user_name_ci IS NOT NULL AND r.user_name_ci LIKE ? ESCAPE '!')",
      params: ['%@example.com'],
    },
    postgres: {
      sql: "(r.user_name_ci IS NOT NULL AND r.user_name_ci LIKE ? ESCAPE '!')",
      params: ['%@example.com'],
    },
  },
  {
    name: 'gt',
    filter: 'userName gt "M"',
    mysql: {
      sql: '(r.user_name_ci IS NOT NULL AND CAST(r.user_name_ci AS BINARY) > ?)',
      params: ['m'],
    },
    sqlite: { sql: '(r.user_name_ci IS NOT NULL AND r.user_name_ci > ?)', params: ['m'] },
    postgres: { sql: '(r.user_name_ci IS NOT NULL AND r.user_name_ci > ?)', params: ['m'] },
  },
  {
    name: 'ge',
    filter: 'userName ge "M"',
    mysql: {
      sql: '(r.user_name_ci IS NOT NULL AND CAST(r.user_name_ci AS BINARY) >= ?)',
      params: ['m'],
    },
    sqlite: { sql: '(r.user_name_ci IS NOT NULL AND r.user_name_ci >= ?)', params: ['m'] },
    postgres: { sql: '(r.user_name_ci IS NOT NULL AND r.user_name_ci >= ?)', params: ['m'] },
  },
  {
    name: 'lt',
    filter: 'userName lt "M"',
    mysql: {
      sql: '(r.user_name_ci IS NOT NULL AND CAST(r.user_name_ci AS BINARY) < ?)',
      params: ['m'],
    },
    sqlite: { sql: '(r.user_name_ci IS NOT NULL AND r.user_name_ci < ?)', params: ['m'] },
    postgres: { sql: '(r.user_name_ci IS NOT NULL AND r.user_name_ci < ?)', params: ['m'] },
  },
  {
    name: 'le',
    filter: 'userName le "M"',
    mysql: {
      sql: '(r.user_name_ci IS NOT NULL AND CAST(r.user_name_ci AS BINARY) <= ?)',
      params: ['m'],
    },
    sqlite: { sql: '(r.user_name_ci IS NOT NULL AND r.user_name_ci <= ?)', params: ['m'] },
    postgres: { sql: '(r.user_name_ci IS NOT NULL AND r.user_name_ci <= ?)', params: ['m'] },
  },
  {
    name: 'pr on a text column: not NULL and not empty',
    filter: 'userName pr',
    mysql: { sql: "(r.user_name IS NOT NULL AND CAST(r.user_name AS BINARY) <> '')", params: [] },
    sqlite: { sql: "(r.user_name IS NOT NULL AND r.user_name <> '')", params: [] },
    postgres: { sql: "(r.user_name IS NOT NULL AND r.user_name <> '')", params: [] },
  },
  {
    name: 'caseExact:true column (id) compares as is',
    filter: 'id eq "2819C223-7F76"',
    mysql: {
      sql: '(r.id IS NOT NULL AND r.id = ? AND CAST(r.id AS BINARY) = ?)',
      params: ['2819C223-7F76', '2819C223-7F76'],
    },
    sqlite: { sql: '(r.id IS NOT NULL AND r.id = ?)', params: ['2819C223-7F76'] },
    postgres: { sql: '(r.id IS NOT NULL AND r.id = ?)', params: ['2819C223-7F76'] },
  },
  {
    name: 'caseExact:true column (externalId) LIKE is case-sensitive',
    filter: 'externalId co "Ab"',
    mysql: {
      sql: "(r.external_id IS NOT NULL AND r.external_id LIKE ? ESCAPE '!')",
      params: ['%Ab%'],
    },
    sqlite: {
      sql: "(r.external_id IS NOT NULL AND r.external_id LIKE ? ESCAPE '!')",
      params: ['%Ab%'],
    },
    postgres: {
      sql: "(r.external_id IS NOT NULL AND r.external_id LIKE ? ESCAPE '!')",
      params: ['%Ab%'],
    },
  },
  {
    name: 'displayName: the shadow column is the only column',
    filter: 'displayName eq "Babs Jensen"',
    mysql: {
      sql:
        '(r.display_name_ci IS NOT NULL AND r.display_name_ci = ? AND ' +
        'CAST(r.display_name_ci AS BINARY) = ?)',
      params: ['babs jensen', 'babs jensen'],
    },
    sqlite: {
      sql: '(r.display_name_ci IS NOT NULL AND r.display_name_ci = ?)',
      params: ['babs jensen'],
    },
    postgres: {
      sql: '(r.display_name_ci IS NOT NULL AND r.display_name_ci = ?)',
      params: ['babs jensen'],
    },
  },
  {
    name: 'caseExact:false column without shadow column: lower-cased in SQL',
    filter: 'nickName eq "Babs"',
    mysql: {
      sql:
        '(LOWER(r.nick_name) IS NOT NULL AND LOWER(r.nick_name) = ? AND ' +
        'CAST(LOWER(r.nick_name) AS BINARY) = ?)',
      params: ['babs', 'babs'],
    },
    sqlite: {
      sql: '(scim_lower(r.nick_name) IS NOT NULL AND scim_lower(r.nick_name) = ?)',
      params: ['babs'],
    },
    postgres: {
      sql: `(${pgLower('r.nick_name')} IS NOT NULL AND ${pgLower('r.nick_name')} = ?)`,
      params: ['babs'],
    },
  },
  {
    name: 'JSON attribute (title), caseExact:false',
    filter: 'title eq "Tour Guide"',
    mysql: {
      sql: "(LOWER(JSON_VALUE(r.doc, '$.\"title\"')) IS NOT NULL AND CAST(LOWER(JSON_VALUE(r.doc, '$.\"title\"')) AS BINARY) = LOWER(?))",
      params: ["Tour Guide"],
    },
    sqlite: {
      sql: `(scim_lower(${liteDoc('title')}) IS NOT NULL AND scim_lower(${liteDoc('title')}) = ?)`,
      params: ['tour guide'],
    },
    postgres: {
      sql:
        `(${pgLower(pgDoc('title'))} IS NOT NULL AND ` +
        `${pgLower(pgDoc('title'))} = ${pgLower('?')})`,
      params: ['Tour Guide'],
    },
  },
  {
    name: 'JSON attribute ordering',
    filter: 'title gt "Tour"',
    mysql: {
      sql: "(LOWER(JSON_VALUE(r.doc, '$.\"title\"')) IS NOT NULL AND CAST(LOWER(JSON_VALUE(r.doc, '$.\"title\"')) AS BINARY) > LOWER(?))",
      params: ["Tour"],
    },
    sqlite: {
      sql: `(scim_lower(${liteDoc('title')}) IS NOT NULL AND scim_lower(${liteDoc('title')}) > ?)`,
      params: ['tour'],
    },
    postgres: {
      sql:
        `(${pgLower(pgDoc('title'))} IS NOT NULL AND ` +
        `${pgLower(pgDoc('title'))} > ${pgLower('?')})`,
      params: ['Tour'],
    },
  },
  {
    name: 'JSON attribute pr',
    filter: 'title pr',
    mysql: {
      sql: `(${myDoc('title')} IS NOT NULL AND CAST(${myDoc('title')} AS BINARY) <> '')`,
      params: [],
    },
    sqlite: { sql: `(${liteDoc('title')} IS NOT NULL AND ${liteDoc('title')} <> '')`, params: [] },
    postgres: { sql: `(${pgDoc('title')} IS NOT NULL AND ${pgDoc('title')} <> '')`, params: [] },
  },
  {
    name: 'JSON sub-attribute of a singular complex attribute',
    filter: `name.familyName co "O'Malley"`,
    mysql: {
      sql: "(LOWER(JSON_VALUE(r.doc, '$.\"name\".\"familyName\"')) IS NOT NULL AND LOWER(JSON_VALUE(r.doc, '$.\"name\".\"familyName\"')) COLLATE utf8mb4_bin LIKE LOWER(?) ESCAPE '!')",
      params: ["%O'Malley%"],
    },
    sqlite: {
      sql:
        `(scim_lower(${liteDoc('name', 'familyName')}) IS NOT NULL AND ` +
        `scim_lower(${liteDoc('name', 'familyName')}) LIKE ? ESCAPE '!')`,
      params: ['%o\'malley%'],
    },
    postgres: {
      sql:
        `(${pgLower(pgDoc('name', 'familyName'))} IS NOT NULL AND ` +
        `${pgLower(pgDoc('name', 'familyName'))} LIKE ${pgLower('?')} ESCAPE '!')`,
      params: ['%O\'Malley%'],
    },
  },
  {
    name: 'extension attribute: the URN is a quoted JSON member',
    filter: `${ENT}:employeeNumber eq "701984"`,
    mysql: {
      sql: "(LOWER(JSON_VALUE(r.doc, '$.\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\".\"employeeNumber\"')) IS NOT NULL AND CAST(LOWER(JSON_VALUE(r.doc, '$.\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\".\"employeeNumber\"')) AS BINARY) = LOWER(?))",
      params: ["701984"],
    },
    sqlite: {
      sql:
        `(scim_lower(json_extract(r.doc, '$."${ENT}"."employeeNumber"')) IS NOT NULL AND ` +
        `scim_lower(json_extract(r.doc, '$."${ENT}"."employeeNumber"')) = ?)`,
      params: ['701984'],
    },
    postgres: {
      sql:
        `(${pgLower(pgDoc(ENT, 'employeeNumber'))} IS NOT NULL AND ` +
        `${pgLower(pgDoc(ENT, 'employeeNumber'))} = ${pgLower('?')})`,
      params: ['701984'],
    },
  },
  {
    name: 'extension sub-attribute',
    filter: `${ENT}:manager.value eq "26118915"`,
    mysql: {
      sql: "(LOWER(JSON_VALUE(r.doc, '$.\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\".\"manager\".\"value\"')) IS NOT NULL AND CAST(LOWER(JSON_VALUE(r.doc, '$.\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\".\"manager\".\"value\"')) AS BINARY) = LOWER(?))",
      params: ["26118915"],
    },
    sqlite: {
      sql:
        `(scim_lower(json_extract(r.doc, '$."${ENT}"."manager"."value"')) IS NOT NULL AND ` +
        `scim_lower(json_extract(r.doc, '$."${ENT}"."manager"."value"')) = ?)`,
      params: ['26118915'],
    },
    postgres: {
      sql:
        `(${pgLower(pgDoc(ENT, 'manager', 'value'))} IS NOT NULL AND ` +
        `${pgLower(pgDoc(ENT, 'manager', 'value'))} = ${pgLower('?')})`,
      params: ['26118915'],
    },
  },
  {
    name: 'pr on a singular complex attribute: some sub-attribute is present (not JSON-not-null)',
    filter: 'name pr',
    mysql: {
      sql:
        `((${myDoc('name', 'formatted')} IS NOT NULL AND ` +
        `CAST(${myDoc('name', 'formatted')} AS BINARY) <> '') OR ` +
        `(${myDoc('name', 'familyName')} IS NOT NULL AND ` +
        `CAST(${myDoc('name', 'familyName')} AS BINARY) <> '') OR ` +
        `(${myDoc('name', 'givenName')} IS NOT NULL AND ` +
        `CAST(${myDoc('name', 'givenName')} AS BINARY) <> '') OR ` +
        `(${myDoc('name', 'middleName')} IS NOT NULL AND ` +
        `CAST(${myDoc('name', 'middleName')} AS BINARY) <> '') OR ` +
        `(${myDoc('name', 'honorificPrefix')} IS NOT NULL AND ` +
        `CAST(${myDoc('name', 'honorificPrefix')} AS BINARY) <> '') OR ` +
        `(${myDoc('name', 'honorificSuffix')} IS NOT NULL AND ` +
        `CAST(${myDoc('name', 'honorificSuffix')} AS BINARY) <> ''))`,
      params: [],
    },
    sqlite: {
      sql:
        `((${liteDoc('name', 'formatted')} IS NOT NULL AND ` +
        `${liteDoc('name', 'formatted')} <> '') OR ` +
        `(${liteDoc('name', 'familyName')} IS NOT NULL AND ` +
        `${liteDoc('name', 'familyName')} <> '') OR ` +
        `(${liteDoc('name', 'givenName')} IS NOT NULL AND ` +
        `${liteDoc('name', 'givenName')} <> '') OR ` +
        `(${liteDoc('name', 'middleName')} IS NOT NULL AND ` +
        `${liteDoc('name', 'middleName')} <> '') OR ` +
        `(${liteDoc('name', 'honorificPrefix')} IS NOT NULL AND ` +
        `${liteDoc('name', 'honorificPrefix')} <> '') OR ` +
        `(${liteDoc('name', 'honorificSuffix')} IS NOT NULL AND ` +
        `${liteDoc('name', 'honorificSuffix')} <> ''))`,
      params: [],
    },
    postgres: {
      sql:
        `((${pgDoc('name', 'formatted')} IS NOT NULL AND ` +
        `${pgDoc('name', 'formatted')} <> '') OR ` +
        `(${pgDoc('name', 'familyName')} IS NOT NULL AND ` +
        `${pgDoc('name', 'familyName')} <> '') OR ` +
        `(${pgDoc('name', 'givenName')} IS NOT NULL AND ` +
        `${pgDoc('name', 'givenName')} <> '') OR ` +
        `(${pgDoc('name', 'middleName')} IS NOT NULL AND ` +
        `${pgDoc('name', 'middleName')} <> '') OR ` +
        `(${pgDoc('name', 'honorificPrefix')} IS NOT NULL AND ` +
        `${pgDoc('name', 'honorificPrefix')} <> '') OR ` +
        `(${pgDoc('name', 'honorificSuffix')} IS NOT NULL AND ` +
        `${pgDoc('name', 'honorificSuffix')} <> ''))`,
      params: [],
    },
  },
  {
    name: 'pr on an extension complex attribute',
    filter: `${ENT}:manager pr`,
    mysql: {
      sql:
        `((JSON_VALUE(r.doc, '$."${ENT}"."manager"."value"') IS NOT NULL AND ` +
        `CAST(JSON_VALUE(r.doc, '$."${ENT}"."manager"."value"') AS BINARY) <> '') OR ` +
        `(JSON_VALUE(r.doc, '$."${ENT}"."manager"."$ref"') IS NOT NULL AND ` +
        `CAST(JSON_VALUE(r.doc, '$."${ENT}"."manager"."$ref"') AS BINARY) <> '') OR ` +
        `(JSON_VALUE(r.doc, '$."${ENT}"."manager"."displayName"') IS NOT NULL AND ` +
        `CAST(JSON_VALUE(r.doc, '$."${ENT}"."manager"."displayName"') AS BINARY) <> ''))`,
      params: [],
    },
    sqlite: {
      sql:
        `((json_extract(r.doc, '$."${ENT}"."manager"."value"') IS NOT NULL AND ` +
        `json_extract(r.doc, '$."${ENT}"."manager"."value"') <> '') OR ` +
        `(json_extract(r.doc, '$."${ENT}"."manager"."$ref"') IS NOT NULL AND ` +
        `json_extract(r.doc, '$."${ENT}"."manager"."$ref"') <> '') OR ` +
        `(json_extract(r.doc, '$."${ENT}"."manager"."displayName"') IS NOT NULL AND ` +
        `json_extract(r.doc, '$."${ENT}"."manager"."displayName"') <> ''))`,
      params: [],
    },
    postgres: {
      sql:
        `((${pgDoc(ENT, 'manager', 'value')} IS NOT NULL AND ` +
        `${pgDoc(ENT, 'manager', 'value')} <> '') OR ` +
        `(${pgDoc(ENT, 'manager', '$ref')} IS NOT NULL AND ` +
        `${pgDoc(ENT, 'manager', '$ref')} <> '') OR ` +
        `(${pgDoc(ENT, 'manager', 'displayName')} IS NOT NULL AND ` +
        `${pgDoc(ENT, 'manager', 'displayName')} <> ''))`,
      params: [],
    },
  },
  {
    name: 'pr on meta mixes columns and JSON',
    filter: 'meta pr',
    mysql: {
      sql:
        `((${myDoc('meta', 'resourceType')} IS NOT NULL AND ` +
        `CAST(${myDoc('meta', 'resourceType')} AS BINARY) <> '') OR (r.created IS NOT NULL AND ` +
        "r.created <> '') OR (r.last_modified IS NOT NULL AND r.last_modified <> '') OR " +
        `(${myDoc('meta', 'location')} IS NOT NULL AND ` +
        `CAST(${myDoc('meta', 'location')} AS BINARY) <> '') OR ` +
        `(${myDoc('meta', 'version')} IS NOT NULL AND ` +
        `CAST(${myDoc('meta', 'version')} AS BINARY) <> ''))`,
      params: [],
    },
    sqlite: {
      sql:
        `((${liteDoc('meta', 'resourceType')} IS NOT NULL AND ` +
        `${liteDoc('meta', 'resourceType')} <> '') OR (r.created IS NOT NULL AND ` +
        "r.created <> '') OR (r.last_modified IS NOT NULL AND r.last_modified <> '') OR " +
        `(${liteDoc('meta', 'location')} IS NOT NULL AND ` +
        `${liteDoc('meta', 'location')} <> '') OR ` +
        `(${liteDoc('meta', 'version')} IS NOT NULL AND ${liteDoc('meta', 'version')} <> ''))`,
      params: [],
    },
    postgres: {
      sql:
        `((${pgDoc('meta', 'resourceType')} IS NOT NULL AND ` +
        `${pgDoc('meta', 'resourceType')} <> '') OR (r.created IS NOT NULL AND ` +
        "r.created <> '') OR (r.last_modified IS NOT NULL AND r.last_modified <> '') OR " +
        `(${pgDoc('meta', 'location')} IS NOT NULL AND ` +
        `${pgDoc('meta', 'location')} <> '') OR (${pgDoc('meta', 'version')} IS NOT NULL AND ` +
        `${pgDoc('meta', 'version')} <> ''))`,
      params: [],
    },
  },
  {
    name: 'boolean column eq true',
    filter: 'active eq true',
    mysql: { sql: '(r.active IS NOT NULL AND r.active = ?)', params: [1] },
    sqlite: { sql: '(r.active IS NOT NULL AND r.active = ?)', params: [1] },
    postgres: { sql: '(r.active IS NOT NULL AND r.active = ?)', params: [1] },
  },
  {
    name: 'boolean: the validator coerces the string "True" (Entra ID)',
    filter: 'active eq "True"',
    mysql: { sql: '(r.active IS NOT NULL AND r.active = ?)', params: [1] },
    sqlite: { sql: '(r.active IS NOT NULL AND r.active = ?)', params: [1] },
    postgres: { sql: '(r.active IS NOT NULL AND r.active = ?)', params: [1] },
  },
  {
    name: 'boolean ne false is true when absent',
    filter: 'active ne false',
    mysql: { sql: '(r.active IS NULL OR r.active <> ?)', params: [0] },
    sqlite: { sql: '(r.active IS NULL OR r.active <> ?)', params: [0] },
    postgres: { sql: '(r.active IS NULL OR r.active <> ?)', params: [0] },
  },
  {
    name: 'boolean pr',
    filter: 'active pr',
    mysql: { sql: '(r.active IS NOT NULL)', params: [] },
    sqlite: { sql: '(r.active IS NOT NULL)', params: [] },
    postgres: { sql: '(r.active IS NOT NULL)', params: [] },
  },
  {
    name: 'boolean eq null',
    filter: 'active eq null',
    mysql: { sql: '(NOT (r.active IS NOT NULL))', params: [] },
    sqlite: { sql: '(NOT (r.active IS NOT NULL))', params: [] },
    postgres: { sql: '(NOT (r.active IS NOT NULL))', params: [] },
  },
  {
    name: 'dateTime is normalised to the stored UTC form',
    filter: 'meta.created gt "2011-05-13T04:42:34+02:00"',
    mysql: {
      sql: '(r.created IS NOT NULL AND r.created > ?)',
      params: ['2011-05-13T02:42:34.000Z'],
    },
    sqlite: {
      sql: '(r.created IS NOT NULL AND r.created > ?)',
      params: ['2011-05-13T02:42:34.000Z'],
    },
    postgres: {
      sql: '(r.created IS NOT NULL AND r.created > ?)',
      params: ['2011-05-13T02:42:34.000Z'],
    },
  },
  {
    name: 'dateTime le, fraction cut to milliseconds',
    filter: 'meta.lastModified le "2011-05-13T04:42:34.1234Z"',
    mysql: {
      sql: '(r.last_modified IS NOT NULL AND r.last_modified <= ?)',
      params: ['2011-05-13T04:42:34.123Z'],
    },
    sqlite: {
      sql: '(r.last_modified IS NOT NULL AND r.last_modified <= ?)',
      params: ['2011-05-13T04:42:34.123Z'],
    },
    postgres: {
      sql: '(r.last_modified IS NOT NULL AND r.last_modified <= ?)',
      params: ['2011-05-13T04:42:34.123Z'],
    },
  },
  {
    name: 'dateTime eq without zone is UTC',
    filter: 'meta.lastModified eq "2011-05-13T04:42:34"',
    mysql: {
      sql: '(r.last_modified IS NOT NULL AND r.last_modified = ?)',
      params: ['2011-05-13T04:42:34.000Z'],
    },
    sqlite: {
      sql: '(r.last_modified IS NOT NULL AND r.last_modified = ?)',
      params: ['2011-05-13T04:42:34.000Z'],
    },
    postgres: {
      sql: '(r.last_modified IS NOT NULL AND r.last_modified = ?)',
      params: ['2011-05-13T04:42:34.000Z'],
    },
  },
  {
    name: 'LIKE escapes % _ and the escape character !',
    filter: 'userName co "50%_!x"',
    mysql: {
      sql: "(r.user_name_ci IS NOT NULL AND r.user_name_ci LIKE ? ESCAPE '!')",
      params: ['%50!%!_!!x%'],
    },
    sqlite: {
      sql: "(r.user_name_ci IS NOT NULL AND r.user_name_ci LIKE ? ESCAPE '!')",
      params: ['%50!%!_!!x%'],
    },
    postgres: {
      sql: "(r.user_name_ci IS NOT NULL AND r.user_name_ci LIKE ? ESCAPE '!')",
      params: ['%50!%!_!!x%'],
    },
  },
  {
    name: 'LIKE escaping in sw and ew',
    filter: 'title sw "a_" or title ew "%!"',
    mysql: {
      sql: "((LOWER(JSON_VALUE(r.doc, '$.\"title\"')) IS NOT NULL AND LOWER(JSON_VALUE(r.doc, '$.\"title\"')) COLLATE utf8mb4_bin LIKE LOWER(?) ESCAPE '!') OR (LOWER(JSON_VALUE(r.doc, '$.\"title\"')) IS NOT NULL AND LOWER(JSON_VALUE(r.doc, '$.\"title\"')) COLLATE utf8mb4_bin LIKE LOWER(?) ESCAPE '!'))",
      params: ["a!_%", "%!%!!"],
    },
    sqlite: {
      sql:
        `((scim_lower(${liteDoc('title')}) IS NOT NULL AND ` +
        `scim_lower(${liteDoc('title')}) LIKE ? ESCAPE '!') OR ` +
        `(scim_lower(${liteDoc('title')}) IS NOT NULL AND ` +
        `scim_lower(${liteDoc('title')}) LIKE ? ESCAPE '!'))`,
      params: ['a!_%', '%!%!!'],
    },
    postgres: {
      sql:
        `((${pgLower(pgDoc('title'))} IS NOT NULL AND ` +
        `${pgLower(pgDoc('title'))} LIKE ${pgLower('?')} ESCAPE '!') OR ` +
        `(${pgLower(pgDoc('title'))} IS NOT NULL AND ` +
        `${pgLower(pgDoc('title'))} LIKE ${pgLower('?')} ESCAPE '!'))`,
      params: ['a!_%', '%!%!!'],
    },
  },
  {
    name: 'eq null on a singular attribute is not pr',
    filter: 'title eq null',
    mysql: {
      sql: `(NOT (${myDoc('title')} IS NOT NULL AND CAST(${myDoc('title')} AS BINARY) <> ''))`,
      params: [],
    },
    sqlite: {
      sql: `(NOT (${liteDoc('title')} IS NOT NULL AND ${liteDoc('title')} <> ''))`,
      params: [],
    },
    postgres: {
      sql: `(NOT (${pgDoc('title')} IS NOT NULL AND ${pgDoc('title')} <> ''))`,
      params: [],
    },
  },
  {
    name: 'ne null on a singular attribute is pr',
    filter: 'title ne null',
    mysql: {
      sql: `(${myDoc('title')} IS NOT NULL AND CAST(${myDoc('title')} AS BINARY) <> '')`,
      params: [],
    },
    sqlite: { sql: `(${liteDoc('title')} IS NOT NULL AND ${liteDoc('title')} <> '')`, params: [] },
    postgres: { sql: `(${pgDoc('title')} IS NOT NULL AND ${pgDoc('title')} <> '')`, params: [] },
  },
  {
    name: 'eq null on a multi-valued attribute: no element has a value',
    filter: 'emails eq null',
    mysql: {
      sql: `(NOT (${IN_VALS}(v.value IS NOT NULL AND CAST(v.value AS BINARY) <> ''))))`,
      params: ['emails'],
    },
    sqlite: {
      sql: `(NOT (${IN_VALS}(v.value IS NOT NULL AND v.value <> ''))))`,
      params: ['emails'],
    },
    postgres: {
      sql:
        `(NOT (${IN_VALS}` +
        "(v.value IS NOT NULL AND v.value <> ''))))",
      params: ['emails'],
    },
  },
  {
    name: 'ne null on a multi-valued sub-attribute: some element has one',
    filter: 'emails.value ne null',
    mysql: {
      sql: `(${IN_VALS}(v.value IS NOT NULL AND CAST(v.value AS BINARY) <> '')))`,
      params: ['emails'],
    },
    sqlite: { sql: `(${IN_VALS}(v.value IS NOT NULL AND v.value <> '')))`, params: ['emails'] },
    postgres: {
      sql:
        `(${IN_VALS}` +
        "(v.value IS NOT NULL AND v.value <> '')))",
      params: ['emails'],
    },
  },
  {
    name: 'eq null inside a value filter: an element without the sub-attribute',
    filter: 'emails[type eq null]',
    mysql: {
      sql:
        `(${IN_VALS}(NOT (${myItem('type')} IS NOT NULL AND ` +
        `CAST(${myItem('type')} AS BINARY) <> ''))))`,
      params: ['emails'],
    },
    sqlite: {
      sql: `(${IN_VALS}(NOT (${liteItem('type')} IS NOT NULL AND ${liteItem('type')} <> ''))))`,
      params: ['emails'],
    },
    postgres: {
      sql:
        `(${IN_VALS}` +
        `(NOT (${pgItem('type')} IS NOT NULL AND ${pgItem('type')} <> ''))))`,
      params: ['emails'],
    },
  },
  {
    name: 'multi-valued eq compares value (RFC 7644 §3.4.2.2) with the indexed key first',
    filter: 'emails eq "BJensen@Example.com"',
    mysql: {
      sql:
        `(${IN_VALS}(v.value_ci IS NOT NULL AND v.value_key = ? AND ` +
        'CAST(v.value_ci AS BINARY) = ?)))',
      params: ['emails', 'bjensen@', 'bjensen@example.com'],
    },
    sqlite: {
      sql: `(${IN_VALS}(v.value_ci IS NOT NULL AND v.value_key = ? AND v.value_ci = ?)))`,
      params: ['emails', 'bjensen@', 'bjensen@example.com'],
    },
    postgres: {
      sql:
        `(${IN_VALS}` +
        '(v.value_ci IS NOT NULL AND v.value_key = ? AND v.value_ci = ?)))',
      params: ['emails', 'bjensen@', 'bjensen@example.com'],
    },
  },
  {
    name: 'multi-valued sw: PostgreSQL also states the look-up key\'s prefix, which its index serves',
    filter: 'emails.value sw "BJensen@Exa"',
    mysql: {
      sql: `(${IN_VALS}(v.value_ci IS NOT NULL AND v.value_ci LIKE ? ESCAPE '!')))`,
      params: ['emails', 'bjensen@exa%'],
    },
    sqlite: {
      sql: `(${IN_VALS}(v.value_ci IS NOT NULL AND v.value_ci LIKE ? ESCAPE '!')))`,
      params: ['emails', 'bjensen@exa%'],
    },
    postgres: {
      sql:
        `(${IN_VALS}` +
        "(v.value_ci IS NOT NULL AND v.value_key LIKE ? ESCAPE '!' AND v.value_ci LIKE ? ESCAPE '!')))",
      // the key is cut at FAKE_KEY_LENGTH code points; LIKE's characters are escaped in both
      params: ['emails', 'bjensen@%', 'bjensen@exa%'],
    },
  },
  {
    name: 'multi-valued sw with LIKE characters in the key',
    filter: 'emails.value sw "a_b%"',
    mysql: {
      sql: `(${IN_VALS}(v.value_ci IS NOT NULL AND v.value_ci LIKE ? ESCAPE '!')))`,
      params: ['emails', 'a!_b!%%'],
    },
    sqlite: {
      sql: `(${IN_VALS}(v.value_ci IS NOT NULL AND v.value_ci LIKE ? ESCAPE '!')))`,
      params: ['emails', 'a!_b!%%'],
    },
    postgres: {
      sql:
        `(${IN_VALS}` +
        "(v.value_ci IS NOT NULL AND v.value_key LIKE ? ESCAPE '!' AND v.value_ci LIKE ? ESCAPE '!')))",
      params: ['emails', 'a!_b!%%', 'a!_b!%%'],
    },
  },
  {
    name: 'multi-valued co',
    filter: 'emails co "@example"',
    mysql: {
      sql: `(${IN_VALS}(v.value_ci IS NOT NULL AND v.value_ci LIKE ? ESCAPE '!')))`,
      params: ['emails', '%@example%'],
    },
    sqlite: {
      sql: `(${IN_VALS}(v.value_ci IS NOT NULL AND v.value_ci LIKE ? ESCAPE '!')))`,
      params: ['emails', '%@example%'],
    },
    postgres: {
      sql:
        `(${IN_VALS}` +
        "(v.value_ci IS NOT NULL AND v.value_ci LIKE ? ESCAPE '!')))",
      params: ['emails', '%@example%'],
    },
  },
  {
    name: 'multi-valued ne is not (some value eq)',
    filter: 'emails.value ne "babs@jensen.org"',
    mysql: {
      sql:
        `(NOT (${IN_VALS}(v.value_ci IS NOT NULL AND v.value_key = ? AND ` +
        'CAST(v.value_ci AS BINARY) = ?))))',
      params: ['emails', 'babs@jen', 'babs@jensen.org'],
    },
    sqlite: {
      sql: `(NOT (${IN_VALS}(v.value_ci IS NOT NULL AND v.value_key = ? AND v.value_ci = ?))))`,
      params: ['emails', 'babs@jen', 'babs@jensen.org'],
    },
    postgres: {
      sql:
        `(NOT (${IN_VALS}` +
        '(v.value_ci IS NOT NULL AND v.value_key = ? AND v.value_ci = ?))))',
      params: ['emails', 'babs@jen', 'babs@jensen.org'],
    },
  },
  {
    name: 'multi-valued sub-attribute read from the element JSON',
    filter: 'emails.type eq "Work"',
    mysql: {
      sql: "(r.seq IN (SELECT v.owner_seq FROM vals v WHERE v.attribute = ? AND (LOWER(JSON_VALUE(v.item, '$.\"type\"')) IS NOT NULL AND CAST(LOWER(JSON_VALUE(v.item, '$.\"type\"')) AS BINARY) = LOWER(?))))",
      params: ["emails", "Work"],
    },
    sqlite: {
      sql:
        `(${IN_VALS}(scim_lower(${liteItem('type')}) IS NOT NULL AND ` +
        `scim_lower(${liteItem('type')}) = ?)))`,
      params: ['emails', 'work'],
    },
    postgres: {
      sql:
        `(${IN_VALS}` +
        `(${pgLower(pgItem('type'))} IS NOT NULL AND ` +
        `${pgLower(pgItem('type'))} = ${pgLower('?')})))`,
      params: ['emails', 'Work'],
    },
  },
  {
    name: 'multi-valued boolean sub-attribute from JSON: JSON true/false only',
    filter: 'emails.primary eq true',
    mysql: {
      sql: `(${IN_VALS}(${myBool('primary')} IS NOT NULL AND ${myBool('primary')} = ?)))`,
      params: ['emails', 1],
    },
    sqlite: {
      sql: `(${IN_VALS}(${liteBool('primary')} IS NOT NULL AND ${liteBool('primary')} = ?)))`,
      params: ['emails', 1],
    },
    postgres: {
      sql:
        `(${IN_VALS}` +
        `(${pgBool('primary')} IS NOT NULL AND ${pgBool('primary')} = ?)))`,
      params: ['emails', 1],
    },
  },
  {
    name: 'pr on a multi-valued complex attribute: some element has a present sub-attribute',
    filter: 'emails pr',
    mysql: {
      sql:
        `(${IN_VALS}((v.value IS NOT NULL AND CAST(v.value AS BINARY) <> '') OR ` +
        `(${myItem('display')} IS NOT NULL AND CAST(${myItem('display')} AS BINARY) <> '') OR ` +
        `(${myItem('type')} IS NOT NULL AND CAST(${myItem('type')} AS BINARY) <> '') OR ` +
        `(${myBool('primary')} IS NOT NULL))))`,
      params: ['emails'],
    },
    sqlite: {
      sql:
        `(${IN_VALS}((v.value IS NOT NULL AND v.value <> '') OR ` +
        `(${liteItem('display')} IS NOT NULL AND ${liteItem('display')} <> '') OR ` +
        `(${liteItem('type')} IS NOT NULL AND ${liteItem('type')} <> '') OR ` +
        `(${liteBool('primary')} IS NOT NULL))))`,
      params: ['emails'],
    },
    postgres: {
      sql:
        `(${IN_VALS}` +
        `((v.value IS NOT NULL AND v.value <> '') OR (${pgItem('display')} IS NOT NULL AND ` +
        `${pgItem('display')} <> '') OR (${pgItem('type')} IS NOT NULL AND ` +
        `${pgItem('type')} <> '') OR (${pgBool('primary')} IS NOT NULL))))`,
      params: ['emails'],
    },
  },
  {
    name: 'value filter: both conditions on the same element',
    filter: 'emails[type eq "work" and value co "@example.com"]',
    mysql: {
      sql: "(r.seq IN (SELECT v.owner_seq FROM vals v WHERE v.attribute = ? AND ((LOWER(JSON_VALUE(v.item, '$.\"type\"')) IS NOT NULL AND CAST(LOWER(JSON_VALUE(v.item, '$.\"type\"')) AS BINARY) = LOWER(?)) AND (v.value_ci IS NOT NULL AND v.value_ci LIKE ? ESCAPE '!'))))",
      params: ["emails", "work", "%@example.com%"],
    },
    sqlite: {
      sql:
        `(${IN_VALS}((scim_lower(${liteItem('type')}) IS NOT NULL AND ` +
        `scim_lower(${liteItem('type')}) = ?) AND (v.value_ci IS NOT NULL AND ` +
        "v.value_ci LIKE ? ESCAPE '!'))))",
      params: ['emails', 'work', '%@example.com%'],
    },
    postgres: {
      sql:
        `(${IN_VALS}` +
        `((${pgLower(pgItem('type'))} IS NOT NULL AND ` +
        `${pgLower(pgItem('type'))} = ${pgLower('?')}) AND (v.value_ci IS NOT NULL AND ` +
        "v.value_ci LIKE ? ESCAPE '!'))))",
      params: ['emails', 'work', '%@example.com%'],
    },
  },
  {
    name: 'value filter with not and a "True" string',
    filter: 'roles[not (primary eq "True")]',
    mysql: {
      sql: `(${IN_VALS}(NOT (${myBool('primary')} IS NOT NULL AND ${myBool('primary')} = ?))))`,
      params: ['roles', 1],
    },
    sqlite: {
      sql: `(${IN_VALS}(NOT (${liteBool('primary')} IS NOT NULL AND ${liteBool('primary')} = ?))))`,
      params: ['roles', 1],
    },
    postgres: {
      sql:
        `(${IN_VALS}` +
        `(NOT (${pgBool('primary')} IS NOT NULL AND ${pgBool('primary')} = ?))))`,
      params: ['roles', 1],
    },
  },
  {
    name: 'value filter on addresses (no value sub-attribute)',
    filter: 'addresses[locality sw "Par" or postalCode pr]',
    mysql: {
      sql: "(r.seq IN (SELECT v.owner_seq FROM vals v WHERE v.attribute = ? AND ((LOWER(JSON_VALUE(v.item, '$.\"locality\"')) IS NOT NULL AND LOWER(JSON_VALUE(v.item, '$.\"locality\"')) COLLATE utf8mb4_bin LIKE LOWER(?) ESCAPE '!') OR (JSON_VALUE(v.item, '$.\"postalCode\"') IS NOT NULL AND CAST(JSON_VALUE(v.item, '$.\"postalCode\"') AS BINARY) <> ''))))",
      params: ["addresses", "Par%"],
    },
    sqlite: {
      sql:
        `(${IN_VALS}((scim_lower(${liteItem('locality')}) IS NOT NULL AND ` +
        `scim_lower(${liteItem('locality')}) LIKE ? ESCAPE '!') OR ` +
        `(${liteItem('postalCode')} IS NOT NULL AND ${liteItem('postalCode')} <> ''))))`,
      params: ['addresses', 'par%'],
    },
    postgres: {
      sql:
        `(${IN_VALS}` +
        `((${pgLower(pgItem('locality'))} IS NOT NULL AND ` +
        `${pgLower(pgItem('locality'))} LIKE ${pgLower('?')} ESCAPE '!') OR ` +
        `(${pgItem('postalCode')} IS NOT NULL AND ${pgItem('postalCode')} <> ''))))`,
      params: ['addresses', 'Par%'],
    },
  },
  {
    name: 'binary value (x509Certificates) compares case-exactly',
    filter: 'x509Certificates.value eq "MIIDQzCCAqyg"',
    mysql: {
      sql: `(${IN_VALS}(v.value IS NOT NULL AND v.value_key = ? AND CAST(v.value AS BINARY) = ?)))`,
      params: ['x509Certificates', 'miidqzcc', 'MIIDQzCCAqyg'],
    },
    sqlite: {
      sql: `(${IN_VALS}(v.value IS NOT NULL AND v.value_key = ? AND v.value = ?)))`,
      params: ['x509Certificates', 'miidqzcc', 'MIIDQzCCAqyg'],
    },
    postgres: {
      sql:
        `(${IN_VALS}` +
        '(v.value IS NOT NULL AND v.value_key = ? AND v.value = ?)))',
      params: ['x509Certificates', 'miidqzcc', 'MIIDQzCCAqyg'],
    },
  },
  {
    name: 'value filter on a singular complex attribute is the prefixed filter',
    filter: 'name[givenName eq "Bar" or not (familyName pr)]',
    mysql: {
      sql: "((LOWER(JSON_VALUE(r.doc, '$.\"name\".\"givenName\"')) IS NOT NULL AND CAST(LOWER(JSON_VALUE(r.doc, '$.\"name\".\"givenName\"')) AS BINARY) = LOWER(?)) OR (NOT (JSON_VALUE(r.doc, '$.\"name\".\"familyName\"') IS NOT NULL AND CAST(JSON_VALUE(r.doc, '$.\"name\".\"familyName\"') AS BINARY) <> '')))",
      params: ["Bar"],
    },
    sqlite: {
      sql:
        `((scim_lower(${liteDoc('name', 'givenName')}) IS NOT NULL AND ` +
        `scim_lower(${liteDoc('name', 'givenName')}) = ?) OR ` +
        `(NOT (${liteDoc('name', 'familyName')} IS NOT NULL AND ` +
        `${liteDoc('name', 'familyName')} <> '')))`,
      params: ['bar'],
    },
    postgres: {
      sql:
        `((${pgLower(pgDoc('name', 'givenName'))} IS NOT NULL AND ` +
        `${pgLower(pgDoc('name', 'givenName'))} = ${pgLower('?')}) OR ` +
        `(NOT (${pgDoc('name', 'familyName')} IS NOT NULL AND ` +
        `${pgDoc('name', 'familyName')} <> '')))`,
      params: ['Bar'],
    },
  },
  {
    name: 'and binds tighter than or; not',
    filter: 'userName eq "a" or not (title pr) and displayName co "b"',
    mysql: {
      sql:
        '((r.user_name_ci IS NOT NULL AND r.user_name_ci = ? AND ' +
        `CAST(r.user_name_ci AS BINARY) = ?) OR ((NOT (${myDoc('title')} IS NOT NULL AND ` +
        `CAST(${myDoc('title')} AS BINARY) <> '')) AND (r.display_name_ci IS NOT NULL AND ` +
        "r.display_name_ci LIKE ? ESCAPE '!')))",
      params: ['a', 'a', '%b%'],
    },
    sqlite: {
      sql:
        '((r.user_name_ci IS NOT NULL AND r.user_name_ci = ?) OR ' +
        `((NOT (${liteDoc('title')} IS NOT NULL AND ${liteDoc('title')} <> '')) AND ` +
        "(r.display_name_ci IS NOT NULL AND r.display_name_ci LIKE ? ESCAPE '!')))",
      params: ['a', '%b%'],
    },
    postgres: {
      sql:
        '((r.user_name_ci IS NOT NULL AND r.user_name_ci = ?) OR ' +
        `((NOT (${pgDoc('title')} IS NOT NULL AND ${pgDoc('title')} <> '')) AND ` +
        "(r.display_name_ci IS NOT NULL AND r.display_name_ci LIKE ? ESCAPE '!')))",
      params: ['a', '%b%'],
    },
  },
  {
    name: 'injection text stays a parameter',
    filter: `userName eq "x' OR 1=1 --" or title co "'; DROP TABLE r; --"`,
    mysql: {
      sql: "((r.user_name_ci IS NOT NULL AND r.user_name_ci = ? AND CAST(r.user_name_ci AS BINARY) = ?) OR (LOWER(JSON_VALUE(r.doc, '$.\"title\"')) IS NOT NULL AND LOWER(JSON_VALUE(r.doc, '$.\"title\"')) COLLATE utf8mb4_bin LIKE LOWER(?) ESCAPE '!'))",
      params: ["x' or 1=1 --", "x' or 1=1 --", "%'; DROP TABLE r; --%"],
    },
    sqlite: {
      sql:
        '((r.user_name_ci IS NOT NULL AND r.user_name_ci = ?) OR ' +
        `(scim_lower(${liteDoc('title')}) IS NOT NULL AND ` +
        `scim_lower(${liteDoc('title')}) LIKE ? ESCAPE '!'))`,
      params: ['x\' or 1=1 --', '%\'; drop table r; --%'],
    },
    postgres: {
      sql:
        '((r.user_name_ci IS NOT NULL AND r.user_name_ci = ?) OR ' +
        `(${pgLower(pgDoc('title'))} IS NOT NULL AND ` +
        `${pgLower(pgDoc('title'))} LIKE ${pgLower('?')} ESCAPE '!'))`,
      params: ['x\' or 1=1 --', '%\'; DROP TABLE r; --%'],
    },
  },
  {
    name: 'counter-example: emails.primary eq false must not match elements without primary',
    filter: 'emails.primary eq false',
    mysql: {
      sql: `(${IN_VALS}(${myBool('primary')} IS NOT NULL AND ${myBool('primary')} = ?)))`,
      params: ['emails', 0],
    },
    sqlite: {
      sql: `(${IN_VALS}(${liteBool('primary')} IS NOT NULL AND ${liteBool('primary')} = ?)))`,
      params: ['emails', 0],
    },
    postgres: {
      sql:
        `(${IN_VALS}` +
        `(${pgBool('primary')} IS NOT NULL AND ${pgBool('primary')} = ?)))`,
      params: ['emails', 0],
    },
  },
  {
    name: 'counter-example: emails[primary pr] is false for an element without primary',
    filter: 'emails[primary pr]',
    mysql: { sql: `(${IN_VALS}(${myBool('primary')} IS NOT NULL)))`, params: ['emails'] },
    sqlite: { sql: `(${IN_VALS}(${liteBool('primary')} IS NOT NULL)))`, params: ['emails'] },
    postgres: {
      sql:
        `(${IN_VALS}` +
        `(${pgBool('primary')} IS NOT NULL)))`,
      params: ['emails'],
    },
  },
  {
    name: 'counter-example: title eq "pad" must not match "pad " on MySQL (PAD SPACE)',
    filter: 'title eq "pad"',
    mysql: {
      sql: "(LOWER(JSON_VALUE(r.doc, '$.\"title\"')) IS NOT NULL AND CAST(LOWER(JSON_VALUE(r.doc, '$.\"title\"')) AS BINARY) = LOWER(?))",
      params: ["pad"],
    },
    sqlite: {
      sql: `(scim_lower(${liteDoc('title')}) IS NOT NULL AND scim_lower(${liteDoc('title')}) = ?)`,
      params: ['pad'],
    },
    postgres: {
      sql:
        `(${pgLower(pgDoc('title'))} IS NOT NULL AND ` +
        `${pgLower(pgDoc('title'))} = ${pgLower('?')})`,
      params: ['pad'],
    },
  },
  {
    name: 'counter-example: emails[type eq "home "] must not match "home" on MySQL',
    filter: 'emails[type eq "home " or type eq ""]',
    mysql: {
      sql: "(r.seq IN (SELECT v.owner_seq FROM vals v WHERE v.attribute = ? AND ((LOWER(JSON_VALUE(v.item, '$.\"type\"')) IS NOT NULL AND CAST(LOWER(JSON_VALUE(v.item, '$.\"type\"')) AS BINARY) = LOWER(?)) OR (LOWER(JSON_VALUE(v.item, '$.\"type\"')) IS NOT NULL AND CAST(LOWER(JSON_VALUE(v.item, '$.\"type\"')) AS BINARY) = LOWER(?)))))",
      params: ["emails", "home ", ""],
    },
    sqlite: {
      sql:
        `(${IN_VALS}((scim_lower(${liteItem('type')}) IS NOT NULL AND ` +
        `scim_lower(${liteItem('type')}) = ?) OR ` +
        `(scim_lower(${liteItem('type')}) IS NOT NULL AND ` +
        `scim_lower(${liteItem('type')}) = ?))))`,
      params: ['emails', 'home ', ''],
    },
    postgres: {
      sql:
        `(${IN_VALS}` +
        `((${pgLower(pgItem('type'))} IS NOT NULL AND ` +
        `${pgLower(pgItem('type'))} = ${pgLower('?')}) OR ` +
        `(${pgLower(pgItem('type'))} IS NOT NULL AND ` +
        `${pgLower(pgItem('type'))} = ${pgLower('?')}))))`,
      params: ['emails', 'home ', ''],
    },
  },
  {
    name: 'counter-example: not (emails[value eq x]) keeps elements without a value two-valued',
    filter: 'emails[not (value eq "x")]',
    mysql: {
      sql:
        `(${IN_VALS}(NOT (v.value_ci IS NOT NULL AND v.value_key = ? AND ` +
        'CAST(v.value_ci AS BINARY) = ?))))',
      params: ['emails', 'x', 'x'],
    },
    sqlite: {
      sql: `(${IN_VALS}(NOT (v.value_ci IS NOT NULL AND v.value_key = ? AND v.value_ci = ?))))`,
      params: ['emails', 'x', 'x'],
    },
    postgres: {
      sql:
        `(${IN_VALS}` +
        '(NOT (v.value_ci IS NOT NULL AND v.value_key = ? AND v.value_ci = ?))))',
      params: ['emails', 'x', 'x'],
    },
  },
];

/** Filters the compiler refuses with invalidFilter (RFC 7644 §3.4.2.2, §3.12). */
export const SQL_ERROR_CASES: readonly SqlErrorCase[] = [
  { name: 'co on a boolean', filter: 'active co "t"', validated: true, error: /"co"/ },
  { name: 'co on a boolean (compiler)', filter: 'active co "t"', validated: false, error: /"co"/ },
  { name: 'gt on a boolean', filter: 'active gt true', validated: true, error: /"gt"/ },
  {
    name: 'gt on a boolean (compiler)',
    filter: 'emails.primary gt true',
    validated: false,
    error: /"gt" does not apply to boolean/,
  },
  {
    name: 'sw on a dateTime (compiler)',
    filter: 'meta.created sw "2011"',
    validated: false,
    error: /"sw" does not apply to dateTime/,
  },
  {
    name: 'not a dateTime (compiler)',
    filter: 'meta.created gt "yesterday"',
    validated: false,
    error: /not a valid dateTime/,
  },
  {
    name: 'a boolean literal that is not true/false (compiler)',
    filter: 'active eq "yes"',
    validated: false,
    error: /Expected a boolean/,
  },
  {
    name: 'a number for a string (compiler)',
    filter: 'title eq 5',
    validated: false,
    error: /Expected a string/,
  },
  {
    name: 'gt null (compiler)',
    filter: 'title gt null',
    validated: false,
    error: /cannot compare with null/,
  },
  {
    name: 'a comparison on a complex attribute (compiler)',
    filter: 'name eq "x"',
    validated: false,
    error: /can only be tested with pr/,
  },
  {
    name: 'returned:never (password) never reaches SQL (compiler)',
    filter: 'password eq "x"',
    validated: false,
    error: /"password" cannot be filtered/,
  },
  {
    name: 'an unknown attribute (compiler)',
    filter: 'foo eq "x"',
    validated: false,
    error: /Unknown attribute "foo"/,
  },
  {
    name: 'an unknown sub-attribute in a value filter (compiler)',
    filter: 'emails[foo eq "x"]',
    validated: false,
    error: /Unknown sub-attribute "foo"/,
  },
  {
    name: 'a multi-valued attribute the target does not store (groups)',
    filter: 'groups.value eq "x"',
    validated: true,
    error: /"groups" cannot be filtered/,
  },
  {
    name: 'counter-example: U+0000 in a substring value (SQLite LIKE stops there)',
    filter: 'title co "\\u0000"',
    validated: true,
    error: /cannot contain U\+0000/,
  },
];
