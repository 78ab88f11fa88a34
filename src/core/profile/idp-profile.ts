import { FilterParseOptions } from '../filter/filter.parser';
import { FilterValidationOptions } from '../filter/filter.validator';

/**
 * An IdP profile: named tolerance switches for what real SCIM clients send, shared by the PATCH
 * engine and the POST/PUT body normalizer. Every switch is a deviation from (or a choice within)
 * RFC 7643/7644; `rfc-strict` turns them all off. The rule for `lenient` (the default): where the
 * RFC defines the outcome of a request, the default gives that outcome; its tolerances only
 * cover requests the RFC does not define or calls invalid. A switch that changes the outcome of
 * an RFC-valid request is on only in the profile of the IdP that needs it.
 * docs/idp/profiles.md has the table (switch, RFC text, IdP, profiles); docs/idp/quirks.md the
 * request shapes (row numbers in the comments).
 */
export interface IdpProfile {
  /** "True"/"False" strings for boolean attributes (#2: Entra without the flag) */
  readonly coerceBooleanStrings: boolean;
  /** numeric strings for integer/decimal attributes ("42" → 42) */
  readonly coerceNumericStrings: boolean;
  /** `"name.givenName": "A"` keys in path-less PATCH values and in POST/PUT bodies (#3) */
  readonly dottedKeysInValue: boolean;
  /**
   * URN-qualified flat keys (`"urn:…:enterprise:2.0:User:employeeNumber": "7"`, #3) and a bare
   * extension URN as a PATCH path (`"path": "urn:…:enterprise:2.0:User"`)
   */
  readonly urnKeysInValue: boolean;
  /** bare string for a singular complex attribute with a `value` sub-attribute: manager (#8) */
  readonly wrapScalarForComplex: boolean;
  /** a single value/object where a multi-valued attribute expects an array */
  readonly singleValueAsArray: boolean;
  /** Entra legacy `remove path=members value=[{value}]` removes only the listed members (#4b) */
  readonly removeValueListRemovesListed: boolean;
  /**
   * `remove path=members` without filter (or with a value list read as RFC remove-all) removes
   * every member, as RFC 7644 §3.5.2.2 says (#33). Off, it is refused: the default's documented
   * data-loss guard, the one place where the default does not give an RFC-valid request the
   * RFC's outcome. Guards only the attributes named as guarded (`members` by default).
   */
  readonly allowRemoveAll: boolean;
  /**
   * replace `emails[type eq "work"].value` with no match creates the element (#9). Changes the
   * outcome of an RFC-valid request (RFC 7644 §3.5.2.3: 400 noTarget): Entra's profile only.
   */
  readonly replaceNoTargetAdds: boolean;
  /**
   * add `emails[type eq "work"].value` with no match creates the element (#9). RFC 7644
   * §3.5.2.1 gives add no rule for a value filter ("if the target location does not exist, the
   * attribute and value are added"); without the switch the server answers noTarget.
   */
  readonly addNoTargetCreates: boolean;
  /** Okta rename `{"op":"replace","value":{"id":"<same id>","displayName":"X"}}` (#21a) */
  readonly ignoreMatchingIdInValue: boolean;
  /** readOnly `meta` / `groups` / `schemas` keys inside a path-less PATCH value are ignored */
  readonly ignoreReadOnlyInValue: boolean;
  /** unknown attributes: 'reject' → 400, 'ignore' → dropped and reported */
  readonly unknownAttributes: 'reject' | 'ignore';
  /** missing `schemas` in a body (unknown extra URNs are tolerated in every profile, #23) */
  readonly missingSchemas: 'reject' | 'tolerate';
  /** `roles[primary eq "True"].value`: string booleans inside PATCH path filters (#11) */
  readonly stringBooleansInFilters: boolean;
  /**
   * `emails[type eq "work"].value eq "x"` in a search filter, read as
   * `emails[type eq "work" and value eq "x"]` (#36: Entra ID matching users by email); not in
   * the RFC 7644 §3.4.2.2 grammar
   */
  readonly subAttrAfterValuePath: boolean;
  /** several `primary: true` in one multi-valued attribute: keep the first instead of 400 */
  readonly keepFirstPrimary: boolean;
  /**
   * leave RFC 9865's `pagination` block out of /ServiceProviderConfig, for clients built on
   * models that refuse attributes RFC 7643 §5 does not list. Off in every profile (the block is
   * the RFC); a tenant turns it on for such a client
   */
  readonly omitSpcPagination: boolean;
  /**
   * the SCIM 2.0 Interoperability Profile's error for what the schemas do not define: an
   * unknown attribute (in a body, a path-less value, a PATCH path), sub-attribute or schema
   * URN in `schemas` is 400 invalidSyntax (instead of invalidValue/invalidPath, and unknown
   * URNs are no longer tolerated)
   */
  readonly unknownAsInvalidSyntax: boolean;
  /** every PATCH operation needs a `path`: a path-less add/replace is 400 invalidSyntax (interop) */
  readonly requirePatchPath: boolean;
  /**
   * a multi-valued attribute's `type` must be one of its declared canonicalValues (none
   * declared: no `type` at all), 400 invalidValue otherwise (interop: clients only use them)
   */
  readonly canonicalTypesOnly: boolean;
  /**
   * a `replace` of a whole singular complex attribute (`path: "name"`) replaces it: the
   * sub-attributes the value leaves out are removed (interop). RFC 7644 §3.5.2.3 merges
   */
  readonly replaceComplexWhole: boolean;
}

export type ProfileName = 'rfc-strict' | 'entra' | 'okta' | 'lenient' | 'interop';

export const PROFILE_NAMES: readonly ProfileName[] = [
  'rfc-strict',
  'entra',
  'okta',
  'lenient',
  'interop',
];

