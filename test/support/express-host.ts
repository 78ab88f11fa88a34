import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from '../../src/server/app.module';
import { AppConfig } from '../../src/server/config/app.config';
import { HostFixtureModule, HostSettings, ScimBinding } from './host-fixture.module';

/**
 * The host fixture (host-fixture.module.ts: its own DataSource, global guard, global filter and
 * routes) on Express instead of Fastify, listening on a loopback port. Nothing SCIM-specific is
 * configured: Nest's default body parser, no parser for application/scim+json, no hook; ScimModule
 * has to cope with Express as a host has it.
 */
export async function startExpressHostFixture(
  settings: HostSettings,
  binding: ScimBinding,
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(
    HostFixtureModule.forRoot(settings, binding),
    new ExpressAdapter(),
    { logger: false },
  );
  await app.listen(0, '127.0.0.1');
  return app;
}

/**
 * The standalone server's AppModule (its global ScimExceptionFilter, /health, /metrics) on a
 * plain Express adapter: what an Express host that mounts the same modules gets.
 */
export async function startExpressAppModule(config: AppConfig): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(config),
    new ExpressAdapter(),
    { logger: false },
  );
  await app.listen(0, '127.0.0.1');
  return app;
}
