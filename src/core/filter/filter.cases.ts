/**
 * Shared case tables for the filter specs (parser, printer, validator). Not a spec itself; the
 * evaluator's table (filter.evaluator.cases.ts) and the SQL compiler's specs reuse SAMPLE_USER.
 */
import { AttrPath, parseAttrPath } from '../schema/attr-path';
import { ENTERPRISE_USER_SCHEMA_ID, USER_SCHEMA_ID } from '../schema/user.schema';
import { CompareOp, FilterNode, FilterValue } from './filter.ast';

export const CORE = USER_SCHEMA_ID;
export const ENT = ENTERPRISE_USER_SCHEMA_ID;

export function path(text: string): AttrPath {
  const p = parseAttrPath(text);
  if (!p) {
    throw new Error(`bad test path ${text}`);
  }
  return p;
}

export const cmp = (p: string, op: CompareOp, value: FilterValue): FilterNode => ({
  kind: 'compare',
  path: path(p),
  op,
  value,
});
export const pr = (p: string): FilterNode => ({ kind: 'present', path: path(p) });
export const and = (left: FilterNode, right: FilterNode): FilterNode => ({
  kind: 'and',
  left,
  right,
});
export const or = (left: FilterNode, right: FilterNode): FilterNode => ({
  kind: 'or',
  left,
  right,
});
export const not = (filter: FilterNode): FilterNode => ({ kind: 'not', filter });
export const vp = (p: string, filter: FilterNode): FilterNode => ({
  kind: 'valuePath',
  path: path(p),
  filter,
});

/** RFC 7644 §3.4.2.2 Figure 2: every example filter of the RFC, with its AST. */
export const RFC_EXAMPLES: ReadonlyArray<[string, FilterNode]> = [
  ['userName eq "bjensen"', cmp('userName', 'eq', 'bjensen')],
  [`name.familyName co "O'Malley"`, cmp('name.familyName', 'co', "O'Malley")],
  ['userName sw "J"', cmp('userName', 'sw', 'J')],
  [`${CORE}:userName sw "J"`, cmp(`${CORE}:userName`, 'sw', 'J')],
  ['title pr', pr('title')],
  [
    'meta.lastModified gt "2011-05-13T04:42:34Z"',
    cmp('meta.lastModified', 'gt', '2011-05-13T04:42:34Z'),
  ],
  [
    'meta.lastModified ge "2011-05-13T04:42:34Z"',
    cmp('meta.lastModified', 'ge', '2011-05-13T04:42:34Z'),
  ],
  [
    'meta.lastModified lt "2011-05-13T04:42:34Z"',
    cmp('meta.lastModified', 'lt', '2011-05-13T04:42:34Z'),
  ],
  [
    'meta.lastModified le "2011-05-13T04:42:34Z"',
    cmp('meta.lastModified', 'le', '2011-05-13T04:42:34Z'),
  ],
  ['title pr and userType eq "Employee"', and(pr('title'), cmp('userType', 'eq', 'Employee'))],
  ['title pr or userType eq "Intern"', or(pr('title'), cmp('userType', 'eq', 'Intern'))],
  [`schemas eq "${ENT}"`, cmp('schemas', 'eq', ENT)],
  [
    'userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")',
    and(
      cmp('userType', 'eq', 'Employee'),
      or(cmp('emails', 'co', 'example.com'), cmp('emails.value', 'co', 'example.org')),
    ),
  ],
  [
    'userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")',
    and(
      cmp('userType', 'ne', 'Employee'),
      not(or(cmp('emails', 'co', 'example.com'), cmp('emails.value', 'co', 'example.org'))),
    ),
  ],
  [
    'userType eq "Employee" and (emails.type eq "work")',
    and(cmp('userType', 'eq', 'Employee'), cmp('emails.type', 'eq', 'work')),
  ],
  [
    'userType eq "Employee" and emails[type eq "work" and value co "@example.com"]',
    and(
      cmp('userType', 'eq', 'Employee'),
      vp('emails', and(cmp('type', 'eq', 'work'), cmp('value', 'co', '@example.com'))),
    ),
  ],
  [
    'emails[type eq "work" and value co "@example.com"] or ' +
      'ims[type eq "xmpp" and value co "@foo.com"]',
    or(
      vp('emails', and(cmp('type', 'eq', 'work'), cmp('value', 'co', '@example.com'))),
      vp('ims', and(cmp('type', 'eq', 'xmpp'), cmp('value', 'co', '@foo.com'))),
    ),
  ],
];

