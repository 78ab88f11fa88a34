import { chooseProfile, detectIdp, isProfileChoice } from './profile-auto';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const patch = (op: string) => ({ schemas: [PATCH_OP], Operations: [{ op, path: 'active', value: false }] });

describe('profile auto: documented fingerprints only', () => {
  it.each([
    // Okta's documented User-Agent
    [{ userAgent: 'Okta SCIM Client 1.0.0' }, 'okta'],
    [{ userAgent: 'okta scim client 2.1', body: patch('Replace') }, 'okta'],
    // Entra: the aadOptscim062020 flag, capitalised ops, Microsoft's group URN
    [{ url: '/scim/v2/Users?aadOptscim062020' }, 'entra'],
    [{ url: '/scim/v2/Users?filter=x&AADOPTSCIM062020=1' }, 'entra'],
    [{ body: patch('Replace') }, 'entra'],
    [{ body: patch('Remove') }, 'entra'],
    [{ body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group', 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'] } }, 'entra'],
    // nothing documented: the fallback
    [{ body: patch('replace') }, undefined],
    [{ body: patch('REPLACE') }, undefined],
    [{ userAgent: 'Microsoft Azure AD SCIM Client' }, undefined],
    [{ userAgent: 'Mozilla/5.0 (compatible; Okta SCIM Client 1.0.0)' }, undefined],
    [{ url: '/scim/v2/Users?aadOptscim062020x=1' }, undefined],
    [{ body: 'Replace' }, undefined],
    [{}, undefined],
  ] as const)('%j → %s', (signals, expected) => {
    expect(detectIdp(signals)).toBe(expected);
  });

  it('chooses the configured profile, or for auto the detected one, else the default', () => {
    expect(chooseProfile(undefined, { body: patch('Replace') })).toEqual({ label: 'default' });
    expect(chooseProfile('okta', { body: patch('Replace') })).toEqual({ profile: 'okta', label: 'okta' });
    expect(chooseProfile('auto', { body: patch('Replace') })).toEqual({ profile: 'entra', label: 'auto:entra' });
    expect(chooseProfile('auto', { userAgent: 'Okta SCIM Client 1.0.0' })).toEqual({ profile: 'okta', label: 'auto:okta' });
    expect(chooseProfile('auto', {})).toEqual({ label: 'auto:default' });
  });

  it('auto is a choice for tokens and tenants, next to the profiles', () => {
    expect(['auto', 'entra', 'okta', 'rfc-strict', 'lenient'].every(isProfileChoice)).toBe(true);
    expect(isProfileChoice('azure')).toBe(false);
  });
});
