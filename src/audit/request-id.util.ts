import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';

/**
 * The id and start of one HTTP request (the same id in the response and in the logs),
 * stamped by whichever component sees the request first: the standalone app's onRequest hook
 * (every route, src/observability) or, embedded in a host, RequestAuditGuard.
 */
export interface RequestStamp {
  /** sent back as X-Request-Id and stored in the audit entry */
  readonly id: string;
  /** performance.now() when the request was first seen (latency base) */
  readonly start: number;
  /** arrival time, ISO-8601 UTC */
  readonly at: string;
}

export const REQUEST_ID_HEADER = 'X-Request-Id';

/** Accepted from a client or proxy as is: short and free of anything a log could misread. */
const SANE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** A WeakMap, not a property: request objects keep their shape (Fastify's advice). */
const stamps = new WeakMap<object, RequestStamp>();

/** The incoming X-Request-Id when it looks sane, else a new UUID. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const v = Array.isArray(header) ? header[0] : header;
  return v !== undefined && SANE_ID.test(v) ? v : randomUUID();
}

/** The request's stamp, created on first sight. */
export function stampRequest(req: {
  headers: Record<string, string | string[] | undefined>;
}): RequestStamp {
  let stamp = stamps.get(req);
  if (!stamp) {
    stamp = {
      id: requestIdFrom(req.headers['x-request-id']),
      start: performance.now(),
      at: new Date().toISOString(),
    };
    stamps.set(req, stamp);
  }
  return stamp;
}

/** The stamp if the request has one. */
export function stampOf(req: object): RequestStamp | undefined {
  return stamps.get(req);
}

/**
 * What both audit guards (SCIM and admin) do first: stamp the request, send its id as
 * X-Request-Id (through the platform's `setHeader`), and call `closed` once the response is
 * complete or aborted ('close' follows both; an aborted one has status 499). Works on
 * Fastify (the reply wraps the Node response) and Express (the response is one).
 */
export function onResponseClosed(
  req: { headers: Record<string, string | string[] | undefined> },
  res: object,
  setHeader: (res: object, name: string, value: string) => void,
  closed: (stamp: RequestStamp, raw: ServerResponse, status: number) => void,
): RequestStamp {
  const stamp = stampRequest(req);
  setHeader(res, REQUEST_ID_HEADER, stamp.id);
  const raw = ((res as { raw?: ServerResponse }).raw ?? res) as ServerResponse;
  raw.once('close', () => closed(stamp, raw, raw.writableFinished ? raw.statusCode : 499));
  return stamp;
}