/** Operators (RFC 7644 §3.4.2.2 Table 3), case-insensitive. */
export const OPERATOR_CASES: ReadonlyArray<[string, FilterNode]> = [
  ['a eq "x"', cmp('a', 'eq', 'x')],
  ['a ne "x"', cmp('a', 'ne', 'x')],
  ['a co "x"', cmp('a', 'co', 'x')],
  ['a sw "x"', cmp('a', 'sw', 'x')],
  ['a ew "x"', cmp('a', 'ew', 'x')],
  ['a gt 1', cmp('a', 'gt', 1)],
  ['a ge 1', cmp('a', 'ge', 1)],
  ['a lt 1', cmp('a', 'lt', 1)],
  ['a le 1', cmp('a', 'le', 1)],
  ['a pr', pr('a')],
  ['a EQ "x"', cmp('a', 'eq', 'x')],
  ['a Eq "x"', cmp('a', 'eq', 'x')],
  ['a eQ "x"', cmp('a', 'eq', 'x')],
  ['a NE "x"', cmp('a', 'ne', 'x')],
  ['a Co "x"', cmp('a', 'co', 'x')],
  ['a SW "x"', cmp('a', 'sw', 'x')],
  ['a eW "x"', cmp('a', 'ew', 'x')],
  ['a GT 1', cmp('a', 'gt', 1)],
  ['a Ge 1', cmp('a', 'ge', 1)],
  ['a LT 1', cmp('a', 'lt', 1)],
  ['a lE 1', cmp('a', 'le', 1)],
  ['a PR', pr('a')],
  ['a Pr', pr('a')],
  ['a pr AND b pr', and(pr('a'), pr('b'))],
  ['a pr And b pr', and(pr('a'), pr('b'))],
  ['a pr OR b pr', or(pr('a'), pr('b'))],
  ['a pr oR b pr', or(pr('a'), pr('b'))],
  ['NOT (a pr)', not(pr('a'))],
  ['Not (a pr)', not(pr('a'))],
];

/** compValue literals (RFC 7644 §3.4.2.2 ABNF: JSON false / null / true / number / string). */
export const LITERAL_CASES: ReadonlyArray<[string, FilterValue]> = [
  ['"plain"', 'plain'],
  ['""', ''],
  ['"with \\"quotes\\""', 'with "quotes"'],
  ['"back\\\\slash"', 'back\\slash'],
  ['"sl\\/ash"', 'sl/ash'],
  ['"\\b\\f\\n\\r\\t"', '\b\f\n\r\t'],
  ['"\\u00e9\\u00E9"', 'éé'],
  ['"\\uD83D\\uDE00"', '😀'],
  ['"raw é 😀 ü"', 'raw é 😀 ü'],
  ['"(a) [b] and or not pr"', '(a) [b] and or not pr'],
  ["\"O'Malley\"", "O'Malley"],
  ['0', 0],
  ['-0', 0],
  ['42', 42],
  ['-17', -17],
  ['1.5', 1.5],
  ['-0.25', -0.25],
  ['1e3', 1000],
  ['1E3', 1000],
  ['2.5e+2', 250],
  ['5e-1', 0.5],
  ['-1.25E-2', -0.0125],
  ['9007199254740993', 9007199254740992],
  ['true', true],
  ['TRUE', true],
  ['True', true],
  ['false', false],
  ['False', false],
  ['null', null],
  ['NULL', null],
  ['Null', null],
];

