import 'reflect-metadata';
import { ScimError } from '../../core/errors/scim-error';
import { ConfigError } from '../config/config-error';
import { UsageError, parseCommandLine } from './cli.args';
import { COMMANDS } from './cli.commands';
import { endQuietlyOnClosedPipe, err, exitWhenDrained, out } from './cli.output';
import { USAGE } from './cli.usage';
import { commandUsage } from './command-spec';

/**
 * The command line is read before anything else is loaded: help and a wrong command line
 * answer at once, and never open a database.
 */
async function main(): Promise<number> {
  const line = parseCommandLine(process.argv.slice(2), COMMANDS);
  if (line.kind === 'help') {
    out(line.command ? commandUsage(line.command) : USAGE);
    return 0;
  }
  const { runCommand } = await import('./cli.run');
  await runCommand(line.args);
  return 0;
}

endQuietlyOnClosedPipe();
main().then(
  (code) => exitWhenDrained(code),
  (e: unknown) => {
    if (e instanceof UsageError) {
      err(`${e.message}\n\n${e.command ? commandUsage(e.command) : USAGE}`);
      return exitWhenDrained(2);
    }
    const scimType = e instanceof ScimError && e.scimType ? ` (${e.scimType})` : '';
    err(`Error: ${e instanceof ConfigError ? 'configuration: ' : ''}${e instanceof Error ? e.message : String(e)}${scimType}`);
    return exitWhenDrained(1);
  },
);
