/**
 * The operator's allowlist over the address verdicts of destination-address.ts: what an
 * outbound webhook may reach although it is internal (on-premises receivers, tests on
 * loopback). Entries are IP addresses, CIDR ranges and host names:
 *
 * - an address or range lets a webhook connect to the addresses in it (an IPv4 entry covers
 *   the IPv6 forms that carry its addresses, e.g. ::ffff:127.0.0.1 for 127.0.0.1);
 * - a host name lets a webhook URL with exactly that host (case-insensitive) connect to
 *   whatever the name resolves to;
 * - a cloud metadata address is opened only by an entry naming that exact address, never by a
 *   range or a host name around it.
 *
 * Entries are parsed as a URL host is (WHATWG), so `0x7f000001` and `127.1` mean 127.0.0.1.
 * Pure: name resolution happens where the webhook is delivered.
 */
import ipaddr from 'ipaddr.js';
import {
  Address,
  Cidr,
  RefusalReason,
  classifyAddress,
  embeddedIPv4,
  inRange,
  isMetadataAddress,
  parseAddress,
} from './destination-address';

/** A bad allowlist entry; the message names it. */
export class EgressAllowlistError extends Error {}

/** A URL host that is refused as written, before any name is resolved. */
export interface LiteralRefusal {
  readonly host: string;
  readonly reason: RefusalReason;
}

const HOST_NAME = /^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,62})(\.[a-z0-9_]([a-z0-9_-]{0,62}))*$/;

/** RFC 6761 §6.3: localhost and its sub-domains always resolve to loopback. */
const LOOPBACK_NAMES = /^(.+\.)?localhost$/;
const LOOPBACK_ADDRESSES = ['127.0.0.1', '::1'];

/** A URL host as compared: lower case, without brackets or a trailing dot. */
export function bareHost(host: string): string {
  return host.toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
}

/** The IPv4 address an address stands for, when it is an IPv6 form carrying one. */
function asIPv4(a: Address): ipaddr.IPv4 | null {
  return a.kind() === 'ipv4' ? (a as ipaddr.IPv4) : embeddedIPv4(a as ipaddr.IPv6);
}

export class EgressPolicy {
  /** no allowlist: only public unicast addresses */
  static readonly STRICT = new EgressPolicy([]);

  private readonly ranges: Cidr[] = [];
  /** the addresses named exactly, normalised (metadata needs one of these) */
  private readonly exact = new Set<string>();
  private readonly hosts = new Set<string>();

  /** @throws EgressAllowlistError naming the first bad entry */
  constructor(allow: readonly string[]) {
    if (!Array.isArray(allow)) {
      throw new EgressAllowlistError('the allowlist must be a list of addresses, CIDR ranges or host names');
    }
    for (const raw of allow) {
      if (typeof raw !== 'string') {
        throw new EgressAllowlistError(`allowlist entry ${JSON.stringify(raw)} must be a string`);
      }
      const entry = raw.trim();
      if (entry !== '') {
        this.add(entry);
      }
    }
  }

  /** true when nothing beyond public addresses is allowed */
  get isStrict(): boolean {
    return this.ranges.length === 0 && this.hosts.size === 0;
  }

  /** null when a webhook may connect to `address`; else why it may not. */
  refusal(address: string): RefusalReason | null {
    const verdict = classifyAddress(address);
    if (verdict.allowed) {
      return null;
    }
    const a = parseAddress(address);
    if (!a) {
      return verdict.reason;
    }
    const v4 = asIPv4(a);
    if (verdict.reason === 'metadata' || isMetadataAddress(address)) {
      const named = this.exact.has(a.toNormalizedString()) || (v4 !== null && this.exact.has(v4.toNormalizedString()));
      return named ? null : 'metadata';
    }
    const listed = this.ranges.some((r) => inRange(a, r) || (v4 !== null && inRange(v4, r)));
    return listed ? null : verdict.reason;
  }

  /**
   * null when a webhook whose URL host is `host` may connect to `address`, one of the addresses
   * the host resolved to; an allowlisted host name opens every address but a metadata one.
   */
  connectRefusal(host: string, address: string): RefusalReason | null {
    const reason = this.refusal(address);
    if (reason === null || reason === 'metadata') {
      return reason;
    }
    return this.allowsHost(host) ? null : reason;
  }

  /** true when the allowlist names this URL host (a name, compared case-insensitively). */
  allowsHost(host: string): boolean {
    return this.hosts.has(bareHost(host));
  }

  /**
   * The refusal of a URL whose host is refused as written: an IP literal (WHATWG URL parsing
   * has already turned 0x7f000001, 2130706433, 0177.0.0.1 and 127.1 into 127.0.0.1) or a
   * localhost name. Other names are checked when they are resolved, at delivery.
   */
  literalRefusal(url: URL): LiteralRefusal | null {
    const host = bareHost(url.hostname);
    if (this.allowsHost(host)) {
      return null;
    }
    const literal = parseAddress(host) ? [host] : LOOPBACK_NAMES.test(host) ? LOOPBACK_ADDRESSES : [];
    for (const address of literal) {
      const reason = this.refusal(address);
      if (reason) {
        return { host: url.hostname, reason };
      }
    }
    return null;
  }

  private add(entry: string): void {
    const bare = entry.replace(/^\[(.*)\]$/, '$1');
    if (bare.includes('/')) {
      this.addRange(entry, bare);
      return;
    }
    const address = ipaddr.IPv6.isValid(bare) ? bare : this.urlHost(entry);
    const parsed = parseAddress(address);
    if (parsed) {
      this.exact.add(parsed.toNormalizedString());
      this.ranges.push([parsed, parsed.kind() === 'ipv4' ? 32 : 128]);
    } else if (HOST_NAME.test(address)) {
      this.hosts.add(address);
    } else {
      throw new EgressAllowlistError(`allowlist entry "${entry}" is not an IP address, CIDR range or host name`);
    }
  }

  private addRange(entry: string, bare: string): void {
    let range: Cidr;
    try {
      range = ipaddr.parseCIDR(bare);
    } catch {
      throw new EgressAllowlistError(`allowlist entry "${entry}" is not a valid CIDR range (e.g. 10.0.0.0/8, fd00::/8)`);
    }
    const [net, bits] = range;
    // ::ffff:10.0.0.0/104 is 10.0.0.0/8: kept in the IPv4 form addresses are compared in
    if (net.kind() === 'ipv6' && bits >= 96 && (net as ipaddr.IPv6).isIPv4MappedAddress()) {
      range = [(net as ipaddr.IPv6).toIPv4Address(), bits - 96];
    }
    this.ranges.push(range);
    if (range[1] === (range[0].kind() === 'ipv4' ? 32 : 128)) {
      this.exact.add(range[0].toNormalizedString());
    }
  }

  /** the host of http://<entry>/ as a URL parser reads it, lower case, no trailing dot */
  private urlHost(entry: string): string {
    let u: URL;
    try {
      u = new URL(`http://${entry}/`);
    } catch {
      throw new EgressAllowlistError(`allowlist entry "${entry}" is not an IP address, CIDR range or host name`);
    }
    if (u.port !== '' || u.username !== '' || u.password !== '' || u.pathname !== '/' || u.search || u.hash) {
      throw new EgressAllowlistError(`allowlist entry "${entry}" must be a bare address or host name (no port or path)`);
    }
    return bareHost(u.hostname);
  }
}
