import { ScimType } from '../errors/scim-error';
import { ScimJson } from '../resource/resource.types';
import { USER_SCHEMA_ID } from '../schema/user.schema';
import { IdpProfile, ProfileName } from '../profile/idp-profile';
import {
  ENT,
  GROUP,
  GROUP_ID,
  GROUP_NO_MEMBERS,
  MANAGER_ID,
  PLAIN_USER,
  USER,
} from './patch.fixtures';
import { PATCH_OP_SCHEMA } from './patch.request';

/**
 * Table of PATCH cases. Each name cites its source: an RFC section, a row of
 * docs/idp/quirks.md, or the public IdP doc whose request body it replays
 * ("Entra doc" = Microsoft "Develop and plan provisioning for a SCIM endpoint" and "Known issues
 * with SCIM 2.0 protocol compliance"; "Okta doc" = Okta "SCIM 2.0 Protocol Reference").
 */
export interface PatchCase {
  readonly name: string;
  /** default 'lenient' */
  readonly profile?: ProfileName;
  readonly overrides?: Partial<IdpProfile>;
  /** default: 'Group' when `resource` is a group fixture, else 'User' */
  readonly resourceType?: 'User' | 'Group';
  readonly resource?: ScimJson;
  /** raw operations (wrapped in a PatchOp body and parsed) */
  readonly ops?: unknown[];
  /** a whole raw PATCH body (takes precedence over ops) */
  readonly body?: unknown;
  readonly deltaAttributes?: readonly string[];
  /** subset the patched resource must match (toMatchObject: arrays must match length) */
  readonly expected?: Record<string, unknown>;
  /** '/'-separated key paths that must be absent from the result */
  readonly absent?: string[];
  readonly error?: ScimType | { scimType?: ScimType; status?: number; detail?: RegExp };
  readonly changed?: boolean;
  readonly changedAttributes?: string[];
  readonly deltas?: Record<string, unknown>;
  readonly password?: string;
  readonly ignored?: string[];
}

const op = (o: string, path?: string, value?: unknown): Record<string, unknown> => ({
  op: o,
  ...(path !== undefined ? { path } : {}),
  ...(value !== undefined ? { value } : {}),
});

const WORK = { value: 'bjensen@example.com', type: 'work', primary: true };
const HOME = { value: 'babs@jensen.org', type: 'home' };
const M1 = { value: 'u1', display: 'Babs Jensen', type: 'User' };
const M2 = { value: 'u2', display: 'Mandy Pepperidge', type: 'User' };
const OKTA_GROUP_ID = 'abf4dd94-a4c0-4f67-89c9-76b03340cb9b';

const ADD_CASES: PatchCase[] = [
  {
    name: 'RFC 7644 §3.5.2.1 add to a multi-valued attribute appends the value',
    ops: [op('add', 'emails', [{ value: 'b@example.org', type: 'other' }])],
    expected: { emails: [WORK, HOME, { value: 'b@example.org', type: 'other' }] },
    changedAttributes: ['emails'],
  },
  {
    name: 'RFC 7644 §3.5.2.1 add of a value already present makes no change',
    ops: [op('add', 'emails', [{ value: 'babs@jensen.org', type: 'home' }])],
    expected: { emails: [WORK, HOME] },
    changed: false,
  },
  {
    name: 'RFC 7644 §3.5.2.1 + RFC 7643 §4.1.2 emails.value is not caseExact: no duplicate',
    ops: [op('add', 'emails', [{ value: 'BABS@Jensen.org' }])],
    expected: { emails: [WORK, { value: 'BABS@Jensen.org', type: 'home' }] },
  },
  {
    name: 'docs/idp/quirks.md #24 JumpCloud repeats add member: idempotent, no duplicate (RFC 7644 §3.5.2.1)',
    resource: GROUP,
    ops: [op('add', 'members', [{ value: 'u1' }]), op('add', 'members', [{ value: 'u1' }])],
    expected: { members: [M1, M2] },
    changed: false,
  },
  {
    name: 'RFC 7644 §3.5.2.1 add to a single-valued attribute replaces the value',
    ops: [op('add', 'displayName', 'Barbara')],
    expected: { displayName: 'Barbara' },
  },
  {
    name: 'Entra doc (without flag) "Add" nickName: attribute that does not exist is added',
    body: {
      schemas: [PATCH_OP_SCHEMA],
      Operations: [{ op: 'Add', path: 'nickName', value: 'Babs' }],
    },
    expected: { nickName: 'Babs' },
    changedAttributes: ['nickName'],
  },
  {
    name: 'RFC 7644 §3.5.2.1 add of a complex attribute merges the sub-attributes',
    ops: [op('add', 'name', { middleName: 'Jane' })],
    expected: {
      name: {
        formatted: 'Ms. Barbara J Jensen III',
        familyName: 'Jensen',
        givenName: 'Barbara',
        middleName: 'Jane',
      },
    },
  },
  {
    name: 'RFC 7644 §3.5.2.1 add of a sub-attribute (name.honorificPrefix)',
    ops: [op('add', 'name.honorificPrefix', 'Ms.')],
    expected: { name: { givenName: 'Barbara', honorificPrefix: 'Ms.' } },
  },
  {
    name: 'RFC 7644 §3.5.2 a new primary=true value sets primary=false on the others',
    ops: [op('add', 'emails', [{ value: 'new@example.com', type: 'other', primary: true }])],
    expected: {
      emails: [
        { ...WORK, primary: false },
        HOME,
        { value: 'new@example.com', type: 'other', primary: true },
      ],
    },
  },
  {
    name: 'RFC 7644 §3.5.2.1 add without path merges the attributes of the value',
    ops: [op('add', undefined, { nickName: 'Babs', title: 'Tour Guide' })],
    expected: { nickName: 'Babs', title: 'Tour Guide', displayName: 'Babs Jensen' },
    changedAttributes: ['nickName', 'title'],
  },
  {
    name: 'RFC 7644 §3.5.2.1 add without path appends to a multi-valued attribute',
    ops: [op('add', undefined, { emails: [{ value: 'x@example.com', type: 'other' }] })],
    expected: { emails: [WORK, HOME, { value: 'x@example.com', type: 'other' }] },
  },
  {
    name: 'RFC 7644 §3.5.2.1 add MUST contain a value → invalidValue',
    ops: [op('add', 'nickName')],
    error: 'invalidValue',
  },
  {
    name: 'RFC 7644 §3.5.2.1 path-less add with a non-object value → invalidValue',
    ops: [op('add', undefined, 'Babs')],
    error: 'invalidValue',
  },
  {
    name: 'RFC 7644 §3.5.2 add to readOnly groups → mutability',
    ops: [op('add', 'groups', [{ value: 'g1' }])],
    error: 'mutability',
  },
  {
    name: 'RFC 7644 §3.5.2 add meta.created (readOnly) → mutability',
    ops: [op('add', 'meta.created', '2020-01-01T00:00:00Z')],
    error: 'mutability',
  },
  {
    name: 'RFC 7644 §3.5.2 rfc-strict: unknown attribute path → invalidPath',
    profile: 'rfc-strict',
    ops: [op('add', 'favoriteColor', 'blue')],
    error: 'invalidPath',
  },
  {
    name: 'RFC 7644 §3.5.2 lenient too: an explicit unknown path is invalidPath, never ignored',
    ops: [op('add', 'favoriteColor', 'blue')],
    error: 'invalidPath',
  },
  {
    name: 'RFC 7643 §2.3.2 boolean attribute with a non-boolean value → invalidValue',
    ops: [op('add', 'active', 'yes')],
    error: { scimType: 'invalidValue', detail: /active.*boolean/ },
  },
  {
    name: 'RFC 7643 §2.3.1 string attribute with a number → invalidValue naming the path',
    ops: [op('replace', 'displayName', 42)],
    error: { scimType: 'invalidValue', detail: /displayName.*string/ },
  },
  {
    name: 'RFC 7644 §3.5.2.1 rfc-strict: a single object for multi-valued emails → invalidValue',
    profile: 'rfc-strict',
    ops: [op('add', 'emails', { value: 'x@example.com' })],
    error: 'invalidValue',
  },
  {
    name:
      'RFC 7643 §2.4 lenient (singleValueAsArray): one object for multi-valued emails is wrapped',
    ops: [op('add', 'emails', { value: 'x@example.com' })],
    expected: { emails: [WORK, HOME, { value: 'x@example.com' }] },
  },
  {
    name: 'RFC 7644 §3.10 add an extension attribute by its URN-qualified path',
    ops: [op('add', `${ENT}:costCenter`, '4130')],
    expected: { [ENT]: { employeeNumber: '701984', costCenter: '4130' } },
    changedAttributes: [`${ENT}:costCenter`],
  },
  {
    name: 'RFC 7643 §3 adding the first extension attribute lists the extension in schemas',
    resource: PLAIN_USER,
    ops: [op('add', `${ENT}:employeeNumber`, '7')],
    expected: { schemas: [USER_SCHEMA_ID, ENT], [ENT]: { employeeNumber: '7' } },
  },
  {
    name: 'docs/idp/quirks.md #8 Entra manager as a bare string is wrapped as {value} (RFC 7643 §4.3)',
    profile: 'entra',
    resource: PLAIN_USER,
    body: patchBodyOf([{ op: 'Add', path: `${ENT}:manager`, value: MANAGER_ID }]),
    expected: { [ENT]: { manager: { value: MANAGER_ID } } },
  },
  {
    name: 'docs/idp/quirks.md #8 rfc-strict: manager as a bare string → invalidValue (RFC 7643 §4.3)',
    profile: 'rfc-strict',
    ops: [op('add', `${ENT}:manager`, MANAGER_ID)],
    error: 'invalidValue',
  },
  {
    name: 'docs/idp/quirks.md #8 Entra manager "" removes the manager (RFC 7643 §4.3)',
    profile: 'entra',
    body: patchBodyOf([{ op: 'Replace', path: `${ENT}:manager`, value: '' }]),
    absent: [`${ENT}/manager`],
    expected: { [ENT]: { employeeNumber: '701984', department: 'Tour Operations' } },
  },
  {
    name: 'RFC 7644 erratum 8097 / Entra Add emails[type eq "work"].value creates the work email',
    resource: PLAIN_USER,
    body: patchBodyOf([
      { op: 'Add', path: 'emails[type eq "work"].value', value: 'w@example.com' },
    ]),
    expected: {
      emails: [
        { value: 'home@example.com', type: 'home' },
        { type: 'work', value: 'w@example.com' },
      ],
    },
  },
  {
    name: 'RFC 7644 §3.5.2.3 rfc-strict: add with a filter matching nothing → noTarget',
    profile: 'rfc-strict',
    resource: PLAIN_USER,
    ops: [op('add', 'emails[type eq "work"].value', 'w@example.com')],
    error: 'noTarget',
  },
  {
    name: 'Entra doc "Update Group [Add Members]": "$ref": null is unassigned and dropped',
    resource: GROUP,
    body: patchBodyOf([
      { op: 'Add', path: 'members', value: [{ $ref: null, value: 'f648f8d5ea4e4cd38e9c' }] },
    ]),
    expected: { members: [M1, M2, { value: 'f648f8d5ea4e4cd38e9c' }] },
  },
  {
    name: 'RFC 7643 §2.4 rfc-strict: two primary=true in one added array → invalidValue',
    profile: 'rfc-strict',
    ops: [
      op('add', 'emails', [
        { value: 'a@example.com', primary: true },
        { value: 'b@example.com', primary: true },
      ]),
    ],
    error: 'invalidValue',
  },
  {
    name: 'RFC 7643 §2.4 lenient: two primary=true in one added array keep only the first',
    ops: [
      op('add', 'emails', [
        { value: 'a@example.com', primary: true },
        { value: 'b@example.com', primary: true },
      ]),
    ],
    expected: {
      emails: [
        { ...WORK, primary: false },
        HOME,
        { value: 'a@example.com', primary: true },
        { value: 'b@example.com', primary: false },
      ],
    },
  },
  {
    name: 'RFC 7643 §2.1 attribute names are case-insensitive: path "DISPLAYNAME"',
    ops: [op('add', 'DISPLAYNAME', 'B')],
    expected: { displayName: 'B' },
  },
];

