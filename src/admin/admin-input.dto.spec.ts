/**
 * The admin API's body and query checks, table-driven, through the pipe the admin controllers
 * use: what each DTO accepts (and the command it gives), and the 400 invalidValue (with its
 * detail) for what it refuses.
 */
import { ArgumentMetadata, Type } from '@nestjs/common';
import { ScimError } from '../core/errors/scim-error';
import { ListQueryDto } from '../scim/http/list-query.dto';
import {
  EventListQueryDto,
  NewTenantDto,
  NewTokenDto,
  RoleMappingDto,
  TenantSettingsDto,
  UnlinkedUsersQueryDto,
} from './admin-input.dto';
import { adminInputPipe } from './admin-input.pipe';
import { CatalogueEntryDto, parseCatalogueEntry } from './catalogue-input.dto';
import {
  NewClientSecretDto,
  NewOAuthClientDto,
  OAuthClientChangesDto,
} from './oauth-client-input.dto';

const input = <T>(type: Type<T>, value: unknown, where: ArgumentMetadata['type'] = 'body'): T =>
  adminInputPipe.transform(value, { type: where, metatype: type }) as T;

const parseSettings = (body: unknown) => input(TenantSettingsDto, body).toSettings();
const parseNewTenant = (body: unknown) => input(NewTenantDto, body).toCommand();
const parseNewToken = (body: unknown) => input(NewTokenDto, body).toCommand();
const parseRole = (body: unknown) => input(RoleMappingDto, body).role;
const events = (query: Record<string, unknown>) => input(EventListQueryDto, query, 'query');

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
    [
      { name: 'x', scopes: ['users:read'], expiresInDays: 0 },
      /"expiresInDays" must be a positive number/,
    ],
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
    expect(events(value === undefined ? {} : { limit: value }).limit).toBe(expected);
  });

  it.each(['0', '1001', '-1', '1.5', 'ten', ['1', '2']])('refuses limit %j', (value) => {
    expect(refusal(() => events({ limit: value })).detail).toBe(
      'limit must be an integer from 1 to 1000',
    );
  });

  it('status: one of the outbox statuses', () => {
    expect(events({}).status).toBeUndefined();
    for (const s of ['pending', 'failed', 'delivered', 'skipped']) {
      expect(events({ status: s }).status).toBe(s);
    }
    expect(refusal(() => events({ status: 'dead' })).detail).toBe(
      'status must be one of pending, delivered, failed, skipped',
    );
  });

  it('before: a seq', () => {
    expect(events({ before: '42' }).before).toBe('42');
    expect(events({}).before).toBeUndefined();
    for (const bad of ['0', '-1', 'x', '1e3', '1'.repeat(20)]) {
      expect(() => events({ before: bad })).toThrow(/before must be a positive integer/);
    }
  });

  it('names every refused parameter; ignores parameters it does not take', () => {
    expect(refusal(() => events({ status: 'dead', limit: '0' })).detail).toBe(
      'status must be one of pending, delivered, failed, skipped; limit must be an integer from 1 to 1000',
    );
    expect({ ...events({ limit: '5', colour: 'red' }) }).toEqual({ limit: 5 });
  });

  it('unlinked users: offset from 0, limit 1 to 1000', () => {
    expect({ ...input(UnlinkedUsersQueryDto, {}, 'query') }).toEqual({ offset: 0, limit: 100 });
    expect({ ...input(UnlinkedUsersQueryDto, { offset: '20', limit: '5' }, 'query') }).toEqual({
      offset: 20,
      limit: 5,
    });
    expect(refusal(() => input(UnlinkedUsersQueryDto, { limit: '5000' }, 'query')).detail).toBe(
      'limit must be an integer from 1 to 1000',
    );
  });
});

describe('catalogue entries', () => {
  it('takes the fields given; null is none; no body is the value alone', () => {
    expect(
      input(CatalogueEntryDto, { displayName: 'Pro', type: 'License', supported: false }).toEntry(
        'pro',
      ),
    ).toEqual({
      value: 'pro',
      displayName: 'Pro',
      type: 'License',
      supported: false,
    });
    expect(
      input(CatalogueEntryDto, { description: null, attributes: null, supported: true }).toEntry(
        'x',
      ),
    ).toEqual({
      value: 'x',
    });
    expect(input(CatalogueEntryDto, undefined).toEntry('x')).toEqual({ value: 'x' });
    expect(parseCatalogueEntry('x', { displayName: undefined, value: 'x' })).toEqual({
      value: 'x',
    });
  });

  it.each<[unknown, unknown, RegExp]>([
    [
      'x',
      { colour: 'red' },
      /Unknown field "colour": use displayName, type, description, supported, attributes, value/,
    ],
    ['x', { supported: 'yes' }, /"supported" must be true or false/],
    [
      'x',
      { displayName: ' ' },
      /"displayName" must be a non-empty string of at most 255 characters/,
    ],
    ['x', { type: 't'.repeat(65) }, /"type" must be a non-empty string of at most 64 characters/],
    ['x', { attributes: [] }, /"attributes" must be an object/],
    [
      'x',
      { attributes: { contains: 'a'.repeat(17_000) } },
      /"attributes" must be at most 16 KiB of JSON/,
    ],
    ['x', { attributes: { a: { constructor: 1 } } }, /"constructor" member/],
    ['x', { value: 'y' }, /"value" must be the value in the path/],
    ['x', [], /must be a JSON object/],
    [' padded', {}, /The catalogue value/],
  ])('refuses %j with %j', (value, body, detail) => {
    const e = refusal(() => parseCatalogueEntry(value, body));
    expect(e).toMatchObject({ status: 400, scimType: 'invalidValue' });
    expect(e.detail).toMatch(detail);
  });
});

