import { HttpException, Logger } from '@nestjs/common';
import { ScimError, ScimErrorBody, isScimError } from '../../core/errors/scim-error';

/** PostgreSQL SQLSTATEs of contention: 40P01 deadlock, 40001 serialization, 55P03 lock, 57014 timeout */
const PG_CONTENTION = new Set(['40P01', '40001', '55P03', '57014']);

export interface ScimErrorResponse {
  status: number;
  body: ScimErrorBody;
  headers: Record<string, string>;
}

const logger = new Logger('ScimError');

/**
 * JSON.parse's messages: on Express, Nest turns body-parser's SyntaxError into a
 * BadRequestException with the message alone (RoutesResolver.mapExternalException).
 */
const UNSUPPORTED_MEDIA_TYPE =
  'Unsupported Content-Type: send application/scim+json or application/json';

const JSON_PARSE_FAILURE = /\bJSON at position\b|\bend of JSON input\b|\bafter JSON\b|is not valid JSON/;

/**
 * Framework errors that are the client's fault: Fastify's `code`s, and the `type`s of Express's
 * body-parser (what a global ScimExceptionFilter sees from an Express app's own parser).
 */
function frameworkError(e: unknown): ScimError | undefined {
  if (typeof e !== 'object' || e === null) {
    return undefined;
  }
  const { statusCode, code, type, message } = e as {
    statusCode?: number;
    code?: string;
    type?: string;
    message?: string;
  };
  switch (code ?? type) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'entity.too.large':
      return ScimError.payloadTooLarge('The request body exceeds maxPayloadSize');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new ScimError(415, UNSUPPORTED_MEDIA_TYPE);
    case 'request.aborted':
      return ScimError.invalidSyntax('The request was aborted');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return ScimError.invalidSyntax('The request body is empty');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return ScimError.invalidSyntax('Content-Length does not match the body');
    // the router's: a path that is not valid percent-encoding (RFC 3986 §2.1), e.g. /Users/%zz
    case 'FST_ERR_BAD_URL':
      return ScimError.invalidSyntax('The request path is not valid percent-encoding');
    default:
      break;
  }
  // database contention that outlived the lock wait: the client should retry (never a 500).
  // PostgreSQL: deadlock, serialization failure, lock timeout, statement_timeout.
  const driver = (e as { driverError?: { code?: string; errno?: number } }).driverError;
  if (
    driver &&
    (driver.code === 'SQLITE_BUSY' ||
      driver.errno === 1205 ||
      driver.errno === 1213 ||
      (driver.code !== undefined && PG_CONTENTION.has(driver.code)))
  ) {
    return new ScimError(503, 'The database is busy; retry the request', undefined, {
      'Retry-After': '1',
    });
  }
  // PostgreSQL text cannot hold U+0000: a value with one is neither stored nor looked up
  if (driver && (driver.code === '22021' || driver.code === '22P05')) {
    return ScimError.invalidValue('A value holds U+0000, which this database (PostgreSQL) cannot store');
  }
  if (type === 'entity.parse.failed' || e instanceof SyntaxError) {
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
    const notFound = status === 404 && /Cannot (GET|POST|PUT|PATCH|DELETE)/.test(msg);
    err =
      status === 401
        ? ScimError.unauthorized(msg)
        : status === 413
          ? ScimError.payloadTooLarge('The request body exceeds maxPayloadSize')
          : // Fastify's "Unsupported Media Type: undefined" as Nest rethrows it (its code lost)
            status === 415
            ? new ScimError(415, UNSUPPORTED_MEDIA_TYPE)
            : status === 400 && JSON_PARSE_FAILURE.test(msg)
              ? ScimError.invalidSyntax('The request body is not valid JSON')
              : new ScimError(status, notFound ? 'Resource endpoint not found' : msg);
  } else {
    const fw = frameworkError(e);
    if (fw) {
      err = fw;
    } else {
      // message and stack apart: a JSON log line carries the stack in its own field
      if (e instanceof Error) {
        logger.error(e.message, e.stack);
      } else {
        logger.error(String(e));
      }
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
