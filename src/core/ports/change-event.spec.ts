import {
  MAX_MEMBERS_PER_EVENT,
  WriteEvents,
  changedAttributes,
  documentEvent,
  membershipEvents,
  userWriteOperation,
} from './change-event';

const ORIGIN = { actorTokenId: 'tok-1', requestId: 'req-1', at: '2025-06-01T12:00:00.000Z' };
const EXT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

describe('changedAttributes (names only, never values)', () => {
  it.each<[string, Record<string, unknown>, Record<string, unknown>, string[]]>([
    ['nothing', { userName: 'a', active: true }, { active: true, userName: 'a' }, []],
    ['a value', { userName: 'a' }, { userName: 'b' }, ['userName']],
    ['an added and a removed attribute', { title: 'x' }, { nickName: 'y' }, ['nickName', 'title']],
    ['key order inside a complex value is no change', { name: { a: 1, b: 2 } }, { name: { b: 2, a: 1 } }, []],
    ['array order is a change', { emails: [1, 2] }, { emails: [2, 1] }, ['emails']],
    ['an extension by its URN', { [EXT]: { department: 'A' } }, { [EXT]: { department: 'B' } }, [EXT]],
    ['schemas are not an attribute', { schemas: ['a'] }, { schemas: ['a', 'b'] }, []],
  ])('%s', (_label, before, after, expected) => {
    expect(changedAttributes(before, after)).toEqual(expected);
  });

  it('names password when one was set, without its value', () => {
    expect(changedAttributes({ userName: 'a' }, { userName: 'a' }, true)).toEqual(['password']);
  });
});

describe('userWriteOperation', () => {
  it.each<[unknown, unknown, string]>([
    [true, false, 'deactivated'],
    [undefined, false, 'deactivated'],
    [false, true, 'activated'],
    [false, undefined, 'activated'],
    [true, true, 'patched'],
    [false, false, 'patched'],
    [undefined, true, 'patched'],
  ])('active %p -> %p is %s', (before, after, expected) => {
    const doc = (active: unknown) => (active === undefined ? {} : { active });
    expect(userWriteOperation(doc(before), doc(after), 'patched')).toBe(expected);
  });
});

describe('documentEvent / membershipEvents', () => {
  const ev: WriteEvents = { origin: ORIGIN, operation: 'created', changed: ['userName'] };
  const target = { tenantId: 't', resourceType: 'User' as const, resourceId: 'u', version: 3 };

  it('fills in the resource, version and origin', () => {
    expect(documentEvent(ev, target)).toEqual([
      {
        tenantId: 't',
        resourceType: 'User',
        resourceId: 'u',
        operation: 'created',
        changed: ['userName'],
        version: 3,
        actorTokenId: 'tok-1',
        requestId: 'req-1',
        occurredAt: ORIGIN.at,
      },
    ]);
  });

  it('calls a created tombstone restored; no operation or no events is no event', () => {
    expect(documentEvent(ev, { ...target, restored: true })[0].operation).toBe('restored');
    expect(documentEvent({ origin: ORIGIN }, target)).toEqual([]);
    expect(documentEvent(undefined, target)).toEqual([]);
  });

  it(`removes before adds, at most ${MAX_MEMBERS_PER_EVENT} ids per event`, () => {
    const added = Array.from({ length: MAX_MEMBERS_PER_EVENT + 2 }, (_, i) => `m${i}`);
    const out = membershipEvents({ origin: ORIGIN }, { tenantId: 't', groupId: 'g', version: 2 }, ['x'], added);
    expect(out.map((e) => [e.operation, e.members?.length, e.version, e.changed])).toEqual([
      ['members-removed', 1, 2, ['members']],
      ['members-added', MAX_MEMBERS_PER_EVENT, 2, ['members']],
      ['members-added', 2, 2, ['members']],
    ]);
    expect(out.flatMap((e) => (e.operation === 'members-added' ? e.members! : []))).toEqual(added);
    expect(membershipEvents(undefined, { tenantId: 't', groupId: 'g', version: 2 }, ['x'], [])).toEqual([]);
  });
});
