/**
 * EventDispatcher on an in-memory outbox: order per resource, a failure
 * stopping its resource's chain, listeners not repeated for a webhook retry, back-off, giving
 * up, and shutdown. The SQL claim itself runs in test/e2e/events.e2e-spec.ts on both databases.
 */
import { Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import {
  OutboxBacklog,
  OutboxEvent,
  OutboxFailure,
  OutboxRecord,
  OutboxRepository,
  OutboxStatus,
  ScimChangeEvent,
  ScimEventListener,
} from '../core/ports/change-event';
import { TenantRepository, TenantWebhook } from '../core/ports/tenant.repository';
import { EventDispatcher } from './event-dispatcher.service';
import { EventsOptions, resolveEventsOptions } from './events.options';
import { OutboxSignalHub } from './outbox-signal';
import { WebhookSender } from './webhook.sender';

interface Row {
  event: OutboxEvent;
  status: OutboxStatus;
  nextAttemptAt: string;
  leaseOwner: string | null;
  leaseUntil: string | null;
  lastError: string | null;
}

/** The claim rules of TypeOrmOutboxRepository, over an array. */
class MemoryOutbox implements OutboxRepository {
  readonly rows: Row[] = [];
  private seq = 0;

  add(tenantId: string, resourceId: string, version: number): void {
    const seq = String(++this.seq);
    this.rows.push({
      event: {
        id: `event-${seq}`,
        seq,
        tenantId,
        resourceType: 'User',
        resourceId,
        operation: 'patched',
        changed: ['displayName'],
        version,
        actorTokenId: 'tok',
        requestId: 'req',
        occurredAt: new Date().toISOString(),
        attempts: 0,
        listenersDone: false,
      },
      status: 'pending',
      nextAttemptAt: new Date(0).toISOString(),
      leaseOwner: null,
      leaseUntil: null,
      lastError: null,
    });
  }

  row(seq: string): Row {
    return this.rows.find((r) => r.event.seq === seq)!;
  }

  async claim(owner: string, now: string, leaseUntil: string, limit: number): Promise<OutboxEvent[]> {
    const free = (r: Row) =>
      r.status === 'pending' && r.nextAttemptAt <= now && (r.leaseUntil === null || r.leaseUntil < now);
    const won = this.rows
      .filter(
        (r) =>
          free(r) &&
          this.rows
            .filter((e) => e.status === 'pending' && e.event.resourceId === r.event.resourceId)
            .filter((e) => +e.event.seq < +r.event.seq)
            .every(free),
      )
      .slice(0, limit);
    for (const r of won) {
      r.leaseOwner = owner;
      r.leaseUntil = leaseUntil;
    }
    return won.map((r) => r.event);
  }

  async markDelivered(
    seqs: readonly string[],
    owner: string,
    _at: string,
    status: 'delivered' | 'skipped' = 'delivered',
  ): Promise<void> {
    for (const s of seqs) {
      const r = this.row(s);
      if (r.leaseOwner === owner) {
        Object.assign(r, { status, leaseOwner: null, leaseUntil: null });
      }
    }
  }

  async markFailed(seq: string, owner: string, f: OutboxFailure): Promise<void> {
    const r = this.row(seq);
    if (r.leaseOwner !== owner) {
      return;
    }
    Object.assign(r, {
      status: f.giveUp ? 'failed' : 'pending',
      nextAttemptAt: f.nextAttemptAt,
      lastError: f.error,
      leaseOwner: null,
      leaseUntil: null,
      event: { ...r.event, attempts: f.attempts, listenersDone: f.listenersDone },
    });
  }

  async release(owner: string): Promise<void> {
    for (const r of this.rows.filter((x) => x.leaseOwner === owner)) {
      Object.assign(r, { leaseOwner: null, leaseUntil: null });
    }
  }

  async pruneBefore(): Promise<number> {
    return 0;
  }

  // operators' reads and retries: TypeOrmOutboxRepository, tested in test/e2e/admin.e2e-spec.ts
  list(): Promise<OutboxRecord[]> {
    return Promise.reject(new Error('not used here'));
  }
  findByEventId(): Promise<OutboxRecord | null> {
    return Promise.reject(new Error('not used here'));
  }
  retry(): Promise<OutboxRecord | null> {
    return Promise.reject(new Error('not used here'));
  }
  retryFailed(): Promise<number> {
    return Promise.reject(new Error('not used here'));
  }
  backlog(): Promise<OutboxBacklog> {
    return Promise.reject(new Error('not used here'));
  }

  /** makes every failed-and-waiting event due now */
  due(): void {
    for (const r of this.rows) {
      r.nextAttemptAt = new Date(0).toISOString();
    }
  }
}

/** With the unclaimed finish of TypeOrmOutboxRepository (events nobody consumes). */
class UnclaimedOutbox extends MemoryOutbox {
  async dueUnclaimed(now: string, limit: number): Promise<{ seq: string; tenantId: string }[]> {
    return this.rows
      .filter((r) => r.status === 'pending' && r.nextAttemptAt <= now && (r.leaseUntil === null || r.leaseUntil < now))
      .slice(0, limit)
      .map((r) => ({ seq: r.event.seq, tenantId: r.event.tenantId }));
  }

  async finishUnclaimed(seqs: readonly string[], now: string, _at: string, status: 'delivered' | 'skipped'): Promise<number> {
    let n = 0;
    for (const s of seqs) {
      const r = this.row(s);
      if (r.status === 'pending' && (r.leaseUntil === null || r.leaseUntil < now)) {
        Object.assign(r, { status, lastError: null });
        n++;
      }
    }
    return n;
  }
}

const HOOK: TenantWebhook = { url: 'http://127.0.0.1:9/hook', secret: 'secret-secret-secret' };

function setup(
  o: {
    listeners?: ScimEventListener[];
    hooked?: string[];
    /** tenants with notifications off */
    muted?: string[];
    options?: Partial<EventsOptions>;
    /** an HTTP server is up: onApplicationBootstrap starts dispatching */
    serving?: boolean;
    outbox?: MemoryOutbox;
  } = {},
) {
  jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  const outbox = o.outbox ?? new MemoryOutbox();
  const sent: ScimChangeEvent[] = [];
  let fail = new Set<string>();
  const webhooks = {
    send: jest.fn(async (_hook: TenantWebhook, e: ScimChangeEvent) => {
      if (fail.has(e.id)) {
        throw new Error('HTTP 500');
      }
      sent.push(e);
    }),
  };
  const hooked = new Set(o.hooked ?? ['t1']);
  const muted = new Set(o.muted ?? []);
  const tenants = {
    webhookOf: async (id: string) => (hooked.has(id) ? HOOK : null),
    findById: async (id: string) => ({
      id,
      slug: id,
      createdAt: '2025-01-01T00:00:00.000Z',
      notifications: muted.has(id) ? 'off' : null,
    }),
  } as unknown as TenantRepository;
  const options = { ...resolveEventsOptions({ retryBaseMs: 1000, maxAttempts: 3 }, 90), ...o.options };
  const dispatcher = new EventDispatcher(
    outbox,
    tenants,
    o.listeners ?? [],
    options,
    new OutboxSignalHub(),
    webhooks as unknown as WebhookSender,
    { httpAdapter: o.serving ? {} : undefined } as unknown as HttpAdapterHost,
  );
  return {
    outbox,
    dispatcher,
    webhooks,
    sent,
    failing: (ids: string[]) => {
      fail = new Set(ids);
    },
  };
}

afterEach(() => jest.restoreAllMocks());

describe('EventDispatcher', () => {
  it('delivers each resource in order and stops a resource at its first failure', async () => {
    const { outbox, dispatcher, sent, failing } = setup();
    outbox.add('t1', 'a', 1);
    outbox.add('t1', 'b', 1);
    outbox.add('t1', 'a', 2);
    outbox.add('t1', 'a', 3);
    failing(['event-3']);
    await dispatcher.runOnce();
    expect(sent.map((e) => `${e.resourceId}${e.version}`).sort()).toEqual(['a1', 'b1']);
    expect(outbox.rows.map((r) => [r.status, r.event.attempts, r.leaseOwner])).toEqual([
      ['delivered', 0, null],
      ['delivered', 0, null],
      ['pending', 1, null],
      ['pending', 0, null], // released, no attempt counted: it waits for a2
    ]);
    // a3 cannot overtake a2 while a2 waits for its retry
    await dispatcher.runOnce();
    expect(sent).toHaveLength(2);
    failing([]);
    outbox.due();
    await dispatcher.runOnce();
    expect(sent).toHaveLength(4);
    expect(sent.filter((e) => e.resourceId === 'a').map((e) => e.version)).toEqual([1, 2, 3]);
    expect(outbox.rows.every((r) => r.status === 'delivered')).toBe(true);
  });

  it('calls the listeners once even when the webhook needs retries', async () => {
    const heard: ScimChangeEvent[] = [];
    const { outbox, dispatcher, sent, failing, webhooks } = setup({
      listeners: [{ handle: async (e) => void heard.push(e) }],
    });
    outbox.add('t1', 'a', 1);
    failing(['event-1']);
    await dispatcher.runOnce();
    expect(outbox.row('1').event).toMatchObject({ attempts: 1, listenersDone: true });
    failing([]);
    outbox.due();
    await dispatcher.runOnce();
    expect(heard.map((e) => e.id)).toEqual(['event-1']);
    expect(sent.map((e) => e.id)).toEqual(['event-1']);
    expect(webhooks.send).toHaveBeenCalledTimes(2);
    // listeners get the public event, frozen, without the outbox bookkeeping
    expect(Object.isFrozen(heard[0])).toBe(true);
    expect(heard[0]).not.toHaveProperty('attempts');
    expect(heard[0]).not.toHaveProperty('listenersDone');
  });

  it('retries a failing listener before the webhook is called', async () => {
    let calls = 0;
    const { outbox, dispatcher, webhooks } = setup({
      listeners: [
        {
          handle: async () => {
            if (++calls === 1) {
              throw new Error('busy');
            }
          },
        },
      ],
    });
    outbox.add('t1', 'a', 1);
    await dispatcher.runOnce();
    expect(outbox.row('1')).toMatchObject({ status: 'pending', lastError: 'listener Object: busy' });
    expect(webhooks.send).not.toHaveBeenCalled();
    outbox.due();
    await dispatcher.runOnce();
    expect(outbox.row('1').status).toBe('delivered');
    expect(webhooks.send).toHaveBeenCalledTimes(1);
  });

  it('gives up after maxAttempts; later events of the resource then go on', async () => {
    const { outbox, dispatcher, sent, failing } = setup();
    outbox.add('t1', 'a', 1);
    outbox.add('t1', 'a', 2);
    failing(['event-1']);
    for (let i = 0; i < 3; i++) {
      outbox.due();
      await dispatcher.runOnce();
    }
    expect(outbox.row('1')).toMatchObject({ status: 'failed', lastError: 'HTTP 500' });
    expect(outbox.row('1').event.attempts).toBe(3);
    expect(sent).toEqual([]);
    await dispatcher.runOnce();
    expect(sent.map((e) => e.version)).toEqual([2]);
  });

  it('marks events nobody consumes delivered in one go', async () => {
    const { outbox, dispatcher, webhooks } = setup({ hooked: [] });
    outbox.add('t2', 'a', 1);
    outbox.add('t2', 'b', 1);
    expect(await dispatcher.runOnce()).toBe(true);
    expect(outbox.rows.map((r) => r.status)).toEqual(['delivered', 'delivered']);
    expect(webhooks.send).not.toHaveBeenCalled();
    expect(await dispatcher.runOnce()).toBe(false);
  });

  it('notifications off: no webhook call, the listeners still run, the events are skipped', async () => {
    const heard: ScimChangeEvent[] = [];
    const { outbox, dispatcher, webhooks, sent } = setup({
      listeners: [{ handle: async (e) => void heard.push(e) }],
      hooked: ['t1', 't2'],
      muted: ['t2'],
    });
    outbox.add('t2', 'a', 1);
    outbox.add('t1', 'b', 1);
    outbox.add('t2', 'a', 2);
    await dispatcher.runOnce();
    expect(heard.map((e) => `${e.tenantId}/${e.resourceId}${e.version}`).sort()).toEqual([
      't1/b1',
      't2/a1',
      't2/a2',
    ]);
    expect(sent.map((e) => e.tenantId)).toEqual(['t1']);
    expect(webhooks.send).toHaveBeenCalledTimes(1);
    expect(outbox.rows.map((r) => [r.event.tenantId, r.status, r.event.attempts, r.lastError])).toEqual([
      ['t2', 'skipped', 0, null],
      ['t1', 'delivered', 0, null],
      ['t2', 'skipped', 0, null],
    ]);
  });

  it('notifications off and no listener: the events are skipped in one go', async () => {
    const { outbox, dispatcher, webhooks } = setup({ hooked: ['t1', 't2'], muted: ['t2'] });
    outbox.add('t2', 'a', 1);
    outbox.add('t3', 'b', 1); // no webhook at all: delivered (nothing was skipped)
    const markDelivered = jest.spyOn(outbox, 'markDelivered');
    expect(await dispatcher.runOnce()).toBe(true);
    expect(outbox.rows.map((r) => r.status)).toEqual(['skipped', 'delivered']);
    expect(markDelivered).toHaveBeenCalledTimes(2);
    expect(webhooks.send).not.toHaveBeenCalled();
  });

  it('no listener: events nobody consumes are finished without a claim, the rest claimed', async () => {
    const { outbox, dispatcher, sent } = setup({ hooked: ['t1', 't2'], muted: ['t2'], outbox: new UnclaimedOutbox() });
    outbox.add('t3', 'a', 1); // no webhook: delivered
    outbox.add('t2', 'b', 1); // notifications off: skipped
    outbox.add('t1', 'c', 1); // a webhook: claimed and sent
    outbox.add('t3', 'a', 2);
    const claim = jest.spyOn(outbox, 'claim');
    expect(await dispatcher.runOnce()).toBe(true);
    expect(claim).toHaveBeenCalledTimes(1);
    expect(await claim.mock.results[0].value).toEqual([expect.objectContaining({ tenantId: 't1' })]);
    expect(sent.map((e) => e.tenantId)).toEqual(['t1']);
    expect(outbox.rows.map((r) => [r.event.tenantId, r.status])).toEqual([
      ['t3', 'delivered'],
      ['t2', 'skipped'],
      ['t1', 'delivered'],
      ['t3', 'delivered'],
    ]);
  });

  it('no listener and no webhook: no claim at all, and no other round unless the batch was full', async () => {
    const { outbox, dispatcher } = setup({ hooked: [], outbox: new UnclaimedOutbox(), options: { batchSize: 2 } });
    outbox.add('t3', 'a', 1);
    outbox.add('t3', 'b', 1);
    outbox.add('t3', 'c', 1);
    const claim = jest.spyOn(outbox, 'claim');
    expect(await dispatcher.runOnce()).toBe(true);
    expect(await dispatcher.runOnce()).toBe(false);
    expect(claim).not.toHaveBeenCalled();
    expect(outbox.rows.map((r) => r.status)).toEqual(['delivered', 'delivered', 'delivered']);
  });

  it('backs off exponentially with jitter, capped at retryMaxMs', () => {
    const { dispatcher } = setup({ options: { retryBaseMs: 1000, retryMaxMs: 3_600_000 } });
    for (const [attempt, plain] of [
      [1, 1000],
      [2, 2000],
      [5, 16_000],
      [12, 2_048_000],
    ]) {
      const d = dispatcher.backoff(attempt);
      expect(d).toBeGreaterThanOrEqual(plain * 0.8);
      expect(d).toBeLessThanOrEqual(plain * 1.2);
    }
    expect(dispatcher.backoff(13)).toBeLessThanOrEqual(3_600_000);
    expect(dispatcher.backoff(200)).toBeLessThanOrEqual(3_600_000);
  });

  it('coalesces the wake-ups of a burst of writes into one claim', async () => {
    const { dispatcher, outbox, sent } = setup({
      serving: true,
      // a window wide enough that ten writes 2 ms apart fall in it even on a loaded machine
      options: { coalesceMs: 250, pollIntervalMs: 60_000 },
    });
    dispatcher.onApplicationBootstrap();
    await new Promise((r) => setTimeout(r, 20)); // the start-up round, on an empty outbox
    const claim = jest.spyOn(outbox, 'claim');
    // ten writes, 2 ms apart (each request commits on its own), within one 250 ms window
    for (let i = 1; i <= 10; i++) {
      outbox.add('t1', `u${i}`, 1);
      dispatcher.nudge();
      await new Promise((r) => setTimeout(r, 2));
    }
    await new Promise((r) => setTimeout(r, 600));
    expect(sent).toHaveLength(10);
    // one round for the burst (a second one at most, when the first found a full batch)
    expect(claim.mock.calls.length).toBeLessThanOrEqual(2);
    await dispatcher.onModuleDestroy();
  });

  it('does not start in a process without an HTTP server (the CLI) and stops at once', async () => {
    const { dispatcher, outbox } = setup();
    const claim = jest.spyOn(outbox, 'claim');
    dispatcher.onApplicationBootstrap();
    dispatcher.nudge();
    await new Promise((r) => setTimeout(r, 20));
    expect(claim).not.toHaveBeenCalled();
    const t0 = Date.now();
    await dispatcher.onModuleDestroy();
    expect(Date.now() - t0).toBeLessThan(100);
  });
});

describe('resolveEventsOptions', () => {
  it('defaults: dispatch, 250 ms polls, 10 s timeout, a 30 s lease, 20 attempts', () => {
    expect(resolveEventsOptions(undefined, 90)).toMatchObject({
      dispatch: true,
      pollIntervalMs: 250,
      deliveryTimeoutMs: 10_000,
      leaseMs: 30_000,
      maxAttempts: 20,
      retryBaseMs: 1_000,
      retryMaxMs: 3_600_000,
    });
    expect(resolveEventsOptions({ deliveryTimeoutMs: 500 }, 90).leaseMs).toBe(2_000);
  });

  it.each([
    [{ pollIntervalMs: 0 }, /pollIntervalMs/],
    [{ deliveryTimeoutMs: 1.5 }, /deliveryTimeoutMs/],
    [{ leaseMs: 1000 }, /leaseMs/],
    [{ batchSize: 5000 }, /batchSize/],
    [{ retryBaseMs: 10, retryMaxMs: 5 }, /retryMaxMs/],
    [{ dispatch: 'yes' as unknown as boolean }, /dispatch/],
  ])('rejects %j at boot', (o, msg) => {
    expect(() => resolveEventsOptions(o, 90)).toThrow(msg);
  });
});