/** Precedence (not > and > or), left associativity and grouping (RFC 7644 §3.4.2.2). */
export const PRECEDENCE_CASES: ReadonlyArray<[string, FilterNode]> = [
  ['a pr or b pr and c pr', or(pr('a'), and(pr('b'), pr('c')))],
  ['a pr and b pr or c pr', or(and(pr('a'), pr('b')), pr('c'))],
  ['a pr and b pr and c pr', and(and(pr('a'), pr('b')), pr('c'))],
  ['a pr or b pr or c pr', or(or(pr('a'), pr('b')), pr('c'))],
  ['(a pr or b pr) and c pr', and(or(pr('a'), pr('b')), pr('c'))],
  ['a pr and (b pr or c pr)', and(pr('a'), or(pr('b'), pr('c')))],
  ['a pr and (b pr and c pr)', and(pr('a'), and(pr('b'), pr('c')))],
  ['a pr or (b pr or c pr)', or(pr('a'), or(pr('b'), pr('c')))],
  ['not (a pr) and b pr', and(not(pr('a')), pr('b'))],
  ['not (a pr or b pr)', not(or(pr('a'), pr('b')))],
  ['a pr or not (b pr) and c pr', or(pr('a'), and(not(pr('b')), pr('c')))],
  ['not (not (a pr))', not(not(pr('a')))],
  ['((a pr))', pr('a')],
  ['(((a pr) and (b pr)))', and(pr('a'), pr('b'))],
  ['not(a pr)', not(pr('a'))],
  // keywords are attribute names where a path is expected (ATTRNAME allows them)
  ['and pr', pr('and')],
  ['or eq 1', cmp('or', 'eq', 1)],
  ['not pr', pr('not')],
  ['not eq "x" and pr pr', and(cmp('not', 'eq', 'x'), pr('pr'))],
  ['eq eq "eq"', cmp('eq', 'eq', 'eq')],
];

/** Value paths (RFC 7644 §3.4.2.2 valuePath; errata 7322 for logic inside brackets). */
export const VALUE_PATH_CASES: ReadonlyArray<[string, FilterNode]> = [
  ['emails[type eq "work"]', vp('emails', cmp('type', 'eq', 'work'))],
  ['emails[not (type eq "work")]', vp('emails', not(cmp('type', 'eq', 'work')))],
  [
    'emails[type eq "work" or (type eq "home" and value ew "@example.com")]',
    vp(
      'emails',
      or(
        cmp('type', 'eq', 'work'),
        and(cmp('type', 'eq', 'home'), cmp('value', 'ew', '@example.com')),
      ),
    ),
  ],
  [
    'emails[type eq "work"] and userName pr',
    and(vp('emails', cmp('type', 'eq', 'work')), pr('userName')),
  ],
  ['not (emails[primary eq true])', not(vp('emails', cmp('primary', 'eq', true)))],
  ['members[$ref pr]', vp('members', pr('$ref'))],
  ['roles[primary eq "True"]', vp('roles', cmp('primary', 'eq', 'True'))],
  [`${ENT}:manager[value eq "x"]`, vp(`${ENT}:manager`, cmp('value', 'eq', 'x'))],
  [
    'meta[lastModified gt "2011-05-13T04:42:34Z"]',
    vp('meta', cmp('lastModified', 'gt', '2011-05-13T04:42:34Z')),
  ],
];

