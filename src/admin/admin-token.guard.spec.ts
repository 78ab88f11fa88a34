/**
 * The admin API's token check: constant-time, over HMAC digests of equal
 * length whatever is presented; 404 when no admin token is configured, 401 (SCIM body
 * headers) for anything but `Bearer <admin token>`.
 */
import { ExecutionContext } from '@nestjs/common';
import { ScimError } from '../core/errors/scim-error';
import { AdminTokenGuard, AdminTokenMatcher, isAdminAuthenticated } from './admin-token.guard';
import { resolveAdminOptions } from './admin.options';

/** the module object itself (a namespace import would be a copy the spy never reaches) */
const crypto = require('node:crypto') as typeof import('node:crypto');

const TOKEN = 'admin-token-0123456789abcdef0123456789abcdef';

function contextWith(authorization?: string | string[]) {
  const req = { headers: authorization === undefined ? {} : { authorization } };
  const context = {
    switchToHttp: () => ({ getRequest: () => req }),
  } as unknown as ExecutionContext;
  return { req, context };
}

afterEach(() => jest.restoreAllMocks());

describe('AdminTokenMatcher', () => {
  it.each([`Bearer ${TOKEN}`, `bearer ${TOKEN}`, `BEARER  ${TOKEN}`, `Bearer ${TOKEN} `])(
    'accepts %j',
    (header) => {
      expect(new AdminTokenMatcher(TOKEN).matches(header)).toBe(true);
    },
  );

  it.each<[string, string | string[] | undefined]>([
    ['no header', undefined],
    ['an empty header', ''],
    ['the bare token', TOKEN],
    ['Basic', `Basic ${TOKEN}`],
    ['a prefix of the token', `Bearer ${TOKEN.slice(0, -1)}`],
    ['the token and one more character', `Bearer ${TOKEN}x`],
    ['the token in another case', `Bearer ${TOKEN.toUpperCase()}`],
    ['two tokens', `Bearer ${TOKEN} ${TOKEN}`],
    ['a SCIM token', `Bearer scim_${'A'.repeat(43)}`],
    ['Bearer and nothing', 'Bearer '],
    ['a very long token', `Bearer ${TOKEN.repeat(1000)}`],
  ])('refuses %s', (_label, header) => {
    expect(new AdminTokenMatcher(TOKEN).matches(header)).toBe(false);
  });

  it('uses the first of repeated Authorization headers', () => {
    expect(new AdminTokenMatcher(TOKEN).matches([`Bearer ${TOKEN}`, 'Bearer x'])).toBe(true);
    expect(new AdminTokenMatcher(TOKEN).matches(['Bearer x', `Bearer ${TOKEN}`])).toBe(false);
  });

  it('compares 32-byte HMAC digests with timingSafeEqual, whatever the length presented', () => {
    const matcher = new AdminTokenMatcher(TOKEN);
    const compare = jest.spyOn(crypto, 'timingSafeEqual');
    for (const header of [undefined, 'x', `Bearer ${TOKEN}`, `Bearer ${'y'.repeat(5000)}`, 'Bearer a']) {
      matcher.matches(header);
    }
    // once per check, also for a missing or malformed header
    expect(compare).toHaveBeenCalledTimes(5);
    for (const [a, b] of compare.mock.calls as [Buffer, Buffer][]) {
      expect(a).toHaveLength(32);
      expect(b).toHaveLength(32);
      // digests, never the token itself
      expect(Buffer.from(a).toString('utf8')).not.toContain(TOKEN);
      expect(Buffer.from(b).toString('utf8')).not.toContain(TOKEN);
    }
  });

  it('keys the digests per process: two matchers never hold the same digest', () => {
    const compare = jest.spyOn(crypto, 'timingSafeEqual');
    new AdminTokenMatcher(TOKEN).matches(`Bearer ${TOKEN}`);
    new AdminTokenMatcher(TOKEN).matches(`Bearer ${TOKEN}`);
    const [[first], [second]] = compare.mock.calls as [Buffer, Buffer][];
    expect(Buffer.compare(first, second)).not.toBe(0);
  });
});

describe('AdminTokenGuard', () => {
  it('lets the admin token through and marks the request', () => {
    const guard = new AdminTokenGuard(resolveAdminOptions({ adminToken: TOKEN }));
    const { req, context } = contextWith(`Bearer ${TOKEN}`);
    expect(guard.canActivate(context)).toBe(true);
    expect(isAdminAuthenticated(req)).toBe(true);
  });

  it('answers 401 with WWW-Authenticate for anything else', () => {
    const guard = new AdminTokenGuard(resolveAdminOptions({ adminToken: TOKEN }));
    const { req, context } = contextWith('Bearer wrong');
    let thrown: unknown;
    try {
      guard.canActivate(context);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ScimError);
    expect(thrown).toMatchObject({ status: 401, headers: { 'WWW-Authenticate': 'Bearer realm="scim-admin"' } });
    expect(isAdminAuthenticated(req)).toBe(false);
  });

  it('answers 404 for every request when no admin token is configured', () => {
    const guard = new AdminTokenGuard(resolveAdminOptions({}));
    expect(() => guard.canActivate(contextWith(`Bearer ${TOKEN}`).context)).toThrow(
      expect.objectContaining({ status: 404 }),
    );
  });
});

describe('resolveAdminOptions', () => {
  it.each([undefined, {}, { adminToken: undefined }, { adminToken: '' }])('%j: admin API off', (o) => {
    expect(resolveAdminOptions(o)).toEqual({ adminToken: undefined });
  });

  it.each([
    ['too short', 'a'.repeat(31)],
    ['with whitespace', `${'a'.repeat(20)} ${'b'.repeat(20)}`],
    ['not a string', 12345678901234567890123456789012345 as unknown as string],
  ])('refuses a token %s at boot', (_label, adminToken) => {
    expect(() => resolveAdminOptions({ adminToken })).toThrow(/at least 32 characters/);
  });

  it('accepts 32 characters', () => {
    expect(resolveAdminOptions({ adminToken: 'a'.repeat(32) })).toEqual({ adminToken: 'a'.repeat(32) });
  });
});
