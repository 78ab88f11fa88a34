/**
 * THE case table of the filter evaluator (filter.evaluator.ts), one row per assertion, in both
 * scopes: a whole resource (`USER` = SAMPLE_USER, other Users, Groups) and one element of a
 * multi-valued attribute (the inner filter of a PATCH value path, RFC 7644 §3.5.2). Each row is
 * `[subject, filter, expected, options?]`; `expected` is a boolean, or the ScimError the filter
 * raises (`fails(...)`). Boolean rows also assert that `not (filter)` is their complement.
 * The SQL compiler's spec runs the SAMPLE_USER rows too (MATCH_CASES below).
 */
import { findIn } from '../schema/schema.registry';
import { attr, AttributeDefinition } from '../schema/schema.types';
import { GROUP_SCHEMA } from '../schema/group.schema';
import { USER_SCHEMA } from '../schema/user.schema';
import { CORE, ENT, NOW, SAMPLE_USER } from './filter.cases';
import { FilterValidationOptions } from './filter.validator';

export type EvalSubject =
  | {
      readonly label: string;
      readonly resource: Record<string, unknown>;
      readonly resourceType: 'User' | 'Group';
    }
  | { readonly label: string; readonly element: unknown; readonly attribute: AttributeDefinition };

/** The ScimError a row's filter raises: invalidFilter, with a detail matching `detail`. */
export interface EvalFailure {
  readonly scimType: 'invalidFilter';
  readonly detail?: RegExp;
}

export type EvalCase = readonly [
  subject: EvalSubject,
  filter: string,
  expected: boolean | EvalFailure,
  options?: FilterValidationOptions,
];

const user = (resource: Record<string, unknown>, label: string): EvalSubject => ({
  label,
  resource,
  resourceType: 'User',
});
const group = (resource: Record<string, unknown>, label: string): EvalSubject => ({
  label,
  resource,
  resourceType: 'Group',
});
const element = (attribute: AttributeDefinition, value: unknown): EvalSubject => ({
  label: `${attribute.name} element ${JSON.stringify(value)}`,
  element: value,
  attribute,
});
const fails = (detail?: RegExp): EvalFailure => ({ scimType: 'invalidFilter', detail });

export const USER = user(SAMPLE_USER, 'SAMPLE_USER');

// ---- element scope: attributes and elements ----------------------------------------------

export const EMAILS = findIn(USER_SCHEMA.attributes, 'emails')!;
export const MEMBERS = findIn(GROUP_SCHEMA.attributes, 'members')!;
/** A multi-valued complex attribute with a sub-attribute of every RFC 7643 §2.3 type. */
export const READINGS = attr('readings', {
  type: 'complex',
  multiValued: true,
  subAttributes: [
    attr('at', { type: 'dateTime' }),
    attr('count', { type: 'integer' }),
    attr('score', { type: 'decimal' }),
    attr('ok', { type: 'boolean' }),
    attr('label'),
    attr('code', { caseExact: true }),
    attr('link', { type: 'reference', referenceTypes: ['external'] }),
    attr('blob', { type: 'binary' }),
  ],
});
/** A simple multi-valued attribute: its elements are their own `value` (rule 11). */
export const TAGS = attr('tags', { multiValued: true, caseExact: true });

const EMAIL = element(EMAILS, { value: 'Babs@Example.com', type: 'work', primary: true });
const NEW_YEAR = element(READINGS, { at: '2020-01-01T00:00:00Z' });
const COUNT_3 = element(READINGS, { count: 3 });
const READING = element(READINGS, {
  score: 2.5,
  ok: false,
  label: 'Kitchen',
  code: 'AbC',
  link: 'https://Example.com/x',
  blob: 'QUJD',
});
const BLUE = element(TAGS, 'Blue');

// ---- resource scope: Users and Groups other than SAMPLE_USER -----------------------------

