import fc from 'fast-check';
import { ENTERPRISE, GROUP, PROTOTYPE_KEYS, USER, text } from './fuzz-json.arbitraries';

/**
 * SCIM filters (RFC 7644 §3.4.2.2) for the fuzz spec: a grammar-aware generator of valid
 * filters, near-valid ones (one character inserted, dropped or doubled, cut short) and
 * garbage, plus huge and deeply nested ones within the 10,000-character limit. Also the
 * attribute lists, sort keys and PATCH paths built from the same attribute names.
 */

const COMMON_PATHS = [
  'id',
  'externalId',
  'meta',
  'meta.created',
  'meta.lastModified',
  'meta.resourceType',
  'meta.version',
  'meta.location',
  'schemas',
];

const USER_PATHS = [
  'userName',
  'USERNAME',
  'name',
  'name.givenName',
  'name.familyName',
  'name.formatted',
  'displayName',
  'nickName',
  'title',
  'userType',
  'locale',
  'active',
  'password',
  'profileUrl',
  'emails',
  'emails.value',
  'emails.type',
  'emails.primary',
  'phoneNumbers.value',
  'addresses.locality',
  'addresses.postalCode',
  'groups',
  'groups.value',
  'groups.display',
  'groups.type',
  'x509Certificates.value',
  'photos.value',
  'roles.primary',
  `${USER}:userName`,
  `${USER}:name.givenName`,
  `${USER}:emails.value`,
  ENTERPRISE,
  `${ENTERPRISE}:employeeNumber`,
  `${ENTERPRISE}:manager`,
  `${ENTERPRISE}:manager.value`,
  `${ENTERPRISE}:manager.displayName`,
  `${ENTERPRISE}:department`,
];

const GROUP_PATHS = [
  'displayName',
  'members',
  'members.value',
  'members.display',
  'members.type',
  'members.$ref',
  `${GROUP}:displayName`,
  `${GROUP}:members.value`,
];

const ODD_PATHS = [
  ...PROTOTYPE_KEYS,
  'constructor.prototype',
  'name.constructor',
  'emails.__proto__',
  'unknownAttr',
  'name.unknown',
  'emails.value.extra',
  'a.b.c.d',
  '$ref',
  '_x',
  '1abc',
  'a-b',
  'urn:example:unknown:1.0:Thing:attr',
  'urn:',
  `${ENTERPRISE}:`,
  `${ENTERPRISE}:manager.value.x`,
  'emails..value',
  '.value',
  'name.',
];

/** the multi-valued attributes a value path may filter */
const MULTI = ['emails', 'phoneNumbers', 'addresses', 'groups', 'members', 'roles', 'x509Certificates'];
const SUB = ['value', 'type', 'primary', 'display', 'locality', '$ref', 'constructor', 'unknown'];

export const attrPath: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...COMMON_PATHS, ...USER_PATHS, ...GROUP_PATHS) },
  { weight: 2, arbitrary: fc.constantFrom(...ODD_PATHS) },
  { weight: 1, arbitrary: text(16) },
);

const randomCase = (s: string) =>
  fc.array(fc.boolean(), { minLength: s.length, maxLength: s.length }).map((up) =>
    [...s].map((c, i) => (up[i] ? c.toUpperCase() : c)).join(''),
  );

const compareOp = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le').chain(randomCase) },
  { weight: 1, arbitrary: fc.constantFrom('pr', 'eqq', '=', '==', '', 'and', 'not', 'in', '!=') },
);

/** a filter string literal: escaped as the grammar wants, or broken on purpose */
const stringLiteral = fc.oneof(
  { weight: 6, arbitrary: text().map((s) => JSON.stringify(s)) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '"unterminated',
      '"a\\"',
      '"\\x41"',
      '"\\u12"',
      '"\\u0000"',
      '"\\uD83D\\uDE00"',
      "'single'",
      '""',
      '"\\\\"',
      '"%_"',
      '"a"b"',
    ),
  },
);

