import { LookupAddress } from 'node:dns';
import { IncomingHttpHeaders, Server, createServer } from 'node:http';
import { AddressInfo, Server as TcpServer, createServer as createTcpServer } from 'node:net';
import { EgressPolicy } from '../core/egress/egress-policy';
import { ScimChangeEvent } from '../core/ports/change-event';
import { resolveEventsOptions } from './events.options';
import { HostResolver, pinnedLookup, resolveDestination } from './webhook-destination';
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
  let answer: 'ok' | 'fail' | 'hang' | 'redirect' = 'ok';
  const seen: { headers: IncomingHttpHeaders; body: string }[] = [];
  const options = resolveEventsOptions({ deliveryTimeoutMs: 300 }, 90);
  // the receiver is on loopback: allowed here as an operator would allow it
  const sender = new WebhookSender(options, new EgressPolicy(['127.0.0.1']));

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        seen.push({ headers: req.headers, body });
        if (answer === 'redirect') {
          res.writeHead(302, { Location: url.replace('/hook', '/elsewhere') }).end();
        } else if (answer !== 'hang') {
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

  it('fails with a coarse class on another status, on no answer in time, and on a refused connection', async () => {
    answer = 'fail';
    await expect(sender.send({ url, secret: SECRET }, EVENT)).rejects.toMatchObject({ failure: 'HTTP 5xx' });
    answer = 'hang';
    const t0 = Date.now();
    await expect(sender.send({ url, secret: SECRET }, EVENT)).rejects.toMatchObject({ failure: 'timeout' });
    expect(Date.now() - t0).toBeLessThan(2_000);
    await expect(sender.send({ url: 'http://127.0.0.1:9/none', secret: SECRET }, EVENT)).rejects.toMatchObject({ failure: 'connection failed' });
  });

  it('does not follow a redirect: a 3xx is a failure and nothing else is requested', async () => {
    answer = 'redirect';
    await expect(sender.send({ url, secret: SECRET }, EVENT)).rejects.toMatchObject({ failure: 'HTTP 3xx' });
    expect(seen).toHaveLength(1);
  });

  it('refuses loopback, private and metadata destinations without connecting', async () => {
    const strict = new WebhookSender(options, EgressPolicy.STRICT);
    for (const target of [url, url.replace('127.0.0.1', '[::ffff:127.0.0.1]'), url.replace('127.0.0.1', '0x7f000001')]) {
      await expect(strict.send({ url: target, secret: SECRET }, EVENT)).rejects.toMatchObject({ failure: 'refused destination' });
    }
    // localhost through the system resolver (hosts file): loopback, refused
    await expect(strict.send({ url: url.replace('127.0.0.1', 'localhost'), secret: SECRET }, EVENT)).rejects.toMatchObject({ failure: 'refused destination' });
    await expect(strict.send({ url: 'http://169.254.169.254/latest/meta-data/', secret: SECRET }, EVENT)).rejects.toMatchObject({ failure: 'refused destination' });
    expect(seen).toEqual([]);
  });

  it('connects to the address it checked: the name is resolved once and the connection pinned to it', async () => {
    const asked: string[] = [];
    // a name no real resolver knows: a delivery proves the connection used this answer
    const resolver: HostResolver = async (host) => {
      asked.push(host);
      return asked.length === 1 ? [{ address: '127.0.0.1', family: 4 }] : [{ address: '10.0.0.1', family: 4 }];
    };
    const pinned = new WebhookSender(options, new EgressPolicy(['127.0.0.1']), resolver);
    await pinned.send({ url: url.replace('127.0.0.1', 'hooks.scim-nest.test'), secret: SECRET }, EVENT);
    expect(asked).toEqual(['hooks.scim-nest.test']);
    expect(seen).toHaveLength(1);
    expect(seen[0].headers.host).toMatch(/^hooks\.scim-nest\.test:\d+$/);
  });

  it('sends nothing to a stored URL that is not http(s)', async () => {
    await expect(sender.send({ url: 'file:///etc/passwd', secret: SECRET }, EVENT)).rejects.toMatchObject({
      failure: 'refused destination',
    });
  });

  it('bounds name resolution by the timeout, and stops at once on shutdown while resolving', async () => {
    const never: HostResolver = () => new Promise<LookupAddress[]>(() => undefined);
    const slow = new WebhookSender(options, EgressPolicy.STRICT, never);
    const t0 = Date.now();
    await expect(slow.send({ url: 'https://slow.example/hook', secret: SECRET }, EVENT)).rejects.toMatchObject({
      failure: 'timeout',
    });
    expect(Date.now() - t0).toBeLessThan(2_000);
    const abort = new AbortController();
    const sending = slow.send({ url: 'https://slow.example/hook', secret: SECRET }, EVENT, abort.signal);
    abort.abort();
    await expect(sending).rejects.toMatchObject({ failure: 'connection failed' });
  });

  it('tells a closed port from an open one by nothing: both are "connection failed"', async () => {
    const closed = await freePort();
    // an open port that speaks no HTTP: closes every connection at once
    const open: TcpServer = createTcpServer((socket) => {
      socket.resume();
      socket.end('SSH-2.0-OpenSSH_9.6\r\n');
    });
    await new Promise<void>((r) => open.listen(0, '127.0.0.1', r));
    try {
      const openPort = (open.address() as AddressInfo).port;
      const failures = [];
      for (const port of [closed, openPort]) {
        failures.push(await sender.send({ url: `http://127.0.0.1:${port}/hook`, secret: SECRET }, EVENT).catch((e: Error) => e.message));
      }
      expect(failures).toEqual(['connection failed', 'connection failed']);
    } finally {
      await new Promise((r) => open.close(r));
    }
  });

  it('calls a failed TLS handshake a TLS error', async () => {
    await expect(sender.send({ url: url.replace('http:', 'https:'), secret: SECRET }, EVENT)).rejects.toMatchObject({ failure: 'TLS error' });
  });

  it('stops at once when aborted (shutdown)', async () => {
    answer = 'hang';
    const abort = new AbortController();
    const sending = sender.send({ url, secret: SECRET }, EVENT, abort.signal);
    await new Promise((r) => setTimeout(r, 30));
    abort.abort();
    await expect(sending).rejects.toMatchObject({ failure: 'connection failed' });
  });
});

