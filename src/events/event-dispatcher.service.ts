import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { OutboxEvent, OutboxRepository, ScimEventListener } from '../core/ports/change-event';
import { TenantRepository } from '../core/ports/tenant.repository';
import {
  OUTBOX_REPOSITORY,
  OUTBOX_SIGNAL,
  SCIM_EVENT_LISTENERS,
  TENANT_REPOSITORY,
} from '../core/ports/tokens';
import { errorMessage, retryDelay, withTimeout } from './event-delivery.policy';
import { EVENTS_OPTIONS, EventsOptions } from './events.options';
import {
  forEachLimited,
  publicEvent,
  routeBatch,
  webhooksOf,
  WebhookTarget,
  webhookTarget,
} from './outbox.batch';
import { OutboxSignalHub } from './outbox-signal';
import { WebhookSender } from './webhook.sender';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** rows one retention DELETE removes at most */
const PRUNE_BATCH = 1_000;
/** the same failure is logged at most this often (a database that is down, polled 4x/s) */
const LOG_REPEAT_MS = 60_000;

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Delivers the transactional outbox, with leases so that each event is sent by one instance at
 * a time.
 *
 * Each instance that serves HTTP polls the outbox (every `pollIntervalMs`, and at once after a
 * local write committed events), leases a batch of due events (TypeOrmOutboxRepository.claim:
 * each event to one instance at a time, never an event whose earlier event of the same
 * resource is undelivered and held elsewhere), and delivers it: first to every in-process
 * listener of the host, then to the tenant's webhook. Events of one resource go one after the
 * other, in outbox order, and a failure stops that resource's chain until the retry; other
 * resources go in parallel. A tenant with notifications off gets no webhook
 * call: its events still reach the listeners and are marked skipped, not failed. A failure
 * sets the next attempt after an exponential back-off with jitter; after `maxAttempts` the
 * event is given up (status failed, last_error kept). Delivery is at least once: a crash
 * between a delivery and its mark, or a lease that ran out, repeats it (receivers de-duplicate
 * on the event id). Finished events (delivered, skipped, failed) are pruned after the audit
 * retention. Shutdown stops the timers, aborts webhook calls in flight, and waits for the
 * round to hand its leases back, bounded by the delivery timeout.
 */