/** Fully qualified URN attribute paths (RFC 7644 §3.10). */
export const URN_CASES: ReadonlyArray<[string, FilterNode]> = [
  [`${ENT}:employeeNumber eq "701984"`, cmp(`${ENT}:employeeNumber`, 'eq', '701984')],
  [`${ENT}:manager.value eq "26118915"`, cmp(`${ENT}:manager.value`, 'eq', '26118915')],
  [`${CORE}:name.familyName pr`, pr(`${CORE}:name.familyName`)],
  [`${ENT}:manager pr`, pr(`${ENT}:manager`)],
  [
    'urn:acme:params:scim:schemas:extension:v1.0:User:badge-id eq 7',
    cmp('urn:acme:params:scim:schemas:extension:v1.0:User:badge-id', 'eq', 7),
  ],
];

/** Lenient whitespace: runs of spaces/tabs/newlines, and none needed next to ( ) [ ] or ". */
export const WHITESPACE_CASES: ReadonlyArray<[string, FilterNode]> = [
  ['  userName   eq   "x"  ', cmp('userName', 'eq', 'x')],
  ['userName\teq\t"x"', cmp('userName', 'eq', 'x')],
  ['userName\r\neq\n"x"', cmp('userName', 'eq', 'x')],
  ['userName eq"x"', cmp('userName', 'eq', 'x')],
  ['(a pr)and(b pr)', and(pr('a'), pr('b'))],
  ['emails[ type eq "work" ]', vp('emails', cmp('type', 'eq', 'work'))],
  ['emails [type eq "work"]', vp('emails', cmp('type', 'eq', 'work'))],
  ['a eq "x"or b pr', or(cmp('a', 'eq', 'x'), pr('b'))],
  ['not   (  a pr  )', not(pr('a'))],
];

/** Injection attempts stay string literals (RFC 7644 §7.5.2: treat filter text as data). */
export const INJECTION_CASES: ReadonlyArray<[string, string]> = [
  ['userName eq "x\\" or 1=1 --"', 'x" or 1=1 --'],
  [`userName eq "'; DROP TABLE users; --"`, `'; DROP TABLE users; --`],
  ['userName eq "%_!\\\\"', '%_!\\'],
  ['userName eq "a) or (b pr"', 'a) or (b pr'],
  ['userName eq "x\\"] or emails[value pr"', 'x"] or emails[value pr'],
  ['userName eq "\\u0000"', '\u0000'],
];