const numberLiteral = fc.oneof(
  fc.integer().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
  fc.constantFrom('1e400', '-0', '0x10', '.5', '5.', '1e', '1e-400', '9007199254740993', '9'.repeat(300), 'NaN', 'Infinity', '+1'),
);

const dateLiteral = fc.oneof(
  fc
    .date({ noInvalidDate: true, min: new Date(-8.64e15), max: new Date(8.64e15) })
    .map((d) => `"${d.toISOString()}"`),
  fc.constantFrom(
    '"2024-01-01T00:00:00Z"',
    '"2024-13-45T99:99:99Z"',
    '"0000-00-00T00:00:00Z"',
    '"+275760-09-13T00:00:00.000Z"',
    '"-000001-01-01T00:00:00Z"',
    '"2024-02-30"',
    '"2024-01-01T00:00:00+25:00"',
    '"2024-01-01T00:00:00.123456789Z"',
  ),
);

export const compValue = fc.oneof(
  { weight: 5, arbitrary: stringLiteral },
  { weight: 2, arbitrary: numberLiteral },
  { weight: 2, arbitrary: dateLiteral },
  { weight: 2, arbitrary: fc.constantFrom('true', 'false', 'null').chain(randomCase) },
  { weight: 1, arbitrary: fc.constantFrom('abc', '', '[', ']', '(', ')', 'userName') },
);

const space = fc.constantFrom(' ', ' ', ' ', '  ', '\t', '\n', '');

/** valid (mostly) filters: comparisons, pr, value paths, and/or/not, parentheses */
export const validFilter: fc.Arbitrary<string> = fc.letrec<{ filter: string; inner: string }>((tie) => ({
  filter: fc.oneof(
    { depthSize: 'small', maxDepth: 4 },
    {
      weight: 6,
      arbitrary: fc.tuple(attrPath, space, compareOp, space, compValue).map((p) => p.join('')),
    },
    { weight: 2, arbitrary: fc.tuple(attrPath, fc.constantFrom(' pr', ' PR', ' Pr')).map((p) => p.join('')) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.constantFrom(...MULTI), tie('inner'), fc.option(fc.constantFrom(...SUB), { nil: undefined }), compareOp, compValue)
        .map(([m, inner, sub, op, v]) => (sub ? `${m}[${inner}].${sub} ${op} ${v}` : `${m}[${inner}]`)),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(tie('filter'), fc.constantFrom('and', 'or', 'AND', 'Or'), tie('filter'))
        .map(([a, op, b]) => `${a} ${op} ${b}`),
    },
    { weight: 1, arbitrary: tie('filter').map((f) => `not (${f})`) },
    { weight: 1, arbitrary: tie('filter').map((f) => `NOT(${f})`) },
    { weight: 1, arbitrary: tie('filter').map((f) => `(${f})`) },
  ),
  // inside a value path: sub-attribute names, and (invalid) nested value paths
  inner: fc.oneof(
    { depthSize: 'small', maxDepth: 2 },
    { weight: 5, arbitrary: fc.tuple(fc.constantFrom(...SUB), compareOp, compValue).map((p) => p.join(' ')) },
    { weight: 1, arbitrary: fc.constantFrom(...SUB).map((s) => `${s} pr`) },
    {
      weight: 1,
      arbitrary: fc.tuple(tie('inner'), fc.constantFrom('and', 'or'), tie('inner')).map(([a, o, b]) => `${a} ${o} ${b}`),
    },
    { weight: 1, arbitrary: tie('inner').map((f) => `not(${f})`) },
    { weight: 1, arbitrary: tie('filter') },
  ),
})).filter;

