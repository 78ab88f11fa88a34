export { applyPatch, requiresFullAttribute } from './patch.engine';
export { parsePatchRequest, PATCH_OP_SCHEMA } from './patch.request';
export { parsePatchPath } from './patch-path.parser';
export type { PatchPath } from './patch-path.parser';
export {
  DEFAULT_PROFILE,
  PATCH_PROFILES,
  PROFILE_NAMES,
  profileFor,
  isProfileName,
  suggestProfile,
} from '../profile/idp-profile';
export type { IdpProfile, ProfileName } from '../profile/idp-profile';
export type {
  AttributeDelta,
  DeltaElement,
  FilterParser,
  PatchContext,
  PatchOperation,
  PatchOpName,
  PatchResult,
} from './patch.types';
