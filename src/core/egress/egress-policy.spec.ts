import { EgressAllowlistError, EgressPolicy } from './egress-policy';

describe('EgressPolicy allowlist', () => {
  it('opens addresses and ranges, in every IPv6 form carrying them', () => {
    const p = new EgressPolicy(['127.0.0.1', '10.0.0.0/8', 'fd00::/8', '[::1]', ' ', '::ffff:192.168.0.0/112']);
    expect(p.isStrict).toBe(false);
    for (const a of ['127.0.0.1', '::ffff:127.0.0.1', '::ffff:7f00:1', '10.9.8.7', 'fd12::1', '::1', '192.168.3.4']) {
      expect(p.refusal(a)).toBeNull();
    }
    expect(p.refusal('127.0.0.2')).toBe('loopback');
    expect(p.refusal('172.16.0.1')).toBe('private');
    expect(p.refusal('fe80::1')).toBe('link-local');
    expect(p.refusal('8.8.8.8')).toBeNull();
  });

  it('reads entries as a URL host is read: 0x7f000001 and 127.1 are 127.0.0.1', () => {
    for (const entry of ['0x7f000001', '127.1', '2130706433', '0177.0.0.1']) {
      expect(new EgressPolicy([entry]).refusal('127.0.0.1')).toBeNull();
    }
  });

  it('opens a metadata address only when that exact address is named', () => {
    expect(new EgressPolicy(['169.254.0.0/16']).refusal('169.254.169.254')).toBe('metadata');
    expect(new EgressPolicy(['0.0.0.0/0', '::/0']).refusal('168.63.129.16')).toBe('metadata');
    expect(new EgressPolicy(['0.0.0.0/0', '::/0']).refusal('fd00:ec2::254')).toBe('metadata');
    expect(new EgressPolicy(['169.254.169.254']).refusal('169.254.169.254')).toBeNull();
    expect(new EgressPolicy(['169.254.169.254/32']).refusal('::ffff:169.254.169.254')).toBeNull();
    expect(new EgressPolicy(['169.254.0.0/16']).refusal('169.254.1.1')).toBeNull();
  });

  it('a host name opens whatever that exact name resolves to, except metadata', () => {
    const p = new EgressPolicy(['Hooks.Corp.Example.', 'localhost']);
    expect(p.allowsHost('hooks.corp.example')).toBe(true);
    expect(p.allowsHost('HOOKS.corp.example.')).toBe(true);
    expect(p.allowsHost('x.hooks.corp.example')).toBe(false);
    expect(p.connectRefusal('hooks.corp.example', '10.1.2.3')).toBeNull();
    expect(p.connectRefusal('hooks.corp.example', '169.254.169.254')).toBe('metadata');
    expect(p.connectRefusal('other.example', '10.1.2.3')).toBe('private');
    expect(p.literalRefusal(new URL('http://localhost:8080/x'))).toBeNull();
    expect(p.literalRefusal(new URL('http://127.0.0.1:8080/x'))).toEqual({ host: '127.0.0.1', reason: 'loopback' });
  });

  it('localhost needs both loopback addresses allowed (it resolves to 127.0.0.1 and ::1)', () => {
    expect(new EgressPolicy(['127.0.0.1']).literalRefusal(new URL('http://localhost/'))?.reason).toBe('loopback');
    expect(new EgressPolicy(['127.0.0.1', '::1']).literalRefusal(new URL('http://localhost/'))).toBeNull();
  });

  it.each([
    ['10.0.0.0/33', /CIDR/],
    ['10.0.0.0/x', /CIDR/],
    ['hooks.example.com:8080', /no port or path/],
    ['hooks.example.com/path', /CIDR/],
    ['user@hooks.example.com', /no port or path/],
    ['-bad-.example!', /not an IP address/],
    ['http://x', /CIDR/],
  ])('refuses the entry %s', (entry, message) => {
    expect(() => new EgressPolicy([entry])).toThrow(EgressAllowlistError);
    expect(() => new EgressPolicy([entry])).toThrow(message);
  });

  it('refuses what is not a list of strings', () => {
    expect(() => new EgressPolicy('10.0.0.0/8' as unknown as string[])).toThrow(/list/);
    expect(() => new EgressPolicy([42 as unknown as string])).toThrow(/must be a string/);
  });
});
