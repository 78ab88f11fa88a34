/**
 * Change events: what a write records in the transactional outbox, what the
 * dispatcher delivers to in-process listeners and webhooks, and the outbox port. Types plus the
 * few pure rules that say which event a change is, shared by every store implementation.
 */

export type ScimEventOperation =
  | 'created'
  | 'replaced'
  | 'patched'
  | 'deleted'
  | 'activated'
  | 'deactivated'
  | 'members-added'
  | 'members-removed'
  | 'restored';

/** The operations a write of a resource's own document can be (membership events are derived). */
export type ResourceOperation = Exclude<ScimEventOperation, 'members-added' | 'members-removed'>;

/** 'User', 'Group', or the name of another resource type the server serves */
export type ScimEventResourceType = 'User' | 'Group' | (string & {});

/** One event as a write appends it to the outbox, in the write's own transaction. */
export interface NewChangeEvent {
  readonly tenantId: string;
  readonly resourceType: ScimEventResourceType;
  readonly resourceId: string;
  readonly operation: ScimEventOperation;
  /** top-level attribute names (extension URNs as such) whose value changed; never values */
  readonly changed: readonly string[];
  /** members-added / members-removed only: the member ids of the delta (at most MAX_MEMBERS_PER_EVENT) */
  readonly members?: readonly string[];
  /** the resource's version after the write (meta.version is W/"<version>") */
  readonly version: number;
  /** the service-account token that made the change; null for a change without a token */
  readonly actorTokenId: string | null;
  /** the X-Request-Id of the request that made the change */
  readonly requestId: string | null;
  /** ISO-8601 UTC with milliseconds */
  readonly occurredAt: string;
}

/** An event as it is delivered: the outbox row's id (a UUID, stable across retries) and order. */
export interface ScimChangeEvent extends NewChangeEvent {
  readonly id: string;
  /** position in the outbox: events of one resource are delivered in this order */
  readonly seq: string;
}

/**
 * A host application's in-process consumer of change events (ScimModule `listeners`). Called
 * at least once per event, in outbox order per resource, by one instance; a rejection (or no
 * answer within the delivery timeout) makes the event retried later with back-off.
 */
export interface ScimEventListener {
  handle(event: ScimChangeEvent): Promise<void>;
}

/** Who made a change, from which request, when. */
export interface EventOrigin {
  readonly actorTokenId: string | null;
  readonly requestId: string | null;
  readonly at: string;
}

/**
 * What a service passes to a repository write (its optional trailing `events` parameter): the
 * origin and the operation on the written resource. The repository fills in the resource id and
 * the version it wrote, turns `created` into `restored` when it brought a tombstone back, adds
 * the membership events of the delta it applied, and inserts them all in the same transaction
 * as the change. Without `operation` only the derived (membership) events are written.
 */
export interface WriteEvents {
  readonly origin: EventOrigin;
  readonly operation?: ResourceOperation;
  readonly changed?: readonly string[];
}

/** An outbox row as the dispatcher claims it. */
export interface OutboxEvent extends ScimChangeEvent {
  /** failed delivery attempts so far */
  readonly attempts: number;
  /** the in-process listeners have already handled it (a retry only calls the webhook) */
  readonly listenersDone: boolean;
}

export interface OutboxFailure {
  readonly attempts: number;
  readonly nextAttemptAt: string;
  readonly error: string;
  readonly listenersDone: boolean;
  /** no more attempts: the event is kept as failed (and later events of its resource go on) */
  readonly giveUp: boolean;
  readonly at: string;
}

/**
 * Where an outbox row stands: `pending` (not delivered yet, maybe waiting for a retry),
 * `delivered` (to the listeners and the webhook, or nobody consumes it), `failed` (given up
 * after the last attempt), `skipped` (the listeners ran, the webhook was not called because
 * the tenant's notifications were off).
 */
export type OutboxStatus = 'pending' | 'delivered' | 'failed' | 'skipped';
export const OUTBOX_STATUSES: readonly OutboxStatus[] = ['pending', 'delivered', 'failed', 'skipped'];

/** An outbox row as operators see it (admin API and CLI `events list`). */
export interface OutboxRecord extends OutboxEvent {
  readonly status: OutboxStatus;
  /** when the next attempt is due (pending), or was last planned */
  readonly nextAttemptAt: string;
  /** the last failed attempt's error; cleared by a delivery */
  readonly lastError: string | null;
  /** when it was delivered, skipped or given up */
  readonly finishedAt: string | null;
}

export interface OutboxQuery {
  readonly tenantId: string;
  readonly status?: OutboxStatus;
  /** newest first: at most this many */
  readonly limit: number;
  /** paging: only events older than this seq */
  readonly beforeSeq?: string;
}

/** The undelivered part of the outbox (metrics; `tenant show`). */
export interface OutboxBacklog {
  /** events not delivered yet (including those waiting for a retry) */
  readonly pending: number;
  /** events given up */
  readonly failed: number;
  /** when the oldest pending event was recorded; null when none is pending */
  readonly oldestPendingAt: string | null;
}

/**
 * The outbox as the dispatcher and operators see it. Leases make each event delivered by one
 * instance at a time; order per resource is kept by never leasing an event while an earlier
 * undelivered event of the same resource is leased by someone else or not yet due.
 */
