/**
 * Options of change-event delivery, resolved once from ScimModuleOptions `events` by the core
 * module and checked at boot.
 */
import { EgressAllowlistError, EgressPolicy } from '../core/egress/egress-policy';

/** What a host (or the standalone config) may set; every field has a default. */
export interface ScimEventsOptions {
  /**
   * Deliver events from this process (default true). Only a process that serves HTTP ever
   * does (a CLI run never does); every instance may, leases make each event go out once.
   */
  dispatch?: boolean;
  /** how often the outbox is polled, ms (default 250; a local write also wakes it at once) */
  pollIntervalMs?: number;
  /** events leased per poll (default 100) */
  batchSize?: number;
  /**
   * how long a local write's wake-up waits for more writes to join the same round, ms
   * (default 20; 0 = at once). Under load one claim then serves many writes instead of each
   * write paying two more write transactions
   */
  coalesceMs?: number;
  /** longest wait for one listener call or one webhook POST, ms (default 10 000) */
  deliveryTimeoutMs?: number;
  /**
   * how long a claimed event is reserved for this instance, ms (default 3 x deliveryTimeoutMs,
   * at least 2 x deliveryTimeoutMs + 1 000); an instance that dies holding a lease delays its
   * events this long
   */
  leaseMs?: number;
  /** failed attempts after which an event is given up (default 20, about 9 hours) */
  maxAttempts?: number;
  /** first retry delay, ms (default 1 000); doubled per attempt, with ±20 % jitter */
  retryBaseMs?: number;
  /** longest retry delay, ms (default 3 600 000) */
  retryMaxMs?: number;
  /**
   * Internal destinations tenant webhooks may reach anyway (default none): IP addresses,
   * CIDR ranges (`10.0.0.0/8`, `fd00::/8`) and host names (exact, case-insensitive). Without
   * an entry, a webhook reaches public unicast addresses only: loopback, private, CGNAT,
   * link-local, unique-local, multicast, reserved, documentation and cloud metadata addresses
   * are refused, at registration for an address written in the URL and at delivery for every
   * address its host resolves to. A metadata address (169.254.169.254, ...) is opened only by
   * an entry naming it exactly.
   */
  webhookAllow?: readonly string[];
}

export interface EventsOptions {
  readonly dispatch: boolean;
  readonly pollIntervalMs: number;
  readonly batchSize: number;
  readonly coalesceMs: number;
  readonly deliveryTimeoutMs: number;
  readonly leaseMs: number;
  readonly maxAttempts: number;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  /** resources delivered in parallel within one batch (events of one resource never are) */
  readonly concurrency: number;
  /** finished events older than this many days are pruned: the audit log's retention */
  readonly retentionDays: number;
}

export const EVENTS_OPTIONS = Symbol('scim:EventsOptions');

export const DEFAULT_DELIVERY_TIMEOUT_MS = 10_000;

const positiveInt = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 1;

/**
 * Defaults applied and values checked: a bad value stops the boot with a message naming it.
 * `retentionDays` is the audit retention, already checked where it is resolved.
 */
export function resolveEventsOptions(
  o: ScimEventsOptions | undefined,
  retentionDays: number,
): EventsOptions {
  const given = o ?? {};
  if (typeof given !== 'object') {
    throw new Error('ScimModule: events must be an object');
  }
  if (given.dispatch !== undefined && typeof given.dispatch !== 'boolean') {
    throw new Error('ScimModule: events.dispatch must be true or false');
  }
  const deliveryTimeoutMs = given.deliveryTimeoutMs ?? DEFAULT_DELIVERY_TIMEOUT_MS;
  const resolved: EventsOptions = {
    dispatch: given.dispatch ?? true,
    pollIntervalMs: given.pollIntervalMs ?? 250,
    batchSize: given.batchSize ?? 100,
    coalesceMs: given.coalesceMs ?? 20,
    deliveryTimeoutMs,
    leaseMs: given.leaseMs ?? Math.max(3 * deliveryTimeoutMs, 2 * deliveryTimeoutMs + 1_000),
    maxAttempts: given.maxAttempts ?? 20,
    retryBaseMs: given.retryBaseMs ?? 1_000,
    retryMaxMs: given.retryMaxMs ?? 3_600_000,
    concurrency: 8,
    retentionDays,
  };
  for (const key of [
    'pollIntervalMs',
    'batchSize',
    'deliveryTimeoutMs',
    'leaseMs',
    'maxAttempts',
    'retryBaseMs',
    'retryMaxMs',
  ] as const) {
    if (!positiveInt(resolved[key])) {
      throw new Error(`ScimModule: events.${key} must be a positive integer`);
    }
  }
  if (!Number.isInteger(resolved.coalesceMs) || resolved.coalesceMs < 0 || resolved.coalesceMs > 1000) {
    throw new Error('ScimModule: events.coalesceMs must be an integer from 0 to 1000');
  }
  if (resolved.batchSize > 1000) {
    throw new Error('ScimModule: events.batchSize must be at most 1000');
  }
  // one event costs at most a listener call and a POST, each bounded by the timeout
  if (resolved.leaseMs < 2 * resolved.deliveryTimeoutMs + 1_000) {
    throw new Error('ScimModule: events.leaseMs must be at least 2 x deliveryTimeoutMs + 1000');
  }
  if (resolved.retryMaxMs < resolved.retryBaseMs) {
    throw new Error('ScimModule: events.retryMaxMs must not be below events.retryBaseMs');
  }
  return resolved;
}

/** The egress policy of tenant webhooks from `events.webhookAllow`; a bad entry stops the boot. */
export function resolveEgressPolicy(o: ScimEventsOptions | undefined): EgressPolicy {
  const allow = o?.webhookAllow;
  if (allow === undefined) {
    return EgressPolicy.STRICT;
  }
  try {
    return new EgressPolicy(allow);
  } catch (e) {
    if (e instanceof EgressAllowlistError) {
      throw new Error(`ScimModule: events.webhookAllow: ${e.message}`, { cause: e });
    }
    throw e;
  }
}
