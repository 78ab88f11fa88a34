import { isScimError } from '../errors/scim-error';
import { profileFor } from './idp-profile';
import { mergeSwitches, printSwitches, switchesOf } from './profile-switches';

describe('profile switches (a tenant\'s explicit choices on top of its profile)', () => {
  it('sets, keeps and drops switches; the text is canonical (names spelled and sorted)', () => {
    const a = mergeSwitches(null, 'ALLOWREMOVEALL=True');
    expect(a).toBe('allowRemoveAll=true');
    const b = mergeSwitches(a, ' unknownAttributes = reject , coerceBooleanStrings=false');
    expect(b).toBe('allowRemoveAll=true,coerceBooleanStrings=false,unknownAttributes=reject');
    expect(mergeSwitches(b, 'allowRemoveAll=default')).toBe('coerceBooleanStrings=false,unknownAttributes=reject');
    expect(mergeSwitches(b, 'default')).toBeNull();
    expect(mergeSwitches(b, 'none')).toBeNull();
    expect(mergeSwitches('allowRemoveAll=true', 'allowRemoveAll=default')).toBeNull();
  });

  it('reads the stored text as profile overrides', () => {
    const s = switchesOf('allowRemoveAll=true,missingSchemas=tolerate');
    expect(s).toEqual({ allowRemoveAll: true, missingSchemas: 'tolerate' });
    // RFC 7644 §3.5.2.2 remove-all, explicitly allowed on top of the default profile
    expect(profileFor('lenient', s).allowRemoveAll).toBe(true);
    expect(printSwitches(s)).toBe('allowRemoveAll=true,missingSchemas=tolerate');
    expect(printSwitches({})).toBeNull();
  });

  it('skips what it no longer knows in a stored text, never failing a request', () => {
    expect(switchesOf('gone=true,allowRemoveAll=maybe,,=x,keepFirstPrimary=false')).toEqual({
      keepFirstPrimary: false,
    });
    expect(switchesOf(null)).toEqual({});
  });

  it.each([
    ['shoeSize=true', /Unknown switch "shoeSize=true"/],
    ['allowRemoveAll', /Unknown switch/],
    ['allowRemoveAll=yes', /allowRemoveAll takes true, false, default, not "yes"/],
    ['unknownAttributes=true', /takes reject, ignore, default/],
    [`allowRemoveAll=true,${'x'.repeat(600)}`, /longer than 512/],
  ])('refuses %s with 400 invalidValue', (text, detail) => {
    try {
      mergeSwitches(null, text);
      throw new Error('accepted');
    } catch (e) {
      expect(isScimError(e) && e.status === 400 && e.scimType === 'invalidValue').toBe(true);
      expect((e as Error).message + String((e as { detail?: string }).detail)).toMatch(detail);
    }
  });
});
