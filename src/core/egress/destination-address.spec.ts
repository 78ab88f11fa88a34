import { classifyAddress, isMetadataAddress } from './destination-address';
import { ACCEPTED_URLS, ALLOWED_ADDRESSES, REFUSED_ADDRESSES, REFUSED_URLS } from './destination-address.cases';
import { EgressPolicy } from './egress-policy';

describe('classifyAddress', () => {
  it.each(REFUSED_ADDRESSES)('refuses %s (%s)', (address, reason) => {
    expect(classifyAddress(address)).toEqual({ allowed: false, reason });
  });

  it.each(ALLOWED_ADDRESSES)('allows the public address %s', (address) => {
    expect(classifyAddress(address)).toEqual({ allowed: true });
  });

  it('accepts brackets around an IPv6 address', () => {
    expect(classifyAddress('[::1]')).toEqual({ allowed: false, reason: 'loopback' });
  });

  it.each(['169.254.169.254', '::ffff:a9fe:a9fe', '2002:a9fe:a9fe::1', 'fd00:ec2::254'])(
    'knows %s as a metadata address',
    (address) => expect(isMetadataAddress(address)).toBe(true),
  );
});

describe('EgressPolicy.literalRefusal (a URL host as written, after WHATWG parsing)', () => {
  it.each(REFUSED_URLS)('refuses %s (%s)', (url, reason) => {
    expect(EgressPolicy.STRICT.literalRefusal(new URL(url))).toEqual({ host: expect.any(String), reason });
  });

  it.each(ACCEPTED_URLS)('leaves %s to delivery', (url) => {
    expect(EgressPolicy.STRICT.literalRefusal(new URL(url))).toBeNull();
  });
});
