import { attr, AttributeDefinition, SchemaDefinition } from './schema.types';

/**
 * The catalogue resource types: the values a service provider accepts in a User's `roles` and
 * `entitlements` (RFC 7643 §4.1.2), published so that an IdP can import them before it assigns
 * them. Okta Identity Governance reads every resource type whose core schema is one of these
 * two URNs (its "Build a SCIM 2.0 server with entitlements" guide); draft-ietf-scim-roles-
 * entitlements describes the same resources (value, display, type, supported, contains,
 * containedBy). A catalogue resource's id is its value, so that the id Okta imports is the
 * value it later assigns.
 */
export const OKTA_ROLE_SCHEMA_ID = 'urn:okta:scim:schemas:core:1.0:Role';
export const OKTA_ENTITLEMENT_SCHEMA_ID = 'urn:okta:scim:schemas:core:1.0:Entitlement';

export type CatalogueKind = 'Role' | 'Entitlement';

/** the User attribute through which values of each kind are assigned (RFC 7643 §4.1.2) */
export type AssignedAttribute = 'roles' | 'entitlements';

export const CATALOGUE_SCHEMA_IDS: Readonly<Record<CatalogueKind, string>> = {
  Role: OKTA_ROLE_SCHEMA_ID,
  Entitlement: OKTA_ENTITLEMENT_SCHEMA_ID,
};

export const ASSIGNED_ATTRIBUTE: Readonly<Record<CatalogueKind, AssignedAttribute>> = {
  Role: 'roles',
  Entitlement: 'entitlements',
};

/** The kind of a catalogue core schema URN (compared case-insensitively, as URNs are), or undefined. */
export function catalogueKindOf(schemaId: string): CatalogueKind | undefined {
  const id = schemaId.toLowerCase();
  return (Object.keys(CATALOGUE_SCHEMA_IDS) as CatalogueKind[]).find(
    (k) => CATALOGUE_SCHEMA_IDS[k].toLowerCase() === id,
  );
}

/**
 * The core schema of a catalogue kind. Its attributes are readOnly while no catalogue type of
 * this kind accepts writes (what the draft declares: an IdP reads the catalogue, it does not
 * write it); with `writable`, they are readWrite and `value` (the id) is immutable.
 */
export function catalogueSchema(kind: CatalogueKind, writable: boolean): SchemaDefinition {
  const m = writable ? 'readWrite' : 'readOnly';
  const noun = kind.toLowerCase();
  const attributes: AttributeDefinition[] = [
    attr('value', {
      required: writable,
      mutability: writable ? 'immutable' : 'readOnly',
      uniqueness: 'server',
      description: `The value of the ${noun} as a User's ${ASSIGNED_ATTRIBUTE[kind]} carries it; also its id.`,
    }),
    attr('displayName', { mutability: m, description: `The name of the ${noun} an administrator sees (Okta).` }),
    attr('display', { mutability: m, description: `A human-readable name of the ${noun} (RFC 7643 §2.4).` }),
    attr('type', { mutability: m, description: `A label indicating the ${noun}'s function.` }),
    attr('description', { mutability: m, description: `What the ${noun} grants.` }),
    attr('supported', {
      type: 'boolean',
      mutability: m,
      description: `Whether the ${noun} is enabled and may be assigned; an unsupported one is listed only.`,
    }),
    attr('contains', {
      multiValued: true,
      mutability: m,
      description: `The values of the ${noun}s this one grants the rights of.`,
    }),
    attr('containedBy', {
      multiValued: true,
      mutability: m,
      description: `The values of the ${noun}s that grant a superset of this one's rights.`,
    }),
  ];
  return {
    id: CATALOGUE_SCHEMA_IDS[kind],
    name: kind,
    description: `${kind} a User may be assigned (draft-ietf-scim-roles-entitlements)`,
    attributes,
  };
}
