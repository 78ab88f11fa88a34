'use strict';
/**
 * A minimal HTTP/1.1 client for loopback load generation: persistent `net` sockets, one request
 * in flight per socket, the request written as one string and the response parsed from the raw
 * bytes (status line, Content-Length or chunked body). It exists because Node's `http` client
 * costs ~0.13 ms of CPU per request (agent, parser, IncomingMessage, streams): on a 2-vCPU
 * machine shared with the server that alone caps a closed loop at ~5,000-7,000 req/s, well below
 * what a bare Fastify server answers. This client costs ~0.01-0.02 ms per request.
 *
 * Scope: what the bench needs from a loopback server it controls: no TLS, no proxies, no
 * redirects, no `Expect: 100-continue`, no upgrade. Responses without a length are read to the
 * end of the connection.
 */
const net = require('node:net');
const { performance } = require('node:perf_hooks');

const CRLFCRLF = Buffer.from('\r\n\r\n');

class Connection {
  constructor(port, host, onIdle, onGone) {
    this.port = port;
    this.host = host;
    this.onIdle = onIdle;
    this.onGone = onGone;
    this.buf = null;
    this.pending = null;
    this.used = false;
    this.closed = false;
    this.socket = net.connect({ port, host, noDelay: true });
    this.socket.on('data', (d) => this.onData(d));
    this.socket.on('error', (e) => this.fail(e));
    this.socket.on('close', () => this.fail(new Error('connection closed')));
  }

  /** Sends one request; `done(err, {status, headers, body})` is called once. */
  send(data, done, timeoutMs) {
    this.pending = { done, head: null, status: 0, length: -1, chunked: false, bodyStart: 0, toClose: false };
    this.buf = null;
    this.reused = this.used;
    this.used = true;
    if (timeoutMs) {
      this.timer = setTimeout(() => this.socket.destroy(new Error(`timeout after ${timeoutMs} ms`)), timeoutMs);
    }
    this.socket.write(data);
  }

  fail(err) {
    if (this.closed) {
      return;
    }
    this.closed = true;
    clearTimeout(this.timer);
    const p = this.pending;
    this.pending = null;
    this.onGone(this);
    if (p) {
      // a response read to the end of the connection completes here
      if (p.head && p.length === -1 && !p.chunked && this.buf) {
        p.done(null, { status: p.status, head: p.head, body: this.buf.subarray(p.bodyStart) });
      } else {
        p.done(err, null, this.reused && !p.head && !this.buf);
      }
    }
    this.socket.destroy();
  }

  onData(d) {
    const p = this.pending;
    if (!p) {
      // unsolicited bytes: the connection can no longer be trusted
      this.socket.destroy();
      return;
    }
    this.buf = this.buf ? Buffer.concat([this.buf, d]) : d;
    const buf = this.buf;
    if (!p.head) {
      const end = buf.indexOf(CRLFCRLF);
      if (end < 0) {
        return;
      }
      p.head = buf.latin1Slice(0, end);
      p.status = Number(p.head.slice(9, 12));
      p.bodyStart = end + 4;
      const lower = p.head.toLowerCase();
      const cl = lower.indexOf('\r\ncontent-length:');
      if (cl >= 0) {
        const eol = lower.indexOf('\r\n', cl + 17);
        p.length = parseInt(eol < 0 ? lower.slice(cl + 17) : lower.slice(cl + 17, eol), 10);
      } else if (lower.includes('\r\ntransfer-encoding: chunked')) {
        p.chunked = true;
      } else if (p.status === 204 || p.status === 304 || (p.status >= 100 && p.status < 200)) {
        p.length = 0;
      }
      p.toClose = lower.includes('\r\nconnection: close');
    }
    let body;
    if (p.length >= 0) {
      if (buf.length < p.bodyStart + p.length) {
        return;
      }
      body = buf.subarray(p.bodyStart, p.bodyStart + p.length);
    } else if (p.chunked) {
      body = dechunk(buf, p.bodyStart);
      if (!body) {
        return;
      }
    } else {
      return; // read to the end of the connection
    }
    clearTimeout(this.timer);
    this.pending = null;
    this.buf = null;
    if (p.toClose) {
      this.closed = true;
      this.onGone(this);
      this.socket.end();
    }
    p.done(null, { status: p.status, head: p.head, body });
    if (!this.closed) {
      this.onIdle(this);
    }
  }
}