/** Syntax errors: filter text and a pattern the invalidFilter detail must match. */
export const SYNTAX_ERROR_CASES: ReadonlyArray<[string, RegExp]> = [
  ['', /must not be empty/],
  ['   \t ', /must not be empty/],
  ['userName', /Expected comparison operator or '\[' at position 8, found end of input/],
  ['userName xx "a"', /Expected comparison operator or '\[' at position 9, found "xx"/],
  ['userName eq', /Expected comparison value .* at position 11/],
  ['userName eq bjensen', /Expected comparison value .* at position 12, found "bjensen"/],
  ['userName eq (', /Expected comparison value .* at position 12/],
  ['userName eq "abc', /Unterminated string starting at position 12/],
  ['userName eq "a\\x"', /Invalid escape sequence "\\\\x" at position 14/],
  ['userName eq "\\u12"', /Invalid \\u escape in string at position 13/],
  ['userName eq "\\u12G4"', /Invalid \\u escape/],
  ['userName eq "a\u0001b"', /Unescaped control character U\+0001 in string at position 14/],
  ['userName eq "a"b', /Expected 'and', 'or' or end of filter at position 15/],
  ['userName eq "a" and', /Expected attribute path, '\(' or 'not \(' at position 19/],
  ['userName eq "a" userName eq "b"', /Expected 'and', 'or' or end of filter at position 16/],
  ['userName eq "a" and and', /Expected comparison operator or '\[' at position 23/],
  ['(userName pr', /Expected '\)' at position 12 to close '\(' at position 0/],
  ['not (userName pr', /Expected '\)' at position 16 to close 'not \(' at position 0/],
  ['userName pr)', /Expected 'and', 'or' or end of filter at position 11, found "\)"/],
  ['()', /Expected attribute path, '\(' or 'not \(' at position 1, found "\)"/],
  ['not userName pr', /Expected comparison operator or '\[' at position 4/],
  ['[', /Expected attribute path, '\(' or 'not \(' at position 0/],
  ['"userName" eq "x"', /Expected attribute path, '\(' or 'not \(' at position 0, found string/],
  ['title pr "x"', /Expected 'and', 'or' or end of filter at position 9, found string/],
  ['title pr 1', /Expected 'and', 'or' or end of filter at position 9/],
  ['emails[type eq "work"', /Expected '\]' at position 21 to close '\[' at position 6/],
  ['emails[type eq "work" xx]', /Expected '\]' at position 22/],
  ['emails[type eq "work"]]', /Expected 'and', 'or' or end of filter at position 22/],
  ['emails[]', /Expected attribute path, '\(' or 'not \(' at position 7/],
  ['emails[type[value pr]]', /cannot contain another value filter/],
  ['emails[(type[value pr])]', /cannot contain another value filter/],
  ['emails[type eq "work"].value eq "x"', /Expected 'and', 'or' or end of filter at position 22/],
  ['emails[type pr] eq "x"', /Expected 'and', 'or' or end of filter at position 16/],
  ['userName eq 01', /Expected comparison value .* at position 12, found "01"/],
  ['userName eq 1.', /Expected comparison value/],
  ['userName eq .5', /Expected comparison value/],
  ['userName eq +1', /Expected comparison value/],
  ['userName eq 1e', /Expected comparison value/],
  ['userName eq 0x10', /Expected comparison value/],
  ['userName eq NaN', /Expected comparison value/],
  ['userName eq Infinity', /Expected comparison value/],
  ['userName eq 1e999', /Number "1e999" at position 12 is out of range/],
  ['userName eq truex', /Expected comparison value/],
  ["userName eq 'single'", /Expected comparison value/],
  ['name..familyName pr', /Invalid attribute path "name..familyName" at position 0/],
  ['a.b.c pr', /Invalid attribute path "a.b.c" at position 0/],
  ['1abc pr', /Invalid attribute path "1abc" at position 0/],
  ['urn:x: pr', /Invalid attribute path "urn:x:" at position 0/],
  ['name. pr', /Invalid attribute path/],
  ['a pr and (b pr', /Expected '\)' at position 14 to close '\(' at position 9/],
  ['a pr and b pr or', /Expected attribute path, '\(' or 'not \(' at position 16/],
  ['userName eq "x" and (', /Expected attribute path, '\(' or 'not \(' at position 21/],
  ['a eq eq "x"', /Expected comparison value .* at position 5, found "eq"/],
  ['a pr pr', /Expected 'and', 'or' or end of filter at position 5/],
  // RFC 7643 §2.3.1: a string is Unicode characters; a lone surrogate is none
  ['userName eq "\\ud800"', /String at position 12 is not well-formed Unicode/],
  ['userName eq "a\\uDFFFb"', /String at position 12 is not well-formed Unicode/],
  ['userName eq "\\ude00\\ud83d"', /String at position 12 is not well-formed Unicode/],
  ['userName eq "\\uD83D😀"', /String at position 12 is not well-formed Unicode/],
  ['emails[value sw "\\udbff"]', /String at position 16 is not well-formed Unicode/],
  ['userName eq "\ud800"', /Filter is not well-formed Unicode/],
  ['userName\udc00 pr', /Filter is not well-formed Unicode/],
];

/** PATCH paths (RFC 7644 §3.5.2 PATH = attrPath / valuePath [subAttr]). */
export interface PatchPathCase {
  path: AttrPath;
  filter?: FilterNode;
  subAttr?: string;
}

