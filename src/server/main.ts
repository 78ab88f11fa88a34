import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp, createLogger } from './bootstrap';
import { ConfigError, loadConfig } from './config/app.config';
import { JsonLogger } from './observability/json.logger';
import { TokenService, redact } from '../library';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const appLogger = createLogger(config);
  // the lines for a person (base URL, bootstrap token) stay plain text; with JSON logs they go
  // through the logger's own stream, so that they keep their place among the JSON lines
  const print = (text: string) =>
    appLogger instanceof JsonLogger ? appLogger.print(text) : process.stdout.write(text);
  const logger = new Logger('scim-nest');
  const app = await createApp(config, appLogger);
  await app.listen(config.port, config.host);
  const addr = app.getHttpServer().address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const baseUrl = config.baseUrl ?? `http://${shownHost}:${port}/${config.basePath}`;
  logger.log(`Database: ${redact(config.databaseUrl)}`);
  if (config.tokenPepperIsDefault) {
    logger.warn(
      'SCIM_TOKEN_PEPPER is not set: using the built-in default (NODE_ENV=production refuses it; set your own)',
    );
  }
  const lines = [`SCIM base URL: ${baseUrl}`];
  if (config.bootstrap) {
    const issued = await app.get(TokenService).bootstrap();
    if (issued) {
      lines.push(
        `Bootstrap: created tenant "default" and an all-scopes token (shown once, stored hashed):`,
        ``,
        `    ${issued.token}`,
        ``,
        `Try:  curl -H "Authorization: Bearer ${issued.token}" ${baseUrl}/Users`,
      );
    } else {
      lines.push(
        'Tokens: create one with  npm run -s cli -- token create --tenant default --name okta --scopes users:read,users:write,groups:read,groups:write',
      );
    }
  }
  print(lines.join('\n') + '\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`Failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
