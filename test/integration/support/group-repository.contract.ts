/**
 * The GroupRepository contract (STYLE §8: every port has a TypeORM and an in-memory
 * implementation, and both pass one shared contract test). Filters go through parseFilter +
 * validateFilter first, as the service does. Each test works in two fresh tenants of one store,
 * so the suite opens one database per implementation, not one per test.
 */
import { randomUUID } from 'node:crypto';
import { ScimError } from '../../../src/core/errors/scim-error';
import { FilterNode, parseFilter, validateFilter } from '../../../src/core/filter';
import {
  GroupRepository,
  MemberDelta,
  MemberRef,
  NewGroup,
} from '../../../src/core/ports/group.repository';
import {
  ResourceQuery,
  ScimJson,
  StoredResource,
} from '../../../src/core/ports/resource.types';
import { GROUP_SCHEMA_ID } from '../../../src/core/schema/group.schema';
import { createDefaultRegistry } from '../../../src/core/schema/schema.registry';

export interface GroupRepositoryHarness {
  readonly repo: GroupRepository;
  /** two new, empty tenants (rows in scim_tenants for the SQL stores) */
  tenants(): Promise<{ a: string; b: string }>;
  /** creates a User in `tenantId` (a member to reference) and returns its id */
  createUser(tenantId: string, userName: string, displayName?: string): Promise<string>;
  /**
   * How often the membership storage has been read or written so far: SQL statements naming
   * scim_group_members, or InMemoryGroupRepository.memberReads. Proves reads without members
   * never touch it (docs/idp/quirks.md #6) and a page of groups loads its members at once (no N+1).
   */
  memberTableHits(): number;
  close(): Promise<void>;
}

/** Builds one store; called once per implementation. */
export type GroupRepositoryFactory = () => Promise<GroupRepositoryHarness>;

const registry = createDefaultRegistry();
const groupType = registry.resourceType('Group');
const CREATED = '2024-06-01T12:00:00.000Z';
const LATER = '2024-06-02T00:00:00.000Z';

/** What the groups service hands the repository: a parsed, validated, normalized filter. */
export function groupFilter(text: string): FilterNode {
  return validateFilter(parseFilter(text), registry, groupType);
}

export function newGroup(
  displayName: string,
  members: readonly MemberRef[] = [],
  extra: ScimJson = {},
  id = randomUUID(),
): NewGroup {
  return {
    id,
    resource: { schemas: [GROUP_SCHEMA_ID], displayName, ...extra },
    created: CREATED,
    members,
  };
}

const user = (value: string): MemberRef => ({ value, type: 'User' });
const group = (value: string): MemberRef => ({ value, type: 'Group' });
const delta = (d: Partial<MemberDelta>): MemberDelta => ({
  add: [],
  remove: [],
  removeAll: false,
  ...d,
});
const query = (q: Partial<ResourceQuery> = {}): ResourceQuery => ({
  startIndex: 1,
  count: 100,
  ...q,
});
const scimError = (status: number, scimType?: string) =>
  expect.objectContaining({ name: 'ScimError', status, ...(scimType ? { scimType } : {}) });
const sortedIds = (ids: string[]) => [...ids].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));

