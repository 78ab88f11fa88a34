import { isScimError, ScimType } from '../errors/scim-error';
import { profileFor, ProfileName } from '../profile/idp-profile';
import { GROUP_SCHEMA_ID } from '../schema/group.schema';
import { createDefaultRegistry, USER_RESOURCE_TYPE } from '../schema/schema.registry';
import { attr } from '../schema/schema.types';
import { ENTERPRISE_USER_SCHEMA_ID as ENT, USER_SCHEMA_ID as CORE } from '../schema/user.schema';
import { normalizeResource, NormalizeResult } from './resource.normalizer';
import { ScimJson } from './resource.types';

const registry = createDefaultRegistry();

/** A registry with an extension holding an immutable attribute (RFC 7643 §2.2 "immutable"). */
const BADGE = 'urn:example:params:scim:schemas:extension:badge:2.0:User';
const badgeRegistry = createDefaultRegistry({
  schemas: [
    {
      id: BADGE,
      name: 'Badge',
      description: 'test extension',
      attributes: [
        attr('badgeId', { mutability: 'immutable' }),
        attr('issued', { type: 'dateTime' }),
        attr('level', { type: 'integer' }),
      ],
    },
  ],
  resourceTypes: [
    {
      ...USER_RESOURCE_TYPE,
      schemaExtensions: [
        ...USER_RESOURCE_TYPE.schemaExtensions,
        { schema: BADGE, required: false },
      ],
    },
  ],
});

interface Case {
  name: string;
  profile?: ProfileName;
  rt?: 'User' | 'Group';
  body: unknown;
  existing?: ScimJson;
  custom?: boolean;
  /** exact expected resource */
  resource?: ScimJson;
  /** subset */
  partial?: Record<string, unknown>;
  password?: string;
  ignored?: string[];
  error?: ScimType;
}

const OKTA_POST = {
  schemas: [CORE],
  userName: 'test.user@okta.local',
  name: { givenName: 'Test', familyName: 'User' },
  emails: [{ primary: true, value: 'test.user@okta.local', type: 'work' }],
  displayName: 'Test User',
  locale: 'en-US',
  externalId: '00ujl29u0le5T6Aj10h7',
  groups: [],
  password: '1mz050nq',
  active: true,
};

const ENTRA_POST = {
  schemas: [CORE, ENT],
  externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
  userName: 'Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1',
  active: true,
  emails: [
    {
      primary: true,
      type: 'work',
      value: 'Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com',
    },
  ],
  meta: { resourceType: 'User' },
  name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
  roles: [],
};