@Injectable()
export class EventDispatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('ScimEvents');
  /** lease owners are `<instance>:<claim number>`: unique per claim */
  private readonly instance = randomUUID();
  private claims = 0;
  private active = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  /** when `timer` fires (Date.now() ms) */
  private timerDueAt = 0;
  private pruneTimer: NodeJS.Timeout | undefined;
  private round: Promise<void> | undefined;
  private pruning: Promise<void> | undefined;
  /** a write committed events while a round ran: start the next one at once */
  private again = false;
  private unsubscribe: (() => void) | undefined;
  private readonly inFlight = new Set<AbortController>();
  private lastLogged: { text: string; at: number } | undefined;

  constructor(
    @Inject(OUTBOX_REPOSITORY) private readonly outbox: OutboxRepository,
    @Inject(TENANT_REPOSITORY) private readonly tenants: TenantRepository,
    @Inject(SCIM_EVENT_LISTENERS) private readonly listeners: readonly ScimEventListener[],
    @Inject(EVENTS_OPTIONS) private readonly options: EventsOptions,
    @Inject(OUTBOX_SIGNAL) private readonly signal: OutboxSignalHub,
    private readonly webhooks: WebhookSender,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  onApplicationBootstrap(): void {
    // like retention: a process without an HTTP server (the CLI) never dispatches
    if (!this.options.dispatch || !this.adapterHost?.httpAdapter) {
      return;
    }
    this.active = true;
    this.unsubscribe = this.signal.subscribe(() => this.nudge());
    this.schedule(0);
    this.pruneInBackground();
    this.pruneTimer = setInterval(() => this.pruneInBackground(), HOUR_MS);
    this.pruneTimer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.active = false;
    this.unsubscribe?.();
    clearTimeout(this.timer);
    clearInterval(this.pruneTimer);
    this.timer = this.pruneTimer = undefined;
    for (const c of this.inFlight) {
      c.abort();
    }
    // listeners cannot be aborted: their calls are bounded by the delivery timeout
    let bound: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all([this.round, this.pruning]),
      new Promise<void>((r) => {
        bound = setTimeout(r, this.options.deliveryTimeoutMs + 1_000);
      }),
    ]);
    clearTimeout(bound);
  }

  /** Looks at the outbox at once (a local write committed events). */
  nudge(): void {
    if (!this.active) {
      return;
    }
    if (this.round) {
      this.again = true;
      return;
    }
    // a round already due within the coalescing window takes this write's events too
    if (this.timer !== undefined && this.timerDueAt <= Date.now() + this.options.coalesceMs) {
      return;
    }
    this.schedule(this.options.coalesceMs);
  }

  /**
   * One claim-and-deliver round. Returns true when more may be due at once (a full batch, or
   * deliveries that may have unblocked later events of their resources).
   */
  async runOnce(): Promise<boolean> {
    const now = Date.now();
    let finished = 0;
    if (!this.listeners.length && this.outbox.dueUnclaimed && this.outbox.finishUnclaimed) {
      const unconsumed = await this.finishUnconsumed(now);
      if (!unconsumed.consumed) {
        // nothing waits on these: another round at once only when the batch was full
        return unconsumed.full;
      }
      finished = unconsumed.finished;
    }
    const owner = `${this.instance}:${++this.claims}`;
    const leaseUntil = now + this.options.leaseMs;
    const events = await this.outbox.claim(owner, iso(now), iso(leaseUntil), this.options.batchSize);
    if (!events.length) {
      return finished > 0;
    }
    let delivered = 0;
    try {
      const webhooks = await webhooksOf(this.tenants, events);
      const { unheard, unsent, chains } = routeBatch(events, this.listeners.length > 0, webhooks);
      const at = iso(Date.now());
      if (unheard.length) {
        await this.outbox.markDelivered(unheard, owner, at);
        delivered += unheard.length;
      }
      if (unsent.length) {
        await this.outbox.markDelivered(unsent, owner, at, 'skipped');
        delivered += unsent.length;
      }
      await forEachLimited(chains, this.options.concurrency, async (chain) => {
        const target = webhookTarget(webhooks, chain[0].tenantId);
        delivered += await this.deliverChain(chain, owner, leaseUntil, target);
      });
    } finally {
      // whatever this round did not finish goes back without counting an attempt
      await this.outbox.release(owner).catch((e: unknown) => this.logFailure('release', e));
    }
    return delivered > 0 || events.length >= this.options.batchSize;
  }

  /**
   * Events nobody consumes (no listener in this process, and no webhook for their tenant, or a
   * muted one) are finished as they lie, as a claimed batch would finish them (delivered, or
   * skipped when muted), without a lease: they need no order and nobody to wait for. Says how
   * many were finished, whether due events of a tenant with a webhook are left for a claim
   * (`consumed`), and whether the look found a full batch.
   */
  private async finishUnconsumed(now: number): Promise<{ finished: number; consumed: boolean; full: boolean }> {
    const due = await this.outbox.dueUnclaimed!(iso(now), this.options.batchSize);
    if (!due.length) {
      return { finished: 0, consumed: false, full: false };
    }
    const webhooks = await webhooksOf(this.tenants, due);
    const unheard = due.filter((e) => !webhooks.hooks.has(e.tenantId) && !webhooks.muted.has(e.tenantId));
    const unsent = due.filter((e) => webhooks.muted.has(e.tenantId));
    const at = iso(Date.now());
    let finished = 0;
    if (unheard.length) {
      finished += await this.outbox.finishUnclaimed!(unheard.map((e) => e.seq), iso(now), at, 'delivered');
    }
    if (unsent.length) {
      finished += await this.outbox.finishUnclaimed!(unsent.map((e) => e.seq), iso(now), at, 'skipped');
    }
    const consumed = unheard.length + unsent.length < due.length;
    return { finished, consumed, full: due.length >= this.options.batchSize };
  }

  /** Delivers one resource's events in order; stops at the first failure. */
  private async deliverChain(
    chain: readonly OutboxEvent[],
    owner: string,
    leaseUntil: number,
    hook: WebhookTarget,
  ): Promise<number> {
    let delivered = 0;
    for (const event of chain) {
      // not started when the lease could run out meanwhile: the next claim takes it
      if (this.stopped || Date.now() + 2 * this.options.deliveryTimeoutMs > leaseUntil) {
        break;
      }
      if (!(await this.deliver(event, owner, hook))) {
        break;
      }
      delivered++;
    }
    return delivered;
  }

  private async deliver(event: OutboxEvent, owner: string, hook: WebhookTarget): Promise<boolean> {
    const payload = publicEvent(event);
    // recorded only when listeners really ran: listeners a host adds later still get the rest
    let listenersDone = event.listenersDone;
    const abort = new AbortController();
    this.inFlight.add(abort);
    try {
      if (!listenersDone && this.listeners.length) {
        for (const listener of this.listeners) {
          await withTimeout(listener.handle(payload), listener, this.options.deliveryTimeoutMs);
        }
        listenersDone = true;
      }
      if (hook !== undefined && hook !== 'muted') {
        await this.webhooks.send(hook, payload, abort.signal);
      }
      await this.outbox.markDelivered(
        [event.seq],
        owner,
        iso(Date.now()),
        hook === 'muted' ? 'skipped' : 'delivered',
      );
      return true;
    } catch (e) {
      if (this.stopped && abort.signal.aborted) {
        // shut down mid-delivery: the lease is released, no attempt counted
        return false;
      }
      await this.recordFailure(event, owner, listenersDone, e);
      return false;
    } finally {
      this.inFlight.delete(abort);
    }
  }

  private async recordFailure(
    event: OutboxEvent,
    owner: string,
    listenersDone: boolean,
    e: unknown,
  ): Promise<void> {
    const attempts = event.attempts + 1;
    const giveUp = attempts >= this.options.maxAttempts;
    const now = Date.now();
    const delay = this.backoff(attempts);
    const error = errorMessage(e);
    try {
      await this.outbox.markFailed(event.seq, owner, {
        attempts,
        nextAttemptAt: iso(now + delay),
        error,
        listenersDone,
        giveUp,
        at: iso(now),
      });
    } catch (markError) {
      this.logFailure('recording a failed delivery', markError);
      return;
    }
    const what = `${event.operation} ${event.resourceType} ${event.resourceId} (event ${event.id})`;
    if (giveUp) {
      this.logger.error(`Gave up delivering ${what} after ${attempts} attempts: ${error}`);
    } else {
      this.logger.warn(`Delivering ${what} failed (attempt ${attempts}, retry in ${delay} ms): ${error}`);
    }
  }

  /** The delay before the next attempt after `attempts` failed ones (retryDelay). */
  backoff(attempts: number): number {
    return retryDelay(attempts, this.options);
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timerDueAt = Date.now() + delayMs;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.startRound();
    }, delayMs);
    this.timer.unref();
  }

  private startRound(): void {
    if (this.round || this.stopped) {
      return;
    }
    this.again = false;
    this.round = this.runOnce()
      .catch((e: unknown) => {
        this.logFailure('polling the outbox', e);
        return false;
      })
      .then((more) => {
        this.round = undefined;
        if (!this.stopped) {
          this.schedule(
            more ? 0 : this.again ? this.options.coalesceMs : this.options.pollIntervalMs,
          );
        }
      });
  }

  private pruneInBackground(): void {
    if (this.pruning || this.stopped) {
      return;
    }
    const before = iso(Date.now() - this.options.retentionDays * DAY_MS);
    this.pruning = (async () => {
      let total = 0;
      for (;;) {
        const n = await this.outbox.pruneBefore(before, PRUNE_BATCH);
        total += n;
        if (n < PRUNE_BATCH || this.stopped) {
          break;
        }
      }
      if (total > 0) {
        this.logger.log(`Pruned ${total} delivered or failed change events`);
      }
    })()
      .catch((e: unknown) => this.logFailure('pruning the outbox', e))
      .finally(() => {
        this.pruning = undefined;
      });
  }

  private logFailure(what: string, e: unknown): void {
    const text = `Change events: ${what} failed: ${errorMessage(e)}`;
    const now = Date.now();
    if (this.lastLogged?.text === text && now - this.lastLogged.at < LOG_REPEAT_MS) {
      return;
    }
    this.lastLogged = { text, at: now };
    this.logger.error(text);
  }
}
