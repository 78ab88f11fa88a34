/**
 * The RFC checks of the conformance pack: what RFC 7643/7644 define for every client, in the
 * order a client meets them (discovery, look-up, create, read, update, page, delete). Written
 * from the RFCs in our own words; each name cites its section.
 */
import {
  expectEqual,
  expectScimError,
  expectStatus,
  expectTrue,
  GROUP_SCHEMA,
  plainUser,
  USER_SCHEMA,
} from './conformance.client';
import { Check, Ctx } from './conformance.types';

const SPC_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';

async function user(c: Ctx, key: string): Promise<string> {
  if (!c.state[key]) {
    c.state[key] = (await c.client.create('/Users', plainUser(c.names.userName(key)))).id;
  }
  return c.state[key] as string;
}

export const RFC_CHECKS: readonly Check[] = [
  {
    name: 'RFC 7644 §4 /ServiceProviderConfig, /ResourceTypes and /Schemas describe the server',
    run: async ({ client, state }) => {
      const spc = await client.get('/ServiceProviderConfig');
      expectStatus(spc, 200);
      expectTrue(spc.body.schemas?.includes(SPC_SCHEMA) === true, 'ServiceProviderConfig without its schema URN');
      expectEqual(spc.body.patch?.supported, true, 'patch.supported');
      const types = await client.get('/ResourceTypes');
      expectStatus(types, 200);
      const names = (types.body.Resources ?? []).map((r: { name: string }) => r.name);
      expectTrue(names.includes('User'), '/ResourceTypes does not list User');
      state.groups = names.includes('Group');
      const schemas = await client.get('/Schemas');
      expectStatus(schemas, 200);
      const ids = (schemas.body.Resources ?? []).map((s: { id: string }) => s.id);
      expectTrue(ids.includes(USER_SCHEMA), '/Schemas does not list the User schema');
      expectTrue(!state.groups || ids.includes(GROUP_SCHEMA), '/Schemas does not list the Group schema');
    },
  },
  {
    name: 'RFC 7644 §3.4.2 a filter that matches nothing is 200 with an empty ListResponse',
    run: async (c) => {
      const r = await c.client.list('/Users', `userName eq "${c.names.userName('nobody')}"`);
      expectStatus(r, 200);
      expectEqual([r.body.totalResults, r.body.Resources ?? []], [0, []], 'totalResults and Resources');
    },
  },
  {
    name: 'RFC 7644 §3.3 POST /Users is 201 with the resource, Location and userName as sent',
    run: async (c) => {
      const userName = c.names.userName('Created').replace('conformance', 'Conformance');
      const r = await c.client.call('POST', '/Users', plainUser(userName));
      expectStatus(r, 201);
      c.client.created.push(`/Users/${r.body.id}`);
      expectEqual(r.body.userName, userName, 'userName');
      expectTrue(/^application\/scim\+json/.test(r.headers.get('content-type') ?? ''), 'Content-Type is not application/scim+json');
      expectEqual(r.headers.get('location'), r.body.meta?.location, 'Location header and meta.location');
      c.state.created = r.body.id;
      c.state.createdName = userName;
    },
  },
  {
    name: 'RFC 7644 §3.4.1 GET /Users/{id} returns the user',
    run: async (c) => {
      const id = await user(c, 'created');
      const r = await c.client.get(`/Users/${id}`);
      expectStatus(r, 200);
      expectEqual(r.body.id, id, 'id');
    },
  },
  {
    name: 'RFC 7643 §4.1.1 userName compares without case in a filter; externalId with case (§3.1)',
    run: async (c) => {
      const id = await user(c, 'created');
      const name = (await c.client.get(`/Users/${id}`)).body.userName as string;
      const found = await c.client.list('/Users', `userName eq "${name.toUpperCase()}"`);
      expectEqual((found.body.Resources ?? []).map((r: { id: string }) => r.id), [id], 'userName eq in upper case');
      const ext = await c.client.list('/Users', `externalId eq "${`ext-${name}`.toUpperCase()}"`);
      expectEqual(ext.body.totalResults, 0, 'externalId eq in another case');
    },
  },
  {
    name: 'RFC 7644 §3.3 a second user with the same userName (other case) is 409 uniqueness',
    run: async (c) => {
      const id = await user(c, 'created');
      const name = (await c.client.get(`/Users/${id}`)).body.userName as string;
      const r = await c.client.call('POST', '/Users', plainUser(name.toUpperCase()));
      if (r.status === 201) {
        c.client.created.push(`/Users/${r.body.id}`);
      }
      expectScimError(r, 409, 'uniqueness');
    },
  },
  {
    name: 'RFC 7644 §3.5.2.3 PATCH replace changes the attribute, and a GET shows it',
    run: async (c) => {
      const id = await user(c, 'patched');
      expectStatus(await c.client.patch(`/Users/${id}`, [{ op: 'replace', path: 'displayName', value: 'Patched' }]), 200, 204);
      expectEqual((await c.client.get(`/Users/${id}`)).body.displayName, 'Patched', 'displayName after PATCH');
    },
  },
  {
    name: 'RFC 7644 §3.5.2.3 a replace whose value filter matches nothing',
    run: async (c) => {
      const id = await user(c, 'patched');
      const r = await c.client.patch(`/Users/${id}`, [{ op: 'replace', path: 'emails[type eq "home"].value', value: 'home@example.com' }]);
      if (c.profile === 'entra') {
        // the entra profile creates the value, as Entra expects (docs/idp/quirks.md #9)
        expectStatus(r, 200, 204);
        const emails = (await c.client.get(`/Users/${id}`)).body.emails as Array<{ type?: string }>;
        expectTrue(emails.some((e) => e.type === 'home'), 'no home email was created');
      } else {
        expectScimError(r, 400, 'noTarget');
      }
    },
  },
  {
    name: 'RFC 7644 §3.5.1 PUT replaces the user; id and meta are the server\'s',
    run: async (c) => {
      const id = await user(c, 'put');
      const current = (await c.client.get(`/Users/${id}`)).body;
      const r = await c.client.call('PUT', `/Users/${id}`, { ...plainUser(current.userName as string), id, title: 'Replaced' });
      expectStatus(r, 200);
      expectEqual([r.body.id, r.body.title], [id, 'Replaced'], 'id and title after PUT');
    },
  },
  {
    name: 'RFC 7644 §3.4.2.4 index paging: integers, startIndex as asked, itemsPerPage on the page',
    run: async (c) => {
      await user(c, 'created');
      await user(c, 'patched');
      const r = await c.client.get('/Users?startIndex=1&count=1');
      expectStatus(r, 200);
      expectTrue(Number.isInteger(r.body.totalResults) && r.body.totalResults >= 2, 'totalResults is not an integer of at least 2');
      expectEqual([r.body.startIndex, r.body.itemsPerPage, (r.body.Resources ?? []).length], [1, 1, 1], 'startIndex, itemsPerPage and page size');
    },
  },
  {
    name: 'RFC 7644 §3.12 a malformed filter is 400 invalidFilter; an unknown id is 404, both SCIM error bodies',
    run: async (c) => {
      expectScimError(await c.client.list('/Users', 'userName eq'), 400, 'invalidFilter');
      expectScimError(await c.client.get(`/Users/${c.names.run}-does-not-exist`), 404);
    },
  },
  {
    name: 'RFC 7644 §3.5.2 Groups: create, add a member, remove it by filter, read without members',
    run: async (c) => {
      if (!c.state.groups) {
        return;
      }
      const member = await user(c, 'member');
      const group = await c.client.create('/Groups', { schemas: [GROUP_SCHEMA], displayName: c.names.label('Group') });
      const gid = group.id as string;
      expectStatus(await c.client.patch(`/Groups/${gid}`, [{ op: 'add', path: 'members', value: [{ value: member }] }]), 200, 204);
      const withMember = (await c.client.get(`/Groups/${gid}`)).body.members ?? [];
      expectEqual(withMember.map((m: { value: string }) => m.value), [member], 'members after add');
      expectStatus(await c.client.patch(`/Groups/${gid}`, [{ op: 'remove', path: `members[value eq "${member}"]` }]), 200, 204);
      const bare = await c.client.get(`/Groups/${gid}?excludedAttributes=members`);
      expectStatus(bare, 200);
      expectEqual(bare.body.members, undefined, 'members with excludedAttributes=members');
    },
  },
  {
    name: 'RFC 7644 §3.6 DELETE is 204, then the user is 404 and so is a second DELETE',
    run: async (c) => {
      const id = (await c.client.create('/Users', plainUser(c.names.userName('deleted')))).id as string;
      expectStatus(await c.client.call('DELETE', `/Users/${id}`), 204);
      expectScimError(await c.client.get(`/Users/${id}`), 404);
      expectScimError(await c.client.call('DELETE', `/Users/${id}`), 404);
    },
  },
];
