import { ScimError } from '../errors/scim-error';
import type { IdpProfile } from '../profile/idp-profile';
import { SchemaRegistry } from '../schema/schema.registry';
import { ResourceTypeDefinition } from '../schema/schema.types';
import { isPlainObject, isUnassigned, JsonObject } from './json.util';

const lower = (s: string): string => s.toLowerCase();

/**
 * RFC 7643 §3: `schemas` lists the URIs of the schemas the resource uses; it MUST contain the
 * resource type's core schema. Unknown extra URNs are tolerated in every profile and reported
 * (docs/idp/quirks.md #23: Google sends `urn:scim:schemas:core:1.0`; Entra's Group POST adds
 * `http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group`).
 * Missing or without the core URN: invalidSyntax unless profile.missingSchemas = 'tolerate'.
 * The core URN of another resource type is always rejected (a Group body sent to /Users).
 */
export function checkResourceSchemas(
  schemas: unknown,
  ctx: {
    registry: SchemaRegistry;
    rt: ResourceTypeDefinition;
    profile: IdpProfile;
    ignored: string[];
  },
): void {
  const { registry, rt, profile, ignored } = ctx;
  const core = lower(rt.schema);
  if (schemas === undefined || schemas === null) {
    if (profile.missingSchemas === 'reject') {
      throw ScimError.invalidSyntax(`The request body must contain "schemas": ["${rt.schema}"]`);
    }
    return;
  }
  if (!Array.isArray(schemas) || !schemas.every((s) => typeof s === 'string')) {
    throw ScimError.invalidSyntax('"schemas" must be an array of schema URI strings');
  }
  const own = new Set([core, ...rt.schemaExtensions.map((e) => lower(e.schema))]);
  const others = new Set(
    registry
      .listResourceTypes()
      .filter((t) => lower(t.schema) !== core)
      .map((t) => lower(t.schema)),
  );
  for (const urn of schemas as string[]) {
    if (others.has(lower(urn))) {
      throw ScimError.invalidSyntax(
        `"schemas" names ${urn}, which is not a schema of resource type ${rt.name}`,
      );
    }
    if (!own.has(lower(urn))) {
      if (profile.unknownAsInvalidSyntax) {
        // the SCIM 2.0 Interoperability Profile: a schema URI the server does not define
        throw ScimError.invalidSyntax(`"schemas" names ${urn}, which this server does not define`);
      }
      ignored.push(`schemas:${urn}`);
    }
  }
  const hasCore = (schemas as string[]).some((s) => lower(s) === core);
  if (!hasCore && profile.missingSchemas === 'reject') {
    throw ScimError.invalidSyntax(`"schemas" must contain the core schema ${rt.schema}`);
  }
}

/** The output `schemas`: the core URN, then the extensions that actually hold data. */
export function resourceSchemas(
  resource: JsonObject,
  registry: SchemaRegistry,
  rt: ResourceTypeDefinition,
): string[] {
  const present = registry
    .extensionSchemas(rt)
    .filter((s) => {
      const key = Object.keys(resource).find((k) => lower(k) === lower(s.id));
      return key !== undefined && isPlainObject(resource[key]) && !isUnassigned(resource[key]);
    })
    .map((s) => s.id);
  return [registry.coreSchema(rt).id, ...present];
}
