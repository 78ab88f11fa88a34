import { HttpException, Logger } from '@nestjs/common';
import { ScimError, ScimErrorBody, isScimError } from '../core/errors/scim-error';

export interface ScimErrorResponse {
  status: number;
  body: ScimErrorBody;
  headers: Record<string, string>;
}

const logger = new Logger('ScimError');

/** Framework error codes (Fastify, body parsers) that are the client's fault. */
function frameworkError(e: unknown): ScimError | undefined {
  if (typeof e !== 'object' || e === null) {
    return undefined;
  }
  const { statusCode, code, message } = e as { statusCode?: number; code?: string; message?: string };
  switch (code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'entity.too.large':
      return ScimError.payloadTooLarge('The request body exceeds maxPayloadSize');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ScimError(415, 'Unsupported Content-Type: send application/scim+json or application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return ScimError.invalidSyntax('The request body is empty');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return ScimError.invalidSyntax('Content-Length does not match the body');
    default:
      break;
  }
  // database contention that outlived the lock wait: the client should retry (never a 500)
  const driver = (e as { driverError?: { code?: string; errno?: number } }).driverError;
  if (driver && (driver.code === 'SQLITE_BUSY' || driver.errno === 1205 || driver.errno === 1213)) {
    return new ScimError(503, 'The database is busy; retry the request', undefined, {
      'Retry-After': '1',
    });
  }
  if ((e as { type?: string }).type === 'entity.parse.failed' || e instanceof SyntaxError) {
    return ScimError.invalidSyntax('The request body is not valid JSON');
  }
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    return new ScimError(statusCode, message ?? 'Bad request');
  }
  return undefined;
}

/**
 * The one place where any failure becomes a SCIM error response (RFC 7644 §3.12):
 * ScimError as it is, Nest HttpExceptions with their status, framework client errors mapped,
 * anything else a 500 with a generic detail (the stack is logged, never sent).
 */
export function toScimErrorResponse(e: unknown): ScimErrorResponse {
  let err: ScimError;
  if (isScimError(e)) {
    err = e;
  } else if (e instanceof HttpException) {
    const status = e.getStatus();
    const res = e.getResponse();
    const msg =
      typeof res === 'string'
        ? res
        : Array.isArray((res as { message?: unknown }).message)
          ? ((res as { message: string[] }).message).join('; ')
          : String((res as { message?: unknown }).message ?? e.message);
    err =
      status === 401
        ? ScimError.unauthorized(msg)
        : status === 413
          ? ScimError.payloadTooLarge('The request body exceeds maxPayloadSize')
          : new ScimError(status, status === 404 && /Cannot (GET|POST|PUT|PATCH|DELETE)/.test(msg) ? 'Resource endpoint not found' : msg);
  } else {
    const fw = frameworkError(e);
    if (fw) {
      err = fw;
    } else {
      logger.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
      err = new ScimError(500, 'Internal server error');
    }
  }
  if (err.status >= 500 && isScimError(e)) {
    logger.error(err.detail);
  }
  return {
    status: err.status,
    body: err.toBody(),
    headers: { 'Content-Type': 'application/scim+json; charset=utf-8', ...err.headers },
  };
}
