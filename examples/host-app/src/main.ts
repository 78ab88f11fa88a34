import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { HostConfig } from './config';
import { migrate } from './database/data-source';
import { HostAppModule } from './host-app.module';
import { Scope, TenantService, TokenService } from './scim-nest';

/** The host app on Fastify, with the one line SCIM needs: application/scim+json is JSON. */
export async function createHostApp(config: HostConfig, logger: false | undefined = undefined) {
  const app = await NestFactory.create<NestFastifyApplication>(
    HostAppModule.forRoot(config),
    new FastifyAdapter(),
    logger === false ? { logger: false } : {},
  );
  // RFC 7644 §3.8: SCIM clients send application/scim+json (Express: see docs/host-integration.md)
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addContentTypeParser('application/scim+json', { parseAs: 'string' }, fastify.getDefaultJsonParser('error', 'error'));
  app.setGlobalPrefix('api');
  return app;
}

async function main(): Promise<void> {
  const config: HostConfig = {
    databaseUrl: process.env.DATABASE_URL ?? 'sqlite:./data/host-app.sqlite',
    scimTokenPepper: process.env.SCIM_TOKEN_PEPPER ?? 'host-app-example-pepper-change-me',
  };
  await migrate(config.databaseUrl);
  const app = await createHostApp(config);
  await app.listen(Number(process.env.PORT ?? 3001), '127.0.0.1');
  const tokens = app.get(TokenService);
  const tenants = app.get(TenantService);
  if (!(await tenants.listTenants()).some((t) => t.slug === 'okta')) {
    await tenants.createTenant('okta', 'okta');
    const issued = await tokens.issue('okta', 'okta', ['users:write', 'groups:write', 'roles:read', 'licenses:read'] as Scope[]);
    process.stdout.write(`SCIM base URL: ${await app.getUrl()}/api/scim/v2\nToken (shown once): ${issued.token}\n`);
  }
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`Failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