/** The body of a complete chunked message starting at `start`, or null while incomplete. */
function dechunk(buf, start) {
  const parts = [];
  let i = start;
  for (;;) {
    const eol = buf.indexOf('\r\n', i, 'latin1');
    if (eol < 0) {
      return null;
    }
    const size = parseInt(buf.latin1Slice(i, eol), 16);
    if (!(size >= 0)) {
      throw new Error('malformed chunked body');
    }
    if (size === 0) {
      // trailers end with an empty line
      return buf.indexOf(CRLFCRLF, eol) >= 0 ? Buffer.concat(parts) : null;
    }
    if (buf.length < eol + 2 + size + 2) {
      return null;
    }
    parts.push(buf.subarray(eol + 2, eol + 2 + size));
    i = eol + 2 + size + 2;
  }
}

/**
 * A pool of keep-alive connections to one loopback server. `request` resolves
 * {status, ok, text?, json?, ms, head}; it never rejects (a network error resolves status 0).
 */
class FastHttpClient {
  constructor({ port, host = '127.0.0.1', basePath = '', headers = {}, timeoutMs = 120000 }) {
    this.port = port;
    this.host = host;
    this.basePath = basePath;
    this.timeoutMs = timeoutMs;
    this.idle = [];
    this.all = new Set();
    this.fixed = `Host: ${host}:${port}\r\n` + Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  }

  connection() {
    const c = this.idle.pop();
    if (c) {
      return c;
    }
    const fresh = new Connection(
      this.port,
      this.host,
      (conn) => this.idle.push(conn),
      (conn) => {
        this.all.delete(conn);
        const i = this.idle.indexOf(conn);
        if (i >= 0) {
          this.idle.splice(i, 1);
        }
      },
    );
    this.all.add(fresh);
    return fresh;
  }

  request(method, path, body, { parse = false, headers } = {}) {
    let payload = '';
    let head = `${method} ${this.basePath}${path} HTTP/1.1\r\n${this.fixed}`;
    if (headers) {
      for (const [k, v] of Object.entries(headers)) {
        head += `${k}: ${v}\r\n`;
      }
    }
    if (body !== undefined) {
      payload = typeof body === 'string' ? body : JSON.stringify(body);
      head += `Content-Type: application/scim+json\r\nContent-Length: ${Buffer.byteLength(payload)}\r\n`;
    } else if (method !== 'GET' && method !== 'HEAD') {
      head += 'Content-Length: 0\r\n';
    }
    const data = head + '\r\n' + payload;
    const t0 = performance.now();
    return new Promise((resolve) => {
      const attempt = (retry) => {
        this.connection().send(
          data,
          (err, res, retryable) => {
            if (err) {
              // a kept-alive socket the server closed just before we wrote: once more, fresh
              if (retryable && retry) {
                attempt(false);
                return;
              }
              resolve({ status: 0, ok: false, text: String(err.message || err), ms: performance.now() - t0 });
              return;
            }
            const ms = performance.now() - t0;
            const status = res.status;
            const ok = status >= 200 && status < 300;
            let text;
            let json;
            if (parse || !ok) {
              text = res.body.toString('utf8');
              if (parse && text) {
                try {
                  json = JSON.parse(text);
                } catch {
                  /* leave undefined */
                }
              }
            }
            resolve({ status, ok, text, json, ms, head: res.head });
          },
          this.timeoutMs,
        );
      };
      attempt(true);
    });
  }

  close() {
    for (const c of this.all) {
      c.closed = true;
      c.socket.destroy();
    }
    this.all.clear();
    this.idle.length = 0;
  }
}

module.exports = { FastHttpClient };