/** a valid filter with one character inserted, dropped or doubled, or cut short */
const nearValid = fc
  .tuple(validFilter, fc.nat(), fc.constantFrom('insert', 'drop', 'double', 'cut'), fc.constantFrom('"', '(', ')', '[', ']', ' ', '\\', '.', ':', 'x'))
  .map(([source, at, how, c]) => {
    // by code point: cutting a surrogate pair would send a lone surrogate (not this spec's subject)
    const f = [...source];
    const i = f.length ? at % f.length : 0;
    switch (how) {
      case 'insert':
        return [...f.slice(0, i), c, ...f.slice(i)].join('');
      case 'drop':
        return [...f.slice(0, i), ...f.slice(i + 1)].join('');
      case 'double':
        return [...f.slice(0, i + 1), ...f.slice(i)].join('');
      default:
        return f.slice(0, i).join('');
    }
  });

/** the filter length limit (list-query.dto.ts, search-request.dto.ts) */
const LIMIT = 10_000;

/** at the 10,000-character limit: deep nesting, long chains, long literals, unbalanced */
const huge = fc.oneof(
  fc.integer({ min: 100, max: 4_900 }).map((n) => `${'('.repeat(n)}userName eq "a"${')'.repeat(n)}`),
  fc.integer({ min: 100, max: 2_400 }).map((n) => `${'not('.repeat(n)}userName pr${')'.repeat(n)}`),
  fc.integer({ min: 50, max: 600 }).map((n) => Array<string>(n).fill('userName eq "x"').join(' or ')),
  fc.integer({ min: 50, max: 200 }).map((n) => Array<string>(n).fill('emails[type eq "work" and value co "@"]').join(' and ')),
  fc.integer({ min: 50, max: 2_000 }).map((n) => `${'emails['.repeat(n)}value pr${']'.repeat(n)}`),
  fc.integer({ min: 100, max: 9_000 }).map((n) => `userName eq "${'a'.repeat(n)}"`),
  fc.integer({ min: 100, max: 4_900 }).map((n) => `userName eq "${'\\"'.repeat(n)}"`),
  fc.integer({ min: 100, max: LIMIT }).map((n) => '('.repeat(n)),
  fc.integer({ min: 100, max: 2_400 }).map((n) => `userName eq "a" ${'and '.repeat(n)}`),
  // one past the limit: refused by the envelope check, never parsed
  fc.constant(`userName eq "${'x'.repeat(LIMIT - 13)}"`),
  fc.integer({ min: 100, max: 4_000 }).map((n) => `${'a.'.repeat(n)}b pr`),
);

export const filter: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: validFilter },
  { weight: 3, arbitrary: nearValid },
  { weight: 2, arbitrary: text(60) },
  { weight: 1, arbitrary: huge },
);

/** `attributes` / `excludedAttributes`: comma lists of paths, blanks and noise */
export const attrList = fc
  .array(fc.oneof(attrPath, fc.constantFrom('', ' ', ',', 'emails[type eq "work"]', 'members.value')), {
    minLength: 1,
    maxLength: 5,
  })
  .map((a) => a.join(','));

export const sortOrder = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('ascending', 'descending') },
  { weight: 1, arbitrary: fc.constantFrom('Ascending', 'DESC', '', 'sideways', 'ascending ') },
);

/** PATCH paths (RFC 7644 §3.5.2): attribute paths, value-path filters with sub-attributes, noise */
export const patchPath = (ids: readonly string[]) =>
  fc.oneof(
    { weight: 5, arbitrary: attrPath },
    {
      weight: 3,
      arbitrary: fc
        .tuple(fc.constantFrom(...MULTI), fc.constantFrom('value', 'type', 'primary', 'display'), compareOp, fc.oneof(compValue, fc.constantFrom(...ids).map((id) => `"${id}"`)), fc.option(fc.constantFrom(...SUB), { nil: undefined }))
        .map(([m, a, op, v, sub]) => `${m}[${a} ${op} ${v}]${sub ? `.${sub}` : ''}`),
    },
    { weight: 1, arbitrary: validFilter.map((f) => `emails[${f}]`) },
    { weight: 1, arbitrary: nearValid },
    { weight: 1, arbitrary: fc.constantFrom('', ' ', '[', 'members[', 'members[value eq', `${ENTERPRISE}:manager`, `${ENTERPRISE}:manager.value`) },
  );
