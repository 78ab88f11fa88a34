import { ScimJson } from '../resource/resource.types';
import { GROUP_SCHEMA_ID } from '../schema/group.schema';
import { ENTERPRISE_USER_SCHEMA_ID, USER_SCHEMA_ID } from '../schema/user.schema';
import { PATCH_OP_SCHEMA } from './patch.request';

/** Test fixtures shaped after RFC 7643 §8.2 / §8.4 (full User, Group) examples. */
export const ENT = ENTERPRISE_USER_SCHEMA_ID;
export const USER_ID = '2819c223-7f76-453a-919d-413861904646';
export const MANAGER_ID = '26118915-6090-4610-87e4-49d8ca9f808d';
export const GROUP_ID = 'e9e30dba-f08f-4109-8486-d5c6a331660a';

export const USER: ScimJson = {
  schemas: [USER_SCHEMA_ID, ENT],
  id: USER_ID,
  externalId: 'bjensen',
  userName: 'bjensen@example.com',
  name: { formatted: 'Ms. Barbara J Jensen III', familyName: 'Jensen', givenName: 'Barbara' },
  displayName: 'Babs Jensen',
  active: true,
  emails: [
    { value: 'bjensen@example.com', type: 'work', primary: true },
    { value: 'babs@jensen.org', type: 'home' },
  ],
  phoneNumbers: [{ value: '555-555-8377', type: 'work' }],
  roles: [{ value: 'admin', primary: true }, { value: 'user' }],
  addresses: [
    {
      type: 'work',
      streetAddress: '100 Universal City Plaza',
      locality: 'Hollywood',
      region: 'CA',
      postalCode: '91608',
      country: 'US',
      primary: true,
    },
  ],
  [ENT]: {
    employeeNumber: '701984',
    department: 'Tour Operations',
    manager: { value: MANAGER_ID, displayName: 'John Smith' },
  },
  meta: {
    resourceType: 'User',
    created: '2010-01-23T04:56:22Z',
    lastModified: '2011-05-13T04:42:34Z',
    version: 'W/"3694e05e9dff591"',
  },
};

/** A user without the enterprise extension and without a work email. */
export const PLAIN_USER: ScimJson = {
  schemas: [USER_SCHEMA_ID],
  id: USER_ID,
  userName: 'Test_User@example.com',
  name: { givenName: 'Test', familyName: 'User' },
  active: true,
  emails: [{ value: 'home@example.com', type: 'home' }],
};

export const GROUP: ScimJson = {
  schemas: [GROUP_SCHEMA_ID],
  id: GROUP_ID,
  displayName: 'Tour Guides',
  members: [
    { value: 'u1', display: 'Babs Jensen', type: 'User' },
    { value: 'u2', display: 'Mandy Pepperidge', type: 'User' },
  ],
  meta: { resourceType: 'Group', created: '2010-01-23T04:56:22Z' },
};

/** The same group as loaded in delta mode: members not materialized. */
export const GROUP_NO_MEMBERS: ScimJson = {
  schemas: [GROUP_SCHEMA_ID],
  id: GROUP_ID,
  displayName: 'Tour Guides',
};

export function patchBody(...ops: unknown[]): unknown {
  return { schemas: [PATCH_OP_SCHEMA], Operations: ops };
}
