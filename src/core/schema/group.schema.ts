import { attr, SchemaDefinition } from './schema.types';

export const GROUP_SCHEMA_ID = 'urn:ietf:params:scim:schemas:core:2.0:Group';

/** RFC 7643 §4.2 and §8.7.1. */
export const GROUP_SCHEMA: SchemaDefinition = {
  id: GROUP_SCHEMA_ID,
  name: 'Group',
  description: 'Group',
  attributes: [
    attr('displayName', { required: true, description: 'A human-readable name for the Group.' }),
    attr('members', {
      type: 'complex',
      multiValued: true,
      subAttributes: [
        attr('value', { caseExact: true, mutability: 'immutable' }),
        attr('$ref', { type: 'reference', referenceTypes: ['User', 'Group'], mutability: 'immutable' }),
        attr('display', { mutability: 'readOnly' }),
        attr('type', { canonicalValues: ['User', 'Group'], mutability: 'immutable' }),
      ],
    }),
  ],
};
