import { OAuthError } from './oauth-error';
import { JWT_BEARER_ASSERTION, basicCredentials, grantScopes, parseTokenRequest, singleParams } from './token-request';

const CC = { grant_type: 'client_credentials' };
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

const errorOf = (f: () => unknown): [string, number] | undefined => {
  try {
    f();
    return undefined;
  } catch (e) {
    expect(e).toBeInstanceOf(OAuthError);
    return [(e as OAuthError).error, (e as OAuthError).status];
  }
};

describe('parseTokenRequest (RFC 6749 §4.4.2, §2.3, RFC 7523 §2.2)', () => {
  it.each([
    ['client_secret_basic', CC, `Basic ${b64('c1:s1')}`, { method: 'client_secret_basic', clientId: 'c1', secret: 's1' }],
    ['basic, form-urlencoded id and secret (§2.3.1)', CC, `basic ${b64('a%3Ab:s%20p+q')}`, { method: 'client_secret_basic', clientId: 'a:b', secret: 's p q' }],
    ['client_secret_post', { ...CC, client_id: 'c1', client_secret: 's1' }, undefined, { method: 'client_secret_post', clientId: 'c1', secret: 's1' }],
    ['private_key_jwt', { ...CC, client_assertion_type: JWT_BEARER_ASSERTION, client_assertion: 'a.b.c' }, undefined, { method: 'private_key_jwt', assertion: 'a.b.c' }],
    ['a Bearer header is not client authentication', { ...CC, client_id: 'c1', client_secret: 's1' }, 'Bearer x', { method: 'client_secret_post', clientId: 'c1', secret: 's1' }],
  ])('%s', (_name, params, header, auth) => {
    expect(parseTokenRequest(params as Record<string, string>, header).auth).toEqual(auth);
  });

  it.each([
    ['no grant_type', { client_id: 'c', client_secret: 's' }, undefined, ['invalid_request', 400]],
    ['another grant', { grant_type: 'authorization_code', client_id: 'c', client_secret: 's' }, undefined, ['unsupported_grant_type', 400]],
    ['no client authentication', CC, undefined, ['invalid_client', 401]],
    ['two methods', { ...CC, client_id: 'c', client_secret: 's' }, `Basic ${b64('c:s')}`, ['invalid_request', 400]],
    ['malformed Basic', CC, 'Basic !!!', ['invalid_client', 401]],
    ['Basic without a colon', CC, `Basic ${b64('nocolon')}`, ['invalid_client', 401]],
    ['client_id differing from Basic', { ...CC, client_id: 'other' }, `Basic ${b64('c:s')}`, ['invalid_request', 400]],
    ['client_secret without client_id', { ...CC, client_secret: 's' }, undefined, ['invalid_request', 400]],
    ['a wrong assertion type', { ...CC, client_assertion_type: 'x', client_assertion: 'a' }, undefined, ['invalid_request', 400]],
    ['an assertion type without assertion', { ...CC, client_assertion_type: JWT_BEARER_ASSERTION }, undefined, ['invalid_request', 400]],
  ])('%s -> %p', (_name, params, header, expected) => {
    expect(errorOf(() => parseTokenRequest(params as Record<string, string>, header))).toEqual(expected);
  });

  it('reads the scope as space-delimited (§3.3)', () => {
    expect(parseTokenRequest({ ...CC, client_id: 'c', client_secret: 's', scope: ' users:read  groups:read ' }, undefined).scope).toEqual(['users:read', 'groups:read']);
    expect(parseTokenRequest({ ...CC, client_id: 'c', client_secret: 's', scope: '' }, undefined).scope).toBeUndefined();
  });
});

describe('singleParams (§3.2: no parameter twice)', () => {
  it('refuses repeated, non-string and overlong parameters', () => {
    expect(errorOf(() => singleParams({ scope: ['a', 'b'] }))).toEqual(['invalid_request', 400]);
    expect(errorOf(() => singleParams({ scope: { a: 1 } }))).toEqual(['invalid_request', 400]);
    expect(errorOf(() => singleParams({ scope: 'x'.repeat(9000) }))).toEqual(['invalid_request', 400]);
    expect(errorOf(() => singleParams('text'))).toEqual(['invalid_request', 400]);
    expect(singleParams(undefined)).toEqual({});
  });
});

describe('grantScopes', () => {
  const allowed = new Set(['users:write', 'users:read']);
  it('grants what the client holds when nothing is asked, else exactly what is asked', () => {
    expect(grantScopes(undefined, allowed, ['users:write'])).toEqual(['users:write']);
    expect(grantScopes(['users:read'], allowed, ['users:write'])).toEqual(['users:read']);
    expect(grantScopes(['users:read', 'users:read'], allowed, ['users:write'])).toEqual(['users:read']);
  });
  it('refuses a scope the client does not hold with invalid_scope', () => {
    expect(errorOf(() => grantScopes(['groups:read'], allowed, ['users:write']))).toEqual(['invalid_scope', 400]);
  });
});

describe('basicCredentials', () => {
  it('ignores other schemes', () => {
    expect(basicCredentials(undefined)).toBeUndefined();
    expect(basicCredentials('Bearer abc')).toBeUndefined();
  });
});
