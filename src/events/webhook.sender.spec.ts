import { IncomingHttpHeaders, Server, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { ScimChangeEvent } from '../core/ports/change-event';
import { resolveEventsOptions } from './events.options';
import { signWebhookBody, verifyWebhookSignature } from './webhook-signature';
import { WebhookError, WebhookSender } from './webhook.sender';

const SECRET = 'a-shared-secret-of-some-length';
const EVENT: ScimChangeEvent = {
  id: '6f2c1c8e-0000-4000-8000-000000000001',
  seq: '7',
  tenantId: 'tenant-1',
  resourceType: 'User',
  resourceId: 'user-1',
  operation: 'deactivated',
  changed: ['active'],
  version: 2,
  actorTokenId: 'token-1',
  requestId: 'req-1',
  occurredAt: '2025-06-01T12:00:00.000Z',
};

describe('webhook signatures', () => {
  it('is sha256=<hex HMAC of the body>, checked in constant time', () => {
    const body = JSON.stringify(EVENT);
    const sig = signWebhookBody(SECRET, body);
    expect(sig).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(SECRET, body, sig)).toBe(true);
    expect(verifyWebhookSignature(SECRET, body + ' ', sig)).toBe(false);
    expect(verifyWebhookSignature('another-secret-value', body, sig)).toBe(false);
    expect(verifyWebhookSignature(SECRET, body, undefined)).toBe(false);
    expect(verifyWebhookSignature(SECRET, body, 'sha256=00')).toBe(false);
  });
});

describe('WebhookSender (loopback receiver)', () => {
  let server: Server;
  let url: string;
  let answer: 'ok' | 'fail' | 'hang' = 'ok';
  const seen: { headers: IncomingHttpHeaders; body: string }[] = [];
  const sender = new WebhookSender(resolveEventsOptions({ deliveryTimeoutMs: 300 }, 90));

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        seen.push({ headers: req.headers, body });
        if (answer !== 'hang') {
          res.writeHead(answer === 'ok' ? 204 : 500).end();
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  beforeEach(() => {
    seen.length = 0;
    answer = 'ok';
  });

  it('POSTs the signed event; a 2xx is a delivery', async () => {
    await sender.send({ url, secret: SECRET }, EVENT);
    const [{ headers, body }] = seen;
    expect(headers['content-type']).toBe('application/json');
    expect(headers['x-scim-event-id']).toBe(EVENT.id);
    expect(verifyWebhookSignature(SECRET, body, headers['x-scim-signature'])).toBe(true);
    const json = JSON.parse(body) as Record<string, unknown>;
    expect(json).toEqual({ ...EVENT, sentAt: expect.any(String) });
    expect(Math.floor(Date.parse(json.sentAt as string) / 1000)).toBe(Number(headers['x-scim-timestamp']));
  });

  it('fails on another status, on no answer in time, and on a refused connection', async () => {
    answer = 'fail';
    await expect(sender.send({ url, secret: SECRET }, EVENT)).rejects.toThrow(new WebhookError('webhook answered HTTP 500'));
    answer = 'hang';
    const t0 = Date.now();
    await expect(sender.send({ url, secret: SECRET }, EVENT)).rejects.toThrow(/no answer in 300 ms/);
    expect(Date.now() - t0).toBeLessThan(2_000);
    await expect(sender.send({ url: 'http://127.0.0.1:9/none', secret: SECRET }, EVENT)).rejects.toThrow(
      /not reachable/,
    );
  });

  it('stops at once when aborted (shutdown)', async () => {
    answer = 'hang';
    const abort = new AbortController();
    const sending = sender.send({ url, secret: SECRET }, EVENT, abort.signal);
    await new Promise((r) => setTimeout(r, 30));
    abort.abort();
    await expect(sending).rejects.toThrow(/not reachable|abort/i);
  });
});
