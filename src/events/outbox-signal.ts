import { OutboxSignal } from '../core/ports/change-event';

/**
 * The repositories' "events committed" signal, in-process: the dispatcher
 * subscribes and looks at the outbox at once instead of at its next poll. Other instances see
 * the events at their next poll.
 */
export class OutboxSignalHub implements OutboxSignal {
  private readonly subscribers = new Set<() => void>();

  written(): void {
    for (const s of this.subscribers) {
      s();
    }
  }

  /** returns the unsubscribe function */
  subscribe(fn: () => void): () => void {
    this.subscribers.add(fn);
    return () => this.subscribers.delete(fn);
  }
}
