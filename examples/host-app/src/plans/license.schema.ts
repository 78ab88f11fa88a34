import { SchemaDefinition, attr } from '../scim-nest';

export const LICENSE_SCHEMA_ID = 'urn:example:params:scim:schemas:extension:acme:1.0:License';

/** What a License carries beyond Okta's Entitlement schema: the seats of the plan. */
export const LICENSE_EXTENSION: SchemaDefinition = {
  id: LICENSE_SCHEMA_ID,
  name: 'License',
  description: 'A plan of the Acme product',
  attributes: [attr('seats', { type: 'integer', mutability: 'readOnly', description: 'Seats the plan includes' })],
};
