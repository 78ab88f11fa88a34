import { INestApplication, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { AppModule } from './app.module';
import { AppConfig } from './config/app.config';
import { installHttpHooks } from './observability/fastify-hooks.util';
import { HttpMetrics } from './observability/http-metrics.service';
import { ScimError, parseDatabaseUrl } from './scim';

const JSON_TYPES = ['application/json', 'application/scim+json'];

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
 * The standalone app on Fastify: application/scim+json and application/json parsed as JSON
 * (RFC 7644 §3.8), body size capped at maxPayloadSize (413), malformed JSON a SCIM 400.
 */
export async function createApp(config: AppConfig, logger: LogLevel[] | false = config.logLevels) {
  ensureDatabaseDirectory(config.databaseUrl);
  const adapter = new FastifyAdapter({ bodyLimit: config.maxPayloadSize, trustProxy: false });
  const fastify = adapter.getInstance();
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
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    logger,
    abortOnError: false,
    // our own JSON parser above handles both media types; Nest's would clash with it
    bodyParser: false,
  });
  // issue #6: X-Request-Id on every response and the HTTP metrics (before listen: Fastify
  // assembles route hooks when it gets ready)
  installHttpHooks(fastify, app.get(HttpMetrics));
  app.enableShutdownHooks();
  return app as NestFastifyApplication & INestApplication;
}
