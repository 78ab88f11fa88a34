/**
 * The admin API's body and query checks, table-driven: what each accepts,
 * and the 400 invalidValue (with its detail) for what it refuses.
 */
import { ScimError } from '../core/errors/scim-error';
import {
  parseIntParam,
  parseNewTenant,
  parseNewToken,
  parseOutboxStatus,
  parseRole,
  parseSeq,
  parseSettings,
} from './admin-input';

function refusal(fn: () => unknown): ScimError {
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

describe('parseSettings', () => {
  it('passes every known setting of the right type through, and only those given', () => {
    const body = {
      profile: null,
      deprovisioning: 'soft',
      groupCycles: 'allow',
      webhookUrl: 'https://hooks.example.com/x',
      webhookSecret: 'shared-secret-0123456789',
      scimEnabled: false,
      notifications: 'off',
      defaultRole: null,
      linkPolicy: 'verified-email',
    };
    expect(parseSettings(body)).toEqual(body);
    expect(parseSettings({ notifications: 'on' })).toEqual({ notifications: 'on' });
    expect(parseSettings({})).toEqual({});
  });

  it.each<[string, unknown, RegExp]>([
    ['no object', 'notifications=off', /must be a JSON object/],
    ['an array', [{ notifications: 'off' }], /must be a JSON object/],
    ['null', null, /must be a JSON object/],
    ['an unknown key', { notification: 'off' }, /Unknown setting "notification": use profile, /],
    ['webhookSecretSet', { webhookSecretSet: false }, /"webhookSecretSet" is read-only/],
    ['disabledAt', { disabledAt: null }, /"disabledAt" is read-only/],
    ['the slug', { slug: 'other' }, /"slug" is read-only/],
    ['scimEnabled as a string', { scimEnabled: 'false' }, /"scimEnabled" must be a boolean/],
    ['notifications as a boolean', { notifications: false }, /"notifications" must be a string/],
    ['notifications null', { notifications: null }, /"notifications" must be a string/],
    ['a numeric role', { defaultRole: 3 }, /"defaultRole" must be a string or null/],
    ['webhookSecret null', { webhookSecret: null }, /"webhookSecret" must be a string/],
  ])('refuses %s', (_label, body, detail) => {
    const e = refusal(() => parseSettings(body));
    expect(e).toMatchObject({ status: 400, scimType: 'invalidValue' });
    expect(e.detail).toMatch(detail);
  });
});

describe('parseNewTenant', () => {
  it('takes the slug and the settings beside it', () => {
    expect(parseNewTenant({ slug: 'acme', notifications: 'off' })).toEqual({
      slug: 'acme',
      settings: { notifications: 'off' },
    });
  });

  it.each([{}, { slug: 5 }, { notifications: 'off' }])('needs a slug: %j', (body) => {
    expect(refusal(() => parseNewTenant(body)).detail).toMatch(/"slug" is required/);
  });
});

describe('parseNewToken', () => {
  it.each<[unknown, unknown]>([
    [
      { name: 'okta', scopes: ['users:read', 'users:write'] },
      { name: 'okta', scopes: ['users:read', 'users:write'] },
    ],
    [
      { name: 'okta', scopes: 'groups:read', expiresInDays: 30, profile: 'okta' },
      { name: 'okta', scopes: ['groups:read'], expiresInDays: 30, profile: 'okta' },
    ],
  ])('%j', (body, expected) => {
    expect(parseNewToken(body)).toEqual(expected);
  });

  it.each<[unknown, RegExp]>([
    [{ scopes: ['users:read'] }, /"name" is required/],
    [{ name: '  ', scopes: ['users:read'] }, /"name" is required/],
    [{ name: 'x' }, /"scopes" is required/],
    [{ name: 'x', scopes: [1] }, /"scopes" is required/],
    [{ name: 'x', scopes: ['users:admin'] }, /Unknown scope "users:admin"/],
    [{ name: 'x', scopes: [] }, /No scopes given/],
    [{ name: 'x', scopes: ['users:read'], expiresInDays: 0 }, /"expiresInDays" must be a positive number/],
    [{ name: 'x', scopes: ['users:read'], expiresInDays: '30' }, /"expiresInDays"/],
    [{ name: 'x', scopes: ['users:read'], tenant: 'other' }, /Unknown field "tenant"/],
  ])('refuses %j', (body, detail) => {
    const e = refusal(() => parseNewToken(body));
    expect(e.status).toBe(400);
    expect(e.detail).toMatch(detail);
  });
});

describe('parseRole', () => {
  it('takes role (a group key beside it is ignored: the path names the group)', () => {
    expect(parseRole({ role: 'member' })).toBe('member');
    expect(parseRole({ group: 'Admins', role: 'owner' })).toBe('owner');
  });

  it.each<[unknown, RegExp]>([
    [{}, /"role" is required/],
    [{ rol: 'x' }, /Unknown field "rol"/],
    ['member', /JSON object/],
  ])('refuses %j', (body, detail) => {
    expect(refusal(() => parseRole(body)).detail).toMatch(detail);
  });
});

describe('query parameters', () => {
  it.each<[unknown, number]>([
    [undefined, 50],
    ['', 50],
    ['1', 1],
    ['1000', 1000],
  ])('limit %j → %d', (value, expected) => {
    expect(parseIntParam('limit', value, 50, 1, 1000)).toBe(expected);
  });

  it.each(['0', '1001', '-1', '1.5', 'ten', ['1', '2']])('refuses limit %j', (value) => {
    expect(refusal(() => parseIntParam('limit', value, 50, 1, 1000)).detail).toBe(
      'limit must be an integer from 1 to 1000',
    );
  });

  it('status: one of the outbox statuses', () => {
    expect(parseOutboxStatus(undefined)).toBeUndefined();
    for (const s of ['pending', 'failed', 'delivered', 'skipped']) {
      expect(parseOutboxStatus(s)).toBe(s);
    }
    expect(refusal(() => parseOutboxStatus('dead')).detail).toBe(
      'status must be one of pending, delivered, failed, skipped',
    );
  });

  it('before: a seq', () => {
    expect(parseSeq('before', '42')).toBe('42');
    expect(parseSeq('before', undefined)).toBeUndefined();
    for (const bad of ['0', '-1', 'x', '1e3', '1'.repeat(20)]) {
      expect(() => parseSeq('before', bad)).toThrow(/before must be a positive integer/);
    }
  });
});
