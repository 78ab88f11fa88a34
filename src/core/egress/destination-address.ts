/**
 * Which IP addresses an outbound webhook may connect to: only public unicast ones. Everything
 * this machine or its networks reach without the Internet is refused: loopback, private,
 * shared (CGNAT), link-local, unique-local, multicast, unspecified, broadcast, reserved and
 * documentation ranges, and the cloud metadata services; in IPv4, in IPv6, and in every IPv6
 * form that carries an IPv4 address (mapped, compatible, translated, NAT64, 6to4).
 *
 * The ranges come from ipaddr.js (its IANA special-purpose tables, RFC 6890) rather than from
 * a hand-written parser: it is already installed with Fastify and is widely used for exactly
 * this. What it does not name (metadata addresses, documentation ranges, IPv6 outside
 * 2000::/3, the IPv4 inside NAT64 and 6to4 addresses) is added here. Pure: no I/O.
 */
import ipaddr from 'ipaddr.js';

/** Why an address is refused (shown to operators at registration, never to a webhook). */
export type RefusalReason =
  | 'loopback'
  | 'private'
  | 'shared'
  | 'link-local'
  | 'unique-local'
  | 'multicast'
  | 'unspecified'
  | 'broadcast'
  | 'documentation'
  | 'metadata'
  | 'reserved';

export type AddressVerdict =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly reason: RefusalReason };

/** Human wording of each reason, for error messages. */
export const REFUSAL_WORDING: Readonly<Record<RefusalReason, string>> = {
  loopback: 'a loopback address',
  private: 'a private-network address (RFC 1918)',
  shared: 'a shared carrier-grade NAT address (RFC 6598)',
  'link-local': 'a link-local address',
  'unique-local': 'a unique-local IPv6 address (RFC 4193)',
  multicast: 'a multicast address',
  unspecified: 'an unspecified address',
  broadcast: 'the broadcast address',
  documentation: 'a documentation address (RFC 5737 / RFC 3849)',
  metadata: 'a cloud metadata service address',
  reserved: 'a reserved or special-purpose address',
};

/**
 * Cloud instance-metadata services: the credentials of the machine sit behind them. Most are
 * link-local or unique-local anyway; they are named so that only an allowlist entry naming the
 * exact address opens them (a broader range never does), and Azure's is a public address.
 */
export const METADATA_ADDRESSES: readonly string[] = [
  '169.254.169.254', // AWS, GCP, Azure, OpenStack, Oracle, DigitalOcean IMDS
  '169.254.170.2', // AWS ECS task metadata and credentials
  '169.254.169.253', // AWS VPC DNS resolver
  '169.254.169.123', // AWS time sync
  '100.100.100.200', // Alibaba Cloud metadata
  '168.63.129.16', // Azure WireServer (a public address)
  '192.0.0.192', // Oracle Cloud legacy metadata
  'fd00:ec2::254', // AWS IMDS over IPv6
  'fd00:ec2::23', // AWS VPC DNS resolver over IPv6
  'fd00:ec2::123', // AWS time sync over IPv6
  'fd20:ce::254', // GCP metadata over IPv6
];

const METADATA = new Set(METADATA_ADDRESSES.map((a) => ipaddr.parse(a).toNormalizedString()));

export type Address = ipaddr.IPv4 | ipaddr.IPv6;
export type Cidr = [Address, number];

const cidr = (text: string): Cidr => ipaddr.parseCIDR(text);
const cidr6 = (text: string): [ipaddr.IPv6, number] => ipaddr.IPv6.parseCIDR(text);

/** RFC 5737 (IPv4), RFC 3849 and RFC 9637 (IPv6) documentation ranges. */
const DOCUMENTATION = [
  cidr('192.0.2.0/24'),
  cidr('198.51.100.0/24'),
  cidr('203.0.113.0/24'),
  cidr('233.252.0.0/24'),
  cidr('2001:db8::/32'),
  cidr('3fff::/20'),
];

/** RFC 4291 §2.4: global unicast is 2000::/3; everything else is special or unassigned. */
const GLOBAL_UNICAST_V6 = cidr6('2000::/3');
/** RFC 6052 §2.1: the well-known NAT64 prefix, IPv4 in the last 32 bits */
const NAT64_WELL_KNOWN = cidr6('64:ff9b::/96');
/** RFC 4291 §2.5.5.1: IPv4-compatible (deprecated), IPv4 in the last 32 bits */
const IPV4_COMPATIBLE = cidr6('::/96');

const V4_REASONS: Readonly<Record<string, RefusalReason>> = {
  unspecified: 'unspecified',
  broadcast: 'broadcast',
  multicast: 'multicast',
  linkLocal: 'link-local',
  loopback: 'loopback',
  carrierGradeNat: 'shared',
  private: 'private',
};

const V6_REASONS: Readonly<Record<string, RefusalReason>> = {
  unspecified: 'unspecified',
  linkLocal: 'link-local',
  multicast: 'multicast',
  loopback: 'loopback',
  uniqueLocal: 'unique-local',
  // RFC 3879: site-local is deprecated but still routed inside some sites
  deprecatedSiteLocal: 'private',
};

const ALLOWED: AddressVerdict = { allowed: true };
const refused = (reason: RefusalReason): AddressVerdict => ({ allowed: false, reason });

