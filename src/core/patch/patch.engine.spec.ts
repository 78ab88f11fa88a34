import { isScimError, ScimError } from '../errors/scim-error';
import { deepClone } from '../resource/json.util';
import { ScimJson } from '../resource/resource.types';
import { createDefaultRegistry, USER_RESOURCE_TYPE } from '../schema/schema.registry';
import { attr } from '../schema/schema.types';
import { USER_SCHEMA_ID } from '../schema/user.schema';
import { PATCH_CASES, PatchCase } from './patch.cases';
import { requiresFullAttribute } from './patch.delta-apply';
import { profileFor } from '../profile/idp-profile';
import { applyPatch } from './patch.engine';
import { ENT, GROUP, patchBody, USER } from './patch.fixtures';
import { parsePatchRequest } from './patch.request';
import { PatchOperation, PatchResult } from './patch.types';

const registry = createDefaultRegistry();

function isGroup(r: ScimJson): boolean {
  return Array.isArray(r.schemas) && r.schemas.some((s) => String(s).endsWith(':Group'));
}

function run(c: PatchCase): { input: ScimJson; snapshot: ScimJson; run: () => PatchResult } {
  const input = c.resource ?? USER;
  const snapshot = deepClone(input);
  const profile = profileFor(c.profile ?? 'lenient', c.overrides);
  const resourceType = c.resourceType ?? (isGroup(input) ? 'Group' : 'User');
  return {
    input,
    snapshot,
    run: () => {
      const ops = parsePatchRequest(c.body ?? patchBody(...(c.ops ?? [])), profile);
      return applyPatch(input, ops, {
        registry,
        resourceType,
        profile,
        ...(c.deltaAttributes ? { deltaAttributes: c.deltaAttributes } : {}),
      });
    },
  };
}

