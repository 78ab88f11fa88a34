/**
 * How long one delivery may take and when a failed one is tried again: the listener time-out
 * and the retry back-off of the change-event dispatcher (event-dispatcher.service.ts).
 */
import { ScimEventListener } from '../core/ports/change-event';
import { EventsOptions } from './events.options';

export const errorMessage = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** retryBase x 2^(attempts-1), at most retryMax, with ±20 % jitter */
export function retryDelay(
  attempts: number,
  options: Pick<EventsOptions, 'retryBaseMs' | 'retryMaxMs'>,
): number {
  const plain = Math.min(options.retryBaseMs * 2 ** Math.min(attempts - 1, 40), options.retryMaxMs);
  return Math.min(Math.round(plain * (0.8 + Math.random() * 0.4)), options.retryMaxMs);
}

/**
 * Waits for one listener's call, failing when it does not finish within `timeoutMs`; the
 * error names the listener.
 */
export async function withTimeout(
  call: Promise<void>,
  listener: ScimEventListener,
  timeoutMs: number,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`listener ${listener.constructor.name} did not finish in ${timeoutMs} ms`));
    }, timeoutMs);
    timer.unref();
  });
  try {
    await Promise.race([call, timeout]);
  } catch (e) {
    throw new Error(`listener ${listener.constructor.name}: ${errorMessage(e)}`, { cause: e });
  } finally {
    clearTimeout(timer);
  }
}