export interface OutboxRepository {
  /**
   * Leases to `owner` (unique per call) until `leaseUntil` at most `limit` pending events that
   * are due at `now`, in outbox order, each with every earlier pending event of its resource
   * leased to `owner` too.
   */
  claim(owner: string, now: string, leaseUntil: string, limit: number): Promise<OutboxEvent[]>;
  /**
   * Up to `limit` pending events due at `now` and leased by nobody, in outbox order: their seq
   * and tenant (which of them anyone consumes is the dispatcher's question). Optional, with
   * finishUnclaimed: an outbox without them has every event claimed.
   */
  dueUnclaimed?(now: string, limit: number): Promise<{ seq: string; tenantId: string }[]>;
  /**
   * Finishes the events among `seqs` that are still pending and leased by nobody (as markDelivered
   * does for claimed ones): for events nobody consumes, which need neither a lease nor an
   * order. Returns how many it finished.
   */
  finishUnclaimed?(seqs: readonly string[], now: string, at: string, status: 'delivered' | 'skipped'): Promise<number>;
  /**
   * Finishes events: `delivered` (default), or `skipped` (the webhook was not called). No-op
   * for an event whose lease was lost (it is delivered again: at least once).
   */
  markDelivered(
    seqs: readonly string[],
    owner: string,
    at: string,
    status?: 'delivered' | 'skipped',
  ): Promise<void>;
  markFailed(seq: string, owner: string, failure: OutboxFailure): Promise<void>;
  /** gives back every event still leased to `owner`, counting no attempt */
  release(owner: string): Promise<void>;
  /** deletes at most `limit` finished (delivered, skipped, failed) events finished before `before` */
  pruneBefore(before: string, limit: number): Promise<number>;
  /** a tenant's events, newest first */
  list(query: OutboxQuery): Promise<OutboxRecord[]>;
  findByEventId(eventId: string): Promise<OutboxRecord | null>;
  /**
   * Makes a failed or pending event due at `now` with a fresh attempt count (its listeners are
   * not called again if they already ran). Returns the event as it is now, or null when no
   * event has that id; a delivered or skipped event is returned unchanged.
   */
  retry(eventId: string, now: string): Promise<OutboxRecord | null>;
  /**
   * retry() for every event of the tenant that failed: given up, or pending after a failed
   * attempt. Returns how many.
   */
  retryFailed(tenantId: string, now: string): Promise<number>;
  /** pending and failed counts, of one tenant or of all; one grouped query */
  backlog(tenantId?: string): Promise<OutboxBacklog>;
}

/** Told after a commit that wrote events, so that the local dispatcher looks at once. */
export interface OutboxSignal {
  written(): void;
}

/** member ids per membership event: a larger delta becomes several events */
export const MAX_MEMBERS_PER_EVENT = 500;

/**
 * The top-level attributes whose values differ between two documents (`schemas` left out),
 * plus `password` when a new one was set: names only, never values.
 */
export function changedAttributes(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  passwordSet = false,
): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  names.delete('schemas');
  const changed = [...names].filter((k) => canonicalJson(before[k]) !== canonicalJson(after[k]));
  if (passwordSet && !changed.includes('password')) {
    changed.push('password');
  }
  return changed.sort();
}

/**
 * A User write's operation: `deactivated` when `active` goes from true (or absent) to false,
 * `activated` the reverse, else the write's own verb. The other changed attributes are in
 * `changed` either way.
 */
export function userWriteOperation(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  verb: 'replaced' | 'patched',
): ResourceOperation {
  const flip = activeFlip(before, after);
  return flip === 'deactivate' ? 'deactivated' : flip === 'activate' ? 'activated' : verb;
}

/**
 * `active` turned off (true or unset → false) or on (false → true or unset), else undefined:
 * unset counts as active (RFC 7643 §4.1.1 gives `active` no default). The change events and
 * the lifecycle hooks both decide (de)activation with this.
 */
export function activeFlip(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): 'activate' | 'deactivate' | undefined {
  const was = before.active !== false;
  const is = after.active !== false;
  return was === is ? undefined : is ? 'activate' : 'deactivate';
}

/** The event of the written resource itself, or none when the write named no operation. */
export function documentEvent(
  ev: WriteEvents | undefined,
  target: {
    tenantId: string;
    resourceType: ScimEventResourceType;
    resourceId: string;
    version: number;
    restored?: boolean;
  },
): NewChangeEvent[] {
  if (!ev?.operation) {
    return [];
  }
  const operation = target.restored && ev.operation === 'created' ? 'restored' : ev.operation;
  return [
    {
      tenantId: target.tenantId,
      resourceType: target.resourceType,
      resourceId: target.resourceId,
      operation,
      changed: [...(ev.changed ?? [])],
      version: target.version,
      actorTokenId: ev.origin.actorTokenId,
      requestId: ev.origin.requestId,
      occurredAt: ev.origin.at,
    },
  ];
}

/** members-removed then members-added events of a group, at most MAX_MEMBERS_PER_EVENT ids each. */
export function membershipEvents(
  ev: WriteEvents | undefined,
  group: { tenantId: string; groupId: string; version: number },
  removed: readonly string[],
  added: readonly string[],
): NewChangeEvent[] {
  if (!ev) {
    return [];
  }
  const out: NewChangeEvent[] = [];
  for (const [operation, ids] of [
    ['members-removed', removed],
    ['members-added', added],
  ] as const) {
    for (let i = 0; i < ids.length; i += MAX_MEMBERS_PER_EVENT) {
      out.push({
        tenantId: group.tenantId,
        resourceType: 'Group',
        resourceId: group.groupId,
        operation,
        changed: ['members'],
        members: ids.slice(i, i + MAX_MEMBERS_PER_EVENT),
        version: group.version,
        actorTokenId: ev.origin.actorTokenId,
        requestId: ev.origin.requestId,
        occurredAt: ev.origin.at,
      });
    }
  }
  return out;
}

function canonicalJson(v: unknown): string {
  return JSON.stringify(sortKeys(v)) ?? 'undefined';
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) {
    return v.map(sortKeys);
  }
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(o)
        .sort()
        .map((k) => [k, sortKeys(o[k])]),
    );
  }
  return v;
}