const REPLACE_CASES: PatchCase[] = [
  {
    name: 'RFC 7644 §3.5.2.3 replace of a single-valued attribute',
    ops: [op('replace', 'displayName', 'Barbara J.')],
    expected: { displayName: 'Barbara J.' },
  },
  {
    name: 'Entra doc "Update User [Single-valued properties]" Replace userName',
    body: patchBodyOf([
      {
        op: 'Replace',
        path: 'userName',
        value: '5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com',
      },
    ]),
    expected: { userName: '5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com' },
  },
  {
    name: 'RFC 7644 §3.5.2.3 replace of a complex attribute leaves other sub-attributes unchanged',
    ops: [op('replace', 'name', { givenName: 'Babs' })],
    expected: {
      name: { formatted: 'Ms. Barbara J Jensen III', familyName: 'Jensen', givenName: 'Babs' },
    },
  },
  {
    name: 'RFC 7644 §3.5.2.3 replace of a sub-attribute (name.familyName)',
    ops: [op('replace', 'name.familyName', 'Jensen-Smith')],
    expected: { name: { givenName: 'Barbara', familyName: 'Jensen-Smith' } },
  },
  {
    name: 'RFC 7644 §3.5.2.3 replace of a multi-valued attribute replaces all values',
    ops: [op('replace', 'emails', [{ value: 'only@example.com', type: 'work' }])],
    expected: { emails: [{ value: 'only@example.com', type: 'work' }] },
  },
  {
    name: 'RFC 7644 §3.5.2.3 example: replace the entire work address via a valuePath filter',
    ops: [
      op('replace', 'addresses[type eq "work"]', {
        type: 'work',
        streetAddress: '911 Universal City Plaza',
        locality: 'Hollywood',
        region: 'CA',
        postalCode: '91608',
        country: 'US',
        formatted: '911 Universal City Plaza\nHollywood, CA 91608 US',
        primary: true,
      }),
    ],
    expected: {
      addresses: [
        {
          type: 'work',
          streetAddress: '911 Universal City Plaza',
          locality: 'Hollywood',
          region: 'CA',
          postalCode: '91608',
          country: 'US',
          formatted: '911 Universal City Plaza\nHollywood, CA 91608 US',
          primary: true,
        },
      ],
    },
  },
  {
    name: 'RFC 7644 §3.5.2.3 whole-element replace drops sub-attributes not in the value',
    ops: [op('replace', 'emails[type eq "home"]', { value: 'new-home@example.com' })],
    expected: { emails: [WORK, { value: 'new-home@example.com' }] },
    absent: ['emails/1/type'],
  },
  {
    name: 'Entra doc "Update User [Multi-valued properties]": emails[...].value + name.familyName',
    body: patchBodyOf([
      { op: 'Replace', path: 'emails[type eq "work"].value', value: 'updatedEmail@microsoft.com' },
      { op: 'Replace', path: 'name.familyName', value: 'updatedFamilyName' },
    ]),
    expected: {
      emails: [{ value: 'updatedEmail@microsoft.com', type: 'work', primary: true }, HOME],
      name: { givenName: 'Barbara', familyName: 'updatedFamilyName' },
    },
  },
  {
    name: 'RFC 7644 §3.5.2.3 rfc-strict: valuePath filter with no match → noTarget',
    profile: 'rfc-strict',
    resource: PLAIN_USER,
    ops: [op('replace', 'emails[type eq "work"].value', 'w@example.com')],
    error: 'noTarget',
  },
  {
    name:
      'docs/idp/quirks.md #9 entra: replace emails[type eq "work"].value with no match creates the element (RFC 7644 §3.5.2.3 says noTarget)',
    profile: 'entra',
    resource: PLAIN_USER,
    ops: [op('Replace', 'emails[type eq "work"].value', 'w@example.com')],
    expected: {
      emails: [
        { value: 'home@example.com', type: 'home' },
        { type: 'work', value: 'w@example.com' },
      ],
    },
  },
  {
    name: 'docs/idp/quirks.md #9 entra: a filter with "or" cannot describe a new element → noTarget (RFC 7644 §3.5.2.3)',
    profile: 'entra',
    resource: PLAIN_USER,
    ops: [op('replace', 'emails[type eq "work" or type eq "other"].value', 'w@example.com')],
    error: 'noTarget',
  },
  {
    name: 'docs/idp/quirks.md #9 lenient: add with an "or" filter cannot describe a new element → noTarget (RFC 7644 §3.12)',
    resource: PLAIN_USER,
    ops: [op('add', 'emails[type eq "work" or type eq "other"].value', 'w@example.com')],
    error: 'noTarget',
  },
  {
    name: 'docs/idp/quirks.md #9 + #11 entra: no-match create coerces "True" from the filter to a boolean (RFC 7643 §2.3.2)',
    profile: 'entra',
    resource: PLAIN_USER,
    ops: [op('replace', 'roles[primary eq "True"].value', 'Admin')],
    expected: { roles: [{ primary: true, value: 'Admin' }] },
  },
  {
    name: 'docs/idp/quirks.md #9 + #11 lenient: Add roles[primary eq "True"].value creates the role (RFC 7643 §2.3.2)',
    resource: PLAIN_USER,
    ops: [op('Add', 'roles[primary eq "True"].value', 'Admin')],
    expected: { roles: [{ primary: true, value: 'Admin' }] },
  },
  {
    name: 'RFC 7644 §3.5.2.3 lenient (default): replace phoneNumbers[type eq "fax"].value with no fax → noTarget',
    ops: [op('replace', 'phoneNumbers[type eq "fax"].value', '555-0199')],
    error: { scimType: 'noTarget', status: 400, detail: /"add" creates it/ },
  },
  {
    name: 'RFC 7644 §3.5.2.3 lenient (default): replace emails[type eq "fax"].value with null and no match → noTarget',
    resource: PLAIN_USER,
    ops: [op('replace', 'emails[type eq "fax"].value', null)],
    error: 'noTarget',
  },
  {
    name: 'docs/idp/quirks.md #9 entra: replace with null and no match has nothing to clear (RFC 7643 §2.5)',
    profile: 'entra',
    resource: PLAIN_USER,
    ops: [op('replace', 'emails[type eq "fax"].value', null)],
    changed: false,
  },
  {
    name: 'Entra doc "Known issues" aadOptscim062020: path-less replace, dotted + URN keys (docs/idp/quirks.md #3)',
    body: patchBodyOf([
      {
        op: 'replace',
        path: 'emails[type eq "work"].value',
        value: 'TestMhvaes@test.microsoft.com',
      },
      {
        op: 'replace',
        value: {
          displayName: 'Bjfe',
          'name.givenName': 'Kkom',
          'name.familyName': 'Unua',
          [`${ENT}:employeeNumber`]: 'Aklq',
        },
      },
    ]),
    expected: {
      displayName: 'Bjfe',
      name: { formatted: 'Ms. Barbara J Jensen III', givenName: 'Kkom', familyName: 'Unua' },
      emails: [{ value: 'TestMhvaes@test.microsoft.com', type: 'work', primary: true }, HOME],
      [ENT]: { employeeNumber: 'Aklq', department: 'Tour Operations' },
    },
    absent: ['name.givenName', `${ENT}:employeeNumber`],
    changedAttributes: ['emails', 'displayName', 'name', `${ENT}:employeeNumber`],
  },
  {
    name: 'Entra doc "Known issues" without flag: six Replace operations in one request',
    profile: 'entra',
    body: patchBodyOf([
      { op: 'Replace', path: 'displayName', value: 'Pvlo' },
      {
        op: 'Replace',
        path: 'emails[type eq "work"].value',
        value: 'TestBcwqnm@test.microsoft.com',
      },
      { op: 'Replace', path: 'name.givenName', value: 'Gtfd' },
      { op: 'Replace', path: 'name.familyName', value: 'Pkqf' },
      { op: 'Replace', path: 'externalId', value: 'Eqpj' },
      { op: 'Replace', path: `${ENT}:employeeNumber`, value: 'Eqpj' },
    ]),
    expected: {
      displayName: 'Pvlo',
      externalId: 'Eqpj',
      name: { givenName: 'Gtfd', familyName: 'Pkqf' },
      emails: [{ value: 'TestBcwqnm@test.microsoft.com', type: 'work' }, HOME],
      [ENT]: { employeeNumber: 'Eqpj' },
    },
  },
  {
    name: 'docs/idp/quirks.md #3 rfc-strict: dotted key in a path-less value → invalidPath (RFC 7644 §3.12)',
    profile: 'rfc-strict',
    ops: [op('replace', undefined, { 'name.givenName': 'Kkom' })],
    error: 'invalidPath',
  },
  {
    name: 'docs/idp/quirks.md #3 rfc-strict: URN-qualified flat key in a path-less value → invalidPath (RFC 7644 §3.12)',
    profile: 'rfc-strict',
    ops: [op('replace', undefined, { [`${ENT}:employeeNumber`]: '7' })],
    error: 'invalidPath',
  },
  {
    name:
      'RFC 7643 §3 rfc-strict: extension attributes nested under the URN key in a path-less value',
    profile: 'rfc-strict',
    ops: [op('replace', undefined, { [ENT]: { department: 'Sales' } })],
    expected: { [ENT]: { employeeNumber: '701984', department: 'Sales' } },
  },
  {
    name: 'Entra doc "Known issues" without flag: Replace active "False" (docs/idp/quirks.md #2)',
    profile: 'entra',
    body: patchBodyOf([{ op: 'Replace', path: 'active', value: 'False' }]),
    expected: { active: false },
    changedAttributes: ['active'],
  },
  {
    name: 'Entra doc "Known issues" with flag: replace active false (boolean)',
    profile: 'rfc-strict',
    body: patchBodyOf([{ op: 'replace', path: 'active', value: false }]),
    expected: { active: false },
  },
  {
    name: 'docs/idp/quirks.md #2 rfc-strict: active "False" → invalidValue (RFC 7643 §2.3.2)',
    profile: 'rfc-strict',
    ops: [op('replace', 'active', 'False')],
    error: 'invalidValue',
  },
  {
    name: 'docs/idp/quirks.md #2 okta profile does not coerce "False" → invalidValue (RFC 7643 §2.3.2)',
    profile: 'okta',
    ops: [op('replace', 'active', 'False')],
    error: 'invalidValue',
  },
  {
    name: 'docs/idp/quirks.md #2 lenient: lower-case "false" string is coerced (RFC 7643 §2.3.2)',
    ops: [op('replace', 'active', 'false')],
    expected: { active: false },
  },
  {
    name: 'docs/idp/quirks.md #2 lenient: "True" in a path-less value is coerced (RFC 7643 §2.3.2)',
    resource: { ...USER, active: false },
    ops: [op('Replace', undefined, { active: 'True' })],
    expected: { active: true },
  },
  {
    name: 'docs/idp/quirks.md #11 Entra roles[primary eq "True"].value: string boolean inside the filter (RFC 7644 §3.4.2.2)',
    profile: 'entra',
    ops: [op('Replace', 'roles[primary eq "True"].value', 'superadmin')],
    expected: { roles: [{ value: 'superadmin', primary: true }, { value: 'user' }] },
  },
  {
    name: 'docs/idp/quirks.md #11 rfc-strict: roles[primary eq "True"] → invalidFilter (RFC 7644 §3.4.2.2)',
    profile: 'rfc-strict',
    ops: [op('replace', 'roles[primary eq "True"].value', 'superadmin')],
    error: 'invalidFilter',
  },
  {
    name:
      'Okta doc deactivate user: path-less replace {active:false} leaves the rest (docs/idp/quirks.md #16)',
    profile: 'okta',
    body: patchBodyOf([{ op: 'replace', value: { active: false } }]),
    expected: { ...stripMeta(USER), active: false },
    changedAttributes: ['active'],
  },
  {
    name: 'docs/idp/quirks.md #15 Entra periodic active=true on an active user is a no-op (RFC 7644 §3.5.2.3)',
    profile: 'entra',
    body: patchBodyOf([{ op: 'Replace', path: 'active', value: 'True' }]),
    changed: false,
    changedAttributes: [],
  },
  {
    name: 'Okta doc "Update a specific Group name": {id, displayName}, same id (docs/idp/quirks.md #21a)',
    profile: 'okta',
    resource: { ...GROUP, id: OKTA_GROUP_ID },
    body: patchBodyOf([
      { op: 'replace', value: { id: OKTA_GROUP_ID, displayName: 'Test SCIMv2' } },
    ]),
    expected: { id: OKTA_GROUP_ID, displayName: 'Test SCIMv2', members: [M1, M2] },
    changedAttributes: ['displayName'],
    ignored: ['id'],
  },
  {
    name: 'docs/idp/quirks.md #21a a different id inside a path-less value → mutability (RFC 7643 §3.1 id is readOnly)',
    resource: GROUP,
    ops: [op('replace', undefined, { id: 'another-id', displayName: 'X' })],
    error: 'mutability',
  },
  {
    name: 'RFC 7644 §3.5.2 rfc-strict: id inside a path-less value (readOnly) → mutability',
    profile: 'rfc-strict',
    resource: GROUP,
    ops: [op('replace', undefined, { id: GROUP_ID, displayName: 'X' })],
    error: 'mutability',
  },
  {
    name: 'RFC 7644 §3.5.2 entra: id inside a path-less value is not tolerated → mutability',
    profile: 'entra',
    resource: GROUP,
    ops: [op('replace', undefined, { id: GROUP_ID, displayName: 'X' })],
    error: 'mutability',
  },
  {
    name:
      'RFC 7644 §3.5.2 lenient (ignoreReadOnlyInValue): meta/groups/schemas in a value are ignored',
    ops: [
      op('replace', undefined, {
        schemas: [USER_SCHEMA_ID],
        meta: { resourceType: 'User' },
        groups: [],
        title: 'Guide',
      }),
    ],
    expected: { title: 'Guide', meta: USER.meta },
    ignored: ['schemas', 'meta', 'groups'],
  },
  {
    name: 'RFC 7644 §3.5.2 rfc-strict: meta in a path-less value → mutability',
    profile: 'rfc-strict',
    ops: [op('replace', undefined, { meta: { resourceType: 'User' }, title: 'Guide' })],
    error: 'mutability',
  },
  {
    name: 'Okta doc full membership push: replace members (docs/idp/quirks.md #21c)',
    profile: 'okta',
    resource: { ...GROUP, id: OKTA_GROUP_ID },
    body: patchBodyOf([
      {
        op: 'replace',
        path: 'members',
        value: [
          { value: '23a35c27-23d3-4c03-b4c5-6443c09e7173', display: 'test.user@okta.local' },
          { value: '89bb1940-b905-4575-9e7f-6f887cfb368e', display: 'test.user@okta.local' },
        ],
      },
    ]),
    expected: {
      members: [
        { value: '23a35c27-23d3-4c03-b4c5-6443c09e7173', display: 'test.user@okta.local' },
        { value: '89bb1940-b905-4575-9e7f-6f887cfb368e', display: 'test.user@okta.local' },
      ],
    },
  },
  {
    name: 'docs/idp/quirks.md #21c replace members [] empties the group (RFC 7643 §2.5 unassigned)',
    profile: 'rfc-strict',
    resource: GROUP,
    ops: [op('replace', 'members', [])],
    absent: ['members'],
    changedAttributes: ['members'],
  },
  {
    name:
      'RFC 7644 §3.5.2.2 replace userName with null unassigns a required attribute → mutability',
    ops: [op('replace', 'userName', null)],
    error: 'mutability',
  },
  {
    name: 'RFC 7643 §4.1.1 replace userName with "" → invalidValue (non-empty required)',
    ops: [op('replace', 'userName', '')],
    error: 'invalidValue',
  },
  {
    name: 'RFC 7644 §3.5.2 replace emails[type eq "home"].primary true clears the old primary',
    ops: [op('replace', 'emails[type eq "home"].primary', true)],
    expected: { emails: [{ ...WORK, primary: false }, { ...HOME, primary: true }] },
  },
  {
    name: 'RFC 7643 §2.4 rfc-strict: setting primary on every email at once → invalidValue',
    profile: 'rfc-strict',
    ops: [op('replace', 'emails.primary', true)],
    error: 'invalidValue',
  },
  {
    name: 'RFC 7644 §3.10 replace an extension attribute by URN path',
    ops: [op('replace', `${ENT}:department`, 'Sales')],
    expected: { [ENT]: { department: 'Sales', employeeNumber: '701984' } },
    changedAttributes: [`${ENT}:department`],
  },
  {
    name: 'RFC 7644 §3.10 replace manager.value by URN path with sub-attribute',
    ops: [op('replace', `${ENT}:manager.value`, 'm2')],
    expected: { [ENT]: { manager: { value: 'm2', displayName: 'John Smith' } } },
  },
  {
    name: 'RFC 7644 §3.5.2.3 replace manager with an object merges ($ref added, value kept)',
    ops: [op('replace', `${ENT}:manager`, { $ref: `../Users/${MANAGER_ID}` })],
    expected: {
      [ENT]: {
        manager: { value: MANAGER_ID, displayName: 'John Smith', $ref: `../Users/${MANAGER_ID}` },
      },
    },
  },
  {
    name: 'RFC 7643 §4.1.1 replace password (writeOnly) is returned apart, never stored',
    ops: [op('replace', 'password', 't1meMa$heen')],
    password: 't1meMa$heen',
    absent: ['password'],
    changed: true,
    changedAttributes: ['password'],
  },
  {
    name: 'Okta doc "Syncing the user password" as a path-less replace {password}',
    profile: 'okta',
    ops: [op('replace', undefined, { password: 'newP@ss' })],
    password: 'newP@ss',
    absent: ['password'],
  },
  {
    name: 'RFC 7644 §3.4.2.2 emails.value is not caseExact: filter matches in any case',
    ops: [op('replace', 'emails[value eq "BJENSEN@EXAMPLE.COM"].type', 'other')],
    expected: { emails: [{ ...WORK, type: 'other' }, HOME] },
  },
  {
    name: 'RFC 7643 §4.2 members.value is caseExact: "U1" matches nothing → noTarget (rfc-strict)',
    profile: 'rfc-strict',
    resource: GROUP,
    ops: [op('replace', 'members[value eq "U1"]', { value: 'U1' })],
    error: 'noTarget',
  },
  {
    name: 'RFC 7644 §3.5.2 members[value eq "u1"].display is readOnly → mutability',
    resource: GROUP,
    ops: [op('replace', 'members[value eq "u1"].display', 'X')],
    error: 'mutability',
  },
  {
    name: 'RFC 7643 §4.2 members.value is immutable: changing it via a filter → mutability',
    resource: GROUP,
    ops: [op('replace', 'members[value eq "u1"].value', 'u9')],
    error: 'mutability',
  },
  {
    name: 'RFC 7644 §3.5.2 a valuePath on a singular attribute → invalidPath',
    ops: [op('replace', 'name[givenName eq "Barbara"].familyName', 'X')],
    error: 'invalidPath',
  },
  {
    name: 'RFC 7644 §3.5.2 malformed path → invalidPath',
    ops: [op('replace', 'emails[type eq "work"]x', 'x')],
    error: 'invalidPath',
  },
  {
    name: 'RFC 7644 §3.12 unclosed value filter → invalidFilter',
    ops: [op('replace', 'emails[type eq "work"', 'x')],
    error: 'invalidFilter',
  },
  {
    name: 'RFC 7644 §3.12 malformed filter inside a path → invalidFilter',
    ops: [op('replace', 'emails[type eqq "work"].value', 'x')],
    error: 'invalidFilter',
  },
  {
    name: 'RFC 7644 §3.5.2 unknown sub-attribute in a value filter → invalidFilter',
    ops: [op('replace', 'emails[color eq "red"].value', 'x')],
    error: 'invalidFilter',
  },
  {
    name: 'RFC 7644 §3.4.2.2 value filter with "and" / "sw" operators',
    ops: [op('replace', 'emails[type eq "home" and value sw "babs"].display', 'Babs at home')],
    expected: { emails: [WORK, { ...HOME, display: 'Babs at home' }] },
  },
  {
    name: 'RFC 7644 §3.4.2.2 value filter with "pr"',
    ops: [op('replace', 'emails[primary pr].display', 'Main')],
    expected: { emails: [{ ...WORK, display: 'Main' }, HOME] },
  },
  {
    name: 'RFC 7644 §3.5.2.3 replace of an attribute that does not exist is an add',
    resource: PLAIN_USER,
    ops: [op('replace', 'title', 'Guide')],
    expected: { title: 'Guide' },
  },
  {
    name: 'RFC 7643 §2.5 replace with null unassigns an optional attribute',
    ops: [op('replace', 'displayName', null)],
    absent: ['displayName'],
    changedAttributes: ['displayName'],
  },
  {
    name: 'RFC 7644 §3.5.2 strings are stored exactly as sent (no trimming or case change)',
    ops: [op('replace', 'userName', '  Mixed.Case@Example.COM ')],
    expected: { userName: '  Mixed.Case@Example.COM ' },
  },
];