/** Every tolerance off; what RFC 7644 §3.5.2.2 defines (remove-all) is performed. */
const RFC_STRICT: IdpProfile = {
  coerceBooleanStrings: false,
  coerceNumericStrings: false,
  dottedKeysInValue: false,
  urnKeysInValue: false,
  wrapScalarForComplex: false,
  singleValueAsArray: false,
  removeValueListRemovesListed: false,
  allowRemoveAll: true,
  replaceNoTargetAdds: false,
  addNoTargetCreates: false,
  ignoreMatchingIdInValue: false,
  ignoreReadOnlyInValue: false,
  unknownAttributes: 'reject',
  missingSchemas: 'reject',
  stringBooleansInFilters: false,
  subAttrAfterValuePath: false,
  keepFirstPrimary: false,
  omitSpcPagination: false,
  unknownAsInvalidSyntax: false,
  requirePatchPath: false,
  canonicalTypesOnly: false,
  replaceComplexWhole: false,
};

/**
 * The SCIM 2.0 Interoperability Profile (draft-zollner-scim-interop-profile): the RFC as
 * `rfc-strict` reads it, plus the draft's service-provider rules: what the schemas do not
 * define is 400 invalidSyntax, every PATCH operation names a `path`, `type` values are the
 * declared canonical ones, a replace of a whole complex attribute replaces it. /ServiceProviderConfig then says `interopProfileConformant: true`.
 */
const INTEROP: IdpProfile = {
  ...RFC_STRICT,
  unknownAsInvalidSyntax: true,
  requirePatchPath: true,
  canonicalTypesOnly: true,
  replaceComplexWhole: true,
};

/** Microsoft Entra ID: both the default (legacy) and the aadOptscim062020 request shapes. */
const ENTRA: IdpProfile = {
  ...RFC_STRICT,
  allowRemoveAll: false,
  coerceBooleanStrings: true,
  dottedKeysInValue: true,
  urnKeysInValue: true,
  wrapScalarForComplex: true,
  removeValueListRemovesListed: true,
  replaceNoTargetAdds: true,
  addNoTargetCreates: true,
  stringBooleansInFilters: true,
  subAttrAfterValuePath: true,
  unknownAttributes: 'ignore',
};

/** Okta: path-less replaces carrying `id`, members without `type`, full pushes. */
const OKTA: IdpProfile = {
  ...RFC_STRICT,
  allowRemoveAll: false,
  ignoreMatchingIdInValue: true,
  ignoreReadOnlyInValue: true,
  unknownAttributes: 'ignore',
};

/**
 * The default: every known IdP form of a request the RFC does not define or calls invalid, as
 * long as it loses no data. RFC-valid requests get the RFC's outcome (a replace whose filter
 * matches nothing is noTarget), except remove-all of a guarded attribute, which stays refused:
 * one wrong request would empty a group (a documented data-loss guard, docs/idp/quirks.md #33).
 */
const LENIENT: IdpProfile = {
  coerceBooleanStrings: true,
  coerceNumericStrings: true,
  dottedKeysInValue: true,
  urnKeysInValue: true,
  wrapScalarForComplex: true,
  singleValueAsArray: true,
  removeValueListRemovesListed: true,
  allowRemoveAll: false,
  replaceNoTargetAdds: false,
  addNoTargetCreates: true,
  ignoreMatchingIdInValue: true,
  ignoreReadOnlyInValue: true,
  unknownAttributes: 'ignore',
  missingSchemas: 'tolerate',
  stringBooleansInFilters: true,
  subAttrAfterValuePath: true,
  keepFirstPrimary: true,
  omitSpcPagination: false,
  unknownAsInvalidSyntax: false,
  requirePatchPath: false,
  canonicalTypesOnly: false,
  replaceComplexWhole: false,
};

export const PATCH_PROFILES: Readonly<Record<ProfileName, IdpProfile>> = {
  'rfc-strict': RFC_STRICT,
  entra: ENTRA,
  okta: OKTA,
  lenient: LENIENT,
  interop: INTEROP,
};

export const DEFAULT_PROFILE: ProfileName = 'lenient';

export function isProfileName(name: string): name is ProfileName {
  return (PROFILE_NAMES as readonly string[]).includes(name);
}

/** How a profile parses a search filter (`emails[type eq "work"].value eq "x"`). */
export function filterParseOptions(profile: IdpProfile): FilterParseOptions {
  return { subAttrAfterValuePath: profile.subAttrAfterValuePath };
}

/** How a profile reads the value filter of a PATCH path (`roles[primary eq "True"]`). */
export function valueFilterOptions(profile: IdpProfile): FilterValidationOptions {
  return { stringBooleans: profile.stringBooleansInFilters };
}

/** The profile of a profile name, with per-switch overrides (e.g. `{ allowRemoveAll: true }`). */
export function profileFor(
  name: ProfileName = DEFAULT_PROFILE,
  overrides: Partial<IdpProfile> = {},
): IdpProfile {
  return { ...PATCH_PROFILES[name], ...overrides };
}

/**
 * A best-effort guess of the client from its User-Agent. Okta documents
 * `User-Agent: Okta SCIM Client 1.0.0` (SCIM 2.0 protocol reference). Microsoft does not document
 * the Entra provisioning agent's UA, so any Microsoft / Azure AD / AAD / Entra token counts.
 * Returns undefined when nothing matches: callers then keep their configured profile.
 */
export function suggestProfile(userAgent: string | undefined): ProfileName | undefined {
  if (!userAgent) {
    return undefined;
  }
  if (/\bokta\b/i.test(userAgent)) {
    return 'okta';
  }
  if (/azure\s*ad|\baad\b|microsoft|\bentra\b|azure active directory/i.test(userAgent)) {
    return 'entra';
  }
  return undefined;
}
