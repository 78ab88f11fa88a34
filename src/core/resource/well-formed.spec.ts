import { isScimError, ScimError } from '../errors/scim-error';
import { parseBulkRequest } from '../messages/bulk.request';
import { BULK_REQUEST_SCHEMA } from '../messages/list-response';
import { PATCH_OP_SCHEMA, parsePatchRequest } from '../patch/patch.request';
import { PROFILE_NAMES, profileFor } from '../profile/idp-profile';
import { createDefaultRegistry } from '../schema/schema.registry';
import { normalizeResource } from './resource.normalizer';
import { checkWellFormed, illFormedStringPath, isWellFormed } from './well-formed';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const registry = createDefaultRegistry();

const thrown = (fn: () => unknown): ScimError => {
  try {
    fn();
  } catch (e) {
    if (isScimError(e)) {
      return e;
    }
    throw e;
  }
  throw new Error('expected a ScimError');
};

describe('well-formed strings (RFC 7643 §2.3.1)', () => {
  it.each([
    ['', true],
    ['bob', true],
    ['😀 (a surrogate pair)', true],
    ['\uffff\u0000\ufffd', true],
    ['\ud800', false],
    ['\udc00', false],
    ['bob\ud83d', false],
    ['\ude00\ud83d (a pair reversed)', false],
    ['\ud83d\ud83d\ude00', false],
  ])('isWellFormed(%j) is %s', (s, expected) => {
    expect(isWellFormed(s)).toBe(expected);
  });

  it.each<[string, unknown, string | undefined]>([
    ['a well-formed body', { userName: 'bob', emails: [{ value: 'b@x' }], active: true, n: 1, z: null }, undefined],
    ['a value', { userName: 'x\ud800' }, 'userName'],
    ['a value in a list', { emails: [{ value: 'a' }, { value: '\udc00' }] }, 'emails[1].value'],
    ['a value under a URN', { [ENTERPRISE]: { manager: { value: '\ud800' } } }, `"${ENTERPRISE}".manager.value`],
    ['a member name', { ['nick\ud800Name']: 'x' }, '"nick\\ud800Name" (the member name)'],
    ['a bare string', '\ud800', '(the value)'],
    ['the first of several', { a: ['ok', '\ud800'], b: '\udc00' }, 'a[1]'],
  ])('finds %s', (_label, body, path) => {
    expect(illFormedStringPath(body)).toBe(path);
  });

  it('walks a deeply nested body without recursion', () => {
    let deep: unknown = '\ud800';
    for (let i = 0; i < 100_000; i++) {
      deep = [deep];
    }
    expect(illFormedStringPath(deep)).toMatch(/^(\[0\]){100000}$/);
  });

  it('refuses with 400 invalidValue naming where, never echoing the value', () => {
    const e = thrown(() => checkWellFormed({ password: 'secret\ud800' }, 'The resource'));
    expect({ status: e.status, scimType: e.scimType }).toEqual({ status: 400, scimType: 'invalidValue' });
    expect(e.detail).toMatch(/^The resource: the string at password is not well-formed Unicode/);
    expect(e.detail).not.toContain('secret');
  });

  describe('where request bodies are validated', () => {
    it.each(PROFILE_NAMES)('a resource body (POST/PUT) under the %s profile', (name) => {
      const e = thrown(() =>
        normalizeResource(
          { schemas: [USER], userName: 'bob', name: { givenName: '\ud800' } },
          { registry, resourceType: 'User', profile: profileFor(name) },
        ),
      );
      expect([e.scimType, e.detail]).toEqual(['invalidValue', expect.stringMatching(/at name\.givenName/)]);
    });

    it('an attribute name the lenient profile would otherwise ignore', () => {
      const e = thrown(() =>
        normalizeResource(
          { schemas: [USER], userName: 'bob', ['x\udc00']: 1 },
          { registry, resourceType: 'User', profile: profileFor('lenient') },
        ),
      );
      expect(e.scimType).toBe('invalidValue');
    });

    it.each([
      ['a value', { op: 'replace', path: 'displayName', value: 'd\ud800' }],
      ['a value object', { op: 'add', value: { title: '\udbff' } }],
      ['a path', { op: 'remove', path: 'title\ud800' }],
    ])('a PatchOp with a lone surrogate in %s', (_label, op) => {
      const e = thrown(() =>
        parsePatchRequest({ schemas: [PATCH_OP_SCHEMA], Operations: [op] }, profileFor('lenient')),
      );
      expect(e.scimType).toBe('invalidValue');
    });

    it('a Bulk operation: its own invalidValue, not routed; the others parse', () => {
      const parsed = parseBulkRequest(
        {
          schemas: [BULK_REQUEST_SCHEMA],
          Operations: [
            { method: 'DELETE', path: '/Users/\ud800' },
            { method: 'POST', path: '/Users', bulkId: 'b\udc00', data: { schemas: [USER], userName: 'x' } },
            { method: 'DELETE', path: '/Users/7' },
          ],
        },
        { maxOperations: 10, endpoints: ['Users'] },
      );
      expect(parsed.operations.map((o) => [o.error?.scimType, o.target])).toEqual([
        ['invalidValue', undefined],
        ['invalidValue', undefined],
        [undefined, { endpoint: 'Users', id: '7' }],
      ]);
    });
  });
});
