import { STATUS_CODES } from 'node:http';
import { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { ScimError } from '../../library';
import { lingerThenDestroy } from './lingering-close.util';

/** node's `clientError` codes and the SCIM error each becomes */
function errorFor(code: string | undefined): ScimError {
  switch (code) {
    // requestTimeout / headersTimeout elapsed before the request was complete
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new ScimError(408, 'The request was not received in time');
    // the request line and headers exceed the server's maxHeaderSize (RFC 6585 §5)
    case 'HPE_HEADER_OVERFLOW':
      return new ScimError(431, 'The request header fields are too large');
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
    case 'HPE_CONTENT_LENGTH_MISMATCH':
    default:
      return ScimError.invalidSyntax('The request is not valid HTTP/1.1');
  }
}

/** sockets already answered: a broken parser may report the same connection again */
const answered = new WeakSet<Duplex>();

/**
 * Fastify's `clientErrorHandler` (node's `clientError` event: the request never reached a
 * route, because it was malformed, its headers too large, or it arrived too slowly). Writes a
 * SCIM error (RFC 7644 §3.12) instead of Fastify's own JSON, with `Connection: close`, then
 * closes the socket after reading what the client is still sending, so that the client reads
 * the answer rather than a reset (RFC 9112 §9.6).
 */
export function scimClientErrorHandler(err: Error & { code?: string }, socket: Duplex): void {
  // a reset connection has nobody left to answer
  if (err.code === 'ECONNRESET' || socket.destroyed || answered.has(socket)) {
    return;
  }
  answered.add(socket);
  if (socket.writable) {
    const error = errorFor(err.code);
    const body = JSON.stringify(error.toBody());
    socket.write(
      `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? ''}\r\n` +
        'Content-Type: application/scim+json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
  }
  // node hands clientError a net.Socket (typed as Duplex for custom transports)
  lingerThenDestroy(socket as Socket);
}