async function freePort(): Promise<number> {
  const probe = createTcpServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address() as AddressInfo;
  await new Promise((r) => probe.close(r));
  return port;
}

describe('webhook destinations', () => {
  const policy = new EgressPolicy(['hooks.corp.example']);
  const answering =
    (...addresses: string[]): HostResolver =>
    async () =>
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

  it('every address a name resolves to must pass', async () => {
    const url = new URL('https://hooks.example.com/x');
    await expect(resolveDestination(url, policy, answering('93.184.215.14', '2606:2800:21f::1'))).resolves.toHaveLength(2);
    for (const inner of ['10.0.0.1', '::1', '::ffff:127.0.0.1', 'fd00:ec2::254', '64:ff9b::a00:1']) {
      await expect(resolveDestination(url, policy, answering('93.184.215.14', inner))).rejects.toThrow(/refused|resolves to/);
    }
  });

  it('an allowlisted name may resolve to internal addresses, never to a metadata one', async () => {
    const url = new URL('https://hooks.corp.example/x');
    await expect(resolveDestination(url, policy, answering('10.1.2.3'))).resolves.toEqual([{ address: '10.1.2.3', family: 4 }]);
    await expect(resolveDestination(url, policy, answering('169.254.169.254'))).rejects.toThrow(/metadata/);
  });

  it('a name that does not resolve is not a refusal', async () => {
    const failing: HostResolver = () => Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }));
    await expect(resolveDestination(new URL('https://nowhere.example/x'), policy, failing)).rejects.toThrow(/did not resolve/);
  });

  it('the pinned lookup answers only the checked addresses, in both lookup forms', () => {
    const checked: LookupAddress[] = [
      { address: '93.184.215.14', family: 4 },
      { address: '2606:2800:21f::1', family: 6 },
    ];
    const lookup = pinnedLookup(checked);
    const one = jest.fn();
    lookup('evil.example', { family: 6 }, one);
    expect(one).toHaveBeenCalledWith(null, '2606:2800:21f::1', 6);
    const all = jest.fn();
    lookup('evil.example', { all: true }, all);
    expect(all).toHaveBeenCalledWith(null, checked);
  });
});