const REMOVE_CASES: PatchCase[] = [
  {
    name: 'RFC 7644 §3.5.2.2 remove without path → noTarget',
    ops: [op('remove')],
    error: { scimType: 'noTarget', status: 400 },
  },
  {
    name: 'RFC 7644 §3.5.2.2 remove a single-valued attribute',
    ops: [op('remove', 'displayName')],
    absent: ['displayName'],
  },
  {
    name: 'RFC 7644 §3.5.2.2 remove a sub-attribute of a complex attribute',
    ops: [op('remove', 'name.formatted')],
    expected: { name: { givenName: 'Barbara', familyName: 'Jensen' } },
    absent: ['name/formatted'],
  },
  {
    name: 'RFC 7644 §3.5.2.2 remove the last sub-attribute leaves the complex attribute unassigned',
    resource: { ...PLAIN_USER, name: { givenName: 'Test' } },
    ops: [op('remove', 'name.givenName')],
    absent: ['name'],
  },
  {
    name: 'RFC 7644 §3.5.2.2 remove a multi-valued attribute without filter removes all values',
    ops: [op('remove', 'emails')],
    absent: ['emails'],
  },
  {
    name: 'docs/idp/quirks.md #33 remove path=members (remove all) is refused without allowRemoveAll (RFC 7644 §3.5.2.2)',
    resource: GROUP,
    ops: [op('remove', 'members')],
    error: { scimType: 'invalidValue', detail: /remove.*all.*members/i },
  },
  {
    name: 'docs/idp/quirks.md #33 remove path=members with allowRemoveAll removes every member (RFC 7644 §3.5.2.2)',
    resource: GROUP,
    overrides: { allowRemoveAll: true },
    ops: [op('remove', 'members')],
    absent: ['members'],
  },
  {
    name: 'RFC 7644 §3.5.2.2 remove with a filter removes the matching values',
    ops: [op('remove', 'emails[type eq "home"]')],
    expected: { emails: [WORK] },
  },
  {
    name: 'docs/idp/quirks.md #14 remove with a filter matching nothing succeeds without change (RFC 7644 §3.5.2.2)',
    resource: GROUP,
    ops: [op('remove', 'members[value eq "deleted-user"]')],
    changed: false,
    expected: { members: [M1, M2] },
  },
  {
    name: 'Entra doc "Known issues" with flag: remove members[value eq "…"] (docs/idp/quirks.md #4a)',
    resource: {
      ...GROUP,
      members: [M1, M2, { value: '7f4bc1a3-285e-48ae-8202-5accb43efb0e' }],
    },
    body: patchBodyOf([
      { op: 'remove', path: 'members[value eq "7f4bc1a3-285e-48ae-8202-5accb43efb0e"]' },
    ]),
    expected: { members: [M1, M2] },
  },
  {
    name: 'Entra doc "Update Group [Remove Members]": legacy value list removes only it (docs/idp/quirks.md #4b)',
    profile: 'entra',
    resource: GROUP,
    body: patchBodyOf([
      { op: 'Remove', path: 'members', value: [{ $ref: null, value: 'u1' }] },
    ]),
    expected: { members: [M2] },
  },
  {
    name: 'docs/idp/quirks.md #4b rfc-strict: remove members + value list is the RFC remove-all (RFC 7644 §3.5.2.2)',
    profile: 'rfc-strict',
    resource: GROUP,
    ops: [op('Remove', 'members', [{ value: 'u1' }])],
    absent: ['members'],
  },
  {
    name: 'docs/idp/quirks.md #4b rfc-strict without allowRemoveAll: remove members + value list = remove-all → invalidValue (RFC 7644 §3.5.2.2)',
    profile: 'rfc-strict',
    overrides: { allowRemoveAll: false },
    resource: GROUP,
    ops: [op('Remove', 'members', [{ value: 'u1' }])],
    error: { scimType: 'invalidValue', detail: /value list/ },
  },
  {
    name: 'docs/idp/quirks.md #4b okta profile: a value list is not Okta\'s form → remove-all refused (RFC 7644 §3.5.2.2)',
    profile: 'okta',
    resource: GROUP,
    ops: [op('remove', 'members', [{ value: 'u1' }])],
    error: 'invalidValue',
  },
  {
    name: 'RFC 7644 §3.5.2.2 okta + allowRemoveAll: value list means remove all',
    profile: 'okta',
    overrides: { allowRemoveAll: true },
    resource: GROUP,
    ops: [op('remove', 'members', [{ value: 'u1' }])],
    absent: ['members'],
  },
  {
    name: 'RFC 7644 §3.5.2.2 remove a required attribute (userName) → mutability',
    ops: [op('remove', 'userName')],
    error: 'mutability',
  },
  {
    name: 'RFC 7644 §3.5.2.2 remove Group displayName (required) → mutability',
    resource: GROUP,
    ops: [op('remove', 'displayName')],
    error: 'mutability',
  },
  {
    name: 'RFC 7644 §3.5.2.2 remove id (readOnly) → mutability',
    ops: [op('remove', 'id')],
    error: 'mutability',
  },
  {
    name: 'RFC 7644 §3.5.2.2 remove groups (readOnly) → mutability',
    ops: [op('remove', 'groups')],
    error: 'mutability',
  },
  {
    name: 'RFC 7644 §3.5.2.2 remove a sub-attribute of the matching values',
    ops: [op('remove', 'emails[type eq "work"].primary')],
    expected: { emails: [{ value: 'bjensen@example.com', type: 'work' }, HOME] },
    absent: ['emails/0/primary'],
  },
  {
    name: 'RFC 7644 §3.10 remove manager by URN path',
    ops: [op('remove', `${ENT}:manager`)],
    absent: [`${ENT}/manager`],
    changedAttributes: [`${ENT}:manager`],
  },
  {
    name: 'RFC 7643 §3 removing the last extension attribute drops the URN from schemas',
    resource: { ...PLAIN_USER, schemas: [USER_SCHEMA_ID, ENT], [ENT]: { employeeNumber: '7' } },
    ops: [op('remove', `${ENT}:employeeNumber`)],
    expected: { schemas: [USER_SCHEMA_ID] },
    absent: [ENT],
  },
  {
    name:
      'RFC 7643 §3 lenient (urnKeysInValue): remove with a bare extension URN removes all of it',
    ops: [op('remove', ENT)],
    expected: { schemas: [USER_SCHEMA_ID] },
    absent: [ENT],
  },
  {
    name: 'RFC 7644 §3.5.2 rfc-strict: a bare extension URN is not an attribute path → invalidPath',
    profile: 'rfc-strict',
    ops: [op('remove', ENT)],
    error: 'invalidPath',
  },
  {
    name: 'RFC 7644 §3.4.2.2 remove members[value eq "u1" or value eq "u2"]',
    resource: GROUP,
    ops: [op('remove', 'members[value eq "u1" or value eq "u2"]')],
    absent: ['members'],
  },
  {
    name: 'RFC 7644 §3.4.2.2 remove with a "not" filter',
    ops: [op('remove', 'emails[not (type eq "work")]')],
    expected: { emails: [WORK] },
  },
  {
    name: 'RFC 7643 §4.1.1 remove password → mutability (it can only be replaced)',
    ops: [op('remove', 'password')],
    error: 'mutability',
  },
  {
    name: 'RFC 7644 §3.5.2.2 remove manager.value (required sub-attribute) → mutability',
    resource: {
      ...USER,
      [ENT]: { manager: { value: MANAGER_ID, $ref: `../Users/${MANAGER_ID}` } },
    },
    ops: [op('remove', `${ENT}:manager.value`)],
    error: 'mutability',
  },
  {
    name: 'RFC 7644 §3.5.2 rfc-strict: remove of an unknown attribute → invalidPath',
    profile: 'rfc-strict',
    ops: [op('remove', 'favoriteColor')],
    error: 'invalidPath',
  },
  {
    name: 'RFC 7644 §3.5.2.2 lenient too: remove of an unknown attribute is invalidPath',
    ops: [op('remove', 'favoriteColor')],
    error: 'invalidPath',
  },
  {
    name: 'RFC 7644 §3.5.2.2 remove of an attribute that has no value succeeds without change',
    resource: PLAIN_USER,
    ops: [op('remove', 'nickName')],
    changed: false,
  },
  {
    name: 'RFC 7644 §3.5.2.2 remove the sub-attribute of every value (emails.type)',
    ops: [op('remove', 'emails.type')],
    expected: {
      emails: [{ value: 'bjensen@example.com', primary: true }, { value: 'babs@jensen.org' }],
    },
    absent: ['emails/0/type', 'emails/1/type'],
  },
];

