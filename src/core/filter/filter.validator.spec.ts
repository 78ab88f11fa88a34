import { ScimError } from '../errors/scim-error';
import {
  createDefaultRegistry,
  GROUP_RESOURCE_TYPE,
  USER_RESOURCE_TYPE,
} from '../schema/schema.registry';
import { FilterNode } from './filter.ast';
import {
  cmp,
  ENT,
  RFC_EXAMPLES,
  VALIDATE_CASES,
  VALIDATE_ERROR_CASES,
  vp,
} from './filter.cases';
import { parseFilter } from './filter.parser';
import { printFilter } from './filter.printer';
import { validateFilter } from './filter.validator';

const registry = createDefaultRegistry();
const validateUser = (text: string) =>
  validateFilter(parseFilter(text), registry, USER_RESOURCE_TYPE);

function scimErrorOf(fn: () => unknown): ScimError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ScimError) {
      return e;
    }
    throw e;
  }
  throw new Error('expected a ScimError');
}

describe('validateFilter', () => {
  it.each(VALIDATE_CASES)('normalizes %s to %s', (text, canonical) => {
    const result = validateUser(text);
    expect(printFilter(result)).toBe(canonical);
    // normalization is idempotent
    expect(validateFilter(result, registry, USER_RESOURCE_TYPE)).toEqual(result);
  });

  it.each(VALIDATE_ERROR_CASES)('rejects %s with invalidFilter', (text, detail) => {
    const e = scimErrorOf(() => validateUser(text));
    expect(e.scimType).toBe('invalidFilter');
    expect(e.status).toBe(400);
    expect(e.detail).toMatch(detail);
  });

  it.each(RFC_EXAMPLES.filter(([text]) => !text.startsWith('schemas')))(
    'accepts the RFC 7644 §3.4.2.2 example %s',
    (text) => {
      expect(() => validateUser(text)).not.toThrow();
    },
  );

  it('RFC 7644 §3.4.2.2 `schemas eq` example works with allowSchemasAttribute', () => {
    const node = parseFilter(`SCHEMAS eq "${ENT}"`);
    expect(
      validateFilter(node, registry, USER_RESOURCE_TYPE, { allowSchemasAttribute: true }),
    ).toEqual(cmp('schemas', 'eq', ENT));
  });

  it('RFC 7644 §3.4.2.2: `emails eq` compares emails.value', () => {
    expect(validateUser('emails eq "a@b.c"')).toEqual(cmp('emails.value', 'eq', 'a@b.c'));
  });

  it('coerces Entra ID style "True" to a real boolean', () => {
    expect(validateUser('roles[primary eq "True"]')).toEqual(
      vp('roles', cmp('primary', 'eq', true)),
    );
  });

  it('validates Group filters against the Group schema', () => {
    const g = (text: string) => validateFilter(parseFilter(text), registry, GROUP_RESOURCE_TYPE);
    expect(printFilter(g('DISPLAYNAME eq "Admins"'))).toBe('displayName eq "Admins"');
    expect(printFilter(g('members[VALUE eq "2819c223"]'))).toBe('members[value eq "2819c223"]');
    expect(printFilter(g('members eq "2819c223"'))).toBe('members.value eq "2819c223"');
    expect(printFilter(g('members.$ref co "/Users/"'))).toBe('members.$ref co "/Users/"');
    expect(scimErrorOf(() => g('userName eq "x"')).detail).toMatch(/Unknown attribute "userName"/);
    expect(scimErrorOf(() => g('emails pr')).detail).toMatch(/Unknown attribute "emails"/);
  });

  it('rejects a hand-built nested value path', () => {
    const nested: FilterNode = vp('emails', vp('type', cmp('value', 'eq', 'x')));
    expect(scimErrorOf(() => validateFilter(nested, registry, USER_RESOURCE_TYPE)).detail).toMatch(
      /cannot contain another value filter/,
    );
  });

  it('does not mutate its input', () => {
    const node = parseFilter('EMAILS eq "x" and ACTIVE eq "true"');
    const copy = JSON.parse(JSON.stringify(node)) as FilterNode;
    validateFilter(node, registry, USER_RESOURCE_TYPE);
    expect(node).toEqual(copy);
  });
});
