/**
 * Command lines and what parseCommandLine makes of them: a command to run with its
 * arguments, a help request, or a usage error (exit status 2) that says what is valid.
 */
export type ArgsCase =
  | { argv: string[]; run: { command: string; positionals?: string[]; flags?: Record<string, string | true> } }
  | { argv: string[]; help: string | null }
  | { argv: string[]; error: RegExp; usageOf?: string };

const TOKEN = ['token', 'create', '--tenant', 'acme', '--name', 'okta', '--scopes', 'users:read'];

export const ARGS_CASES: ArgsCase[] = [
  // help: the list of commands, or one command's
  { argv: ['--help'], help: null },
  { argv: ['-h'], help: null },
  { argv: ['help'], help: null },
  { argv: ['help', 'token', 'create'], help: 'token create' },
  { argv: ['help', 'audit'], help: 'audit' },
  { argv: ['token', 'create', '--help'], help: 'token create' },
  { argv: ['token', 'create', '--tenant', 'acme', '-h'], help: 'token create' },
  // --help wins over anything else wrong on the line
  { argv: ['token', 'create', '--expires', '30', '--help'], help: 'token create' },
  { argv: ['help', 'frobnicate'], error: /^Unknown command "frobnicate"$/ },

  // commands, their arguments and options
  { argv: ['tenant', 'create', 'acme'], run: { command: 'tenant create', positionals: ['acme'], flags: {} } },
  {
    argv: ['tenant', 'create', 'acme', '--profile', 'okta', '--json'],
    run: { command: 'tenant create', positionals: ['acme'], flags: { profile: 'okta', json: true } },
  },
  {
    argv: ['tenant', 'create', '--profile=entra', 'acme'],
    run: { command: 'tenant create', positionals: ['acme'], flags: { profile: 'entra' } },
  },
  { argv: ['tenant', 'create', '--', '-odd'], run: { command: 'tenant create', positionals: ['-odd'] } },
  {
    argv: [...TOKEN, '--expires-in', '30'],
    run: { command: 'token create', flags: { tenant: 'acme', name: 'okta', scopes: 'users:read', 'expires-in': '30' } },
  },
  { argv: ['audit', '--since', '1h', '--limit', '5'], run: { command: 'audit', flags: { since: '1h', limit: '5' } } },
  { argv: ['audit'], run: { command: 'audit', positionals: [], flags: {} } },
  {
    argv: ['users', 'list', '--tenant', 'acme', '--filter', 'userName sw "a"', '--count', '5'],
    run: { command: 'users list', flags: { tenant: 'acme', filter: 'userName sw "a"', count: '5' } },
  },
  { argv: ['groups', 'show', 'g1', '--tenant', 'acme'], run: { command: 'groups show', positionals: ['g1'] } },
  { argv: ['tenant', 'delete', 'acme', '--yes'], run: { command: 'tenant delete', flags: { yes: true } } },
  { argv: ['migration', 'run'], run: { command: 'migration run', flags: {} } },
  { argv: ['tenant', 'list', '--create'], run: { command: 'tenant list', flags: { create: true } } },
  { argv: ['events', 'retry'], run: { command: 'events retry', positionals: [] } },
  {
    argv: ['oauth-client', 'secret-revoke', 'c1', 's1'],
    run: { command: 'oauth-client secret-revoke', positionals: ['c1', 's1'] },
  },

  // unknown options: refused, with the valid ones and the likely one
  {
    argv: [...TOKEN, '--expires', '30'],
    error: /^Unknown option --expires for "token create" \(did you mean --expires-in\?\): its options are --tenant, --name, --scopes, --expires-in, --profile$/,
    usageOf: 'token create',
  },
  { argv: [...TOKEN, '--expire-in', '30'], error: /did you mean --expires-in\?/ },
  { argv: ['tenant', 'create', 'acme', '--tenant', 'x'], error: /^Unknown option --tenant for "tenant create": its options are --profile, --deprovisioning, --json$/ },
  { argv: ['token', 'revoke', 'id1', '--json'], error: /^Unknown option --json for "token revoke": it takes no options$/ },
  { argv: ['tenant', 'list', '-x'], error: /^Unknown option -x for "tenant list"/ },

  // values: missing, empty, given to a boolean, twice
  { argv: [...TOKEN, '--expires-in'], error: /^--expires-in needs a value/ },
  { argv: ['token', 'create', '--tenant', '--name', 'okta', '--scopes', 'users:read'], error: /^--tenant needs a value/ },
  { argv: ['token', 'list', '--tenant', ' '], error: /^--tenant needs a value$/ },
  { argv: ['token', 'list', '--json=yes'], error: /^--json takes no value$/ },
  { argv: [...TOKEN, '--tenant', 'other'], error: /^--tenant is given more than once$/ },
  { argv: ['tenant', 'list', '--json', '--json'], error: /^--json is given more than once$/ },
  { argv: ['token', 'create', '--tenant', 'acme', '--name', 'okta'], error: /^--scopes is required$/, usageOf: 'token create' },

  // arguments: missing, one too many
  { argv: ['token', 'revoke'], error: /^token revoke needs <token-id>$/ },
  { argv: ['token', 'revoke', 'a', 'b'], error: /^Unexpected argument "b": token revoke takes <token-id>$/ },
  { argv: ['tenant', 'list', 'acme'], error: /^tenant list takes no argument \("acme" is one\)$/ },
  { argv: ['oauth-client', 'secret-revoke', 'c1'], error: /needs <secret-id>$/ },

  // commands: unknown, incomplete, after an option
  { argv: [], error: /^No command given$/ },
  { argv: ['frobnicate'], error: /^Unknown command "frobnicate"$/ },
  { argv: ['tenant'], error: /^"tenant" needs a sub-command: create, set, show, list, role-map, delete$/ },
  { argv: ['tenant', '--json'], error: /^"tenant" needs a sub-command/ },
  { argv: ['tenant', 'frob'], error: /^Unknown command "tenant frob": the tenant commands are create, set, show/ },
  { argv: ['users', 'delete', 'x'], error: /^Unknown command "users delete": the users commands are list, show, unlinked$/ },
  { argv: ['--tenant', 'acme', 'token', 'list'], error: /^Give the command first, then its options \(--tenant came first\)$/ },
];