const REQUEST_CASES: PatchCase[] = [
  {
    name: 'RFC 7644 §3.5.2 empty Operations → invalidSyntax',
    body: { schemas: [PATCH_OP_SCHEMA], Operations: [] },
    error: 'invalidSyntax',
  },
  {
    name: 'RFC 7644 §3.5.2 Operations not an array → invalidSyntax',
    body: { schemas: [PATCH_OP_SCHEMA], Operations: { op: 'add' } },
    error: 'invalidSyntax',
  },
  {
    name: 'RFC 7644 §3.5.2 rfc-strict: missing schemas → invalidSyntax',
    profile: 'rfc-strict',
    body: { Operations: [op('replace', 'displayName', 'X')] },
    error: 'invalidSyntax',
  },
  {
    name: 'RFC 7644 §3.5.2 rfc-strict: schemas without the PatchOp URN → invalidSyntax',
    profile: 'rfc-strict',
    body: { schemas: [USER_SCHEMA_ID], Operations: [op('replace', 'displayName', 'X')] },
    error: 'invalidSyntax',
  },
  {
    name: 'RFC 7644 §3.5.2 lenient (missingSchemas=tolerate): missing schemas is tolerated',
    body: { Operations: [op('replace', 'displayName', 'X')] },
    expected: { displayName: 'X' },
  },
  {
    name: 'docs/idp/quirks.md #1 rfc-strict still matches op case-insensitively ("Replace") (RFC 7643 §2.1)',
    profile: 'rfc-strict',
    ops: [op('Replace', 'displayName', 'X')],
    expected: { displayName: 'X' },
  },
  {
    name: 'RFC 7644 §3.5.2 unknown op "move" → invalidSyntax',
    ops: [op('move', 'displayName', 'X')],
    error: 'invalidSyntax',
  },
  {
    name: 'RFC 7643 §2.1 message member names are case-insensitive ("operations", "OP", "Path")',
    body: {
      schemas: [PATCH_OP_SCHEMA],
      operations: [{ OP: 'replace', Path: 'displayName', Value: 'X' }],
    },
    expected: { displayName: 'X' },
  },
  {
    name: 'RFC 7644 §3.5.2 an operation that is not an object → invalidSyntax',
    body: patchBodyOf(['replace']),
    error: 'invalidSyntax',
  },
  {
    name: 'RFC 7644 §3.12 errors name the failing operation',
    ops: [op('replace', 'displayName', 'X'), op('replace', 'active', 'maybe')],
    error: { scimType: 'invalidValue', detail: /^Operations\[1\] \(replace active\)/ },
  },
  {
    name: 'RFC 7644 §3.5.2 an empty path is treated as no path (path-less replace)',
    ops: [op('replace', '', { title: 'T' })],
    expected: { title: 'T' },
  },
];