export const PATCH_PATH_CASES: ReadonlyArray<[string, PatchPathCase]> = [
  ['name.givenName', { path: path('name.givenName') }],
  ['members', { path: path('members') }],
  [
    'members[value eq "2819c223-7f76-453a-919d-413861904646"]',
    { path: path('members'), filter: cmp('value', 'eq', '2819c223-7f76-453a-919d-413861904646') },
  ],
  [
    'members[value eq "2819c223"].display',
    { path: path('members'), filter: cmp('value', 'eq', '2819c223'), subAttr: 'display' },
  ],
  [
    'emails[type eq "work"].value',
    { path: path('emails'), filter: cmp('type', 'eq', 'work'), subAttr: 'value' },
  ],
  [
    'addresses[type eq "work" and primary eq true].streetAddress',
    {
      path: path('addresses'),
      filter: and(cmp('type', 'eq', 'work'), cmp('primary', 'eq', true)),
      subAttr: 'streetAddress',
    },
  ],
  [`${ENT}:manager`, { path: path(`${ENT}:manager`) }],
  [`${ENT}:manager.value`, { path: path(`${ENT}:manager.value`) }],
  [
    `${CORE}:emails[type eq "work"]`,
    { path: path(`${CORE}:emails`), filter: cmp('type', 'eq', 'work') },
  ],
  [
    'roles[primary eq "True"].value',
    { path: path('roles'), filter: cmp('primary', 'eq', 'True'), subAttr: 'value' },
  ],
  ['  name.givenName  ', { path: path('name.givenName') }],
];

/** Malformed PATCH paths and the scimType each must fail with. */
export const PATCH_PATH_ERROR_CASES: ReadonlyArray<
  [string, 'invalidPath' | 'invalidFilter', RegExp]
> = [
  ['', 'invalidPath', /must not be empty/],
  ['a.b.c', 'invalidPath', /Invalid attribute path "a.b.c" at position 0/],
  ['"emails"', 'invalidPath', /Expected attribute path at position 0/],
  ['[type eq "work"]', 'invalidPath', /Expected attribute path at position 0/],
  ['emails eq "x"', 'invalidPath', /Expected '\[' or end of path at position 7/],
  ['emails[type eq "work"].', 'invalidPath', /Invalid sub-attribute "" at position 23/],
  ['emails[type eq "work"].value.x', 'invalidPath', /Invalid sub-attribute "value.x"/],
  [
    'emails[type eq "work"] .value',
    'invalidPath',
    /Expected '.subAttribute' or end of path at position 23/,
  ],
  [
    'emails[type eq "work"]x',
    'invalidPath',
    /Expected '.subAttribute' or end of path at position 22/,
  ],
  ['emails[type eq "work"].value x', 'invalidPath', /Expected end of path at position 29/],
  ['emails[type eq "work"]"x', 'invalidPath', /Unterminated string/],
  [
    'emails[type eq "work"][value pr]',
    'invalidPath',
    /Expected '.subAttribute' or end of path at position 22/,
  ],
  ['emails[', 'invalidFilter', /Expected attribute path, '\(' or 'not \(' at position 7/],
  ['emails[type eq]', 'invalidFilter', /Expected comparison value .* at position 14/],
  ['emails[type eq "work"', 'invalidFilter', /Expected '\]' at position 21/],
  ['emails[type eq "wo', 'invalidFilter', /Unterminated string starting at position 15/],
  ['emails[type[value pr]]', 'invalidFilter', /cannot contain another value filter/],
  ['emails[value eq "\\ud800"]', 'invalidFilter', /String at position 16 is not well-formed/],
  ['name.givenName\ud800', 'invalidPath', /Path is not well-formed Unicode/],
];