describe('OAuth clients', () => {
  it('a new client: scopes as a list or a comma/space-separated string', () => {
    expect(
      input(NewOAuthClientDto, { name: 'entra', scopes: 'users:read, users:write' }).toCommand(),
    ).toEqual({
      name: 'entra',
      scopes: ['users:read', 'users:write'],
    });
    expect(
      input(NewOAuthClientDto, {
        name: 'okta',
        scopes: ['users:read'],
        secretExpiresInDays: 730,
        withSecret: false,
        jwks: { keys: [] },
        jwksUri: null,
      }).toCommand(),
    ).toEqual({
      name: 'okta',
      scopes: ['users:read'],
      secretExpiresInDays: 730,
      withSecret: false,
      jwks: { keys: [] },
    });
  });

  it('changes: only those given; null removes a key source', () => {
    expect(
      input(OAuthClientChangesDto, { enabled: false, jwks: null, jwksUri: null }).toChanges(),
    ).toEqual({
      enabled: false,
      jwks: null,
      jwksUri: null,
    });
    expect(input(OAuthClientChangesDto, {}).toChanges()).toEqual({});
  });

  it('a new secret: no body, null or {} is the default lifetime', () => {
    for (const body of [undefined, null, '', {}]) {
      expect(input(NewClientSecretDto, body).expiresInDays).toBeUndefined();
    }
    expect(input(NewClientSecretDto, { expiresInDays: 400 }).expiresInDays).toBe(400);
  });

  it.each<[Type<object>, unknown, RegExp]>([
    [NewOAuthClientDto, { scopes: ['users:read'] }, /"name" is required/],
    [NewOAuthClientDto, { name: 'x' }, /"scopes" is required/],
    [NewOAuthClientDto, { name: 'x', scopes: [1] }, /"scopes" is required/],
    [
      NewOAuthClientDto,
      { name: 'x', scopes: 'users:read', secret: 'mine' },
      /Unknown field "secret"/,
    ],
    [
      NewOAuthClientDto,
      { name: 'x', scopes: 'users:read', withSecret: 'no' },
      /"withSecret" must be true or false/,
    ],
    [
      NewOAuthClientDto,
      { name: 'x', scopes: 'users:read', secretExpiresInDays: '30' },
      /"secretExpiresInDays" must be a whole number of days/,
    ],
    [
      NewOAuthClientDto,
      { name: 'x', scopes: 'users:read', jwksUri: 5 },
      /"jwksUri" must be a string/,
    ],
    [OAuthClientChangesDto, { name: null }, /"name" must be a string/],
    [OAuthClientChangesDto, { enabled: 'false' }, /"enabled" must be true or false/],
    [OAuthClientChangesDto, { scopes: null }, /"scopes" must be a list such as/],
    [OAuthClientChangesDto, { jwksUri: 1 }, /"jwksUri" must be a string, or null to remove it/],
    [NewClientSecretDto, { expiresInDays: '30' }, /"expiresInDays" must be a whole number of days/],
    [NewClientSecretDto, { days: 30 }, /Unknown field "days": use expiresInDays/],
    [NewClientSecretDto, 'x', /must be a JSON object/],
  ])('%p refuses %j', (type, body, detail) => {
    const e = refusal(() => input(type, body));
    expect(e).toMatchObject({ status: 400, scimType: 'invalidValue' });
    expect(e.detail).toMatch(detail);
  });
});

describe('the pipe', () => {
  it('passes what is no admin input through unchanged: path parameters, other DTOs', () => {
    expect(
      adminInputPipe.transform('acme', { type: 'param', metatype: String, data: 'slug' }),
    ).toBe('acme');
    const q = { count: 'x' };
    expect(adminInputPipe.transform(q, { type: 'query', metatype: ListQueryDto })).toBe(q);
  });

  it('refuses a string that is not Unicode, naming where it is', () => {
    expect(refusal(() => parseNewToken({ name: 'a\ud800', scopes: 'users:read' })).detail).toMatch(
      /name/,
    );
  });

  it('names every refused field at once', () => {
    expect(refusal(() => parseSettings({ scimEnabled: 'no', notifications: 3 })).detail).toBe(
      '"scimEnabled" must be a boolean; "notifications" must be a string',
    );
  });
});