const SEQUENCE_CASES: PatchCase[] = [
  {
    name: 'RFC 7644 §3.5.2 operations apply in sequence: remove then add userName is valid',
    ops: [op('remove', 'userName'), op('add', 'userName', 'new@example.com')],
    expected: { userName: 'new@example.com' },
  },
  {
    name: 'RFC 7644 §3.5.2 sequence: add an email then set it primary through its filter',
    ops: [
      op('add', 'emails', [{ value: 'c@example.com', type: 'other' }]),
      op('replace', 'emails[value eq "c@example.com"].primary', true),
    ],
    expected: {
      emails: [
        { ...WORK, primary: false },
        HOME,
        { value: 'c@example.com', type: 'other', primary: true },
      ],
    },
  },
  {
    name: 'RFC 7644 §3.5.2 atomic: a failing third operation fails the request',
    ops: [
      op('replace', 'displayName', 'X'),
      op('add', 'emails', [{ value: 'x@example.com' }]),
      op('remove', 'userName'),
    ],
    error: 'mutability',
  },
  {
    name: 'Okta doc group push: remove members[value eq] + add members in one request (docs/idp/quirks.md #21b)',
    profile: 'okta',
    resource: {
      ...GROUP,
      id: OKTA_GROUP_ID,
      members: [{ value: '89bb1940-b905-4575-9e7f-6f887cfb368e', display: 'old' }],
    },
    body: patchBodyOf([
      { op: 'remove', path: 'members[value eq "89bb1940-b905-4575-9e7f-6f887cfb368e"]' },
      {
        op: 'add',
        path: 'members',
        value: [{ value: '23a35c27-23d3-4c03-b4c5-6443c09e7173', display: 'test.user@okta.local' }],
      },
    ]),
    expected: {
      members: [{ value: '23a35c27-23d3-4c03-b4c5-6443c09e7173', display: 'test.user@okta.local' }],
    },
  },
  {
    name: 'RFC 7644 §3.5.2.1 add then remove of the same email restores the original (no change)',
    ops: [
      op('add', 'emails', [{ value: 'tmp@example.com' }]),
      op('remove', 'emails[value eq "tmp@example.com"]'),
    ],
    changed: false,
  },
  {
    name: 'docs/idp/quirks.md #32 a replace that does not name members keeps membership (RFC 7644 §3.5.2.3)',
    resource: GROUP,
    ops: [op('replace', undefined, { displayName: 'Renamed', externalId: 'ext-1' })],
    expected: { displayName: 'Renamed', externalId: 'ext-1', members: [M1, M2] },
    changedAttributes: ['displayName', 'externalId'],
  },
];

