import { IncomingHttpHeaders, Server, ServerResponse, createServer } from 'node:http';
import { AddressInfo } from 'node:net';

/** The allowlist entry an app needs to deliver to a WebhookReceiver (it listens on loopback). */
export const RECEIVER_ALLOW = '127.0.0.1';

/** What the receiver does with a request: answer 200 or 500, never answer, or drop the socket. */
export type ReceiverAnswer = 'ok' | 'fail' | 'hang' | 'refuse';

export interface ReceivedRequest {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly json: Record<string, unknown>;
  /** Date.now() when the body was read */
  readonly at: number;
  /** the status answered; null when the request was left hanging or its socket dropped */
  readonly status: number | null;
}

/**
 * A webhook endpoint for the change-event tests: node:http on 127.0.0.1 and
 * a random port, recording every request. `answer` decides per request (default: 200).
 * Loopback is refused to webhooks unless allowed: an app that delivers here is started with
 * RECEIVER_ALLOW in its ScimModule events.webhookAllow, or SCIM_WEBHOOK_ALLOW=127.0.0.1.
 */
export class WebhookReceiver {
  readonly requests: ReceivedRequest[] = [];
  answer: (json: Record<string, unknown>) => ReceiverAnswer = () => 'ok';
  private readonly hanging = new Set<ServerResponse>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<WebhookReceiver> {
    let receiver: WebhookReceiver | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => receiver!.handle(req.headers, Buffer.concat(chunks).toString('utf8'), res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    receiver = new WebhookReceiver(server, `http://127.0.0.1:${port}/scim-events`);
    return receiver;
  }

  /** requests answered 2xx: the deliveries */
  get delivered(): ReceivedRequest[] {
    return this.requests.filter((r) => r.status !== null && r.status >= 200 && r.status < 300);
  }

  /** the delivered events' bodies */
  deliveredEvents(filter: (e: Record<string, unknown>) => boolean = () => true) {
    return this.delivered.map((r) => r.json).filter(filter);
  }

  /** Waits (polling, bounded) until `done()` holds; throws with `what` after `timeoutMs`. */
  async waitFor(what: string, done: () => boolean, timeoutMs = 10_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > until) {
        throw new Error(`webhook receiver: timed out after ${timeoutMs} ms waiting for ${what}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async close(): Promise<void> {
    for (const res of this.hanging) {
      res.destroy();
    }
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(headers: IncomingHttpHeaders, body: string, res: ServerResponse): void {
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(body) as Record<string, unknown>;
    } catch {
      // recorded as sent
    }
    const answer = this.answer(json);
    const status = answer === 'ok' ? 200 : answer === 'fail' ? 500 : null;
    this.requests.push({ headers, body, json, at: Date.now(), status });
    switch (answer) {
      case 'ok':
      case 'fail':
        res.writeHead(status!, { 'Content-Type': 'text/plain' }).end(answer);
        return;
      case 'hang':
        this.hanging.add(res);
        res.on('close', () => this.hanging.delete(res));
        return;
      case 'refuse':
        res.socket?.destroy();
        return;
    }
  }
}
