import { AddressInfo } from 'node:net';
import { IncomingMessage, ServerResponse, createServer, request } from 'node:http';
import { clientGoneSignal } from './client-gone';

/** A loopback server whose handler hands out each request's signal and response. */
async function serve() {
  const seen: Array<{ signal: AbortSignal; res: ServerResponse }> = [];
  let arrived!: () => void;
  let next = new Promise<void>((r) => (arrived = r));
  const server = createServer((_req: IncomingMessage, res: ServerResponse) => {
    // Fastify's reply wraps the response as `raw`; Express's response is the Node one
    seen.push({ signal: clientGoneSignal(seen.length % 2 ? res : { raw: res }), res });
    arrived();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    seen,
    port,
    waitForRequest: async () => {
      await next;
      next = new Promise<void>((r) => (arrived = r));
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('clientGoneSignal', () => {
  it('fires when the client closes the connection before the answer, not after one', async () => {
    const s = await serve();
    try {
      // a client that leaves
      const gone = request({ host: '127.0.0.1', port: s.port, path: '/', agent: false });
      gone.on('error', () => undefined);
      gone.end();
      await s.waitForRequest();
      expect(s.seen[0].signal.aborted).toBe(false);
      const aborted = new Promise((r) => s.seen[0].signal.addEventListener('abort', r));
      gone.destroy();
      await aborted;
      expect(s.seen[0].signal.aborted).toBe(true);

      // a client that gets its answer
      const answered = new Promise<number>((resolve) => {
        const req = request({ host: '127.0.0.1', port: s.port, path: '/', agent: false }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.end();
      });
      await s.waitForRequest();
      s.seen[1].res.end('ok');
      expect(await answered).toBe(200);
      await new Promise((r) => setTimeout(r, 50));
      expect(s.seen[1].signal.aborted).toBe(false);
    } finally {
      await s.close();
    }
  });

  it('is already aborted when the connection closed before it was asked for', async () => {
    const s = await serve();
    try {
      const gone = request({ host: '127.0.0.1', port: s.port, path: '/', agent: false });
      gone.on('error', () => undefined);
      gone.end();
      await s.waitForRequest();
      gone.destroy();
      await new Promise((r) => s.seen[0].res.once('close', r));
      expect(clientGoneSignal(s.seen[0].res).aborted).toBe(true);
    } finally {
      await s.close();
    }
  });

  it('never fires for something that is not a response', () => {
    expect(clientGoneSignal({}).aborted).toBe(false);
  });
});
