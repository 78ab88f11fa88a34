import { IncomingMessage, Server } from 'node:http';
import { Socket } from 'node:net';

/** Longest a closing connection keeps reading what the client still sends. */
export const LINGER_MAX_MS = 10_000;
/** Longest a closing connection waits for the client's next bytes. */
export const LINGER_IDLE_MS = 2_000;
/** Most bytes a closing connection reads and discards. */
export const LINGER_MAX_BYTES = 64 * 1024 * 1024;

const lingering = new WeakSet<Socket>();

/**
 * Half-closes `socket` (the response already written is sent, then FIN) and discards what the
 * client is still sending until it closes its side, or a bound is reached: LINGER_MAX_MS in
 * all, LINGER_IDLE_MS without data, LINGER_MAX_BYTES read. Closing a socket with unread input
 * makes the kernel send a reset, which can destroy the response before the client reads it
 * (RFC 9112 §9.6: a server closes in stages, reading until the client closes).
 */
export function lingerThenDestroy(socket: Socket, request?: IncomingMessage): void {
  if (lingering.has(socket)) {
    return;
  }
  lingering.add(socket);
  let received = 0;
  const destroy = () => {
    clearTimeout(total);
    socket.destroy();
  };
  const total = setTimeout(destroy, LINGER_MAX_MS);
  total.unref();
  const count = (chunk: Buffer) => {
    received += chunk.length;
    if (received > LINGER_MAX_BYTES) {
      destroy();
    }
  };
  if (request && !request.complete) {
    // the HTTP parser still owns the socket: read the body through the request
    request.on('data', count);
    request.once('end', destroy);
    request.resume();
  } else {
    socket.on('data', count);
    socket.resume();
  }
  socket.setTimeout(LINGER_IDLE_MS, destroy);
  socket.once('end', destroy);
  socket.once('close', () => clearTimeout(total));
  socket.end();
}

/** the request each connection is serving (its last one) */
const current = new WeakMap<Socket, IncomingMessage>();

/**
 * A response sent before its request body was fully read (a 413 after Content-Length, an
 * early 4xx) ends with `Connection: close`, and node then destroys the socket while the client
 * may still be sending: the client gets EPIPE or a reset instead of the answer. On this server
 * such a connection lingers instead (lingerThenDestroy); one whose request is complete closes
 * at once as before.
 */
export function installLingeringClose(server: Server): void {
  server.on('request', (req: IncomingMessage) => current.set(req.socket, req));
  server.on('connection', (socket: Socket & { destroySoon?: () => void }) => {
    const destroySoon = socket.destroySoon;
    if (typeof destroySoon !== 'function') {
      return;
    }
    // node's http server calls destroySoon() once the last response on a socket has finished
    socket.destroySoon = () => {
      const req = current.get(socket);
      if (req && !req.complete && !socket.destroyed) {
        lingerThenDestroy(socket, req);
        return;
      }
      destroySoon.call(socket);
    };
  });
}
