import { ScimError } from '../errors/scim-error';
import {
  createDefaultRegistry,
  GROUP_RESOURCE_TYPE,
  USER_RESOURCE_TYPE,
} from '../schema/schema.registry';
import { CORE, ENT, MATCH_CASES, SAMPLE_USER } from './filter.cases';
import { createFilterMatcher, isPresentValue, matchesFilter } from './filter.matcher';
import { parseFilter } from './filter.parser';

const registry = createDefaultRegistry();
const matchUser = (text: string, resource: Record<string, unknown> = SAMPLE_USER) =>
  matchesFilter(resource, parseFilter(text), registry, USER_RESOURCE_TYPE);

describe('matchesFilter (RFC 7644 §3.4.2.2 semantics)', () => {
  it.each(MATCH_CASES)('%s -> %s', (text, expected) => {
    expect(matchUser(text)).toBe(expected);
  });

  it.each(MATCH_CASES)('not (%s) is the complement', (text, expected) => {
    expect(matchUser(`not (${text})`)).toBe(!expected);
  });

  it('throws invalidFilter for filters the validator rejects', () => {
    expect(() => matchUser('password pr')).toThrow(ScimError);
    expect(() => matchUser('foo eq "x"')).toThrow(/Unknown attribute/);
  });

  it('evaluates `schemas` only with allowSchemasAttribute (RFC 7644 §3.4.2.2 example)', () => {
    const node = parseFilter(`schemas eq "${ENT.toUpperCase()}"`);
    const opts = { allowSchemasAttribute: true };
    expect(matchesFilter(SAMPLE_USER, node, registry, USER_RESOURCE_TYPE, opts)).toBe(true);
    const other = { ...SAMPLE_USER, schemas: [CORE] };
    expect(matchesFilter(other, node, registry, USER_RESOURCE_TYPE, opts)).toBe(false);
  });

  it('a value filter on an absent singular complex attribute sees an empty object', () => {
    const noManager = { ...SAMPLE_USER, [ENT]: { employeeNumber: '1' } };
    expect(matchUser(`${ENT}:manager[not (value pr)]`, noManager)).toBe(true);
    expect(matchUser(`${ENT}:manager[value pr]`, noManager)).toBe(false);
    expect(matchUser(`${ENT}:manager pr`, noManager)).toBe(false);
    expect(matchUser(`${ENT}:manager.value ne "x"`, noManager)).toBe(true);
    expect(matchUser(`${ENT}:employeeNumber eq "1"`, { id: 'x' })).toBe(false);
  });

  it('values of the wrong JSON type never satisfy a comparison but count as present', () => {
    const odd = { userName: 42, active: 'true', meta: { created: 'not a date' } };
    expect(matchUser('userName eq "42"', odd)).toBe(false);
    expect(matchUser('userName pr', odd)).toBe(true);
    expect(matchUser('userName ne "42"', odd)).toBe(true);
    expect(matchUser('active eq true', odd)).toBe(false);
    expect(matchUser('meta.created lt "2100-01-01T00:00:00Z"', odd)).toBe(false);
    expect(matchUser('meta.created pr', odd)).toBe(true);
  });

  it('accepts Date objects for dateTime values', () => {
    const u = { meta: { created: new Date('2011-05-13T04:42:34Z') } };
    expect(matchUser('meta.created eq "2011-05-13T04:42:34Z"', u)).toBe(true);
    expect(matchUser('meta.created gt "2011-05-13T04:42:33.999Z"', u)).toBe(true);
  });

  it('a single value stored for a multi-valued attribute is treated as a one-element list', () => {
    const u = { emails: { value: 'a@b.c', type: 'work' } };
    expect(matchUser('emails[type eq "work"]', u)).toBe(true);
    expect(matchUser('emails.value eq "A@B.C"', u)).toBe(true);
  });

  it('matches Groups with caseExact member values', () => {
    const group = {
      displayName: 'Tour Guides',
      members: [
        { value: '2819c223-7f76-453a-919d-413861904646', display: 'Babs Jensen', type: 'User' },
        {
          value: '902c246b-6245-4190-8e05-00816be7344a',
          display: 'Mandy Pepperidge',
          type: 'User',
        },
      ],
    };
    const m = (text: string) =>
      matchesFilter(group, parseFilter(text), registry, GROUP_RESOURCE_TYPE);
    expect(m('displayName eq "tour guides"')).toBe(true);
    expect(m('members[value eq "902c246b-6245-4190-8e05-00816be7344a"]')).toBe(true);
    expect(m('members[value eq "902C246B-6245-4190-8E05-00816BE7344A"]')).toBe(false);
    expect(m('members eq "2819c223-7f76-453a-919d-413861904646"')).toBe(true);
    expect(m('members.display co "mandy"')).toBe(true);
    expect(m('members[type eq "user"]')).toBe(true); // type is caseExact: false
    expect(m('members[type eq "Group"]')).toBe(false);
    expect(m('members.value ne "nobody"')).toBe(true);
  });

  it('createFilterMatcher validates once and is reusable', () => {
    const m = createFilterMatcher(parseFilter('active eq "True"'), registry, USER_RESOURCE_TYPE);
    expect(m(SAMPLE_USER)).toBe(true);
    expect(m({ active: false })).toBe(false);
    expect(m({})).toBe(false);
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
