import { COMMANDS } from './cli.commands';
import { CLI_NAME, GLOBAL_OPTIONS, commandList } from './command-spec';

/** The CLI's help: every command in one line (`help <command>` has its options). */
export const USAGE = `Usage: ${CLI_NAME} <command> [arguments] [options]

Commands:
${commandList(COMMANDS)}

Options of every command:
  --create    ${GLOBAL_OPTIONS.create.help}
  -h, --help  the command's arguments and options (also: help <command>)

The database is the server's: DATABASE_URL (default sqlite:./data/scim.sqlite, relative to the
working directory); the CLI names it on stderr. A created token is printed alone on stdout (a
created OAuth client: its client_id, then its secret); --json prints JSON lines (one object per
line); everything else goes to stderr. Exit status: 0 done, 1 failed, 2 the command line is wrong.`;