/** Schema-aware normalization: filter in, canonical printed filter out (User resource). */
export const VALIDATE_CASES: ReadonlyArray<[string, string]> = [
  ['USERNAME eq "bjensen"', 'userName eq "bjensen"'],
  ['Name.FamilyName co "x"', 'name.familyName co "x"'],
  [`${CORE}:userName sw "J"`, 'userName sw "J"'],
  [`${CORE.toUpperCase()}:USERNAME sw "J"`, 'userName sw "J"'],
  [`${CORE}:id eq "1"`, 'id eq "1"'],
  [`${ENT.toUpperCase()}:EMPLOYEENUMBER eq "1"`, `${ENT}:employeeNumber eq "1"`],
  [`${ENT}:manager.VALUE eq "x"`, `${ENT}:manager.value eq "x"`],
  [`${ENT}:manager pr`, `${ENT}:manager pr`],
  [`${ENT}:Manager[DisplayName sw "J"]`, `${ENT}:manager[displayName sw "J"]`],
  ['emails eq "a@example.com"', 'emails.value eq "a@example.com"'],
  ['emails co "example.com"', 'emails.value co "example.com"'],
  ['Emails NE "x"', 'emails.value ne "x"'],
  ['emails eq null', 'emails.value eq null'],
  ['emails pr', 'emails pr'],
  ['name pr', 'name pr'],
  ['EMAILS[TYPE eq "work"]', 'emails[type eq "work"]'],
  ['roles[primary eq "True"]', 'roles[primary eq true]'],
  ['roles[primary eq "FALSE"]', 'roles[primary eq false]'],
  ['active eq "true"', 'active eq true'],
  ['active ne false', 'active ne false'],
  ['active eq null', 'active eq null'],
  [
    'meta.lastModified gt "2011-05-13T04:42:34Z"',
    'meta.lastModified gt "2011-05-13T04:42:34.000Z"',
  ],
  ['meta.created ge "2011-05-13T06:42:34+02:00"', 'meta.created ge "2011-05-13T04:42:34.000Z"'],
  ['meta.created lt "2011-05-13T04:42:34.123456"', 'meta.created lt "2011-05-13T04:42:34.123Z"'],
  [
    'meta[lastModified gt "2011-05-13T04:42:34Z"]',
    'meta[lastModified gt "2011-05-13T04:42:34.000Z"]',
  ],
  ['meta.resourceType eq "User"', 'meta.resourceType eq "User"'],
  ['externalId eq "x" and ID pr', 'externalId eq "x" and id pr'],
  ['x509Certificates.value eq "AAAA"', 'x509Certificates.value eq "AAAA"'],
  ['photos.value sw "https://"', 'photos.value sw "https://"'],
  ['groups.display sw "adm"', 'groups.display sw "adm"'],
  ['groups[$REF co "Groups"]', 'groups[$ref co "Groups"]'],
  ['title ne null', 'title ne null'],
  ['userName gt "a" and userName le "z"', 'userName gt "a" and userName le "z"'],
  [
    'not (emails[type eq "work" and VALUE co "@x"]) or addresses[not (region pr)]',
    'not (emails[type eq "work" and value co "@x"]) or addresses[not (region pr)]',
  ],
];