const CASES: Case[] = [
  {
    name: 'RFC 7644 §3.3 minimal user (RFC 7643 §8.1)',
    body: { schemas: [CORE], userName: 'bjensen' },
    resource: { schemas: [CORE], userName: 'bjensen' },
  },
  {
    name: 'Okta doc "Create the User": password apart, readOnly groups ignored (docs/idp/quirks.md #18)',
    body: OKTA_POST,
    resource: {
      schemas: [CORE],
      userName: 'test.user@okta.local',
      name: { givenName: 'Test', familyName: 'User' },
      emails: [{ primary: true, value: 'test.user@okta.local', type: 'work' }],
      displayName: 'Test User',
      locale: 'en-US',
      externalId: '00ujl29u0le5T6Aj10h7',
      active: true,
    },
    password: '1mz050nq',
    ignored: [],
  },
  {
    name: 'Entra doc "Create User": meta ignored, roles [] unassigned, empty extension not listed',
    body: ENTRA_POST,
    resource: {
      schemas: [CORE],
      externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
      userName: 'Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1',
      active: true,
      emails: ENTRA_POST.emails,
      name: ENTRA_POST.name,
    },
    ignored: ['meta'],
  },
  {
    name: 'docs/idp/quirks.md #23 Google mixed schemas: legacy urn:scim:schemas:core:1.0 tolerated',
    profile: 'rfc-strict',
    body: { schemas: ['urn:scim:schemas:core:1.0', CORE], userName: 'g@example.com' },
    resource: { schemas: [CORE], userName: 'g@example.com' },
    ignored: ['schemas:urn:scim:schemas:core:1.0'],
  },
  {
    name: 'Entra doc "Create Group": extra ADSCIM schema URN tolerated, meta ignored',
    rt: 'Group',
    profile: 'rfc-strict',
    body: {
      schemas: [
        GROUP_SCHEMA_ID,
        'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group',
      ],
      externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
      displayName: 'displayName',
      meta: { resourceType: 'Group' },
    },
    resource: {
      schemas: [GROUP_SCHEMA_ID],
      externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
      displayName: 'displayName',
    },
  },
  {
    name: 'Okta doc "Create Groups": members [] is unassigned',
    rt: 'Group',
    body: { schemas: [GROUP_SCHEMA_ID], displayName: 'Test SCIMv2', members: [] },
    resource: { schemas: [GROUP_SCHEMA_ID], displayName: 'Test SCIMv2' },
  },
  { name: 'RFC 7644 §3.3 an array body → invalidSyntax', body: [], error: 'invalidSyntax' },
  { name: 'RFC 7644 §3.3 a string body → invalidSyntax', body: 'user', error: 'invalidSyntax' },
  { name: 'RFC 7644 §3.3 a null body → invalidSyntax', body: null, error: 'invalidSyntax' },
  {
    name: 'RFC 7643 §3 rfc-strict: missing schemas → invalidSyntax',
    profile: 'rfc-strict',
    body: { userName: 'x' },
    error: 'invalidSyntax',
  },
  {
    name: 'RFC 7643 §3 lenient: missing schemas tolerated, rebuilt',
    body: { userName: 'x' },
    resource: { schemas: [CORE], userName: 'x' },
  },
  {
    name: 'RFC 7643 §3 schemas must be an array of strings → invalidSyntax',
    body: { schemas: CORE, userName: 'x' },
    error: 'invalidSyntax',
  },
  {
    name: 'RFC 7643 §3 rfc-strict: schemas without the core URN → invalidSyntax',
    profile: 'rfc-strict',
    body: { schemas: [ENT], userName: 'x' },
    error: 'invalidSyntax',
  },
  {
    name: 'RFC 7643 §3 the Group URN on a User body → invalidSyntax (every profile)',
    body: { schemas: [GROUP_SCHEMA_ID], userName: 'x' },
    error: 'invalidSyntax',
  },
  {
    name: 'RFC 7643 §2.1 names are case-insensitive and rewritten to canonical case',
    profile: 'rfc-strict',
    body: { SCHEMAS: [CORE.toUpperCase()], USERNAME: 'x', Name: { GivenName: 'B' }, ACTIVE: true },
    resource: { schemas: [CORE], userName: 'x', name: { givenName: 'B' }, active: true },
  },
  {
    name: 'RFC 7643 §3 extension attributes under their URN key (URN case-insensitive)',
    profile: 'rfc-strict',
    body: {
      schemas: [CORE, ENT],
      userName: 'x',
      [ENT.toLowerCase()]: { EmployeeNumber: '7', manager: { value: 'm1' } },
    },
    resource: {
      schemas: [CORE, ENT],
      userName: 'x',
      [ENT]: { employeeNumber: '7', manager: { value: 'm1' } },
    },
  },
  {
    name: 'RFC 7643 §3 extension data without its URN in schemas is accepted and listed',
    profile: 'rfc-strict',
    body: { schemas: [CORE], userName: 'x', [ENT]: { department: 'D' } },
    resource: { schemas: [CORE, ENT], userName: 'x', [ENT]: { department: 'D' } },
  },
  {
    name: 'docs/idp/quirks.md #3 lenient: URN-qualified flat key nests under the URN',
    body: { schemas: [CORE], userName: 'x', [`${ENT}:employeeNumber`]: '7' },
    resource: { schemas: [CORE, ENT], userName: 'x', [ENT]: { employeeNumber: '7' } },
  },
  {
    name: 'docs/idp/quirks.md #3 rfc-strict: URN-qualified flat key → invalidValue',
    profile: 'rfc-strict',
    body: { schemas: [CORE], userName: 'x', [`${ENT}:employeeNumber`]: '7' },
    error: 'invalidValue',
  },
  {
    name: 'docs/idp/quirks.md #3 lenient: dotted keys merge into the complex attribute',
    body: { schemas: [CORE], userName: 'x', 'name.givenName': 'A', name: { familyName: 'B' } },
    resource: { schemas: [CORE], userName: 'x', name: { givenName: 'A', familyName: 'B' } },
  },
  {
    name: 'docs/idp/quirks.md #3 rfc-strict: dotted key → invalidValue',
    profile: 'rfc-strict',
    body: { schemas: [CORE], userName: 'x', 'name.givenName': 'A' },
    error: 'invalidValue',
  },
  {
    name: 'docs/idp/quirks.md #25 a client-supplied id is ignored (RFC 7644 §3.3 readOnly)',
    profile: 'rfc-strict',
    body: { schemas: [CORE], id: 'keycloak-local-id', userName: 'x' },
    resource: { schemas: [CORE], userName: 'x' },
    ignored: ['id'],
  },
  {
    name: 'docs/idp/quirks.md #17 Okta PUT with id, groups [] and meta: readOnly ignored',
    profile: 'okta',
    body: {
      schemas: [CORE],
      id: '23a35c27-23d3-4c03-b4c5-6443c09e7173',
      userName: 'test.user@okta.local',
      name: { givenName: 'Another', middleName: 'Excited', familyName: 'User' },
      active: true,
      groups: [],
      meta: { resourceType: 'User' },
    },
    existing: {
      schemas: [CORE],
      id: '23a35c27-23d3-4c03-b4c5-6443c09e7173',
      userName: 'test.user@okta.local',
    },
    resource: {
      schemas: [CORE],
      userName: 'test.user@okta.local',
      name: { givenName: 'Another', middleName: 'Excited', familyName: 'User' },
      active: true,
    },
    ignored: ['id', 'meta'],
  },
  {
    name: 'RFC 7644 §3.3 readOnly members.display is dropped and reported',
    rt: 'Group',
    body: {
      schemas: [GROUP_SCHEMA_ID],
      displayName: 'G',
      members: [{ value: 'u1', display: 'B' }],
    },
    resource: { schemas: [GROUP_SCHEMA_ID], displayName: 'G', members: [{ value: 'u1' }] },
    ignored: ['members[0].display'],
  },
  {
    name: 'RFC 7643 §4.1.1 password (writeOnly) is returned apart',
    body: { schemas: [CORE], userName: 'x', password: 't1meMa$heen' },
    resource: { schemas: [CORE], userName: 'x' },
    password: 't1meMa$heen',
  },
  {
    name: 'RFC 7643 §4.1.1 userName is required → invalidValue',
    body: { schemas: [CORE], displayName: 'x' },
    error: 'invalidValue',
  },
  {
    name: 'RFC 7643 §4.1.1 userName "" → invalidValue',
    body: { schemas: [CORE], userName: '' },
    error: 'invalidValue',
  },
  {
    name: 'RFC 7643 §2.5 userName null is unassigned → invalidValue (required)',
    body: { schemas: [CORE], userName: null },
    error: 'invalidValue',
  },
  {
    name: 'RFC 7643 §4.2 Group displayName is required → invalidValue',
    rt: 'Group',
    body: { schemas: [GROUP_SCHEMA_ID], members: [{ value: 'u1' }] },
    error: 'invalidValue',
  },
  {
    name: 'RFC 7644 §3.12 rfc-strict: an attribute not in the resource schema → invalidValue',
    profile: 'rfc-strict',
    body: { schemas: [CORE], userName: 'x', shoeSize: 42 },
    error: 'invalidValue',
  },
  {
    name: 'RFC 7644 §3.12 lenient: unknown attribute ignored and listed',
    body: { schemas: [CORE], userName: 'x', shoeSize: 42 },
    resource: { schemas: [CORE], userName: 'x' },
    ignored: ['shoeSize'],
  },
  {
    name: 'Entra doc schema sample: unknown CustomExtensionName URN object ignored (lenient)',
    body: {
      schemas: [CORE, 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User'],
      userName: 'bjensen@testuser.com',
      'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User': { tag: '701984' },
      [ENT]: { Manager: '123456' },
    },
    resource: {
      schemas: [CORE, ENT],
      userName: 'bjensen@testuser.com',
      [ENT]: { manager: { value: '123456' } },
    },
  },
  {
    name: 'RFC 7643 §2.5 null and [] are unassigned and left out',
    body: {
      schemas: [CORE],
      userName: 'x',
      displayName: null,
      emails: [],
      name: { givenName: null },
    },
    resource: { schemas: [CORE], userName: 'x' },
  },
  {
    name: 'RFC 7643 §2.4 rfc-strict: two primary emails → invalidValue',
    profile: 'rfc-strict',
    body: {
      schemas: [CORE],
      userName: 'x',
      emails: [
        { value: 'a@x', primary: true },
        { value: 'b@x', primary: true },
      ],
    },
    error: 'invalidValue',
  },
  {
    name: 'RFC 7643 §2.4 lenient: two primary emails keep the first',
    body: {
      schemas: [CORE],
      userName: 'x',
      emails: [
        { value: 'a@x', primary: true },
        { value: 'b@x', primary: true },
      ],
    },
    partial: { emails: [{ value: 'a@x', primary: true }, { value: 'b@x', primary: false }] },
  },
  {
    name: 'docs/idp/quirks.md #27 userName comes back byte-identical',
    profile: 'rfc-strict',
    body: { schemas: [CORE], userName: ' Dale.Mohr@Romaguera.UK\u00a0' },
    resource: { schemas: [CORE], userName: ' Dale.Mohr@Romaguera.UK\u00a0' },
  },
  {
    name: 'docs/idp/quirks.md #2 lenient: active "True" string coerced',
    body: { schemas: [CORE], userName: 'x', active: 'True' },
    resource: { schemas: [CORE], userName: 'x', active: true },
  },
  {
    name: 'docs/idp/quirks.md #2 rfc-strict: active "True" string → invalidValue',
    profile: 'rfc-strict',
    body: { schemas: [CORE], userName: 'x', active: 'True' },
    error: 'invalidValue',
  },
  {
    name: 'docs/idp/quirks.md #8 lenient: manager as a bare string is wrapped',
    body: { schemas: [CORE, ENT], userName: 'x', [ENT]: { manager: 'm-1' } },
    resource: { schemas: [CORE, ENT], userName: 'x', [ENT]: { manager: { value: 'm-1' } } },
  },
  {
    name: 'RFC 7643 §4.3 manager with only the readOnly displayName is unassigned',
    body: { schemas: [CORE, ENT], userName: 'x', [ENT]: { manager: { displayName: 'Boss' } } },
    resource: { schemas: [CORE], userName: 'x' },
    ignored: [`${ENT}:manager.displayName`],
  },
  {
    name: 'RFC 7643 §4.3 manager without its required value → invalidValue',
    body: { schemas: [CORE, ENT], userName: 'x', [ENT]: { manager: { $ref: '../Users/m' } } },
    error: 'invalidValue',
  },
  {
    name: 'RFC 7643 §3 an extension that is not an object → invalidValue',
    body: { schemas: [CORE, ENT], userName: 'x', [ENT]: 'x' },
    error: 'invalidValue',
  },
  {
    name: 'RFC 7643 §2.3.5 dateTime in an extension normalized to ISO UTC',
    custom: true,
    body: {
      schemas: [CORE, BADGE],
      userName: 'x',
      [BADGE]: { issued: '2015-02-01T10:00:00+02:00' },
    },
    resource: {
      schemas: [CORE, BADGE],
      userName: 'x',
      [BADGE]: { issued: '2015-02-01T08:00:00.000Z' },
    },
  },
  {
    name: 'RFC 7644 §3.5.1 PUT: an immutable attribute with a value must match → mutability',
    custom: true,
    body: { schemas: [CORE, BADGE], userName: 'x', [BADGE]: { badgeId: 'B-2' } },
    existing: { schemas: [CORE, BADGE], id: '1', userName: 'x', [BADGE]: { badgeId: 'B-1' } },
    error: 'mutability',
  },
  {
    name: 'RFC 7644 §3.5.1 PUT: the same immutable value is accepted',
    custom: true,
    body: { schemas: [CORE, BADGE], userName: 'y', [BADGE]: { badgeId: 'B-1', level: 2 } },
    existing: { schemas: [CORE, BADGE], id: '1', userName: 'x', [BADGE]: { badgeId: 'B-1' } },
    resource: { schemas: [CORE, BADGE], userName: 'y', [BADGE]: { badgeId: 'B-1', level: 2 } },
  },
  {
    name: 'RFC 7644 §3.5.1 PUT: an omitted immutable value is carried over',
    custom: true,
    body: { schemas: [CORE], userName: 'x' },
    existing: { schemas: [CORE, BADGE], id: '1', userName: 'x', [BADGE]: { badgeId: 'B-1' } },
    resource: { schemas: [CORE, BADGE], userName: 'x', [BADGE]: { badgeId: 'B-1' } },
  },
  {
    name: 'RFC 7644 §3.5.1 PUT: an immutable attribute without a previous value may be set',
    custom: true,
    body: { schemas: [CORE], userName: 'x', [BADGE]: { badgeId: 'B-9' } },
    existing: { schemas: [CORE], id: '1', userName: 'x' },
    resource: { schemas: [CORE, BADGE], userName: 'x', [BADGE]: { badgeId: 'B-9' } },
  },
  {
    name: 'RFC 7644 §3.5.1 PUT: readWrite attributes omitted from the body are cleared',
    body: { schemas: [CORE], userName: 'x' },
    existing: { schemas: [CORE], id: '1', userName: 'x', displayName: 'Old', nickName: 'N' },
    resource: { schemas: [CORE], userName: 'x' },
  },
  {
    name: 'RFC 7643 §2.3.8 lenient: unknown sub-attribute dropped and reported',
    body: { schemas: [CORE], userName: 'x', name: { givenName: 'A', nick: 'B' } },
    resource: { schemas: [CORE], userName: 'x', name: { givenName: 'A' } },
    ignored: ['name.nick'],
  },
  {
    name: 'RFC 7643 §2.3.8 rfc-strict: unknown sub-attribute → invalidValue',
    profile: 'rfc-strict',
    body: { schemas: [CORE], userName: 'x', name: { givenName: 'A', nick: 'B' } },
    error: 'invalidValue',
  },
];

function run(c: Case): NormalizeResult {
  const reg = c.custom ? badgeRegistry : registry;
  return normalizeResource(c.body, {
    registry: reg,
    resourceType: c.rt ?? 'User',
    profile: profileFor(c.profile ?? 'lenient'),
    ...(c.existing ? { existing: c.existing } : {}),
  });
}

describe('normalizeResource (RFC 7644 §3.3 POST, §3.5.1 PUT)', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    if (c.error) {
      let err: unknown;
      try {
        run(c);
      } catch (e) {
        err = e;
      }
      expect(isScimError(err)).toBe(true);
      expect((err as { scimType?: string }).scimType).toBe(c.error);
      return;
    }
    const out = run(c);
    if (c.resource) {
      expect(out.resource).toEqual(c.resource);
      expect(Object.keys(out.resource)[0]).toBe('schemas');
    }
    if (c.partial) {
      expect(out.resource).toMatchObject(c.partial);
    }
    expect(out.password).toBe(c.password);
    if (c.ignored) {
      expect(out.ignored).toEqual(expect.arrayContaining(c.ignored));
    }
  });

  it('does not mutate the body', () => {
    const body = structuredCloneJson(OKTA_POST);
    run({ name: 'x', body });
    expect(body).toEqual(OKTA_POST);
  });
});

