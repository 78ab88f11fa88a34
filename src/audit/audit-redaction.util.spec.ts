import {
  MAX_AUDIT_BODY,
  REDACTED,
  TRUNCATED_MARK,
  auditBody,
  isSecretName,
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
      'OAuth credentials sent as body fields (RFC 6750 §2.2, RFC 6749)',
      { access_token: 'scim_a', Refresh_Token: 'r', client_secret: 'c', id_token: 'i', filter: 'x' },
      {
        access_token: REDACTED,
        Refresh_Token: REDACTED,
        client_secret: REDACTED,
        id_token: REDACTED,
        filter: 'x',
      },
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

describe('isSecretName', () => {
  it.each([
    'access_token',
    'ACCESS_TOKEN',
    'token',
    'refresh_token',
    'id_token',
    'client_secret',
    'secret',
    'webhookSecret',
    'password',
    'Passwd',
    'api_key',
    'x-api-key',
    'Authorization',
    `${USER}:password`,
  ])('%s is a secret', (name) => {
    expect(isSecretName(name)).toBe(true);
  });

  it.each(['filter', 'count', 'cursor', 'passwordHint', 'tokenId', 'secretary', 'userName'])(
    '%s is not',
    (name) => {
      expect(isSecretName(name)).toBe(false);
    },
  );
});

describe('redactUrl (the one URL redaction of the audit and the access log)', () => {
  const R = REDACTED;
  it.each([
    ['/scim/v2/Users', '/scim/v2/Users'],
    ['/scim/v2/Users?', '/scim/v2/Users?'],
    ['/scim/v2/Users?access_token=scim_abc', `/scim/v2/Users?access_token=${R}`],
    ['/scim/v2/Users?count=1&ACCESS_TOKEN=scim_abc&x=1', `/scim/v2/Users?count=1&ACCESS_TOKEN=${R}&x=1`],
    ['/scim/v2/Users?filter=userName%20eq%20%22a%22', '/scim/v2/Users?filter=userName%20eq%20%22a%22'],
    // the name percent-encoded, as the query parser decodes it
    ['/scim/v2/Users?access%5Ftoken=scim_abc', `/scim/v2/Users?access%5Ftoken=${R}`],
    ['/scim/v2/Users?%61ccess_%74oken=scim_abc', `/scim/v2/Users?%61ccess_%74oken=${R}`],
    ['/scim/v2/Users?Access%5fToken=scim_abc&count=2', `/scim/v2/Users?Access%5fToken=${R}&count=2`],
    // a malformed escape elsewhere does not stop the redaction
    ['/x?a=%zz&token=t', `/x?a=%zz&token=${R}`],
    ['/x?token=t&refresh_token=r&id_token=i', `/x?token=${R}&refresh_token=${R}&id_token=${R}`],
    ['/x?client_secret=c&secret=s&password=p', `/x?client_secret=${R}&secret=${R}&password=${R}`],
    ['/x?api_key=k&Authorization=Bearer%20x', `/x?api_key=${R}&Authorization=${R}`],
    // repeated, empty and value-less parameters
    ['/x?access_token=a&access_token=b', `/x?access_token=${R}&access_token=${R}`],
    ['/x?access_token=&count=1', `/x?access_token=${R}&count=1`],
    ['/x?access_token&count=1', '/x?access_token&count=1'],
    // a value that merely looks like a parameter name is kept
    ['/x?filter=access_token%3Dabc', '/x?filter=access_token%3Dabc'],
    ['/x?access_token=a#frag', `/x?access_token=${R}#frag`],
  ])('%s → %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });
});
