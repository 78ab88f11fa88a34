import { attr, AttributeDefinition, SchemaDefinition } from './schema.types';

export const USER_SCHEMA_ID = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE_USER_SCHEMA_ID =
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** value/display/type/primary: the shape of most multi-valued attributes (RFC 7643 §2.4). */
function plural(
  name: string,
  types: readonly string[] | undefined,
  opts: { valueType?: 'string' | 'reference' | 'binary'; referenceTypes?: string[] } = {},
): AttributeDefinition {
  return attr(name, {
    type: 'complex',
    multiValued: true,
    subAttributes: [
      attr('value', {
        type: opts.valueType ?? 'string',
        ...(opts.referenceTypes ? { referenceTypes: opts.referenceTypes } : {}),
      }),
      attr('display'),
      attr('type', types ? { canonicalValues: types } : {}),
      attr('primary', { type: 'boolean' }),
    ],
  });
}

/** RFC 7643 §4.1 and §8.7.1. */
export const USER_SCHEMA: SchemaDefinition = {
  id: USER_SCHEMA_ID,
  name: 'User',
  description: 'User Account',
  attributes: [
    attr('userName', { required: true, uniqueness: 'server', description: 'Unique identifier for the User.' }),
    attr('name', {
      type: 'complex',
      subAttributes: [
        attr('formatted'),
        attr('familyName'),
        attr('givenName'),
        attr('middleName'),
        attr('honorificPrefix'),
        attr('honorificSuffix'),
      ],
    }),
    attr('displayName'),
    attr('nickName'),
    attr('profileUrl', { type: 'reference', referenceTypes: ['external'] }),
    attr('title'),
    attr('userType'),
    attr('preferredLanguage'),
    attr('locale'),
    attr('timezone'),
    attr('active', { type: 'boolean' }),
    attr('password', { mutability: 'writeOnly', returned: 'never' }),
    plural('emails', ['work', 'home', 'other']),
    plural('phoneNumbers', ['work', 'home', 'mobile', 'fax', 'pager', 'other']),
    plural('ims', ['aim', 'gtalk', 'icq', 'xmpp', 'msn', 'skype', 'qq', 'yahoo']),
    plural('photos', ['photo', 'thumbnail'], { valueType: 'reference', referenceTypes: ['external'] }),
    attr('addresses', {
      type: 'complex',
      multiValued: true,
      subAttributes: [
        attr('formatted'),
        attr('streetAddress'),
        attr('locality'),
        attr('region'),
        attr('postalCode'),
        attr('country'),
        attr('type', { canonicalValues: ['work', 'home', 'other'] }),
        attr('primary', { type: 'boolean' }),
      ],
    }),
    attr('groups', {
      type: 'complex',
      multiValued: true,
      mutability: 'readOnly',
      subAttributes: [
        attr('value', { mutability: 'readOnly' }),
        attr('$ref', { type: 'reference', referenceTypes: ['User', 'Group'], mutability: 'readOnly' }),
        attr('display', { mutability: 'readOnly' }),
        attr('type', { canonicalValues: ['direct', 'indirect'], mutability: 'readOnly' }),
      ],
    }),
    plural('entitlements', undefined),
    plural('roles', undefined),
    plural('x509Certificates', undefined, { valueType: 'binary' }),
  ],
};

/** RFC 7643 §4.3. */
export const ENTERPRISE_USER_SCHEMA: SchemaDefinition = {
  id: ENTERPRISE_USER_SCHEMA_ID,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    attr('employeeNumber'),
    attr('costCenter'),
    attr('organization'),
    attr('division'),
    attr('department'),
    attr('manager', {
      type: 'complex',
      subAttributes: [
        attr('value', { required: true }),
        attr('$ref', { type: 'reference', referenceTypes: ['User'] }),
        attr('displayName', { mutability: 'readOnly' }),
      ],
    }),
  ],
};
