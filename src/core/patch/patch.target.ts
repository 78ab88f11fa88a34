import { ScimError } from '../errors/scim-error';
import { FilterNode } from '../filter/filter.ast';
import { validateValueFilter } from '../filter/filter.validator';
import { findIn, ResolvedAttribute } from '../schema/schema.registry';
import { AttributeDefinition, SchemaDefinition } from '../schema/schema.types';
import { EngineContext } from './patch.context';
import { valueFilterOptions } from '../profile/idp-profile';
import { parsePatchPath } from './patch-path.parser';

/** What one PATCH operation addresses, resolved against the resource type's schemas. */
export interface PatchTarget {
  /** the top-level attribute */
  readonly attribute: AttributeDefinition;
  /** the extension URN when the attribute lives in an extension object */
  readonly urn?: string;
  /**
   * a sub-attribute: `name.givenName` (singular complex), `emails.type` (every element of a
   * multi-valued attribute) or `emails[type eq "work"].value` (the matching elements)
   */
  readonly sub?: AttributeDefinition;
  /** the value filter selecting elements of a multi-valued attribute, validated and normalized */
  readonly filter?: FilterNode;
  /** canonical label: `emails`, `urn:…:enterprise:2.0:User:manager` */
  readonly label: string;
  /** the path as written, for messages */
  readonly text: string;
}

/** A bare extension URN as path: the whole extension object (profile.urnKeysInValue). */
export interface ExtensionTarget {
  readonly extension: SchemaDefinition;
  readonly text: string;
}

export function labelOf(attribute: AttributeDefinition, urn?: string): string {
  return urn === undefined ? attribute.name : `${urn}:${attribute.name}`;
}

export function targetFromResolved(r: ResolvedAttribute, text: string): PatchTarget {
  const urn = r.extension ? r.schemaId : undefined;
  return {
    attribute: r.attribute,
    ...(urn !== undefined ? { urn } : {}),
    ...(r.subAttribute ? { sub: r.subAttribute } : {}),
    label: labelOf(r.attribute, urn),
    text,
  };
}

/**
 * An explicit `path` naming an attribute the schema does not have is always a 400 invalidPath
 * (RFC 7644 §3.5.2; "unknown forms fail with a SCIM 400, never silently"): the client named
 * the target, so ignoring it would report success for a change that was not made. Unknown keys
 * inside a path-less value are governed by profile.unknownAttributes instead.
 */
function unknown(ctx: EngineContext, text: string, what: string): never {
  // the SCIM 2.0 Interoperability Profile: what the schemas do not define is invalidSyntax
  const make = ctx.profile.unknownAsInvalidSyntax ? ScimError.invalidSyntax : ScimError.invalidPath;
  throw make(`PATCH path '${text}': ${what}`);
}

/** Resolves a PATCH path (RFC 7644 §3.5.2). Unknown attributes → invalidPath. */
export function resolveTarget(
  ctx: EngineContext,
  text: string,
): PatchTarget | ExtensionTarget | undefined {
  const trimmed = text.trim();
  const ext = ctx.registry.extensionSchema(ctx.rt, trimmed);
  if (ext) {
    if (!ctx.profile.urnKeysInValue) {
      throw ScimError.invalidPath(
        `PATCH path '${text}' names a whole extension; use '${ext.id}:<attribute>'`,
      );
    }
    return { extension: ext, text };
  }
  const pp = parsePatchPath(trimmed, ctx.parseFilter);
  const resolved = ctx.registry.resolve(ctx.rt, pp.attrPath);
  if (!resolved) {
    return unknown(ctx, text, `no such attribute for resource type ${ctx.rt.name}`);
  }
  const base = targetFromResolved(resolved, text);
  if (!pp.filter) {
    return base;
  }
  const def = resolved.attribute;
  if (!def.multiValued) {
    throw ScimError.invalidPath(
      `PATCH path '${text}': a value filter needs a multi-valued attribute, '${def.name}' is not`,
    );
  }
  // RFC 7644 §3.5.2: a bad filter is invalidFilter, even when there is no element to test
  const filter = validateValueFilter(pp.filter, def, valueFilterOptions(ctx.profile));
  let sub: AttributeDefinition | undefined;
  if (pp.subAttr !== undefined) {
    sub = def.type === 'complex' ? findIn(def.subAttributes ?? [], pp.subAttr) : undefined;
    if (!sub) {
      return unknown(ctx, text, `'${def.name}' has no sub-attribute '${pp.subAttr}'`);
    }
  }
  return { ...base, filter, ...(sub ? { sub } : {}) };
}

export function isExtensionTarget(t: PatchTarget | ExtensionTarget): t is ExtensionTarget {
  return 'extension' in t;
}
