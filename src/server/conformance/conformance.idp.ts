/**
 * The IdP sequences of the conformance pack, replayed as the requests each IdP's public
 * documentation shows (our own words and bodies): Okta's SCIM 2.0 protocol reference
 * (look-up, create, read, update with PUT, deactivation, Group Push) and Microsoft's
 * "Develop and plan provisioning for a SCIM endpoint" (Test Connection, create with the
 * Enterprise extension, capitalised operations with string booleans, manager as an id, a work
 * email written through a filter, groups with Microsoft's URN and both member removals).
 */
import {
  ENTERPRISE,
  expectEqual,
  expectStatus,
  expectTrue,
  GROUP_SCHEMA,
  plainUser,
  USER_SCHEMA,
} from './conformance.client';
import { Check, Ctx } from './conformance.types';

const groupsServed = (c: Ctx) => c.state.groups === true;
const ids = (resources: unknown): string[] => ((resources as Array<{ id: string }>) ?? []).map((r) => r.id);

export const OKTA_CHECKS: readonly Check[] = [
  {
    name: 'Okta: the look-up before a create pages with startIndex=1&count=100 and finds nothing',
    run: async (c) => {
      const q = new URLSearchParams({ filter: `userName eq "${c.names.userName('okta-nobody')}"`, startIndex: '1', count: '100' });
      const r = await c.client.get(`/Users?${q.toString()}`);
      expectStatus(r, 200);
      expectEqual([r.body.totalResults, r.body.Resources ?? []], [0, []], 'totalResults and Resources');
    },
  },
  {
    name: 'Okta: create with password, groups [] and locale is 201 with the user, never the password',
    run: async (c) => {
      const body = plainUser(c.names.userName('okta'), { password: 'Okta-Pa55word!', groups: [], locale: 'en-US' });
      const created = await c.client.create('/Users', body);
      expectEqual(created.password, undefined, 'password in the answer');
      c.state.oktaUser = created.id;
      c.state.oktaUserName = body.userName;
    },
  },
  {
    name: 'Okta: PUT of the whole user with id, meta and groups [] updates it',
    run: async (c) => {
      const id = c.state.oktaUser as string;
      const current = (await c.client.get(`/Users/${id}`)).body;
      const r = await c.client.call('PUT', `/Users/${id}`, { ...current, groups: [], title: 'Okta Engineer' });
      expectStatus(r, 200);
      expectEqual(r.body.title, 'Okta Engineer', 'title after PUT');
    },
  },
  {
    name: 'Okta: deactivation is a path-less replace of active; everything else is kept',
    run: async (c) => {
      const id = c.state.oktaUser as string;
      expectStatus(await c.client.patch(`/Users/${id}`, [{ op: 'replace', value: { active: false } }]), 200, 204);
      const after = (await c.client.get(`/Users/${id}`)).body;
      expectEqual([after.active, after.userName], [false, c.state.oktaUserName], 'active and userName');
    },
  },
  {
    name: 'Okta: Group Push creates, renames with its own id, removes and adds in one PATCH, then empties',
    run: async (c) => {
      if (!groupsServed(c)) {
        return;
      }
      const [a, b] = [
        (await c.client.create('/Users', plainUser(c.names.userName('okta-a')))).id as string,
        (await c.client.create('/Users', plainUser(c.names.userName('okta-b')))).id as string,
      ];
      const group = await c.client.create('/Groups', { schemas: [GROUP_SCHEMA], displayName: c.names.label('Okta'), members: [{ value: a }] });
      const gid = group.id as string;
      const renamed = c.names.label('Okta renamed');
      expectStatus(
        await c.client.patch(`/Groups/${gid}`, [
          { op: 'replace', value: { id: gid, displayName: renamed } },
          { op: 'remove', path: `members[value eq "${a}"]` },
          { op: 'add', path: 'members', value: [{ value: b, display: 'B' }] },
        ]),
        200,
        204,
      );
      const after = (await c.client.get(`/Groups/${gid}`)).body;
      expectEqual([after.displayName, (after.members ?? []).map((m: { value: string }) => m.value)], [renamed, [b]], 'displayName and members');
      expectStatus(await c.client.patch(`/Groups/${gid}`, [{ op: 'replace', path: 'members', value: [] }]), 200, 204);
      expectEqual((await c.client.get(`/Groups/${gid}`)).body.members ?? [], [], 'members after an empty push');
    },
  },
];

