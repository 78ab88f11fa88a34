import { FilterNode } from '../filter/filter.ast';
import { ScimJson } from '../resource/resource.types';
import { SchemaRegistry } from '../schema/schema.registry';
import { ResourceTypeDefinition } from '../schema/schema.types';
import { IdpProfile } from '../profile/idp-profile';

export type PatchOpName = 'add' | 'remove' | 'replace';

/** One validated PATCH operation (RFC 7644 §3.5.2); `op` is lower-cased. */
export interface PatchOperation {
  readonly op: PatchOpName;
  readonly path?: string;
  /** absent (undefined) when the operation had no "value" member; JSON null stays null */
  readonly value?: unknown;
}

export type FilterParser = (text: string) => FilterNode;

export interface PatchContext {
  readonly registry: SchemaRegistry;
  /** the resource type (definition or name, e.g. 'Group') */
  readonly resourceType: ResourceTypeDefinition | string;
  readonly profile: IdpProfile;
  /**
   * Canonical names of large multi-valued attributes (e.g. ['members']) the caller did NOT load:
   * the engine leaves `resource[attr]` alone and records `deltas[attr]` instead.
   */
  readonly deltaAttributes?: readonly string[];
  /**
   * Multi-valued attributes whose "remove all" needs profile.allowRemoveAll
   * (docs/idp/quirks.md #4, #33). Default: ['members'].
   */
  readonly guardedAttributes?: readonly string[];
  /** the filter parser for `attr[filter]` paths; default: parseFilter of ../filter/filter.parser */
  readonly parseFilter?: FilterParser;
}

/** One member-like element recorded in delta mode; `value` is the referenced id. */
export interface DeltaElement extends ScimJson {
  value: string;
  type?: string;
  $ref?: string;
  display?: string;
}

/**
 * The net change to a delta attribute, in op order. The final value is
 *   replaceAll                                  when replaceAll is set (add/remove are then empty);
 *   (removeAll ? [] : current − remove) ∪ add   otherwise
 * where add ∩ remove = ∅ and add is an upsert by value.
 */
export interface AttributeDelta {
  replaceAll?: DeltaElement[];
  add: DeltaElement[];
  /** values (ids) to remove */
  remove: string[];
  /** `remove path=members` (only with profile.allowRemoveAll): log it (docs/idp/quirks.md #33) */
  removeAll: boolean;
}

export interface PatchResult {
  /** the patched resource (a new object; the input is never mutated) */
  readonly resource: ScimJson;
  /** false when the result deep-equals the input and nothing else changed (no-op PATCH) */
  readonly changed: boolean;
  /** canonical top-level names (`urn:…:attr` for extension attributes) that changed */
  readonly changedAttributes: string[];
  /** set when the patch wrote the writeOnly password (hash it; it is not in `resource`) */
  readonly password?: string;
  readonly deltas: Record<string, AttributeDelta>;
  /** keys/paths ignored under the profile (unknown attributes, readOnly keys in values) */
  readonly ignored: string[];
}
