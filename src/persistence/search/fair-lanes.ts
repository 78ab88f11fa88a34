import { ScimError } from '../../core/errors/scim-error';

/** How many searches run at once, and how long one may wait for its turn. */
export interface FairLaneOptions {
  /** searches running at once, all tenants together (SQLite: workers; MySQL: connections) */
  readonly slots: number;
  /** searches of one tenant running at once (less than `slots`, so others always find one) */
  readonly perTenant: number;
  /** longest wait for a turn: longer is 503 with Retry-After */
  readonly maxWaitMs: number;
  /** most searches of one tenant waiting: more is 503 with Retry-After at once */
  readonly maxQueuedPerTenant: number;
}

interface Waiter {
  readonly start: (slot: number) => void;
  readonly fail: (e: unknown) => void;
}

/** nginx's "client closed request": nobody reads it, the audit log records it */
export const CLIENT_CLOSED_REQUEST = 499;

/** The error of work whose client went away (its request's AbortSignal fired). */
export function abandoned(): ScimError {
  return new ScimError(CLIENT_CLOSED_REQUEST, 'The client closed the request; its search was abandoned');
}

/** Seconds a refused search is told to wait (Retry-After, RFC 9110 §10.2.3). */
export const SEARCH_RETRY_AFTER_S = 5;

export function searchesBusy(detail: string): ScimError {
  return new ScimError(503, detail, undefined, { 'Retry-After': String(SEARCH_RETRY_AFTER_S) });
}

/**
 * Turns for searches, fair between tenants: at most `slots` run at once, at most `perTenant`
 * of them for one tenant, and a free slot goes to the next tenant in turn (round robin), not
 * to the oldest waiter. A tenant that sends expensive searches as fast as its rate limit lets it
 * queues behind its own searches only: another tenant's search waits at most until one slot
 * frees. A search whose client went away (`signal`) leaves the queue without running; one that
 * waited `maxWaitMs` is refused with 503 and Retry-After (the tenant's own load, not a fault).
 */
export class FairLanes {
  private readonly free: number[];
  private readonly running = new Map<string, number>();
  /** tenants with waiters, in turn order; each tenant's waiters in arrival order */
  private readonly queues = new Map<string, Waiter[]>();

  constructor(private readonly o: FairLaneOptions) {
    if (o.slots < 1 || o.perTenant < 1) {
      throw new Error('FairLanes: slots and perTenant must be at least 1');
    }
    this.free = Array.from({ length: o.slots }, (_, i) => o.slots - 1 - i);
  }

  /** searches running now (all tenants) */
  get busy(): number {
    return this.o.slots - this.free.length;
  }

  /** searches waiting now (all tenants) */
  get waiting(): number {
    let n = 0;
    for (const q of this.queues.values()) {
      n += q.length;
    }
    return n;
  }

  /** Runs `task` on a slot (0 .. slots-1) once it is this tenant's turn. */
  async run<T>(tenantId: string, signal: AbortSignal | undefined, task: (slot: number) => Promise<T>): Promise<T> {
    if (signal?.aborted) {
      throw abandoned();
    }
    const slot = await this.turn(tenantId, signal);
    try {
      return await task(slot);
    } finally {
      this.release(tenantId, slot);
    }
  }

  private turn(tenantId: string, signal: AbortSignal | undefined): Promise<number> {
    if (this.free.length && (this.running.get(tenantId) ?? 0) < this.o.perTenant && !this.queues.has(tenantId)) {
      return Promise.resolve(this.take(tenantId));
    }
    const queue = this.queues.get(tenantId) ?? [];
    if (queue.length >= this.o.maxQueuedPerTenant) {
      return Promise.reject(
        searchesBusy(`This tenant already has ${queue.length} searches waiting; retry later`),
      );
    }
    return new Promise<number>((resolve, reject) => {
      const leave = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        const q = this.queues.get(tenantId);
        const i = q ? q.indexOf(waiter) : -1;
        if (q && i >= 0) {
          q.splice(i, 1);
          if (!q.length) {
            this.queues.delete(tenantId);
          }
        }
      };
      const waiter: Waiter = {
        start: (slot) => {
          leave();
          resolve(slot);
        },
        fail: (e) => {
          leave();
          reject(e);
        },
      };
      const onAbort = () => waiter.fail(abandoned());
      const timer = setTimeout(
        () =>
          waiter.fail(
            searchesBusy(
              `This tenant's searches waited ${this.o.maxWaitMs} ms for their turn; retry later, ` +
                'or filter on indexed attributes so that each search takes less',
            ),
          ),
        this.o.maxWaitMs,
      );
      timer.unref?.();
      signal?.addEventListener('abort', onAbort, { once: true });
      queue.push(waiter);
      this.queues.set(tenantId, queue);
    });
  }

  private take(tenantId: string): number {
    this.running.set(tenantId, (this.running.get(tenantId) ?? 0) + 1);
    return this.free.pop()!;
  }

  private release(tenantId: string, slot: number): void {
    const n = (this.running.get(tenantId) ?? 1) - 1;
    if (n > 0) {
      this.running.set(tenantId, n);
    } else {
      this.running.delete(tenantId);
    }
    this.free.push(slot);
    this.dispatch();
  }

  /** Gives free slots to waiting tenants in turn: the first one that may run another search. */
  private dispatch(): void {
    while (this.free.length) {
      let next: [string, Waiter[]] | undefined;
      for (const entry of this.queues) {
        if ((this.running.get(entry[0]) ?? 0) < this.o.perTenant) {
          next = entry;
          break;
        }
      }
      if (!next) {
        return;
      }
      const [tenantId, queue] = next;
      const waiter = queue[0];
      // the tenant goes to the back of the turn order (Map keeps insertion order)
      this.queues.delete(tenantId);
      if (queue.length > 1) {
        this.queues.set(tenantId, queue);
      }
      waiter.start(this.take(tenantId));
    }
  }
}
