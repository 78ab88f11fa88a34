import { toScimErrorResponse } from '../../library';

/** the part of Fastify's reply used here (no direct import of fastify: not our dependency) */
interface Reply {
  code(status: number): Reply;
  headers(values: Record<string, string>): Reply;
  send(payload: unknown): unknown;
}

/**
 * Fastify's `frameworkErrors`: errors its router raises before any route or Nest filter runs,
 * such as FST_ERR_BAD_URL for a path that is not valid percent-encoding (`/Users/%zz`). They are
 * client errors, answered with a SCIM error body (RFC 7644 §3.12) instead of Fastify's own JSON.
 */
export function scimFrameworkErrors(error: Error, _request: unknown, reply: Reply): void {
  const { status, body, headers } = toScimErrorResponse(error);
  reply.code(status).headers(headers).send(JSON.stringify(body));
}
