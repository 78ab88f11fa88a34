import {
  MAX_AUDIT_BODY,
  REDACTED,
  TRUNCATED_MARK,
  auditBody,
  redactSecrets,
  redactUrl,
} from './audit-redaction.util';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

describe('redactSecrets (bodies only with secrets redacted)', () => {
  it.each<[string, unknown, unknown]>([
    [
      'a top-level password',
      { userName: 'a', password: 's3cret' },
      { userName: 'a', password: REDACTED },
    ],
    ['any letter case (RFC 7643 §2.1)', { PassWord: 'x' }, { PassWord: REDACTED }],
    ['a fully qualified name', { [`${USER}:password`]: 'x' }, { [`${USER}:password`]: REDACTED }],
    [
      'a PatchOp value without path (Okta, Entra)',
      {
        schemas: [PATCH_OP],
        Operations: [{ op: 'replace', value: { active: false, password: 'x' } }],
      },
      {
        schemas: [PATCH_OP],
        Operations: [{ op: 'replace', value: { active: false, password: REDACTED } }],
      },
    ],
    [
      'a PatchOp whose path is the password',
      { Operations: [{ op: 'Replace', path: `${USER}:Password`, value: 'x' }] },
      { Operations: [{ op: 'Replace', path: `${USER}:Password`, value: REDACTED }] },
    ],
    [
      'bulk operation data at depth',
      {
        Operations: [
          { method: 'POST', path: '/Users', data: { password: 'x', name: { givenName: 'A' } } },
        ],
      },
      {
        Operations: [
          {
            method: 'POST',
            path: '/Users',
            data: { password: REDACTED, name: { givenName: 'A' } },
          },
        ],
      },
    ],
    ['an object password value', { password: { value: 'x' } }, { password: REDACTED }],
    [
      'nothing secret',
      { userName: 'a', active: true, emails: [{ value: 'a@b' }] },
      { userName: 'a', active: true, emails: [{ value: 'a@b' }] },
    ],
    [
      'a path that only ends like password',
      { Operations: [{ path: 'passwordHint', value: 'v' }] },
      { Operations: [{ path: 'passwordHint', value: 'v' }] },
    ],
  ])('redacts %s', (_label, input, expected) => {
    const before = JSON.stringify(input);
    expect(redactSecrets(input)).toEqual(expected);
    expect(JSON.stringify(input)).toBe(before);
  });
});

describe('auditBody', () => {
  it('is null without a body and JSON text otherwise', () => {
    expect(auditBody(undefined)).toBeNull();
    expect(auditBody(null)).toBeNull();
    expect(JSON.parse(auditBody({ password: 'x', a: 1 })!)).toEqual({ password: REDACTED, a: 1 });
  });

  it(`cuts a body at ${MAX_AUDIT_BODY} characters and marks the cut`, () => {
    const text = auditBody({
      members: Array.from({ length: 5000 }, (_, i) => ({ value: `m-${i}` })),
    })!;
    expect(text).toHaveLength(MAX_AUDIT_BODY);
    expect(text.endsWith(TRUNCATED_MARK)).toBe(true);
  });
});

describe('redactUrl', () => {
  it.each([
    ['/scim/v2/Users', '/scim/v2/Users'],
    ['/scim/v2/Users?access_token=scim_abc', `/scim/v2/Users?access_token=${REDACTED}`],
    [
      '/scim/v2/Users?count=1&ACCESS_TOKEN=scim_abc&x=1',
      `/scim/v2/Users?count=1&ACCESS_TOKEN=${REDACTED}&x=1`,
    ],
    [
      '/scim/v2/Users?filter=userName%20eq%20%22a%22',
      '/scim/v2/Users?filter=userName%20eq%20%22a%22',
    ],
  ])('%s → %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });
});
