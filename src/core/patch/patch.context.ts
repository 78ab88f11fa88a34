import {
  deleteCI,
  getCI,
  isPlainObject,
  isUnassigned,
  JsonObject,
  setCI,
} from '../resource/json.util';
import { SchemaRegistry } from '../schema/schema.registry';
import { AttributeDefinition, ResourceTypeDefinition } from '../schema/schema.types';
import { DeltaBuilder } from './patch.delta';
import { IdpProfile } from '../profile/idp-profile';
import { FilterParser, PatchOpName } from './patch.types';

/** Everything one applyPatch call needs, resolved once. */
export interface EngineContext {
  readonly registry: SchemaRegistry;
  readonly rt: ResourceTypeDefinition;
  readonly profile: IdpProfile;
  readonly parseFilter: FilterParser;
  /** lower-cased names of attributes in delta mode */
  readonly delta: ReadonlySet<string>;
  /** lower-cased names of attributes whose remove-all needs profile.allowRemoveAll */
  readonly guarded: ReadonlySet<string>;
  readonly ignored: string[];
}

/** The mutable working copy of one applyPatch call (the caller's input is never touched). */
export interface EngineState {
  readonly ctx: EngineContext;
  readonly resource: JsonObject;
  readonly resourceId: string | undefined;
  password?: string;
  readonly deltas: Map<string, DeltaBuilder>;
  /** label → the attribute and the last op that wrote it (for the final required check) */
  readonly touched: Map<string, { attribute: AttributeDefinition; urn?: string; op: PatchOpName }>;
}

/** The object holding top-level attributes of `urn` (the resource itself for core attributes). */
export function holderFor(
  state: EngineState,
  urn: string | undefined,
  create: boolean,
): JsonObject | undefined {
  if (urn === undefined) {
    return state.resource;
  }
  const ext = getCI(state.resource, urn);
  if (isPlainObject(ext)) {
    return ext;
  }
  if (!create) {
    return undefined;
  }
  const fresh: JsonObject = {};
  setCI(state.resource, urn, fresh);
  return fresh;
}

export function readAttr(
  state: EngineState,
  attribute: AttributeDefinition,
  urn: string | undefined,
): unknown {
  const holder = holderFor(state, urn, false);
  return holder ? getCI(holder, attribute.name) : undefined;
}

/** Writes (or, for an unassigned value, removes) a top-level attribute under its canonical name. */
export function writeAttr(
  state: EngineState,
  attribute: AttributeDefinition,
  urn: string | undefined,
  value: unknown,
  op: PatchOpName,
): void {
  const holder = holderFor(state, urn, !isUnassigned(value));
  if (holder) {
    if (isUnassigned(value)) {
      deleteCI(holder, attribute.name);
    } else {
      setCI(holder, attribute.name, value);
    }
    if (urn !== undefined && isUnassigned(holder)) {
      deleteCI(state.resource, urn);
    }
  }
  const label = urn === undefined ? attribute.name : `${urn}:${attribute.name}`;
  state.touched.set(label, { attribute, ...(urn !== undefined ? { urn } : {}), op });
}