/** Schema-aware rejections (User resource): filter and the invalidFilter detail pattern. */
export const VALIDATE_ERROR_CASES: ReadonlyArray<[string, RegExp]> = [
  ['foo eq "x"', /Unknown attribute "foo"/],
  ['name.foo eq "x"', /"name" has no sub-attribute "foo"/],
  ['userName.foo pr', /"userName" has no sub-attribute "foo"/],
  ['urn:x:y:userName eq "x"', /Unknown attribute "urn:x:y:userName"/],
  ['employeeNumber eq "1"', /Unknown attribute "employeeNumber"/],
  [`${ENT}:userName eq "x"`, /Unknown attribute/],
  ['members[value eq "x"]', /Unknown attribute "members"/],
  ['schemas eq "x"', /Unknown attribute "schemas"/],
  ['active gt true', /Operator "gt" cannot be used on boolean attribute "active"/],
  ['active le false', /Operator "le" cannot be used on boolean/],
  ['roles[primary ge true]', /Operator "ge" cannot be used on boolean attribute "roles.primary"/],
  ['x509Certificates.value gt "A"', /Operator "gt" cannot be used on binary/],
  ['active co "t"', /Operator "co" cannot be used on boolean/],
  ['active sw "t"', /Operator "sw" cannot be used on boolean/],
  ['meta.created ew "Z"', /Operator "ew" cannot be used on dateTime/],
  ['x509Certificates.value co "A"', /Operator "co" cannot be used on binary/],
  ['meta.created gt "yesterday"', /"yesterday" is not an xsd:dateTime/],
  ['meta.created gt "2011-02-30T00:00:00Z"', /not an xsd:dateTime/],
  ['meta.created gt "2011-05-13"', /not an xsd:dateTime/],
  ['meta.created gt "2011-05-13 04:42:34Z"', /not an xsd:dateTime/],
  ['meta.created gt 1305261754', /not an xsd:dateTime/],
  ['active eq "yes"', /"active" is of type boolean and cannot be compared with a string/],
  ['active eq 1', /cannot be compared with a number value; expected true or false/],
  ['userName eq 5', /"userName" is of type string and cannot be compared with a number/],
  ['userName eq true', /cannot be compared with a boolean/],
  ['emails eq 5', /"emails.value" is of type string/],
  ['name eq "x"', /Complex attribute "name" can only be tested with "pr"/],
  [`${ENT}:manager eq "x"`, /Complex attribute ".*:manager" can only be tested with "pr"/],
  ['addresses eq "x"', /Complex attribute "addresses" can only be tested with "pr"/],
  ['meta ne "x"', /Complex attribute "meta"/],
  ['userName[value eq "x"]', /needs a complex attribute; "userName" has no sub-attributes/],
  ['name.givenName[value eq "x"]', /needs a complex attribute/],
  ['emails[foo eq "x"]', /"emails" has no sub-attribute "foo"/],
  ['emails[emails.type eq "x"]', /must be a sub-attribute name of "emails"/],
  [`emails[${CORE}:type eq "x"]`, /must be a sub-attribute name/],
  ['password eq "x"', /"password" cannot be used in a filter/],
  ['password pr', /"password" cannot be used in a filter/],
  ['PASSWORD ne null', /"password" cannot be used in a filter/],
  ['userName gt null', /Operator "gt" cannot compare "userName" with null/],
  ['userName co null', /Operator "co" cannot compare "userName" with null/],
  ['title pr and foo pr', /Unknown attribute "foo"/],
];

export const NOW = '2011-05-13T04:42:34Z';

/** The RFC 7643 §8.2 full user, trimmed, plus edge values (empty string, empty array). */
export const SAMPLE_USER: Record<string, unknown> = {
  schemas: [CORE, ENT],
  id: '2819c223-7f76-453a-919d-413861904646',
  externalId: 'bjensen',
  meta: {
    resourceType: 'User',
    created: '2010-01-23T04:56:22Z',
    lastModified: NOW,
    version: 'W/"3694e05e9dff591"',
    location: 'https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646',
  },
  userName: 'bjensen@example.com',
  name: {
    formatted: 'Ms. Barbara J Jensen, III',
    familyName: "O'Malley",
    givenName: 'Barbara',
    middleName: '',
  },
  displayName: 'Babs Jensen',
  nickName: '',
  title: 'Tour Guide',
  userType: 'Employee',
  active: true,
  emails: [
    { value: 'bjensen@example.com', type: 'work', primary: true },
    { value: 'babs@jensen.org', type: 'home' },
  ],
  phoneNumbers: [],
  ims: [{ value: 'someaimhandle', type: 'aim' }],
  roles: [{ value: 'admin', primary: false }],
  x509Certificates: [{ value: 'MIIDQzCCAqygAwIBAgICEAAwDQYJ' }],
  [ENT]: {
    employeeNumber: '701984',
    costCenter: '4130',
    manager: { value: '26118915-6090-4610-87e4-49d8ca9f808d', displayName: 'John Smith' },
  },
};
