import type { ServerResponse } from 'node:http';

/**
 * A signal that fires when the client closes the connection before its answer was written
 * (Fastify's reply wraps the Node response as `raw`; Express's response is one). A response
 * that was written closes with `writableFinished` set, and does not fire it.
 */
export function clientGoneSignal(response: unknown): AbortSignal {
  const raw = ((response as { raw?: ServerResponse } | null)?.raw ?? response) as ServerResponse | null;
  const controller = new AbortController();
  if (typeof raw?.once !== 'function') {
    return controller.signal;
  }
  if (raw.destroyed && !raw.writableFinished) {
    controller.abort();
    return controller.signal;
  }
  raw.once('close', () => {
    if (!raw.writableFinished) {
      controller.abort();
    }
  });
  return controller.signal;
}