export function groupRepositoryContract(factory: GroupRepositoryFactory): void {
  let h: GroupRepositoryHarness;
  let repo: GroupRepository;
  let A: string;
  let B: string;

  beforeAll(async () => {
    h = await factory();
    repo = h.repo;
  });
  afterAll(async () => {
    await h?.close();
  });
  beforeEach(async () => {
    ({ a: A, b: B } = await h.tenants());
  });

  /** the group's membership as the repository reads it back, by id */
  const membersOf = async (tenantId: string, id: string) =>
    ((await repo.findById(tenantId, id, true))?.resource.members ?? []) as ScimJson[];
  const memberIds = async (tenantId: string, id: string) =>
    (await membersOf(tenantId, id)).map((m) => m.value as string);
  /** a membership update the way the service makes one: the stored document, the current version */
  const patch = async (tenantId: string, id: string, d: MemberDelta, at = LATER) => {
    const current = (await repo.findById(tenantId, id, false))!;
    return repo.update(tenantId, id, {
      resource: current.resource,
      lastModified: at,
      expectedVersion: current.version,
      members: d,
    });
  };
  const names = async (tenantId: string, q: Partial<ResourceQuery> & { text?: string } = {}) =>
    (
      await repo.search(
        tenantId,
        query({ ...q, filter: q.text ? groupFilter(q.text) : undefined }),
        false,
      )
    ).items.map((i) => i.resource.displayName);

  describe('create and read', () => {
    it('creates a group with members and reads it with and without them', async () => {
      const jane = await h.createUser(A, 'jane@example.com', 'Jane "JD" Doë');
      const bob = await h.createUser(A, 'bob@example.com');
      const inner = await repo.create(A, newGroup('Inner'));
      const input = newGroup('Engineering', [user(jane), user(bob), group(inner.id)], {
        externalId: 'ext-1',
      });
      const created = await repo.create(A, input);
      const expected: StoredResource = {
        id: input.id,
        tenantId: A,
        resource: input.resource,
        version: 1,
        created: CREATED,
        lastModified: CREATED,
      };
      // create returns the group as findById(…, false) does: without members
      expect(created).toEqual(expected);
      expect(await repo.findById(A, input.id, false)).toEqual(expected);
      const withMembers = await repo.findById(A, input.id, true);
      expect(withMembers).toEqual({
        ...expected,
        resource: {
          ...input.resource,
          // RFC 7643 §4.2: display is the member's current displayName (users: else userName),
          // in a stable order (by member id)
          members: [
            { value: jane, type: 'User', display: 'Jane "JD" Doë' },
            { value: bob, type: 'User', display: 'bob@example.com' },
            { value: inner.id, type: 'Group', display: 'Inner' },
          ].sort((x, y) => (x.value < y.value ? -1 : 1)),
        },
      });
      expect(await repo.findById(A, randomUUID(), true)).toBeNull();
    });

    it('never touches the membership storage when members are excluded (docs/idp/quirks.md #6)', async () => {
      const u = await h.createUser(A, 'excluded@example.com');
      const g = await repo.create(A, newGroup('Excluded', [user(u)]));
      await repo.create(A, newGroup('Other', [user(u)]));
      let before = h.memberTableHits();
      expect((await repo.findById(A, g.id, false))?.resource.members).toBeUndefined();
      expect((await repo.search(A, query(), false)).items).toHaveLength(2);
      expect(
        (await repo.search(A, query({ filter: groupFilter('displayName eq "excluded"') }), false))
          .items,
      ).toHaveLength(1);
      expect(h.memberTableHits()).toBe(before);
      // the probe does see membership reads, and a page loads all its members at once
      before = h.memberTableHits();
      const page = await repo.search(A, query(), true);
      expect(h.memberTableHits() - before).toBe(1);
      expect(page.items.map((i) => i.resource.members)).toEqual([
        [{ value: u, type: 'User', display: 'excluded@example.com' }],
        [{ value: u, type: 'User', display: 'excluded@example.com' }],
      ]);
    });

    it('keeps members out of the document and stored state apart from callers', async () => {
      const u = await h.createUser(A, 'doc@example.com');
      const input = newGroup('Doc', [user(u)], { members: [{ value: 'ignored' }] });
      const created = await repo.create(A, input);
      expect(created.resource.members).toBeUndefined();
      (created.resource as ScimJson).displayName = 'mutated';
      const read = (await repo.findById(A, input.id, true))!;
      expect(read.resource.displayName).toBe('Doc');
      expect(await memberIds(A, input.id)).toEqual([u]);
      (read.resource.members as ScimJson[])[0].value = 'mutated';
      expect(await memberIds(A, input.id)).toEqual([u]);
    });

    it('stores a member listed twice once', async () => {
      const u = await h.createUser(A, 'twice@example.com');
      const g = await repo.create(A, newGroup('Twice', [user(u), user(u)]));
      expect(await memberIds(A, g.id)).toEqual([u]);
    });

    it('rejects a missing displayName and values longer than 255 characters (invalidValue)', async () => {
      await expect(repo.create(A, newGroup(''))).rejects.toEqual(scimError(400, 'invalidValue'));
      await expect(repo.create(A, newGroup('x'.repeat(256)))).rejects.toEqual(
        scimError(400, 'invalidValue'),
      );
      await expect(
        repo.create(A, newGroup('long-ext', [], { externalId: 'e'.repeat(256) })),
      ).rejects.toEqual(scimError(400, 'invalidValue'));
      // 255 characters (astral ones count once) are fine
      const ok = await repo.create(A, newGroup('\u{1F600}'.repeat(255)));
      expect((await repo.findById(A, ok.id, false))?.resource.displayName).toBe(
        '\u{1F600}'.repeat(255),
      );
      const g = await repo.create(A, newGroup('fits'));
      await expect(
        repo.update(A, g.id, {
          resource: { ...g.resource, externalId: 'e'.repeat(256) },
          lastModified: LATER,
          expectedVersion: 1,
        }),
      ).rejects.toEqual(scimError(400, 'invalidValue'));
      expect((await repo.findById(A, g.id, false))?.version).toBe(1);
    });
  });

  describe('displayName uniqueness (docs/idp/quirks.md #12)', () => {
    it('is unique per tenant across letter case, but not across tenants', async () => {
      await repo.create(A, newGroup('Admins'));
      await expect(repo.create(A, newGroup('ADMINS'))).rejects.toEqual(
        scimError(409, 'uniqueness'),
      );
      await expect(repo.create(A, newGroup('admins'))).rejects.toBeInstanceOf(ScimError);
      await expect(repo.create(B, newGroup('admins'))).resolves.toMatchObject({ tenantId: B });
      expect(await names(A)).toEqual(['Admins']);
      expect(await names(B)).toEqual(['admins']);
    });

    it('is enforced on update; a group may change the case of its own name; delete frees it', async () => {
      const ops = await repo.create(A, newGroup('Ops'));
      const dev = await repo.create(A, newGroup('Dev'));
      const rename = (g: StoredResource, displayName: string) =>
        repo.update(A, g.id, {
          resource: { ...g.resource, displayName },
          lastModified: LATER,
          expectedVersion: g.version,
        });
      await expect(rename(dev, 'OPS')).rejects.toEqual(scimError(409, 'uniqueness'));
      expect(await repo.findById(A, dev.id, false)).toEqual(dev);
      await expect(rename(ops, 'OPS')).resolves.toMatchObject({
        version: 2,
        resource: { displayName: 'OPS' },
      });
      expect(await repo.delete(A, dev.id)).toBe(true);
      await expect(repo.create(A, newGroup('dev'))).resolves.toMatchObject({ version: 1 });
    });

    it('lets exactly one of 10 concurrent creates of one displayName win', async () => {
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) => repo.create(A, newGroup(i % 2 ? 'racers' : 'RACERS'))),
      );
      const lost = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(lost).toEqual(Array.from({ length: 9 }, () => scimError(409, 'uniqueness')));
      expect((await repo.search(A, query(), false)).total).toBe(1);
    });
  });

  describe('update and membership deltas', () => {
    let members: string[];
    let g: StoredResource;
    beforeEach(async () => {
      members = [];
      for (const n of ['u1', 'u2', 'u3']) {
        members.push(await h.createUser(A, `${n}@example.com`));
      }
      g = await repo.create(A, newGroup('Delta', [user(members[0]), user(members[1])]));
    });

    it('adds idempotently: a repeated add keeps one row (JumpCloud, docs/idp/quirks.md #24)', async () => {
      await patch(A, g.id, delta({ add: [user(members[1]), user(members[2])] }));
      await patch(A, g.id, delta({ add: [user(members[2]), user(members[2])] }));
      expect(sortedIds(await memberIds(A, g.id))).toEqual(sortedIds(members));
      expect((await repo.findById(A, g.id, false))?.version).toBe(3);
    });

    it('removes present members and ignores absent ones (Entra, docs/idp/quirks.md #14)', async () => {
      await patch(A, g.id, delta({ remove: [members[0], randomUUID(), 'x'.repeat(80)] }));
      expect(await memberIds(A, g.id)).toEqual([members[1]]);
      await patch(A, g.id, delta({ remove: [members[0]] }));
      expect(await memberIds(A, g.id)).toEqual([members[1]]);
    });

    it('applies remove before add within one delta (Okta Group Push, docs/idp/quirks.md #21b)', async () => {
      await patch(
        A,
        g.id,
        delta({ remove: [members[0], members[1]], add: [user(members[1]), user(members[2])] }),
      );
      expect(sortedIds(await memberIds(A, g.id))).toEqual(sortedIds([members[1], members[2]]));
    });

    it('replaces all members, and empties the group with replaceAll [] (docs/idp/quirks.md #21c)', async () => {
      await patch(A, g.id, delta({ replaceAll: [user(members[2]), user(members[2])] }));
      expect(await memberIds(A, g.id)).toEqual([members[2]]);
      await patch(A, g.id, delta({ replaceAll: [] }));
      expect(await memberIds(A, g.id)).toEqual([]);
      expect((await repo.findById(A, g.id, true))?.resource.members).toBeUndefined();
    });

    it('removes all members with removeAll, then adds (docs/idp/quirks.md #33)', async () => {
      await patch(A, g.id, delta({ removeAll: true }));
      expect(await memberIds(A, g.id)).toEqual([]);
      await patch(A, g.id, delta({ removeAll: true, add: [user(members[2])] }));
      expect(await memberIds(A, g.id)).toEqual([members[2]]);
    });

    it('leaves membership untouched when the update carries no delta (docs/idp/quirks.md #32)', async () => {
      const updated = await repo.update(A, g.id, {
        // a members key in the document is not a delta: only `members` of the update is
        resource: { ...g.resource, displayName: 'Renamed', externalId: 'X', members: [] },
        lastModified: LATER,
        expectedVersion: 1,
      });
      expect(updated).toEqual({
        ...g,
        resource: { ...g.resource, displayName: 'Renamed', externalId: 'X' },
        version: 2,
        lastModified: LATER,
      });
      expect(sortedIds(await memberIds(A, g.id))).toEqual(sortedIds(members.slice(0, 2)));
      expect(await repo.findById(A, g.id, false)).toEqual(updated);
    });

    it('bumps the version on every membership change; 412 on a stale version, 404 elsewhere', async () => {
      const at = '2024-06-03T00:00:00.000Z';
      const v2 = await patch(A, g.id, delta({ add: [user(members[2])] }), at);
      expect(v2).toMatchObject({ version: 2, lastModified: at, created: CREATED });
      const stale = (expectedVersion: number, tenantId = A, id = g.id) =>
        repo.update(tenantId, id, {
          resource: g.resource,
          lastModified: LATER,
          expectedVersion,
          members: delta({ remove: [members[0]] }),
        });
      await expect(stale(1)).rejects.toEqual(scimError(412));
      await expect(stale(3)).rejects.toEqual(scimError(412));
      await expect(stale(2, A, randomUUID())).rejects.toEqual(scimError(404));
      await expect(stale(2, B)).rejects.toEqual(scimError(404));
      // a rejected update changes nothing, membership included
      expect(sortedIds(await memberIds(A, g.id))).toEqual(sortedIds(members));
      expect((await repo.findById(A, g.id, false))?.version).toBe(2);
    });

    it('keeps all of 20 concurrent disjoint member adds (retrying on 412, docs/idp/quirks.md #13)', async () => {
      const ids = Array.from({ length: 20 }, () => randomUUID());
      let conflicts = 0;
      await Promise.all(
        ids.map(async (id) => {
          // what the service does on a PATCH: read the version, write, retry when it moved
          for (let attempt = 0; attempt < 100; attempt++) {
            try {
              return await patch(A, g.id, delta({ add: [user(id)] }));
            } catch (e) {
              if (!(e instanceof ScimError) || e.status !== 412) {
                throw e;
              }
              conflicts++;
            }
          }
          throw new Error('no progress after 100 attempts');
        }),
      );
      expect(sortedIds(await memberIds(A, g.id))).toEqual(
        sortedIds([...members.slice(0, 2), ...ids]),
      );
      expect((await repo.findById(A, g.id, false))?.version).toBe(21);
      // the writers really raced (all 20 read version 1 first: 190 conflicts in practice)
      expect(conflicts).toBeGreaterThan(0);
    });
  });

  describe('search', () => {
    let groups: Record<string, StoredResource>;
    let alice: string;
    beforeEach(async () => {
      alice = await h.createUser(A, 'alice@example.com', 'Alice');
      groups = {};
      groups.sales = await repo.create(A, {
        ...newGroup('Sales', [user(alice)], { externalId: 'ABC' }),
        created: '2024-06-01T10:00:00.000Z',
      });
      groups.admins = await repo.create(A, {
        ...newGroup('admins', [group(groups.sales.id)], { externalId: 'abc' }),
        created: '2024-06-01T09:00:00.000Z',
      });
      groups.empty = await repo.create(A, {
        ...newGroup('Beta'),
        created: '2024-06-01T11:00:00.000Z',
      });
      await repo.create(B, newGroup('Sales', [user(alice)], { externalId: 'ABC' }));
    });

    it('filters displayName case-insensitively and externalId case-exactly (docs/idp/quirks.md #7)', async () => {
      expect(await names(A, { text: 'displayName eq "SALES"' })).toEqual(['Sales']);
      expect(await names(A, { text: 'displayName sw "adm"' })).toEqual(['admins']);
      expect(await names(A, { text: 'externalId eq "ABC"' })).toEqual(['Sales']);
      expect(await names(A, { text: 'externalId eq "abc"' })).toEqual(['admins']);
      expect(await names(A, { text: 'externalId eq "Abc"' })).toEqual([]);
      expect(await names(A, { text: 'id eq "' + groups.empty.id + '"' })).toEqual(['Beta']);
      expect(await names(A, { text: 'meta.created lt "2024-06-01T10:30:00Z"' })).toEqual([
        'Sales',
        'admins',
      ]);
    });

    it('filters on members.value and members.type', async () => {
      expect(await names(A, { text: `members.value eq "${alice}"` })).toEqual(['Sales']);
      expect(await names(A, { text: `members eq "${groups.sales.id}"` })).toEqual(['admins']);
      expect(await names(A, { text: 'members[type eq "Group"]' })).toEqual(['admins']);
      // members.type is caseExact false (RFC 7643 §4.2, §8.7.1)
      expect(await names(A, { text: `members[type eq "user" and value eq "${alice}"]` })).toEqual([
        'Sales',
      ]);
      expect(await names(A, { text: 'members pr' })).toEqual(['Sales', 'admins']);
      expect(await names(A, { text: 'not (members pr)' })).toEqual(['Beta']);
      expect(await names(A, { text: `members.value ne "${alice}"` })).toEqual(['admins', 'Beta']);
      expect(await names(A, { text: `members.value eq "${alice.toUpperCase()}"` })).toEqual([]);
    });

    it('rejects filters on members.display and members.$ref (invalidFilter)', async () => {
      const texts = ['members.display eq "Alice"', 'members[display co "A"]', 'members.$ref pr'];
      for (const text of texts) {
        await expect(repo.search(A, query({ filter: groupFilter(text) }), false)).rejects.toEqual(
          scimError(400, 'invalidFilter'),
        );
      }
    });

    it('sorts by displayName, externalId and meta.created; default is creation order', async () => {
      expect(await names(A)).toEqual(['Sales', 'admins', 'Beta']);
      expect(await names(A, { sortOrder: 'descending' })).toEqual(['Beta', 'admins', 'Sales']);
      expect(await names(A, { sortBy: 'displayName' })).toEqual(['admins', 'Beta', 'Sales']);
      expect(await names(A, { sortBy: 'displayName', sortOrder: 'descending' })).toEqual([
        'Sales',
        'Beta',
        'admins',
      ]);
      // caseExact externalId: 'ABC' < 'abc'; without a value sorts last ascending
      expect(await names(A, { sortBy: 'externalId' })).toEqual(['Sales', 'admins', 'Beta']);
      expect(await names(A, { sortBy: 'externalId', sortOrder: 'descending' })).toEqual([
        'Beta',
        'admins',
        'Sales',
      ]);
      expect(await names(A, { sortBy: 'meta.created' })).toEqual(['admins', 'Sales', 'Beta']);
      await expect(repo.search(A, query({ sortBy: 'members' }), false)).rejects.toEqual(
        scimError(400, 'invalidValue'),
      );
    });

    it('pages with startIndex and count and reports the total (RFC 7644 §3.4.2.4)', async () => {
      const page = async (startIndex: number, count: number) => {
        const r = await repo.search(A, query({ startIndex, count, sortBy: 'displayName' }), false);
        return { total: r.total, names: r.items.map((i) => i.resource.displayName) };
      };
      expect(await page(1, 2)).toEqual({ total: 3, names: ['admins', 'Beta'] });
      expect(await page(3, 2)).toEqual({ total: 3, names: ['Sales'] });
      expect(await page(4, 2)).toEqual({ total: 3, names: [] });
      expect(await page(1, 0)).toEqual({ total: 3, names: [] });
      const withMembers = await repo.search(A, query({ startIndex: 2, count: 1 }), true);
      expect(withMembers.items[0].resource.members).toEqual([
        { value: groups.sales.id, type: 'Group', display: 'Sales' },
      ]);
    });

    it("never returns another tenant's groups", async () => {
      expect(await names(B)).toEqual(['Sales']);
      expect(await names(B, { text: 'externalId eq "abc"' })).toEqual([]);
      expect(await names(B, { text: `members eq "${groups.sales.id}"` })).toEqual([]);
      expect(await repo.findById(B, groups.sales.id, true)).toBeNull();
    });
  });

  describe('listMembers', () => {
    it('pages 250 members 100 at a time by member id (keyset, docs/idp/quirks.md #31)', async () => {
      const real = await h.createUser(A, 'paged@example.com', 'Paged');
      const ids = [real, ...Array.from({ length: 249 }, () => randomUUID())];
      const g = await repo.create(A, newGroup('Big', ids.map(user)));
      const seen: string[] = [];
      const sizes: number[] = [];
      let after: string | undefined;
      do {
        const page = await repo.listMembers(A, g.id, 100, after);
        sizes.push(page.members.length);
        seen.push(...page.members.map((m) => m.value));
        for (const m of page.members) {
          expect(m).toEqual(
            m.value === real
              ? { value: real, type: 'User', display: 'Paged' }
              : { value: m.value, type: 'User' },
          );
        }
        after = page.next;
      } while (after !== undefined);
      expect(sizes).toEqual([100, 100, 50]);
      expect(seen).toEqual(sortedIds(ids));
      // exactly `limit` members left: the last page has no `next`
      const tail = await repo.listMembers(A, g.id, 50, seen[199]);
      expect(tail.members).toHaveLength(50);
      expect(tail.next).toBeUndefined();
      expect((await membersOf(A, g.id)).length).toBe(250);
    });

    it('answers 404 for an unknown group or another tenant', async () => {
      const g = await repo.create(A, newGroup('Listed'));
      expect(await repo.listMembers(A, g.id, 10)).toEqual({ members: [] });
      await expect(repo.listMembers(A, randomUUID(), 10)).rejects.toEqual(scimError(404));
      await expect(repo.listMembers(B, g.id, 10)).rejects.toEqual(scimError(404));
    });
  });

  describe('references and nesting', () => {
    it('resolves which ids exist in the tenant, and as what', async () => {
      const u = await h.createUser(A, 'resolved@example.com');
      const g = await repo.create(A, newGroup('Resolved'));
      const foreignUser = await h.createUser(B, 'foreign@example.com');
      const foreignGroup = await repo.create(B, newGroup('Foreign'));
      const noise = Array.from({ length: 1200 }, () => randomUUID());
      const found = await repo.resolveMembers(A, [
        ...noise.slice(0, 600),
        u,
        g.id,
        foreignUser,
        foreignGroup.id,
        ...noise.slice(600),
        u,
        'x'.repeat(80),
      ]);
      expect(found).toEqual(
        new Map([
          [u, 'User'],
          [g.id, 'Group'],
        ]),
      );
      expect(await repo.resolveMembers(A, [])).toEqual(new Map());
    });

    it('detects cycles: self, direct and through three levels', async () => {
      const c = await repo.create(A, newGroup('C'));
      const b = await repo.create(A, newGroup('B', [group(c.id)]));
      const a = await repo.create(A, newGroup('A', [group(b.id)]));
      const other = await repo.create(A, newGroup('Other'));
      expect(await repo.wouldCreateCycle(A, a.id, a.id)).toBe(true);
      // adding A into B: A contains B
      expect(await repo.wouldCreateCycle(A, b.id, a.id)).toBe(true);
      // adding A into C: A contains B contains C
      expect(await repo.wouldCreateCycle(A, c.id, a.id)).toBe(true);
      expect(await repo.wouldCreateCycle(A, c.id, b.id)).toBe(true);
      // downwards is fine
      expect(await repo.wouldCreateCycle(A, a.id, c.id)).toBe(false);
      expect(await repo.wouldCreateCycle(A, other.id, a.id)).toBe(false);
      expect(await repo.wouldCreateCycle(A, a.id, other.id)).toBe(false);
      // tenant isolation: B sees none of A's nesting
      expect(await repo.wouldCreateCycle(B, c.id, a.id)).toBe(false);
    });

    it('lists the direct and indirect groups of a member, each once, direct winning', async () => {
      const u = await h.createUser(A, 'nested@example.com');
      const c = await repo.create(A, newGroup('C-team', [user(u)]));
      const b = await repo.create(A, newGroup('B-team', [group(c.id)]));
      const a = await repo.create(A, newGroup('A-team', [group(b.id), group(c.id), user(u)]));
      await repo.create(A, newGroup('Unrelated', [group(randomUUID())]));
      const byId = <T extends { value: string }>(list: T[]) =>
        [...list].sort((x, y) => (x.value < y.value ? -1 : 1));
      expect(byId(await repo.groupsOf(A, u))).toEqual(
        byId([
          { value: c.id, display: 'C-team', type: 'direct' },
          { value: b.id, display: 'B-team', type: 'indirect' },
          { value: a.id, display: 'A-team', type: 'direct' },
        ]),
      );
      expect(byId(await repo.groupsOf(A, c.id))).toEqual(
        byId([
          { value: b.id, display: 'B-team', type: 'direct' },
          { value: a.id, display: 'A-team', type: 'direct' },
        ]),
      );
      expect(await repo.groupsOf(A, a.id)).toEqual([]);
      expect(await repo.groupsOf(B, u)).toEqual([]);
    });

    it('removes a member everywhere, bumping only the groups that held it', async () => {
      const u = await h.createUser(A, 'leaver@example.com');
      const stay = await h.createUser(A, 'stayer@example.com');
      const g1 = await repo.create(A, newGroup('G1', [user(u), user(stay)]));
      const g2 = await repo.create(A, newGroup('G2', [user(u)]));
      const g3 = await repo.create(A, newGroup('G3', [user(stay)]));
      const other = await repo.create(B, newGroup('G1', [user(u)]));
      await repo.removeMemberEverywhere(A, u, '2024-07-01T00:00:00.000Z');
      expect(await memberIds(A, g1.id)).toEqual([stay]);
      expect(await memberIds(A, g2.id)).toEqual([]);
      for (const g of [g1, g2]) {
        expect(await repo.findById(A, g.id, false)).toMatchObject({
          version: 2,
          lastModified: '2024-07-01T00:00:00.000Z',
        });
      }
      expect(await repo.findById(A, g3.id, false)).toEqual(g3);
      expect(await repo.findById(B, other.id, false)).toEqual(other);
      expect(await memberIds(B, other.id)).toEqual([u]);
      await repo.removeMemberEverywhere(A, randomUUID(), '2024-07-02T00:00:00.000Z');
    });
  });

  describe('delete', () => {
    it('deletes once, with its memberships and its membership in other groups', async () => {
      const u = await h.createUser(A, 'member@example.com');
      const child = await repo.create(A, newGroup('Child', [user(u)]));
      const parent = await repo.create(A, newGroup('Parent', [group(child.id), user(u)]));
      const bystander = await repo.create(A, newGroup('Bystander', [user(u)]));
      expect(await repo.delete(B, child.id)).toBe(false);
      expect(await repo.delete(A, child.id)).toBe(true);
      expect(await repo.delete(A, child.id)).toBe(false);
      expect(await repo.delete(A, randomUUID())).toBe(false);
      expect(await repo.findById(A, child.id, true)).toBeNull();
      expect(await memberIds(A, parent.id)).toEqual([u]);
      const p = (await repo.findById(A, parent.id, false))!;
      expect(p.version).toBe(2);
      expect(p.lastModified > parent.lastModified).toBe(true);
      expect(await repo.findById(A, bystander.id, false)).toEqual(bystander);
      expect((await repo.groupsOf(A, u)).map((g) => g.value).sort()).toEqual(
        [parent.id, bystander.id].sort(),
      );
      expect(await names(A, { text: `members eq "${child.id}"` })).toEqual([]);
      await expect(repo.listMembers(A, child.id, 10)).rejects.toEqual(scimError(404));
      // the name is free again
      await expect(repo.create(A, newGroup('child'))).resolves.toMatchObject({ version: 1 });
    });
  });
}
