import { ScimError } from '../errors/scim-error';
import type { IdpProfile } from '../profile/idp-profile';
import { parseAttrPath } from '../schema/attr-path';
import { ResolvedAttribute, SchemaRegistry } from '../schema/schema.registry';
import { ResourceTypeDefinition } from '../schema/schema.types';
import { isPlainObject, JsonObject } from './json.util';

/** One attribute (or sub-attribute) named by a key of a resource body or path-less PATCH value. */
export interface KeyAssignment {
  /** the key as written (for messages), e.g. "name.givenName" or "urn:…:User:employeeNumber" */
  readonly key: string;
  readonly target: ResolvedAttribute;
  readonly value: unknown;
}

export interface KeyContext {
  readonly registry: SchemaRegistry;
  readonly resourceType: ResourceTypeDefinition;
  readonly profile: IdpProfile;
  /** receives keys dropped as unknown (profile.unknownAttributes = 'ignore') */
  readonly ignored: string[];
  /** how an unknown key is reported when rejected (RFC 7644 §3.12: invalidValue for bodies) */
  readonly unknownError?: (detail: string) => ScimError;
}

/**
 * Flattens the keys of a JSON object (resource body or path-less PATCH value) into resolved
 * attribute assignments. Accepts, per RFC 7643 §3 / §2.1, case-insensitive names and extension
 * attributes nested under their URN key; with the profile also `"name.givenName"` keys and
 * URN-qualified flat keys (docs/idp/quirks.md #3). `schemas` is skipped: the caller handles it.
 */
export function flattenKeys(obj: JsonObject, ctx: KeyContext): KeyAssignment[] {
  const out: KeyAssignment[] = [];
  for (const [key, value] of Object.entries(obj)) {
    if (key.toLowerCase() === 'schemas') {
      continue;
    }
    const ext = ctx.registry.extensionSchema(ctx.resourceType, key);
    if (ext) {
      out.push(...flattenExtension(ext.id, key, value, ctx));
      continue;
    }
    const target = resolveKey(key, undefined, ctx);
    if (target) {
      out.push({ key, target, value });
    }
  }
  return out;
}

function flattenExtension(
  urn: string,
  key: string,
  value: unknown,
  ctx: KeyContext,
): KeyAssignment[] {
  if (value === null || value === undefined) {
    return []; // RFC 7643 §2.5: unassigned
  }
  if (!isPlainObject(value)) {
    throw ScimError.invalidValue(`Extension '${key}' must be a JSON object of its attributes`);
  }
  const out: KeyAssignment[] = [];
  for (const [inner, v] of Object.entries(value)) {
    if (inner.toLowerCase() === 'schemas') {
      continue;
    }
    const target = resolveKey(inner, urn, ctx);
    if (target) {
      out.push({ key: `${urn}:${inner}`, target, value: v });
    }
  }
  return out;
}

function resolveKey(
  key: string,
  extensionUrn: string | undefined,
  ctx: KeyContext,
): ResolvedAttribute | undefined {
  const { profile, registry, resourceType } = ctx;
  const qualified = /^urn:/i.test(key);
  const dotted = !qualified && key.includes('.');
  const path =
    (qualified && !profile.urnKeysInValue) || (dotted && !profile.dottedKeysInValue)
      ? undefined
      : parseAttrPath(key);
  let resolved: ResolvedAttribute | undefined;
  if (path && !(qualified && path.sub !== undefined && !profile.dottedKeysInValue)) {
    const scoped = extensionUrn !== undefined && !qualified ? { ...path, uri: extensionUrn } : path;
    resolved = registry.resolve(resourceType, scoped);
    // inside an extension object only that extension's attributes exist
    if (resolved && extensionUrn !== undefined && resolved.schemaId !== extensionUrn) {
      resolved = undefined;
    }
  }
  if (!resolved) {
    const shown = extensionUrn !== undefined ? `${extensionUrn}:${key}` : key;
    if (profile.unknownAttributes === 'reject' || profile.unknownAsInvalidSyntax) {
      const make = profile.unknownAsInvalidSyntax
        ? ScimError.invalidSyntax
        : (ctx.unknownError ?? ScimError.invalidValue);
      throw make(`Unknown attribute '${shown}' for resource type ${resourceType.name}`);
    }
    ctx.ignored.push(shown);
  }
  return resolved;
}
