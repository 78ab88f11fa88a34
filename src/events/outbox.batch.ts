/**
 * One claimed batch of the outbox, before delivery: which tenants have a webhook, which events
 * nobody consumes, the chains of events per resource (delivered in order, one after the
 * other), and a bounded parallel run over the chains. No timers and no logging: the
 * dispatcher (event-dispatcher.service.ts) runs the rounds.
 */
import { OutboxEvent, ScimChangeEvent } from '../core/ports/change-event';
import { TenantRepository, TenantWebhook } from '../core/ports/tenant.repository';

/** where an event's webhook part goes: a webhook, none, or 'muted' (notifications off: skipped) */
export type WebhookTarget = TenantWebhook | 'muted' | undefined;

export interface TenantWebhooks {
  readonly hooks: ReadonlyMap<string, TenantWebhook>;
  /** tenants whose webhook is muted (notifications off) */
  readonly muted: ReadonlySet<string>;
}

export interface BatchRoutes {
  /** events nobody consumes (no listener, no webhook for their tenant): delivered at once */
  readonly unheard: string[];
  /** events of a muted webhook with no listener: skipped at once */
  readonly unsent: string[];
  /** the other events, grouped by resource, each group in outbox order */
  readonly chains: OutboxEvent[][];
}

/**
 * The webhooks of the events' tenants; a tenant with notifications off has
 * its webhook muted: its events still reach the listeners and are marked skipped.
 */
export async function webhooksOf(
  tenants: TenantRepository,
  events: readonly { readonly tenantId: string }[],
): Promise<TenantWebhooks> {
  const hooks = new Map<string, TenantWebhook>();
  const muted = new Set<string>();
  for (const tenantId of new Set(events.map((e) => e.tenantId))) {
    const hook = await tenants.webhookOf(tenantId);
    if (!hook) {
      continue;
    }
    if ((await tenants.findById(tenantId))?.notifications === 'off') {
      muted.add(tenantId);
    } else {
      hooks.set(tenantId, hook);
    }
  }
  return { hooks, muted };
}

/** The webhook part of a tenant's events. */
export function webhookTarget({ hooks, muted }: TenantWebhooks, tenantId: string): WebhookTarget {
  return muted.has(tenantId) ? 'muted' : hooks.get(tenantId);
}

/**
 * Splits a batch: events nobody consumes are done at once; with no listener, a tenant's muted
 * webhook (notifications off) makes them skipped; the rest go in chains per resource.
 */
export function routeBatch(
  events: readonly OutboxEvent[],
  hasListeners: boolean,
  { hooks, muted }: TenantWebhooks,
): BatchRoutes {
  const unheard = hasListeners
    ? []
    : events.filter((e) => !hooks.has(e.tenantId) && !muted.has(e.tenantId)).map((e) => e.seq);
  const unsent = hasListeners ? [] : events.filter((e) => muted.has(e.tenantId)).map((e) => e.seq);
  const skip = new Set([...unheard, ...unsent]);
  return { unheard, unsent, chains: byResource(events.filter((e) => !skip.has(e.seq))) };
}

/** The event as listeners and webhooks see it (frozen: listeners share one object). */
export function publicEvent(e: OutboxEvent): ScimChangeEvent {
  const { attempts: _a, listenersDone: _l, ...event } = e;
  return Object.freeze({
    ...event,
    changed: Object.freeze([...event.changed]),
    ...(event.members ? { members: Object.freeze([...event.members]) } : {}),
  });
}

/** Events grouped by resource, each group in outbox order (the claim returns them by seq). */
function byResource(events: readonly OutboxEvent[]): OutboxEvent[][] {
  const chains = new Map<string, OutboxEvent[]>();
  for (const e of events) {
    const key = `${e.tenantId}\u0000${e.resourceType}\u0000${e.resourceId}`;
    const chain = chains.get(key);
    if (chain) {
      chain.push(e);
    } else {
      chains.set(key, [e]);
    }
  }
  return [...chains.values()];
}

/** Runs `fn` over `items` with at most `limit` running at once. */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      await fn(items[next++]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
