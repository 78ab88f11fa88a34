import { NestFactory } from '@nestjs/core';
import { AppModule } from '../app.module';
import { loadConfig } from '../config/app.config';
import { booleanFlag, ParsedArgs } from './cli.args';
import type { CommandName } from './cli.commands';
import type { CommandHandler } from './cli.context';
import { checkDatabaseFile, describeDatabase } from './cli.database';
import { err } from './cli.output';
import { CATALOGUE_COMMANDS } from './catalogue.command';
import { OAUTH_COMMANDS } from './cli-oauth.commands';
import { OPERATIONS_COMMANDS } from './operations.commands';
import { RESOURCE_COMMANDS } from './resources.commands';
import { TENANT_COMMANDS } from './tenant.commands';
import { TOKEN_COMMANDS } from './token.commands';
import { StderrLogger } from './stderr.logger';

/** Every command's handler: a command in COMMANDS without one does not compile. */
const HANDLERS: Record<CommandName, CommandHandler> = {
  ...TENANT_COMMANDS,
  ...TOKEN_COMMANDS,
  ...RESOURCE_COMMANDS,
  ...OPERATIONS_COMMANDS,
  ...OAUTH_COMMANDS,
  ...CATALOGUE_COMMANDS,
};

/**
 * Runs a parsed command on the server's database: names the database, refuses a SQLite file
 * that does not exist unless the command creates it (or --create), then runs the handler in
 * the app's context (no HTTP server, no event delivery).
 */
export async function runCommand(args: ParsedArgs): Promise<void> {
  const config = loadConfig(process.env);
  const fromEnv = Boolean(process.env.DATABASE_URL?.trim());
  // which database a command works on, before it does (a wrong one is the likeliest mistake)
  err(`Database: ${describeDatabase(config.databaseUrl, fromEnv)}`);
  checkDatabaseFile(config.databaseUrl, fromEnv, args.command.createsDatabase === true || booleanFlag(args, 'create'));
  const isMigration = args.command.name === 'migration run';
  const app = await NestFactory.createApplicationContext(
    // the CLI never delivers change events: the server instances do; `migration run` starts on
    // a database whose migrations are pending (it applies them)
    AppModule.forRoot(
      { ...config, migrationsRun: isMigration ? false : config.migrationsRun, eventsDispatch: false },
      isMigration ? { requireMigrations: false } : {},
    ),
    { logger: new StderrLogger('cli', { logLevels: ['fatal', 'error', 'warn'] }), abortOnError: false },
  );
  try {
    await HANDLERS[args.command.name as CommandName]({
      args,
      config,
      json: booleanFlag(args, 'json'),
      get: (type) => app.get(type, { strict: false }),
    });
  } finally {
    await app.close();
  }
}