const DELTA = { resource: GROUP_NO_MEMBERS, deltaAttributes: ['members'] } as const;
const emptyDelta = { add: [], remove: [], removeAll: false };

const DELTA_CASES: PatchCase[] = [
  {
    name: 'docs/idp/quirks.md #22 delta: add members is recorded, not applied (RFC 7644 §3.5.2.1)',
    ...DELTA,
    ops: [op('add', 'members', [{ value: 'u3', display: 'C' }])],
    deltas: { members: { ...emptyDelta, add: [{ value: 'u3', display: 'C' }] } },
    absent: ['members'],
    changedAttributes: ['members'],
  },
  {
    name: 'docs/idp/quirks.md #4a delta: remove members[value eq "u1"] records a removal (RFC 7644 §3.5.2.2)',
    ...DELTA,
    ops: [op('remove', 'members[value eq "u1"]')],
    deltas: { members: { ...emptyDelta, remove: ['u1'] } },
  },
  {
    name: 'docs/idp/quirks.md #21b delta op order: remove x then add x = add x (RFC 7644 §3.5.2: operations apply in order)',
    ...DELTA,
    ops: [op('remove', 'members[value eq "x"]'), op('add', 'members', [{ value: 'x' }])],
    deltas: { members: { ...emptyDelta, add: [{ value: 'x' }] } },
  },
  {
    name: 'docs/idp/quirks.md #14 delta op order: add x then remove x = x removed (RFC 7644 §3.5.2: operations apply in order)',
    ...DELTA,
    ops: [op('add', 'members', [{ value: 'x' }]), op('remove', 'members[value eq "x"]')],
    deltas: { members: { ...emptyDelta, remove: ['x'] } },
  },
  {
    name: 'delta op order: replace then add = replaceAll with both (RFC 7644 §3.5.2.3 + §3.5.2.1)',
    ...DELTA,
    ops: [op('replace', 'members', [{ value: 'a' }]), op('add', 'members', [{ value: 'b' }])],
    deltas: { members: { ...emptyDelta, replaceAll: [{ value: 'a' }, { value: 'b' }] } },
  },
  {
    name: 'docs/idp/quirks.md #21c delta: replace members [] = replaceAll [] (RFC 7644 §3.5.2.3)',
    ...DELTA,
    ops: [op('replace', 'members', [])],
    deltas: { members: { ...emptyDelta, replaceAll: [] } },
  },
  {
    name: 'docs/idp/quirks.md #33 delta: remove all members is refused without allowRemoveAll (RFC 7644 §3.5.2.2)',
    ...DELTA,
    ops: [op('remove', 'members')],
    error: 'invalidValue',
  },
  {
    name: 'docs/idp/quirks.md #33 delta: remove all members with allowRemoveAll sets removeAll (RFC 7644 §3.5.2.2)',
    ...DELTA,
    overrides: { allowRemoveAll: true },
    ops: [op('add', 'members', [{ value: 'a' }]), op('remove', 'members')],
    deltas: { members: { ...emptyDelta, removeAll: true } },
  },
  {
    name: 'docs/idp/quirks.md #4b delta: Entra legacy value list removes only the listed members (RFC 7644 §3.5.2.2)',
    ...DELTA,
    profile: 'entra',
    body: patchBodyOf([{ op: 'Remove', path: 'members', value: [{ $ref: null, value: 'u1' }] }]),
    deltas: { members: { ...emptyDelta, remove: ['u1'] } },
  },
  {
    name: 'Okta doc group push in delta mode: remove + add (docs/idp/quirks.md #21b)',
    ...DELTA,
    profile: 'okta',
    body: patchBodyOf([
      { op: 'remove', path: 'members[value eq "89bb1940-b905-4575-9e7f-6f887cfb368e"]' },
      {
        op: 'add',
        path: 'members',
        value: [{ value: '23a35c27-23d3-4c03-b4c5-6443c09e7173', display: 'test.user@okta.local' }],
      },
    ]),
    deltas: {
      members: {
        ...emptyDelta,
        add: [{ value: '23a35c27-23d3-4c03-b4c5-6443c09e7173', display: 'test.user@okta.local' }],
        remove: ['89bb1940-b905-4575-9e7f-6f887cfb368e'],
      },
    },
  },
  {
    name: 'RFC 7644 §3.5.2.1 delta: a path-less add with a members key is a delta add',
    ...DELTA,
    ops: [op('add', undefined, { members: [{ value: 'u9', type: 'User' }] })],
    deltas: { members: { ...emptyDelta, add: [{ value: 'u9', type: 'User' }] } },
  },
  {
    name: 'Okta doc rename in delta mode: {id, displayName} records no member delta',
    ...DELTA,
    profile: 'okta',
    ops: [op('replace', undefined, { id: GROUP_ID, displayName: 'Renamed' })],
    expected: { displayName: 'Renamed' },
    deltas: {},
    changedAttributes: ['displayName'],
  },
  {
    name: 'RFC 7644 §3.12 delta: an element without value → invalidValue',
    ...DELTA,
    ops: [op('add', 'members', [{ display: 'no id' }])],
    error: 'invalidValue',
  },
  {
    name: 'RFC 7644 §3.5.2.2 delta: members[value eq "a" or value eq "b"] removes both',
    ...DELTA,
    ops: [op('remove', 'members[value eq "a" or value eq "b"]')],
    deltas: { members: { ...emptyDelta, remove: ['a', 'b'] } },
  },
  {
    name: 'docs/idp/quirks.md #31 delta: a form needing the loaded values fails loudly (500) if unchecked (RFC 7644 §3.5.2.2)',
    ...DELTA,
    ops: [op('remove', 'members[type eq "Group"]')],
    error: { status: 500 },
  },
  {
    name: 'delta: repeated add of the same member is one upsert (docs/idp/quirks.md #24, RFC 7644 §3.5.2.1)',
    ...DELTA,
    ops: [
      op('add', 'members', [{ value: 'a' }]),
      op('add', 'members', [{ value: 'a', display: 'A' }]),
    ],
    deltas: { members: { ...emptyDelta, add: [{ value: 'a', display: 'A' }] } },
  },
];