const OTHER_SCHEMAS = user({ ...SAMPLE_USER, schemas: [CORE] }, 'User with the core schema only');
const NO_MANAGER = user({ ...SAMPLE_USER, [ENT]: { employeeNumber: '1' } }, 'User without manager');
const NO_EXTENSION = user({ id: 'x' }, 'User without extension');
const ODD = user(
  { userName: 42, active: 'true', meta: { created: 'not a date' } },
  'User with values of the wrong JSON type',
);
const DATES = user(
  { meta: { created: new Date('2011-05-13T04:42:34Z') } },
  'User with a Date object',
);
const SINGLE_EMAIL = user(
  { emails: { value: 'a@b.c', type: 'work' } },
  'User with one email not in an array',
);
const TOUR_GUIDES = group(
  {
    displayName: 'Tour Guides',
    members: [
      { value: '2819c223-7f76-453a-919d-413861904646', display: 'Babs Jensen', type: 'User' },
      { value: '902c246b-6245-4190-8e05-00816be7344a', display: 'Mandy Pepperidge', type: 'User' },
    ],
  },
  'Group Tour Guides',
);

const SCHEMAS_ON = { allowSchemasAttribute: true };
const STRICT = { stringBooleans: false };

export const EVAL_CASES: readonly EvalCase[] = [
  // ---- resource scope: SAMPLE_USER (RFC 7644 §3.4.2.2 semantics, filter.evaluator.ts rules)
  // RFC 7644 §3.4.2.2 Figure 2 examples
  [USER, 'userName eq "bjensen@example.com"', true],
  [USER, `name.familyName co "O'Malley"`, true],
  [USER, 'userName sw "J"', false],
  [USER, 'userName sw "B"', true],
  [USER, `${CORE}:userName sw "bj"`, true],
  [USER, 'title pr', true],
  [USER, `meta.lastModified gt "${NOW}"`, false],
  [USER, `meta.lastModified ge "${NOW}"`, true],
  [USER, `meta.lastModified lt "${NOW}"`, false],
  [USER, `meta.lastModified le "${NOW}"`, true],
  [USER, 'title pr and userType eq "Employee"', true],
  [USER, 'title pr or userType eq "Intern"', true],
  [
    USER,
    'userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")',
    true,
  ],
  [
    USER,
    'userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")',
    false,
  ],
  [USER, 'userType eq "Employee" and (emails.type eq "work")', true],
  [USER, 'userType eq "Employee" and emails[type eq "work" and value co "@example.com"]', true],
  [
    USER,
    'emails[type eq "work" and value co "@example.com"] or ' +
      'ims[type eq "xmpp" and value co "@foo.com"]',
    true,
  ],
  // case: caseExact false folds, caseExact true does not (RFC 7643 §2.2, §7)
  [USER, 'userName eq "BJENSEN@EXAMPLE.COM"', true],
  [USER, 'USERNAME Eq "bjensen@example.com"', true],
  [USER, 'id eq "2819c223-7f76-453a-919d-413861904646"', true],
  [USER, 'id eq "2819C223-7F76-453A-919D-413861904646"', false],
  [USER, 'externalId eq "BJENSEN"', false],
  [USER, 'x509Certificates.value eq "MIIDQzCCAqygAwIBAgICEAAwDQYJ"', true],
  [USER, 'x509Certificates.value eq "miidqzccaqygawibagiceaawdqyj"', false],
  // substring operators
  [USER, 'userName co "JENSEN@"', true],
  [USER, 'userName ew "@EXAMPLE.com"', true],
  [USER, 'userName co "xyz"', false],
  [USER, 'userName co ""', true],
  [USER, 'userName sw "bjensen@example.com"', true],
  // lexicographic ordering on strings (after lower-casing)
  [USER, 'userName gt "a"', true],
  [USER, 'userName gt "BZ"', false],
  [USER, 'title gt "TOUR"', true],
  [USER, 'title lt "tour guide"', false],
  [USER, 'title le "TOUR GUIDE"', true],
  // dateTime: chronological, offsets honoured
  [USER, 'meta.lastModified eq "2011-05-13T04:42:34.000Z"', true],
  [USER, 'meta.lastModified eq "2011-05-13T06:42:34+02:00"', true],
  [USER, 'meta.lastModified lt "2011-05-13T06:42:35+02:00"', true],
  [
    USER,
    'meta.created lt "2011-01-01T00:00:00Z" and meta.lastModified gt "2011-01-01T00:00:00Z"',
    true,
  ],
  // pr: null / undefined / "" / [] / {} are absent
  [USER, 'nickName pr', false],
  [USER, 'locale pr', false],
  [USER, 'phoneNumbers pr', false],
  [USER, 'name.middleName pr', false],
  [USER, 'name pr', true],
  [USER, 'emails pr', true],
  [USER, 'emails.value pr', true],
  [USER, 'addresses pr', false],
  [USER, 'active pr', true],
  [USER, 'roles.primary pr', true],
  // ne = not eq: absent attributes are "not equal"; multi-valued needs no equal value
  [USER, 'locale ne "en"', true],
  [USER, 'userName ne "bjensen@example.com"', false],
  [USER, 'userName ne "other"', true],
  [USER, 'emails.type ne "work"', false],
  [USER, 'emails.type ne "other"', true],
  [USER, 'emails ne "babs@jensen.org"', false],
  [USER, 'emails[type ne "work"]', true],
  [USER, 'ims[type ne "aim"]', false],
  // null: eq null == not pr, ne null == pr
  [USER, 'locale eq null', true],
  [USER, 'nickName eq null', true],
  [USER, 'title eq null', false],
  [USER, 'title ne null', true],
  [USER, 'locale ne null', false],
  [USER, 'phoneNumbers.value eq null', true],
  // empty string is a value for comparisons
  [USER, 'nickName eq ""', true],
  [USER, 'nickName ne ""', false],
  // comparisons on absent attributes are false
  [USER, 'locale eq "en"', false],
  [USER, 'locale co ""', false],
  [USER, 'addresses.type eq "work"', false],
  [USER, `${ENT}:division sw "a"`, false],
  // booleans ("True" strings are coerced, Entra ID style)
  [USER, 'active eq true', true],
  [USER, 'active eq "True"', true],
  [USER, 'active ne false', true],
  [USER, 'active eq false', false],
  [USER, 'roles[primary eq "True"]', false],
  [USER, 'roles[primary eq "false"]', true],
  [USER, 'emails[primary eq true]', true],
  [USER, 'emails.primary eq true', true],
  // value filters: one element must satisfy the whole filter
  [USER, 'emails[type eq "work" and value co "@jensen.org"]', false],
  [USER, 'emails.type eq "work" and emails.value co "@jensen.org"', true],
  [USER, 'emails[type eq "home" and value ew "jensen.org"]', true],
  [USER, 'emails[type eq "work" or (type eq "home" and value ew "@nowhere")]', true],
  [USER, 'emails[not (type eq "work")]', true],
  [USER, 'ims[not (type eq "aim")]', false],
  [USER, 'addresses[type eq "work"]', false],
  [USER, 'addresses[not (type eq "work")]', false],
  [USER, 'phoneNumbers[not (value pr)]', false],
  [USER, 'not (addresses[type eq "work"])', true],
  // value filter on a singular complex attribute (absent object = {})
  [USER, 'name[givenName eq "barbara" and familyName sw "o\'"]', true],
  [USER, 'name[not (honorificPrefix pr)]', true],
  [USER, 'meta[lastModified gt "2011-01-01T00:00:00Z" and resourceType eq "User"]', true],
  [USER, 'meta[resourceType eq "user"]', false],
  // enterprise extension under its URN key
  [USER, `${ENT}:employeeNumber eq "701984"`, true],
  [USER, `${ENT}:employeeNumber eq "701985"`, false],
  [USER, `${ENT}:manager.value eq "26118915-6090-4610-87e4-49d8ca9f808d"`, true],
  [USER, `${ENT}:manager.displayName sw "john"`, true],
  [USER, `${ENT}:manager pr`, true],
  [USER, `${ENT}:manager[displayName eq "John Smith"]`, true],
  [USER, `${ENT}:division pr`, false],
  [USER, `${ENT}:division ne "x"`, true],
  // logic
  [USER, 'not (title pr)', false],
  [USER, 'not (locale pr)', true],
  [USER, 'locale pr or title pr', true],
  [USER, 'locale pr and title pr', false],
  [USER, 'not (not (title pr))', true],

  // ---- resource scope: errors are the validator's (RFC 7644 §3.4.2.2, §3.12)
  [USER, 'password pr', fails(/"password" cannot be used in a filter/)],
  [USER, 'foo eq "x"', fails(/Unknown attribute/)],
  // `schemas` only with allowSchemasAttribute (RFC 7644 §3.4.2.2 example)
  [USER, `schemas eq "${ENT.toUpperCase()}"`, true, SCHEMAS_ON],
  [OTHER_SCHEMAS, `schemas eq "${ENT.toUpperCase()}"`, false, SCHEMAS_ON],
  [USER, `schemas eq "${ENT}"`, fails(/Unknown attribute/)],
  // a value filter on an absent singular complex attribute sees an empty object (rule 8)
  [NO_MANAGER, `${ENT}:manager[not (value pr)]`, true],
  [NO_MANAGER, `${ENT}:manager[value pr]`, false],
  [NO_MANAGER, `${ENT}:manager pr`, false],
  [NO_MANAGER, `${ENT}:manager.value ne "x"`, true],
  [NO_EXTENSION, `${ENT}:employeeNumber eq "1"`, false],
  // values of the wrong JSON type never satisfy a comparison but count as present (rule 4)
  [ODD, 'userName eq "42"', false],
  [ODD, 'userName pr', true],
  [ODD, 'userName ne "42"', true],
  [ODD, 'active eq true', false],
  [ODD, 'meta.created lt "2100-01-01T00:00:00Z"', false],
  [ODD, 'meta.created pr', true],
  // Date objects are dateTime values (rule 7)
  [DATES, 'meta.created eq "2011-05-13T04:42:34Z"', true],
  [DATES, 'meta.created gt "2011-05-13T04:42:33.999Z"', true],
  // a single value stored for a multi-valued attribute is a one-element list (rule 1)
  [SINGLE_EMAIL, 'emails[type eq "work"]', true],
  [SINGLE_EMAIL, 'emails.value eq "A@B.C"', true],
  // Groups: members.value is caseExact, members.type is not (RFC 7643 §8.7.1)
  [TOUR_GUIDES, 'displayName eq "tour guides"', true],
  [TOUR_GUIDES, 'members[value eq "902c246b-6245-4190-8e05-00816be7344a"]', true],
  [TOUR_GUIDES, 'members[value eq "902C246B-6245-4190-8E05-00816BE7344A"]', false],
  [TOUR_GUIDES, 'members eq "2819c223-7f76-453a-919d-413861904646"', true],
  [TOUR_GUIDES, 'members.display co "mandy"', true],
  [TOUR_GUIDES, 'members[type eq "user"]', true],
  [TOUR_GUIDES, 'members[type eq "Group"]', false],
  [TOUR_GUIDES, 'members.value ne "nobody"', true],

  // ---- element scope: the inner filter of a PATCH value path on one element (RFC 7644 §3.5.2)
  // strings: caseExact=false folds case (RFC 7643 §2.2)
  [EMAIL, 'value eq "babs@example.com"', true],
  [EMAIL, 'type ne "work"', false],
  [EMAIL, 'value co "EXAMPLE"', true],
  [EMAIL, 'value sw "babs@"', true],
  [EMAIL, 'value ew ".org"', false],
  [EMAIL, 'type gt "home"', true], // lexicographic
  [EMAIL, 'type le "home"', false],
  [EMAIL, 'display pr', false],
  [EMAIL, 'type eq "work" and primary eq true', true],
  [EMAIL, 'type eq "home" or primary eq true', true],
  [EMAIL, 'not (type eq "work")', false],
  [EMAIL, 'TYPE eq "work"', true], // names are case-insensitive (RFC 7643 §2.1)
  // absent sub-attribute: eq false, ne true, eq null ≡ unassigned (RFC 7643 §2.5)
  [EMAIL, 'display eq "x"', false],
  [EMAIL, 'display ne "x"', true],
  [EMAIL, 'display eq null', true],
  [EMAIL, 'value ne null', true],
  [element(MEMBERS, { value: 'U1' }), 'value eq "u1"', false], // caseExact members.value
  [element(MEMBERS, { value: 'U1' }), 'value eq "U1"', true],
  // string booleans: Entra ID sends roles[primary eq "True"]; off in rfc-strict
  [EMAIL, 'primary eq "True"', true],
  [EMAIL, 'primary eq "True"', fails(/boolean/), STRICT],
  [EMAIL, 'primary eq true', true, STRICT],
  // dateTime: instants, offsets honoured (filter.datetime.ts, as in SQL)
  [NEW_YEAR, 'at gt "2019-12-31T23:00:00-02:00"', false],
  [NEW_YEAR, 'at eq "2020-01-01T01:00:00+01:00"', true],
  [NEW_YEAR, 'at eq "2020-01-01T00:00:00.000Z"', true],
  [NEW_YEAR, 'at le "2020-01-01T00:00:00.0001Z"', true],
  [NEW_YEAR, 'at eq "2020-02-30T00:00:00Z"', fails(/xsd:dateTime/)],
  [element(READINGS, { at: 'not a date' }), 'at lt "2100-01-01T00:00:00Z"', false],
  // integer / decimal: numeric comparison of JSON numbers
  [COUNT_3, 'count ge 3', true],
  [COUNT_3, 'count lt 3', false],
  [COUNT_3, 'count eq 3.0', true],
  [COUNT_3, 'count eq "3"', fails(/integer/)],
  [COUNT_3, 'count eq 3.5', fails(/integer/)],
  [READING, 'score gt 2.4 and score lt 2.6', true],
  [READING, 'score eq 2', false],
  [element(READINGS, { count: '3' }), 'count eq 3', false],
  // booleans: eq/ne only
  [READING, 'ok eq false', true],
  [READING, 'ok ne true', true],
  [element(READINGS, { ok: 'false' }), 'ok eq false', false],
  // caseExact string, reference (caseExact false), binary (always case exact, RFC 7643 §2.3.6)
  [READING, 'label eq "kitchen"', true],
  [READING, 'code eq "abc"', false],
  [READING, 'code eq "AbC"', true],
  [READING, 'link sw "https://example.com/"', true],
  [READING, 'blob eq "QUJD"', true],
  [READING, 'blob eq "qujd"', false],
  [READING, 'blob co "U"', fails(/needs a string/)],
  // a simple multi-valued attribute: `value` is the element (rule 11)
  [BLUE, 'value eq "Blue"', true],
  [BLUE, 'value eq "blue"', false],
  [BLUE, 'value pr', true],
  [element(TAGS, ''), 'value pr', false],
  [BLUE, 'type eq "x"', fails(/simple values/)],
  // errors (RFC 7644 §3.4.2.2 valFilter, §3.12 invalidFilter)
  [EMAIL, 'primary gt true', fails()],
  [EMAIL, 'color eq "red"', fails(/no sub-attribute "color"/)],
  [EMAIL, 'type[value pr]', fails(/cannot contain another value filter/)],
  [EMAIL, 'emails.type eq "work"', fails(/must be a sub-attribute name/)],
  [EMAIL, 'value eq 42', fails(/string/)],
  [EMAIL, 'value co null', fails(/null/)],
];

/** The SAMPLE_USER rows (no options): the SQL compiler must give the same answers. */
export const MATCH_CASES: ReadonlyArray<[string, boolean]> = EVAL_CASES.filter(
  (c): c is readonly [EvalSubject, string, boolean] =>
    c[0] === USER && typeof c[2] === 'boolean' && c[3] === undefined,
).map(([, filter, expected]) => [filter, expected]);
