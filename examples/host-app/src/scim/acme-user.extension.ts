import { SchemaDefinition, attr } from '../scim-nest';

export const ACME_USER_SCHEMA_ID = 'urn:example:params:scim:schemas:extension:acme:2.0:User';

/**
 * The host's own User extension, registered in code (ScimModule `userExtensions`). Its values
 * are kept in host_users.scim_attributes (JSON) and filtered/sorted there in SQL.
 */
export const ACME_USER_EXTENSION: SchemaDefinition = {
  id: ACME_USER_SCHEMA_ID,
  name: 'AcmeUser',
  description: 'Acme attributes of a user',
  attributes: [
    attr('costCenter', { description: 'Cost center' }),
    attr('clearance', { type: 'integer', description: 'Security clearance level' }),
    attr('remote', { type: 'boolean', description: 'Works remotely' }),
    attr('badgeId', { caseExact: true, mutability: 'immutable', description: 'Set once' }),
  ],
};