export const ENTRA_CHECKS: readonly Check[] = [
  {
    name: 'Entra: Test Connection looks up a random userName and gets 200 with no resources',
    run: async (c) => {
      const r = await c.client.list('/Users', `userName eq "${c.names.run}-${Date.now()}"`);
      expectStatus(r, 200);
      expectEqual([r.body.totalResults, r.body.Resources ?? []], [0, []], 'totalResults and Resources');
    },
  },
  {
    name: 'Entra: create with the Enterprise extension and meta, without a work email',
    run: async (c) => {
      const { emails: _e, ...body } = plainUser(c.names.userName('entra'));
      const created = await c.client.create('/Users', {
        ...body,
        schemas: [USER_SCHEMA, ENTERPRISE],
        meta: { resourceType: 'User' },
        [ENTERPRISE]: { department: 'Sales' },
      });
      c.state.entraUser = created.id;
    },
  },
  {
    name: 'Entra: "Replace" with "False", "Add" of manager as an id, a work email written through its filter',
    run: async (c) => {
      const id = c.state.entraUser as string;
      const manager = (await c.client.create('/Users', plainUser(c.names.userName('entra-manager')))).id as string;
      const r = await c.client.patch(`/Users/${id}`, [
        { op: 'Replace', path: 'active', value: 'False' },
        { op: 'Add', path: `${ENTERPRISE}:manager`, value: manager },
        { op: 'Replace', path: 'emails[type eq "work"].value', value: `work.${c.names.run}@example.com` },
      ]);
      expectStatus(r, 200, 204);
      const after = (await c.client.get(`/Users/${id}`)).body;
      expectEqual(after.active, false, 'active');
      expectEqual(after[ENTERPRISE]?.manager?.value, manager, 'manager.value');
      expectTrue((after.emails ?? []).some((e: { type?: string }) => e.type === 'work'), 'no work email was created');
    },
  },
  {
    name: "Entra: a group with Microsoft's URN, members added with $ref null and removed both ways",
    run: async (c) => {
      if (!groupsServed(c)) {
        return;
      }
      const members = [
        (await c.client.create('/Users', plainUser(c.names.userName('entra-a')))).id as string,
        (await c.client.create('/Users', plainUser(c.names.userName('entra-b')))).id as string,
      ];
      const externalId = `entra-${c.names.run}`;
      const group = await c.client.create('/Groups', {
        schemas: [GROUP_SCHEMA, 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'],
        displayName: c.names.label('Entra'),
        externalId,
        meta: { resourceType: 'Group' },
      });
      const gid = group.id as string;
      expectStatus(await c.client.patch(`/Groups/${gid}`, [{ op: 'Add', path: 'members', value: members.map((value) => ({ $ref: null, value })) }]), 200, 204);
      const found = await c.client.list('/Groups', `externalId eq "${externalId}"`, { excludedAttributes: 'members' });
      expectEqual(ids(found.body.Resources), [gid], 'the group by externalId');
      expectStatus(await c.client.patch(`/Groups/${gid}`, [{ op: 'Remove', path: 'members', value: [{ $ref: null, value: members[0] }] }]), 200, 204);
      expectStatus(await c.client.patch(`/Groups/${gid}`, [{ op: 'Remove', path: `members[value eq "${members[1]}"]` }]), 200, 204);
      expectEqual((await c.client.get(`/Groups/${gid}`)).body.members ?? [], [], 'members after both removals');
    },
  },
];
