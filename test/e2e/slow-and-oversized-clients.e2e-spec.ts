/**
 * The standalone server against slow and oversized clients, over raw sockets: a body or headers
 * sent too slowly get a SCIM 408 and the connection closes; an idle keep-alive connection
 * closes; a 12 MiB body gets its 413 every time (the server reads the rest before closing, so
 * the client sees no reset); oversized headers, broken HTTP and every framework-level error
 * carry a SCIM error body. No database is involved beyond start-up (SQLite in memory).
 */
import { Socket, connect } from 'node:net';
import { createApp } from '../../src/server/bootstrap';
import { loadConfig } from '../../src/server/config/app.config';

const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
const REQUEST_TIMEOUT_MS = 1500;
const HEADERS_TIMEOUT_MS = 800;
const KEEP_ALIVE_TIMEOUT_MS = 500;

interface RawResult {
  /** everything read until the server closed (or the deadline) */
  text: string;
  /** the socket error the client saw, if any (EPIPE, ECONNRESET) */
  error?: string;
  /** ms from connect to the server closing the connection; undefined = still open at the deadline */
  closedAfterMs?: number;
}

/** Opens a socket to the server, runs `send`, and reads until the server closes or `deadlineMs`. */
function exchange(port: number, send: (s: Socket) => void, deadlineMs: number): Promise<RawResult> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    const result: RawResult = { text: '' };
    const chunks: Buffer[] = [];
    const done = () => {
      clearTimeout(deadline);
      result.text = Buffer.concat(chunks).toString('latin1');
      socket.destroy();
      resolve(result);
    };
    const deadline = setTimeout(done, deadlineMs);
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', (e: NodeJS.ErrnoException) => {
      result.error = e.code ?? e.message;
    });
    socket.on('close', () => {
      result.closedAfterMs = Date.now() - started;
      done();
    });
    socket.on('connect', () => send(socket));
  });
}

/** the status code and parsed JSON body of the first response in `text` */
function firstResponse(text: string): { status: number; headers: string; body: unknown } {
  const end = text.indexOf('\r\n\r\n');
  expect(end).toBeGreaterThan(0);
  const headers = text.slice(0, end);
  const length = Number(/content-length:\s*(\d+)/i.exec(headers)?.[1]);
  return {
    status: Number(/^HTTP\/1\.1 (\d{3})/.exec(headers)?.[1]),
    headers,
    body: JSON.parse(text.slice(end + 4, end + 4 + length)),
  };
}

function expectScimError(text: string, status: number): void {
  const res = firstResponse(text);
  expect(res.status).toBe(status);
  expect(res.headers).toMatch(/content-type: application\/scim\+json/i);
  expect(res.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: String(status) });
}

/** writes `text` one byte every `everyMs`, until the socket closes (bounded by the text) */
function drip(socket: Socket, text: string, everyMs: number): void {
  let i = 0;
  const timer = setInterval(() => {
    if (i >= text.length || socket.destroyed || !socket.writable) {
      clearInterval(timer);
      return;
    }
    socket.write(text[i++]);
  }, everyMs);
  socket.once('close', () => clearInterval(timer));
}

describe('slow and oversized clients (standalone server)', () => {
  let app: Awaited<ReturnType<typeof createApp>>;
  let port: number;

  beforeAll(async () => {
    const config = loadConfig({
      DATABASE_URL: 'sqlite::memory:',
      SCIM_BOOTSTRAP: 'false',
      HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
      HTTP_KEEP_ALIVE_TIMEOUT_MS: String(KEEP_ALIVE_TIMEOUT_MS),
    });
    app = await createApp(config, false);
    await app.listen(0, '127.0.0.1');
    port = (app.getHttpServer().address() as { port: number }).port;
  });

  afterAll(async () => {
    await app?.close();
  });

  it('a body sent one byte at a time gets a SCIM 408 once the request timeout has passed', async () => {
    const res = await exchange(
      port,
      (s) => {
        s.write(
          'POST /scim/v2/Users HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/scim+json\r\n' +
            'Content-Length: 200\r\n\r\n',
        );
        drip(s, '{'.padEnd(200, ' '), 200);
      },
      REQUEST_TIMEOUT_MS + 4000,
    );
    expectScimError(res.text, 408);
    expect(res.closedAfterMs).toBeDefined();
    expect(res.closedAfterMs!).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 100);
  }, 15_000);

  it('headers sent one byte at a time get a SCIM 408 once the header timeout has passed', async () => {
    const res = await exchange(
      port,
      (s) => drip(s, 'GET /health/live HTTP/1.1\r\nHost: localhost\r\nX-Slow: ' + 'a'.repeat(100), 100),
      HEADERS_TIMEOUT_MS + 4000,
    );
    expectScimError(res.text, 408);
    expect(res.closedAfterMs).toBeDefined();
    expect(res.closedAfterMs!).toBeLessThan(REQUEST_TIMEOUT_MS + 1500);
  }, 15_000);

  it('an idle keep-alive connection is closed after the keep-alive timeout', async () => {
    const res = await exchange(
      port,
      (s) => s.write('GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n'),
      KEEP_ALIVE_TIMEOUT_MS + 4000,
    );
    expect(res.text).toMatch(/^HTTP\/1\.1 200/);
    expect(res.closedAfterMs).toBeDefined();
    expect(res.closedAfterMs!).toBeGreaterThanOrEqual(KEEP_ALIVE_TIMEOUT_MS - 100);
  }, 15_000);

  it.each(Array.from({ length: 10 }, (_, i) => [i + 1, i % 2 === 0 ? 'close' : 'keep-alive']))(
    'a 12 MiB POST gets its SCIM 413, without a reset (run %i, Connection: %s)',
    async (_run, connection) => {
      const body = Buffer.alloc(12 * 1024 * 1024, 0x20);
      const res = await exchange(
        port,
        (s) => {
          s.write(
            'POST /scim/v2/Users HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/scim+json\r\n' +
              `Connection: ${connection}\r\nContent-Length: ${body.length}\r\n\r\n`,
          );
          s.write(body);
        },
        10_000,
      );
      expect(res.error).toBeUndefined();
      expectScimError(res.text, 413);
    },
    15_000,
  );

  it('oversized headers get a SCIM 431', async () => {
    const res = await exchange(
      port,
      (s) => s.write(`GET /scim/v2/Users HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`),
      5_000,
    );
    expectScimError(res.text, 431);
  });

  it('a request that is not HTTP gets a SCIM 400', async () => {
    const res = await exchange(port, (s) => s.write('NOT HTTP AT ALL\r\n\r\n'), 5_000);
    expectScimError(res.text, 400);
  });

  it.each([
    ['malformed JSON', 'POST', '/scim/v2/Users', 'application/scim+json', '{"userName":', 400],
    ['an unsupported Content-Type', 'POST', '/scim/v2/Users', 'application/xml', '<User/>', 415],
    ['an unknown route', 'GET', '/no/such/route', undefined, '', 404],
    ['an unknown method', 'PROPFIND', '/scim/v2/Users', undefined, '', 404],
    ['a path that is not valid percent-encoding', 'GET', '/scim/v2/Users/%zz', undefined, '', 400],
    ['a path with a truncated escape', 'DELETE', '/scim/v2/Groups/%E2%82', undefined, '', 400],
  ])('%s gets a SCIM error body', async (_name, method, path, type, body, status) => {
    const res = await exchange(
      port,
      (s) =>
        s.write(
          `${method} ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n` +
            (type ? `Content-Type: ${type}\r\n` : '') +
            `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
        ),
      5_000,
    );
    expectScimError(res.text, status as number);
  });
});