/** true when `a` lies in `range` (an address of the other family never does) */
export function inRange(a: Address, [net, bits]: Cidr): boolean {
  if (a.kind() !== net.kind()) {
    return false;
  }
  return a.kind() === 'ipv4'
    ? (a as ipaddr.IPv4).match(net as ipaddr.IPv4, bits)
    : (a as ipaddr.IPv6).match(net as ipaddr.IPv6, bits);
}

const inAny = (a: Address, ranges: readonly Cidr[]) => ranges.some((r) => inRange(a, r));

const lastFour = (a: ipaddr.IPv6) => a.toByteArray().slice(12, 16);

function classifyV4(a: ipaddr.IPv4): AddressVerdict {
  if (METADATA.has(a.toNormalizedString())) {
    return refused('metadata');
  }
  if (inAny(a, DOCUMENTATION)) {
    return refused('documentation');
  }
  const range = a.range();
  if (range === 'unicast') {
    return ALLOWED;
  }
  return refused(V4_REASONS[range] ?? 'reserved');
}

/** The IPv4 address an IPv6 address carries and connects to, when it has one. */
export function embeddedIPv4(a: ipaddr.IPv6): ipaddr.IPv4 | null {
  const range = a.range();
  if (range === 'ipv4Mapped' || range === 'rfc6145') {
    // ::ffff:a.b.c.d (RFC 4291 §2.5.5.2) and ::ffff:0:a.b.c.d (RFC 6145 translated)
    return new ipaddr.IPv4(lastFour(a));
  }
  if (a.match(...NAT64_WELL_KNOWN)) {
    return new ipaddr.IPv4(lastFour(a));
  }
  if (range === '6to4') {
    // RFC 3056 §2: 2002:AABB:CCDD::/48 carries a.b.c.d in bits 16-47
    return new ipaddr.IPv4(a.toByteArray().slice(2, 6));
  }
  if (a.match(...IPV4_COMPATIBLE) && range !== 'unspecified' && range !== 'loopback') {
    return new ipaddr.IPv4(lastFour(a));
  }
  return null;
}

function classifyV6(a: ipaddr.IPv6): AddressVerdict {
  if (METADATA.has(a.toNormalizedString())) {
    return refused('metadata');
  }
  const range = a.range();
  if (range === 'ipv4Mapped') {
    // a dual-stack socket connects to the IPv4 address itself: the same verdict
    return classifyV4(a.toIPv4Address());
  }
  const v4 = embeddedIPv4(a);
  if (v4) {
    const inner = classifyV4(v4);
    if (!inner.allowed) {
      return inner;
    }
    // an IPv4-compatible address (deprecated, never routed) is refused whatever it carries
    return a.match(...IPV4_COMPATIBLE) ? refused('reserved') : ALLOWED;
  }
  if (V6_REASONS[range]) {
    return refused(V6_REASONS[range]);
  }
  if (inAny(a, DOCUMENTATION)) {
    return refused('documentation');
  }
  // Teredo (2001::/32) tunnels to an obfuscated IPv4 client; the local-use NAT64 prefix
  // 64:ff9b:1::/48 (RFC 8215) translates to site-chosen addresses: neither can be checked
  if (range !== 'unicast' || !a.match(...GLOBAL_UNICAST_V6)) {
    return refused('reserved');
  }
  return ALLOWED;
}

/** Parses an IP address in its standard text form (as DNS and URL parsing give it). */
export function parseAddress(text: string): Address | null {
  const bare = text.replace(/^\[(.*)\]$/, '$1');
  if (ipaddr.IPv4.isValidFourPartDecimal(bare)) {
    return ipaddr.IPv4.parse(bare);
  }
  if (!ipaddr.IPv6.isValid(bare)) {
    return null;
  }
  // ipaddr.js reads ::a.b.c.d as ::ffff:a.b.c.d; RFC 4291 §2.2 reads it as ::a.b.c.d
  // (IPv4-compatible). The WHATWG URL parser rewrites the dotted tail in hex, as it is stored.
  const [address, zone] = bare.split('%', 2);
  const canonical = address.includes('.') ? new URL(`http://[${address}]/`).hostname.slice(1, -1) : address;
  return ipaddr.IPv6.parse(zone === undefined ? canonical : `${canonical}%${zone}`);
}

/**
 * The verdict on one IP address (dotted-quad IPv4 or IPv6 text, brackets allowed). Text that
 * is not such an address is refused as reserved: nothing unparsed is ever connected to.
 */
export function classifyAddress(text: string): AddressVerdict {
  const a = parseAddress(text);
  if (!a) {
    return refused('reserved');
  }
  return a.kind() === 'ipv4' ? classifyV4(a as ipaddr.IPv4) : classifyV6(a as ipaddr.IPv6);
}

/** true for the cloud metadata addresses (in any IPv6 form that carries them too). */
export function isMetadataAddress(text: string): boolean {
  const a = parseAddress(text);
  if (!a) {
    return false;
  }
  const v4 = a.kind() === 'ipv6' ? embeddedIPv4(a as ipaddr.IPv6) : a;
  return METADATA.has(a.toNormalizedString()) || (v4 !== null && METADATA.has(v4.toNormalizedString()));
}
