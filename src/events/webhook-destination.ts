/**
 * Where a webhook POST may go: the URL's host resolved once, every address it resolves to
 * checked against the egress policy (core/egress), and the connection pinned to those checked
 * addresses. The HTTP client is handed a `lookup` that answers with them, so a name cannot
 * resolve to a public address for the check and to an internal one for the connection (DNS
 * rebinding).
 */
import { LookupAddress, promises as dns } from 'node:dns';
import { LookupFunction } from 'node:net';
import { parseAddress } from '../core/egress/destination-address';
import { EgressPolicy, bareHost } from '../core/egress/egress-policy';

/** Resolves a host name to all its addresses (the system resolver: hosts file, then DNS). */
export type HostResolver = (host: string) => Promise<LookupAddress[]>;

/** DI token of a HostResolver other than the system's (tests); optional. */
export const WEBHOOK_HOST_RESOLVER = Symbol('scim:WebhookHostResolver');

export const systemResolver: HostResolver = (host) => dns.lookup(host, { all: true, verbatim: true });

/** The destination is one the egress policy refuses. */
export class DestinationRefusedError extends Error {}

/** The host name did not resolve (or to nothing). */
export class HostNotResolvedError extends Error {}

/**
 * The addresses a POST to `url` may connect to: the IP literal itself, or every address the
 * host name resolves to, each allowed by `policy` (one refused address refuses them all:
 * the HTTP client could pick any of them).
 */
export async function resolveDestination(
  url: URL,
  policy: EgressPolicy,
  resolve: HostResolver,
): Promise<LookupAddress[]> {
  const host = bareHost(url.hostname);
  const literal = parseAddress(host);
  if (literal) {
    if (policy.refusal(host) !== null) {
      throw new DestinationRefusedError(`webhook host ${url.hostname} is refused`);
    }
    return [{ address: host, family: literal.kind() === 'ipv4' ? 4 : 6 }];
  }
  let addresses: LookupAddress[];
  try {
    addresses = await resolve(host);
  } catch (e) {
    throw new HostNotResolvedError(`webhook host ${host} did not resolve`, { cause: e });
  }
  if (!addresses.length) {
    throw new HostNotResolvedError(`webhook host ${host} resolved to no address`);
  }
  for (const { address } of addresses) {
    const reason = policy.connectRefusal(host, address);
    if (reason !== null) {
      throw new DestinationRefusedError(`webhook host ${host} resolves to ${reason} address ${address}`);
    }
  }
  return addresses;
}

/**
 * A `lookup` for net.connect that answers only with `addresses`, already checked, whatever
 * name it is asked for; it serves both the single-answer and the `all` form (Happy Eyeballs).
 */
export function pinnedLookup(addresses: readonly LookupAddress[]): LookupFunction {
  return (_host, options, callback) => {
    const family = typeof options === 'object' ? options.family : options;
    const wanted = family === 4 || family === 6 ? addresses.filter((a) => a.family === family) : addresses;
    const answer = wanted.length ? wanted : addresses;
    if (typeof options === 'object' && options.all) {
      (callback as (err: null, addresses: LookupAddress[]) => void)(null, [...answer]);
    } else {
      callback(null, answer[0].address, answer[0].family);
    }
  };
}
