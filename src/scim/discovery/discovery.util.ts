import { ScimError } from '../../core/errors/scim-error';
import { COMMON_ATTRIBUTES } from '../../core/schema/common.schema';
import { AttributeDefinition, ResourceTypeDefinition, SchemaDefinition } from '../../core/schema/schema.types';

const EXTERNAL_ID = COMMON_ATTRIBUTES.find((a) => a.name === 'externalId')!;

/**
 * A resource type's core schema as /Schemas lists it: its attributes, then `externalId`.
 * RFC 7643 §3.1 defines `externalId` as a common attribute outside any schema, but clients
 * that find the attributes they may map in /Schemas only see what a schema lists: Entra ID's
 * gallery validation (Schema_Discoverability_Test) fails a server whose User schema does not
 * list `externalId`, the attribute Entra maps `objectId`/`mailNickname` to. Listing it changes no
 * request's outcome: it is the same attribute with the same characteristics. A schema whose
 * attributes are all readOnly (a catalogue a client only reads) gets none: nothing maps to it.
 */
export function withExternalId(s: SchemaDefinition): SchemaDefinition {
  const readOnly = s.attributes.every((a) => a.mutability === 'readOnly');
  if (readOnly || s.attributes.some((a) => a.name.toLowerCase() === 'externalid')) {
    return s;
  }
  return { ...s, attributes: [...s.attributes, EXTERNAL_ID] };
}

/** RFC 7643 §7 representation of a schema, with its meta (RFC 7644 §4). */
export function renderSchema(s: SchemaDefinition, baseUrl: string) {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'],
    id: s.id,
    name: s.name,
    description: s.description,
    attributes: s.attributes.map((a) => renderAttribute(a)),
    meta: { resourceType: 'Schema', location: `${baseUrl}/Schemas/${s.id}` },
  };
}

/**
 * RFC 7643 §7 attribute representation. The `type` of a multi-valued attribute always lists
 * its canonicalValues, an empty list when the schema suggests none (entitlements, roles,
 * x509Certificates): the SCIM 2.0 Interoperability Profile requires the acceptable `type`
 * values to be declared, and under its profile no other value is accepted.
 */
function renderAttribute(a: AttributeDefinition, parent?: AttributeDefinition): Record<string, unknown> {
  const typed = parent?.multiValued === true && a.name === 'type';
  return {
    name: a.name,
    type: a.type,
    multiValued: a.multiValued,
    description: a.description,
    required: a.required,
    caseExact: a.caseExact,
    mutability: a.mutability,
    returned: a.returned,
    uniqueness: a.uniqueness,
    ...(a.canonicalValues || typed ? { canonicalValues: a.canonicalValues ?? [] } : {}),
    ...(a.referenceTypes ? { referenceTypes: a.referenceTypes } : {}),
    ...(a.subAttributes ? { subAttributes: a.subAttributes.map((s) => renderAttribute(s, a)) } : {}),
  };
}

/** RFC 7643 §6 representation of a resource type. */
export function renderResourceType(rt: ResourceTypeDefinition, baseUrl: string) {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
    id: rt.id,
    name: rt.name,
    endpoint: rt.endpoint,
    description: rt.description,
    schema: rt.schema,
    schemaExtensions: rt.schemaExtensions.map((e) => ({ schema: e.schema, required: e.required })),
    meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/${rt.id}` },
  };
}

/**
 * RFC 7644 §4: discovery endpoints do not filter, sort or page; a `filter` is refused with 403
 * as the RFC allows (never a 500: docs/idp/quirks.md #35).
 */
export function refuseDiscoveryFilter(filter: string | undefined): void {
  if (filter !== undefined) {
    throw ScimError.forbidden('Filtering is not supported on discovery endpoints (RFC 7644 §4)');
  }
}
