import fc from 'fast-check';
import { isScimError } from '../errors/scim-error';
import { deepClone } from '../resource/json.util';
import { ScimJson } from '../resource/resource.types';
import { createDefaultRegistry } from '../schema/schema.registry';
import { USER_SCHEMA_ID } from '../schema/user.schema';
import { profileFor, PROFILE_NAMES } from '../profile/idp-profile';
import { applyPatch } from './patch.engine';
import { ENT, GROUP, USER } from './patch.fixtures';
import { PatchContext, PatchOperation } from './patch.types';

const registry = createDefaultRegistry();
const lenient: PatchContext = { registry, resourceType: 'User', profile: profileFor('lenient') };
/** lenient with Entra's no-match replace (docs/idp/quirks.md #9): a filtered replace never fails */
const creating: PatchContext = {
  ...lenient,
  profile: profileFor('lenient', { replaceNoTargetAdds: true }),
};

const EMAIL_TYPES = ['work', 'home', 'other'];
const text = fc.string({ minLength: 1, maxLength: 12 });

/** A valid user: unique email values (case-insensitively), at most one primary. */
const userArb = fc
  .record({
    userName: text,
    displayName: fc.option(text, { nil: undefined }),
    active: fc.boolean(),
    emails: fc.uniqueArray(
      fc.record({ value: fc.emailAddress(), type: fc.constantFrom(...EMAIL_TYPES) }),
      { maxLength: 4, selector: (e) => e.value.toLowerCase() },
    ),
    primaryIndex: fc.nat(5),
  })
  .map(({ emails, primaryIndex, displayName, ...rest }): ScimJson => {
    const user: ScimJson = { schemas: [USER_SCHEMA_ID], id: 'u-1', ...rest };
    if (displayName !== undefined) {
      user.displayName = displayName;
    }
    if (emails.length > 0) {
      user.emails = emails.map((e, i) => (i === primaryIndex ? { ...e, primary: true } : e));
    }
    return user;
  });

/** replace operations whose values have the attribute's type (so they can succeed). */
const replaceOpArb: fc.Arbitrary<PatchOperation> = fc.oneof(
  text.map((v) => ({ op: 'replace' as const, path: 'displayName', value: v })),
  text.map((v) => ({ op: 'replace' as const, path: 'nickName', value: v })),
  fc.boolean().map((v) => ({ op: 'replace' as const, path: 'active', value: v })),
  fc
    .constantFrom('True', 'false')
    .map((v) => ({ op: 'replace' as const, path: 'active', value: v })),
  text.map((v) => ({ op: 'replace' as const, path: 'name.givenName', value: v })),
  fc
    .record({ givenName: text, familyName: text })
    .map((v) => ({ op: 'replace' as const, path: 'name', value: v })),
  fc
    .record({ value: fc.emailAddress(), type: fc.constantFrom(...EMAIL_TYPES) })
    .map((e) => ({ op: 'replace' as const, path: 'emails', value: [e] })),
  fc
    .record({ type: fc.constantFrom(...EMAIL_TYPES), value: fc.emailAddress() })
    .map(({ type, value }) => ({
      op: 'replace' as const,
      path: `emails[type eq "${type}"].value`,
      value,
    })),
  fc.constantFrom(...EMAIL_TYPES).map((type) => ({
    op: 'replace' as const,
    path: `emails[type eq "${type}"].primary`,
    value: true,
  })),
  text.map((v) => ({ op: 'replace' as const, path: `${ENT}:department`, value: v })),
  text.map((v) => ({ op: 'replace' as const, path: `${ENT}:manager`, value: v })),
  fc
    .record({ title: text, 'name.familyName': text, active: fc.boolean() })
    .map((v) => ({ op: 'replace' as const, value: v })),
);