function structuredCloneJson<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

describe('normalizeResource: required attributes of extensions (RFC 7643 §3.3, §2.2)', () => {
  const COST = 'urn:example:params:scim:schemas:extension:cost:2.0:User';
  const withExtension = (required: boolean) =>
    createDefaultRegistry({
      schemas: [
        {
          id: COST,
          name: 'Cost',
          description: 'an extension with a required attribute',
          attributes: [attr('costCenter', { required: true }), attr('budget', { type: 'integer' })],
        },
      ],
      resourceTypes: [
        {
          ...USER_RESOURCE_TYPE,
          schemaExtensions: [...USER_RESOURCE_TYPE.schemaExtensions, { schema: COST, required }],
        },
      ],
    });
  const normalize = (reg: ReturnType<typeof withExtension>, body: ScimJson) =>
    normalizeResource(body, { registry: reg, resourceType: 'User', profile: profileFor('rfc-strict') });
  const scimTypeOf = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return (e as { scimType?: string }).scimType;
    }
    return undefined;
  };

  it('an optional extension left out demands none of its required attributes', () => {
    expect(normalize(withExtension(false), { schemas: [CORE], userName: 'x' }).resource).toEqual({
      schemas: [CORE],
      userName: 'x',
    });
  });

  it('an optional extension that is present must carry its required attributes', () => {
    const reg = withExtension(false);
    expect(scimTypeOf(() => normalize(reg, { schemas: [CORE, COST], userName: 'x', [COST]: { budget: 5 } }))).toBe('invalidValue');
    expect(normalize(reg, { schemas: [CORE, COST], userName: 'x', [COST]: { costCenter: 'C1' } }).resource).toEqual({
      schemas: [CORE, COST],
      userName: 'x',
      [COST]: { costCenter: 'C1' },
    });
  });

  it('a required extension demands its required attributes of every resource', () => {
    expect(scimTypeOf(() => normalize(withExtension(true), { schemas: [CORE], userName: 'x' }))).toBe('invalidValue');
  });
});