function at(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const k of path.split('/')) {
    if (cur === null || typeof cur !== 'object') {
      return undefined;
    }
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

function errorOf(fn: () => unknown): ScimError {
  try {
    fn();
  } catch (e) {
    if (isScimError(e)) {
      return e;
    }
    throw e;
  }
  throw new Error('expected a ScimError, but the patch succeeded');
}

describe('applyPatch (RFC 7644 §3.5.2) — table', () => {
  it('has at least 120 cases, each citing its source', () => {
    expect(PATCH_CASES.length).toBeGreaterThanOrEqual(120);
    for (const c of PATCH_CASES) {
      expect(c.name).toMatch(/RFC \d+|quirks\.md #\d+|Entra doc|Okta doc/);
    }
    expect(new Set(PATCH_CASES.map((c) => c.name)).size).toBe(PATCH_CASES.length);
  });

  it.each(PATCH_CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const { input, snapshot, run: exec } = run(c);
    if (c.error !== undefined) {
      const e = errorOf(exec);
      const want = typeof c.error === 'string' ? { scimType: c.error } : c.error;
      if (want.scimType) {
        expect(e.scimType).toBe(want.scimType);
      }
      expect(e.status).toBe(want.status ?? 400);
      if (want.detail) {
        expect(e.detail).toMatch(want.detail);
      }
      expect(input).toEqual(snapshot); // atomic: the input is untouched
      return;
    }
    const result = exec();
    expect(input).toEqual(snapshot); // pure: the input is never mutated
    if (c.expected) {
      expect(result.resource).toMatchObject(c.expected);
    }
    for (const p of c.absent ?? []) {
      expect(at(result.resource, p)).toBeUndefined();
    }
    if (c.changed !== undefined) {
      expect(result.changed).toBe(c.changed);
    }
    if (c.changed === false) {
      expect(result.resource).toEqual(snapshot);
    }
    if (c.changedAttributes) {
      expect([...result.changedAttributes].sort()).toEqual([...c.changedAttributes].sort());
    }
    if (c.deltas) {
      expect(result.deltas).toEqual(c.deltas);
    }
    if (c.password !== undefined) {
      expect(result.password).toBe(c.password);
    }
    if (c.ignored) {
      expect(result.ignored).toEqual(expect.arrayContaining(c.ignored));
    }
    expect('password' in result.resource).toBe(false);
  });
});

describe('applyPatch — behaviour outside the table', () => {
  const lenient = profileFor('lenient');
  const ctx = { registry, resourceType: 'User', profile: lenient } as const;

  it('RFC 7644 §3.5.2 atomic: the input is untouched when the third operation fails', () => {
    const input = deepClone(USER);
    const ops: PatchOperation[] = [
      { op: 'replace', path: 'displayName', value: 'X' },
      { op: 'add', path: 'emails', value: [{ value: 'y@example.com' }] },
      { op: 'replace', path: 'active', value: 'perhaps' },
    ];
    expect(() => applyPatch(input, ops, ctx)).toThrow(ScimError);
    expect(input).toEqual(USER);
  });

  it('pure: the operations are not mutated either', () => {
    const ops: PatchOperation[] = [
      { op: 'add', path: 'emails', value: [{ value: 'z@example.com', primary: true }] },
    ];
    const before = deepClone(ops);
    applyPatch(USER, ops, ctx);
    expect(ops).toEqual(before);
  });

  it('RFC 7643 §3 the result keeps the key order of the input', () => {
    const out = applyPatch(USER, [{ op: 'replace', path: 'displayName', value: 'X' }], ctx);
    expect(Object.keys(out.resource)).toEqual(Object.keys(USER));
  });

  it('a custom filter parser can be injected', () => {
    const calls: string[] = [];
    const out = applyPatch(
      USER,
      [{ op: 'remove', path: 'emails[anything]' }],
      {
        ...ctx,
        parseFilter: (text) => {
          calls.push(text);
          return { kind: 'compare', path: { attr: 'type' }, op: 'eq', value: 'home' };
        },
      },
    );
    expect(calls).toEqual(['anything']);
    expect(out.resource.emails).toHaveLength(1);
  });

  it('RFC 7643 §3 extension attributes are labelled URN:attr in changedAttributes', () => {
    const out = applyPatch(USER, [{ op: 'replace', path: `${ENT}:department`, value: 'D' }], ctx);
    expect(out.changedAttributes).toEqual([`${ENT}:department`]);
  });

  it('delta mode never touches members even when the caller passed them', () => {
    const out = applyPatch(GROUP, [{ op: 'add', path: 'members', value: [{ value: 'u3' }] }], {
      registry,
      resourceType: 'Group',
      profile: lenient,
      deltaAttributes: ['members'],
    });
    expect(out.resource.members).toEqual(GROUP.members);
    expect(out.deltas.members.add).toEqual([{ value: 'u3' }]);
  });
});

describe('applyPatch — immutable attributes (RFC 7644 §3.5.2, RFC 7643 §2.2)', () => {
  const BADGE = 'urn:example:params:scim:schemas:extension:badge:2.0:User';
  const badgeRegistry = createDefaultRegistry({
    schemas: [
      {
        id: BADGE,
        name: 'Badge',
        description: 'test extension',
        attributes: [attr('badgeId', { mutability: 'immutable' })],
      },
    ],
    resourceTypes: [
      {
        ...USER_RESOURCE_TYPE,
        schemaExtensions: [{ schema: BADGE, required: false }],
      },
    ],
  });
  const ctx = { registry: badgeRegistry, resourceType: 'User', profile: profileFor('rfc-strict') };
  const withBadge = { ...USER, schemas: [USER_SCHEMA_ID, BADGE], [BADGE]: { badgeId: 'B-1' } };
  const path = `${BADGE}:badgeId`;

  it.each<[string, ScimJson, PatchOperation, string | undefined]>([
    [
      'a client MAY "add" a value to an immutable attribute that had no previous value',
      USER,
      { op: 'add', path, value: 'B-1' },
      undefined,
    ],
    [
      'replace of an immutable value → mutability',
      withBadge,
      { op: 'replace', path, value: 'B-2' },
      'mutability',
    ],
    [
      'replace with the same value is no modification',
      withBadge,
      { op: 'replace', path, value: 'B-1' },
      undefined,
    ],
    ['remove of an immutable value → mutability', withBadge, { op: 'remove', path }, 'mutability'],
  ])('%s', (_n, resource, operation, scimType) => {
    if (scimType) {
      expect(errorOf(() => applyPatch(resource, [operation], ctx)).scimType).toBe(scimType);
    } else {
      const out = applyPatch(resource, [operation], ctx);
      expect((out.resource[BADGE] as ScimJson).badgeId).toBe('B-1');
    }
  });
});

describe('requiresFullAttribute (delta mode eligibility)', () => {
  const add = (path: string | undefined, value: unknown): PatchOperation => ({
    op: 'add',
    ...(path !== undefined ? { path } : {}),
    value,
  });
  const remove = (path: string, value?: unknown): PatchOperation => ({
    op: 'remove',
    path,
    ...(value !== undefined ? { value } : {}),
  });
  const replace = (path: string | undefined, value: unknown): PatchOperation => ({
    op: 'replace',
    ...(path !== undefined ? { path } : {}),
    value,
  });
  it.each<[string, PatchOperation, boolean]>([
    ['docs/idp/quirks.md #21b add path=members', add('members', [{ value: 'a' }]), false],
    ['docs/idp/quirks.md #4a remove members[value eq]', remove('members[value eq "a"]'), false],
    ['RFC 7644 §3.4.2.2 or-joined', remove('members[value eq "a" or value eq "b"]'), false],
    ['docs/idp/quirks.md #4b remove with a value list', remove('members', [{ value: 'a' }]), false],
    ['docs/idp/quirks.md #21c replace path=members', replace('members', []), false],
    ['docs/idp/quirks.md #21a Okta rename', replace(undefined, { id: 'g', displayName: 'X' }), false],
    ['RFC 7644 §3.5.2.1 members key', add(undefined, { members: [{ value: 'a' }] }), false],
    ['another attribute', replace('displayName', 'X'), false],
    ['filter on type', remove('members[type eq "Group"]'), true],
    ['filter + sub-attribute', replace('members[value eq "x"].display', 'D'), true],
    ['replace with a filter', replace('members[value eq "x"]', { value: 'x' }), true],
    ['sub-attribute of every element', remove('members.display'), true],
    ['path-less "members.value" key', add(undefined, { 'members.value': 'x' }), true],
    ['RFC 7643 §2.1 case-insensitive name', remove('MEMBERS[type eq "User"]'), true],
    ['malformed path (applyPatch reports it)', remove('members['), false],
  ])('%s → %s', (_n, operation, expected) => {
    expect(requiresFullAttribute([operation], 'members')).toBe(expected);
  });
});