describe('applyPatch properties (fast-check)', () => {
  it('RFC 7644 §3.5.2.3 replace is idempotent: applying it twice equals applying it once', () => {
    fc.assert(
      fc.property(userArb, fc.array(replaceOpArb, { minLength: 1, maxLength: 4 }), (user, ops) => {
        let once;
        try {
          once = applyPatch(user, ops, creating);
        } catch (e) {
          expect(isScimError(e)).toBe(true);
          return;
        }
        const twice = applyPatch(once.resource, ops, creating);
        expect(twice.resource).toEqual(once.resource);
        expect(twice.changed).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('RFC 7644 §3.5.2.3 default profile: a second application is a no-op, or noTarget when a filter no longer matches', () => {
    fc.assert(
      fc.property(userArb, fc.array(replaceOpArb, { minLength: 1, maxLength: 4 }), (user, ops) => {
        let once;
        try {
          once = applyPatch(user, ops, lenient);
        } catch (e) {
          expect(isScimError(e)).toBe(true);
          return;
        }
        let twice;
        try {
          twice = applyPatch(once.resource, ops, lenient);
        } catch (e) {
          // a later operation of the list removed what an earlier filter selected
          expect(isScimError(e) && e.scimType).toBe('noTarget');
          expect(ops.some((o) => o.path?.includes('['))).toBe(true);
          return;
        }
        expect(twice.resource).toEqual(once.resource);
        expect(twice.changed).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('RFC 7644 §3.5.2.1/§3.5.2.2 add of a new email, then remove by filter, restores it', () => {
    fc.assert(
      fc.property(
        userArb,
        fc.emailAddress(),
        fc.option(fc.constantFrom(...EMAIL_TYPES), { nil: undefined }),
        (user, value, type) => {
          const existing = (user.emails as Array<{ value: string }> | undefined) ?? [];
          fc.pre(!existing.some((e) => e.value.toLowerCase() === value.toLowerCase()));
          const element = type === undefined ? { value } : { value, type };
          const ops: PatchOperation[] = [
            { op: 'add', path: 'emails', value: [element] },
            { op: 'remove', path: `emails[value eq ${JSON.stringify(value)}]` },
          ];
          const out = applyPatch(user, ops, lenient);
          expect(out.resource).toEqual(user);
          expect(out.changed).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('docs/idp/quirks.md #22 delta mode yields the same membership as applying the ops in full', () => {
    const id: fc.Arbitrary<string> = fc.constantFrom('a', 'b', 'c', 'd', 'e');
    const memberOp: fc.Arbitrary<PatchOperation> = fc.oneof(
      fc.uniqueArray(id, { minLength: 1, maxLength: 3 }).map((ids) => ({
        op: 'add' as const,
        path: 'members',
        value: ids.map((value) => ({ value })),
      })),
      fc.uniqueArray(id, { minLength: 1, maxLength: 2 }).map((ids) => ({
        op: 'remove' as const,
        path: `members[${ids.map((v) => `value eq "${v}"`).join(' or ')}]`,
      })),
      fc.uniqueArray(id, { maxLength: 3 }).map((ids) => ({
        op: 'replace' as const,
        path: 'members',
        value: ids.map((value) => ({ value })),
      })),
      fc.constant({ op: 'remove' as const, path: 'members' }),
    );
    const ctx = {
      registry,
      resourceType: 'Group',
      profile: profileFor('lenient', { allowRemoveAll: true }),
    };
    fc.assert(
      fc.property(
        fc.uniqueArray(id, { maxLength: 5 }),
        fc.array(memberOp, { minLength: 1, maxLength: 6 }),
        (current, ops) => {
          const group = { ...GROUP, members: current.map((value) => ({ value })) };
          if (current.length === 0) {
            delete (group as ScimJson).members;
          }
          const full = applyPatch(group, ops, ctx);
          const fullValues = ((full.resource.members as Array<{ value: string }>) ?? []).map(
            (m) => m.value,
          );
          const { members: _m, ...withoutMembers } = group as ScimJson;
          const delta = applyPatch(withoutMembers, ops, { ...ctx, deltaAttributes: ['members'] });
          const d = delta.deltas.members;
          let values = new Set<string>(current);
          if (d) {
            if (d.replaceAll) {
              values = new Set(d.replaceAll.map((e) => e.value));
            } else {
              const kept = current.filter((v) => !d.remove.includes(v));
              values = new Set<string>(d.removeAll ? [] : kept);
              d.add.forEach((e) => values.add(e.value));
              expect(d.add.some((e) => d.remove.includes(e.value))).toBe(false);
            }
          }
          expect([...values].sort()).toEqual([...fullValues].sort());
        },
      ),
      { numRuns: 300 },
    );
  });

  const knownPaths = fc.constantFrom(
    'displayName',
    'userName',
    'active',
    'name',
    'name.givenName',
    'emails',
    'emails.value',
    'emails[type eq "work"]',
    'emails[type eq "work"].value',
    'emails[primary eq "True"].value',
    'emails[value co "@"].primary',
    'roles[not (primary eq true)]',
    'members',
    'members[value eq "u1"]',
    'members[type eq "User"].display',
    'groups',
    'id',
    'meta.created',
    'password',
    'x509Certificates',
    `${ENT}:manager`,
    `${ENT}:manager.value`,
    ENT,
    'urn:unknown:schema:Attr',
    'emails[',
    'emails[type eq]',
    'a.b.c',
    '',
  );
  const pathArb = fc.oneof(
    { weight: 6, arbitrary: knownPaths },
    { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
  );
  const opArb: fc.Arbitrary<PatchOperation> = fc
    .record({
      op: fc.constantFrom('add', 'remove', 'replace'),
      path: fc.option(pathArb, { nil: undefined }),
      value: fc.option(
        fc.oneof(
          fc.jsonValue({ maxDepth: 3 }),
          fc.constantFrom('True', 'x', true, [{ value: 'u9' }], { value: 'm' }, { title: 'T' }),
        ),
        { nil: undefined },
      ),
    })
    .map(({ op, path, value }) => ({
      op: op as PatchOperation['op'],
      ...(path !== undefined ? { path } : {}),
      ...(value !== undefined ? { value } : {}),
    }));

  it('throws only ScimErrors for random operation lists and never mutates the input', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(USER, GROUP),
        fc.constantFrom(...PROFILE_NAMES),
        fc.boolean(),
        fc.array(opArb, { minLength: 1, maxLength: 3 }),
        (resource, profile, delta, ops) => {
          const snapshot = deepClone(resource);
          const ctx: PatchContext = {
            registry,
            resourceType: resource === GROUP ? 'Group' : 'User',
            profile: profileFor(profile),
            ...(delta ? { deltaAttributes: ['members'] } : {}),
          };
          try {
            const out = applyPatch(resource, ops, ctx);
            expect(out.resource).not.toBe(resource);
            expect('password' in out.resource).toBe(false);
          } catch (e) {
            if (!isScimError(e)) {
              throw e;
            }
            expect(e.status === 400 || e.status === 500).toBe(true);
          }
          expect(resource).toEqual(snapshot);
        },
      ),
      { numRuns: 300 },
    );
  });
});
