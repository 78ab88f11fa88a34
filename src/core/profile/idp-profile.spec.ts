import { profileFor, PATCH_PROFILES, PROFILE_NAMES, suggestProfile } from './idp-profile';

describe('profiles', () => {
  it('rfc-strict turns every tolerance off and performs the RFC remove-all (RFC 7644 §3.5.2.2)', () => {
    const d = PATCH_PROFILES['rfc-strict'];
    for (const [k, v] of Object.entries(d)) {
      const expected = ['unknownAttributes', 'missingSchemas'].includes(k)
        ? 'reject'
        : k === 'allowRemoveAll';
      expect([k, v]).toEqual([k, expected]);
    }
  });

  it('only rfc-strict (and interop, built on it) removes every member without a filter; the others keep the guard (docs/idp/quirks.md #33)', () => {
    expect(PROFILE_NAMES.filter((n) => PATCH_PROFILES[n].allowRemoveAll)).toEqual(['rfc-strict', 'interop']);
  });

  it('interop is rfc-strict plus the SCIM 2.0 Interoperability Profile\'s service-provider rules', () => {
    expect(PATCH_PROFILES.interop).toEqual({
      ...PATCH_PROFILES['rfc-strict'],
      unknownAsInvalidSyntax: true,
      requirePatchPath: true,
      canonicalTypesOnly: true,
      replaceComplexWhole: true,
    });
  });

  it('lenient accepts every form that loses no data; remove-all stays off (docs/idp/quirks.md #33), RFC-valid requests get the RFC outcome', () => {
    const d = PATCH_PROFILES.lenient;
    for (const [k, v] of Object.entries(d)) {
      const special: Record<string, unknown> = {
        allowRemoveAll: false,
        // RFC 7644 §3.5.2.3: a replace whose filter matches nothing is noTarget
        replaceNoTargetAdds: false,
        // RFC 9865 §4: the pagination block is advertised unless a tenant asks otherwise
        omitSpcPagination: false,
        // the interop profile's refusals
        unknownAsInvalidSyntax: false,
        requirePatchPath: false,
        canonicalTypesOnly: false,
        replaceComplexWhole: false,
        unknownAttributes: 'ignore',
        missingSchemas: 'tolerate',
      };
      const expected = k in special ? special[k] : true;
      expect([k, v]).toEqual([k, expected]);
    }
  });

  it('every profile defines every switch', () => {
    const keys = Object.keys(PATCH_PROFILES.lenient).sort();
    for (const name of PROFILE_NAMES) {
      expect(Object.keys(PATCH_PROFILES[name]).sort()).toEqual(keys);
    }
  });

  it('profileFor applies overrides without changing the profile', () => {
    expect(profileFor('lenient', { allowRemoveAll: true }).allowRemoveAll).toBe(true);
    expect(PATCH_PROFILES.lenient.allowRemoveAll).toBe(false);
  });

  it.each([
    ['Okta SCIM Client 1.0.0', 'okta'],
    ['Microsoft Azure AD SCIM Client', 'entra'],
    ['AAD-Provisioning/1.0', 'entra'],
    ['Microsoft.Identity.Provisioning', 'entra'],
    ['curl/8.0', undefined],
    [undefined, undefined],
  ] as const)('suggestProfile(%j) → %s', (ua, expected) => {
    expect(suggestProfile(ua)).toBe(expected);
  });
});
