import { INestApplication, LogLevel, Logger, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { AppModule, AppOverrides } from './app.module';
import { AppConfig } from './config/app.config';
import { installHttpHooks } from './observability/fastify-hooks.util';
import { StatementCounter } from './observability/statement-counter';
import { ConsoleAccessLog, JsonLogger, QuietConsoleLogger } from './observability/json.logger';
import { httpServerOptions } from './transport/http-server.options';
import { installLingeringClose } from './transport/lingering-close.util';
import { parseFormBody } from './transport/form-body';
import { ScimError, ScimMetrics, parseDatabaseUrl } from '../library';

const JSON_TYPES = ['application/json', 'application/scim+json'];
/** the token endpoint, `{prefix}/oauth/token` */
const OAUTH_TOKEN_PATH = /\/oauth\/token\/?(\?|$)/;

/** JSON.parse that drops `__proto__` keys instead of letting them reach object merges. */
function parseJson(text: string): unknown {
  return JSON.parse(text, (key, value: unknown) => (key === '__proto__' ? undefined : value));
}

/** Creates the SQLite file's folder so `npm start` works on a fresh clone. */
export function ensureDatabaseDirectory(url: string): void {
  const db = parseDatabaseUrl(url);
  if (db.kind === 'sqlite' && db.file && db.file !== ':memory:') {
    mkdirSync(dirname(db.file), { recursive: true });
  }
}

/**
 * The standalone server's logger: pino JSON lines on stdout when
 * LOG_FORMAT=json (the default), Nest's console format for `pretty`; LOG_LEVEL either way.
 */
export function createLogger(config: AppConfig): JsonLogger | QuietConsoleLogger {
  return config.logFormat === 'json'
    ? new JsonLogger(config.logLevels)
    : new QuietConsoleLogger({ logLevels: config.logLevels });
}

/**
 * The standalone app on Fastify: application/scim+json and application/json parsed as JSON
 * (RFC 7644 §3.8), body size capped at maxPayloadSize (413), malformed JSON a SCIM 400, slow
 * clients timed out (HTTP_*_TIMEOUT_MS), a response sent before its request body was read
 * delivered before the socket closes. One access line per request when `logger` logs at info
 * level (`false`: no logs at all).
 */
export async function createApp(
  config: AppConfig,
  logger: LoggerService | LogLevel[] | false = createLogger(config),
  overrides: AppOverrides = {},
): Promise<NestFastifyApplication & INestApplication> {
  ensureDatabaseDirectory(config.databaseUrl);
  // maxParamLength: a group name in /admin/v1/.../role-mappings/:group may be 255 characters
  const adapter = new FastifyAdapter({
    bodyLimit: config.maxPayloadSize,
    trustProxy: false,
    routerOptions: { maxParamLength: 1024 },
    ...httpServerOptions(config.http),
  });
  const fastify = adapter.getInstance();
  installLingeringClose(fastify.server);
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser(JSON_TYPES, { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    try {
      done(null, parseJson(text));
    } catch {
      done(ScimError.invalidSyntax('The request body is not valid JSON'), undefined);
    }
  });
  // form parameters for the OAuth token endpoint only (RFC 6749 §4.4.2); anywhere else a form
  // body stays an unsupported media type (415), so an RFC 6750 §2.2 body token is never read
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (req, body, done) => {
    if (!OAUTH_TOKEN_PATH.test(req.url ?? '')) {
      done(Object.assign(new Error('Unsupported Media Type'), { statusCode: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' }), undefined);
      return;
    }
    done(null, parseFormBody(String(body)));
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, overrides), adapter, {
    logger,
    abortOnError: false,
    // our own JSON parser above handles both media types; Nest's would clash with it
    bodyParser: false,
  });
  if (logger !== false && !Array.isArray(logger)) {
    // a LoggerService: Nest's own checks (Logger.isLevelEnabled) follow LOG_LEVEL as well
    Logger.overrideLogger(config.logLevels);
  }
  const accessLog =
    logger === false || !config.logLevels.includes('log')
      ? undefined
      : logger instanceof JsonLogger
        ? logger
        : new ConsoleAccessLog();
  // X-Request-Id on every response, the HTTP metrics and the access log (before
  // listen: Fastify assembles route hooks when it gets ready)
  installHttpHooks(
    fastify,
    app.get(ScimMetrics),
    accessLog,
    config.countStatements ? StatementCounter.install() : undefined,
  );
  app.enableShutdownHooks();
  return app as NestFastifyApplication & INestApplication;
}
