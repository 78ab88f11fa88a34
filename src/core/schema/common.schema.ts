import { attr, AttributeDefinition } from './schema.types';

/** RFC 7643 §3.1: attributes that every resource carries, outside any schema's attribute list. */
export const COMMON_ATTRIBUTES: readonly AttributeDefinition[] = [
  attr('id', {
    caseExact: true,
    mutability: 'readOnly',
    returned: 'always',
    uniqueness: 'server',
    description: 'Unique identifier for the SCIM resource as defined by the service provider.',
  }),
  attr('externalId', {
    caseExact: true,
    description: 'Identifier for the resource as defined by the provisioning client.',
  }),
  attr('meta', {
    type: 'complex',
    mutability: 'readOnly',
    description: 'Resource metadata.',
    subAttributes: [
      attr('resourceType', { caseExact: true, mutability: 'readOnly' }),
      attr('created', { type: 'dateTime', mutability: 'readOnly' }),
      attr('lastModified', { type: 'dateTime', mutability: 'readOnly' }),
      attr('location', { type: 'reference', referenceTypes: ['uri'], mutability: 'readOnly' }),
      attr('version', { caseExact: true, mutability: 'readOnly' }),
    ],
  }),
];