/** Where the profiles differ, one case per profile. */
const PROFILE_CASES: PatchCase[] = [
  {
    name: 'draft-zollner-scim-interop-profile (RFC 7644 §3.5.2) interop: a path-less replace → invalidSyntax',
    profile: 'interop',
    ops: [op('replace', undefined, { title: 'T' })],
    error: 'invalidSyntax',
  },
  {
    name: 'draft-zollner-scim-interop-profile (RFC 7644 §3.5.2) interop: a path naming an unknown attribute → invalidSyntax',
    profile: 'interop',
    ops: [op('replace', 'shoeSize', 42)],
    error: 'invalidSyntax',
  },
  {
    name: 'draft-zollner-scim-interop-profile (RFC 7644 §3.5.2) interop: an unknown sub-attribute in a value → invalidSyntax',
    profile: 'interop',
    ops: [op('add', 'emails', [{ value: 'x@example.com', type: 'work', label: 'x' }])],
    error: 'invalidSyntax',
  },
  {
    name: 'draft-zollner-scim-interop-profile (RFC 7643 §7) interop: a type outside canonicalValues → invalidValue',
    profile: 'interop',
    ops: [op('add', 'phoneNumbers', [{ value: '555', type: 'satellite' }])],
    error: 'invalidValue',
  },
  {
    name: 'draft-zollner-scim-interop-profile (RFC 7644 §3.5.2.3) interop: replace of the whole name replaces it',
    profile: 'interop',
    ops: [op('replace', 'name', { givenName: 'Babs' })],
    expected: { name: { givenName: 'Babs' } },
    absent: ['name/familyName', 'name/formatted'],
  },
  {
    name: 'draft-zollner-scim-interop-profile (RFC 7644 §3.5.2.1) interop: add of the whole name still merges',
    profile: 'interop',
    ops: [op('add', 'name', { givenName: 'Babs' })],
    expected: { name: { givenName: 'Babs', familyName: 'Jensen' } },
  },
  {
    name: 'draft-zollner-scim-interop-profile (RFC 7644 §3.5.2.3) interop: a filtered replace of a sub-attribute works as in rfc-strict',
    profile: 'interop',
    ops: [op('replace', 'phoneNumbers[type eq "work"].value', '555-0000')],
    expected: { phoneNumbers: [{ value: '555-0000', type: 'work' }] },
  },
  ...(
    [
      ['rfc-strict', undefined],
      ['entra', 'invalidValue'],
      ['okta', 'invalidValue'],
      ['lenient', 'invalidValue'],
    ] as const
  ).map(
    ([profile, error]): PatchCase => ({
      name: `docs/idp/quirks.md #33 profile ${profile}: remove path=members without a filter (RFC 7644 §3.5.2.2)`,
      profile,
      resource: GROUP,
      ops: [op('remove', 'members')],
      ...(error ? { error } : { absent: ['members'], changedAttributes: ['members'] }),
    }),
  ),
  ...(
    [
      ['rfc-strict', undefined],
      ['entra', 'invalidValue'],
      ['okta', 'invalidValue'],
      ['lenient', 'invalidValue'],
    ] as const
  ).map(
    ([profile, error]): PatchCase => ({
      name: `docs/idp/quirks.md #33 delta, profile ${profile}: remove path=members without a filter (RFC 7644 §3.5.2.2)`,
      profile,
      ...DELTA,
      ops: [op('remove', 'members')],
      ...(error ? { error } : { deltas: { members: { ...emptyDelta, removeAll: true } } }),
    }),
  ),
  ...(
    [
      ['rfc-strict', 'invalidPath'],
      ['entra', 'applied'],
      ['okta', 'ignored'],
      ['lenient', 'applied'],
    ] as const
  ).map(
    ([profile, outcome]): PatchCase => ({
      name: `docs/idp/quirks.md #3 profile ${profile}: path-less value with "name.givenName" is ${outcome} (RFC 7644 §3.5.2.3)`,
      profile,
      ops: [op('replace', undefined, { 'name.givenName': 'Kkom' })],
      ...(outcome === 'invalidPath'
        ? { error: outcome }
        : outcome === 'ignored'
          ? { changed: false, ignored: ['name.givenName'] }
          : { expected: { name: { givenName: 'Kkom', familyName: 'Jensen' } } }),
    }),
  ),
  ...(
    [
      ['rfc-strict', 'mutability'],
      ['entra', 'mutability'],
      ['okta', undefined],
      ['lenient', undefined],
    ] as const
  ).map(
    ([profile, error]): PatchCase => ({
      name: `docs/idp/quirks.md #21a profile ${profile}: Okta rename {id, displayName} (RFC 7643 §3.1)`,
      profile,
      resource: GROUP,
      ops: [op('replace', undefined, { id: GROUP_ID, displayName: 'X' })],
      ...(error ? { error } : { expected: { displayName: 'X', members: [M1, M2] } }),
    }),
  ),
  ...(
    [
      ['rfc-strict', 'noTarget'],
      ['entra', undefined],
      ['okta', 'noTarget'],
      ['lenient', 'noTarget'],
    ] as const
  ).map(
    ([profile, error]): PatchCase => ({
      name:
        `docs/idp/quirks.md #9 profile ${profile}: replace phoneNumbers[type eq "mobile"].value, no match (RFC 7644 §3.5.2.3)`,
      profile,
      ops: [op('replace', 'phoneNumbers[type eq "mobile"].value', '555-0100')],
      ...(error
        ? { error }
        : {
            expected: {
              phoneNumbers: [
                { value: '555-555-8377', type: 'work' },
                { type: 'mobile', value: '555-0100' },
              ],
            },
          }),
    }),
  ),
  ...(
    [
      ['rfc-strict', 'noTarget'],
      ['entra', undefined],
      ['okta', 'noTarget'],
      ['lenient', undefined],
    ] as const
  ).map(
    ([profile, error]): PatchCase => ({
      name:
        `docs/idp/quirks.md #9 profile ${profile}: add phoneNumbers[type eq "mobile"].value, no match (RFC 7644 §3.5.2.1)`,
      profile,
      ops: [op('add', 'phoneNumbers[type eq "mobile"].value', '555-0100')],
      ...(error
        ? { error }
        : {
            expected: {
              phoneNumbers: [
                { value: '555-555-8377', type: 'work' },
                { type: 'mobile', value: '555-0100' },
              ],
            },
          }),
    }),
  ),
  ...(
    [
      ['rfc-strict', 'invalidPath'],
      ['entra', undefined],
      ['okta', undefined],
      ['lenient', undefined],
    ] as const
  ).map(
    ([profile, error]): PatchCase => ({
      name: `RFC 7644 §3.5.2 profile ${profile}: unknown attribute in a path-less value`,
      profile,
      ops: [op('replace', undefined, { title: 'T', shoeSize: 42 })],
      ...(error
        ? { error }
        : { expected: { title: 'T' }, absent: ['shoeSize'], ignored: ['shoeSize'] }),
    }),
  ),
];

export const PATCH_CASES: readonly PatchCase[] = [
  ...ADD_CASES,
  ...REPLACE_CASES,
  ...REMOVE_CASES,
  ...REQUEST_CASES,
  ...SEQUENCE_CASES,
  ...DELTA_CASES,
  ...PROFILE_CASES,
];

function patchBodyOf(ops: unknown[]): unknown {
  return { schemas: [PATCH_OP_SCHEMA], Operations: ops };
}

function stripMeta(r: ScimJson): ScimJson {
  const { meta: _meta, ...rest } = r;
  return rest;
}
