import { OUTBOX_STATUSES } from '../../core/ports/change-event';
import { CommandSpec, OptionSpec } from './command-spec';

const PROFILES = 'rfc-strict|entra|okta|lenient|interop|auto';

const tenant = (help = 'the tenant'): OptionSpec => ({ type: 'string', value: '<slug>', required: true, help });
const opt = (value: string, help: string): OptionSpec => ({ type: 'string', value, help });
const bool = (help: string): OptionSpec => ({ type: 'boolean', help });
const SLUG = [{ name: '<slug>', required: true }] as const;

const LIST_OPTIONS = {
  tenant: tenant(),
  filter: opt('<SCIM filter>', 'RFC 7644 §3.4.2.2 filter, run in the database as GET ?filter= runs it, e.g. \'userName sw "a"\''),
  count: opt('<n>', 'at most this many (default 100, at most SCIM_MAX_RESULTS)'),
  'start-index': opt('<n>', '1-based index of the first one (default 1)'),
};

/**
 * Every command of the CLI: its words, arguments and options (parseCommandLine refuses any
 * other) and its help. The handlers are in the *.commands.ts files, one map per group.
 */
export const COMMANDS = [
  {
    name: 'tenant create',
    summary: 'create a tenant (lower-case letters, digits, dashes); prints its id',
    args: SLUG,
    options: {
      profile: opt(PROFILES, 'IdP profile of its tokens (docs/idp/profiles.md)'),
      deprovisioning: opt('hard|soft', 'what DELETE /Users does (default hard)'),
    },
    json: true,
  },
  {
    name: 'tenant set',
    summary: "change a tenant's settings",
    args: SLUG,
    options: {
      profile: opt(`${PROFILES}|default`, 'IdP profile of its tokens'),
      deprovisioning: opt('hard|soft', 'what DELETE /Users does'),
      'group-cycles': opt('refuse|allow', 'whether nested groups may form a cycle'),
      'webhook-url': opt('<http(s) URL>|off', 'where its change events are POSTed (off removes it and its secret)'),
      'webhook-secret': opt('<secret>', 'shared secret that signs the webhook calls, 16+ characters'),
      scim: opt('enabled|disabled', 'SCIM on or off (its tokens get 403 while off)'),
      notifications: opt('on|off', 'webhook deliveries on or off'),
      'default-role': opt('<role>|none', 'role of a user none of whose groups is mapped'),
      'link-policy': opt('off|verified-email', 'whether a new user links to an existing account by verified email'),
      'token-policy': opt('any|oauth-only', 'oauth-only refuses its static tokens'),
      switches: opt('<name>=<value>,...|default', 'IdP profile switches on top of the profile'),
    },
    json: true,
  },
  {
    name: 'tenant show',
    summary: 'every setting of a tenant, its role mappings and its change-event backlog',
    args: SLUG,
    options: {},
    json: true,
  },
  {
    name: 'tenant list',
    summary: 'every tenant with its settings',
    options: {},
    json: true,
  },
  {
    name: 'tenant role-map',
    summary: 'map an IdP group to a role (case-insensitively), or remove the mapping',
    details: 'Give --role or --remove.',
    args: SLUG,
    options: {
      group: { type: 'string', value: '<IdP group name>', required: true, help: "the group's displayName" },
      role: opt('<role>', 'the role its members get'),
      remove: bool("remove the group's mapping"),
    },
    json: true,
  },
  {
    name: 'tenant delete',
    summary: 'delete a tenant and everything that is its own (users, groups, tokens, clients, events)',
    details:
      'Says what it will delete, then asks for the slug when run in a terminal; elsewhere it needs --yes.\n' +
      'The audit log keeps the entries of its requests.',
    args: SLUG,
    options: { yes: bool('delete without asking (needed when stdin is not a terminal)') },
  },
  {
    name: 'token create',
    summary: 'issue a service-account token; prints it alone on stdout, once',
    options: {
      tenant: tenant(),
      name: { type: 'string', value: '<label>', required: true, help: 'what the token is for, e.g. okta' },
      scopes: {
        type: 'string',
        value: '<scopes>',
        required: true,
        help: 'comma-separated, of users:read, users:write, groups:read, groups:write (write implies read)',
      },
      'expires-in': opt('<days>', 'days until it expires, e.g. 30 or 0.5 (default: it never expires)'),
      profile: opt(PROFILES, 'IdP profile of its requests (default: the tenant\'s)'),
    },
  },
  {
    name: 'token list',
    summary: 'tokens: id, name, prefix, scopes, created, expires, revoked, last used',
    options: { tenant: opt('<slug>', 'only this tenant') },
    json: true,
  },
  {
    name: 'token revoke',
    summary: 'revoke a token (from the next request on)',
    args: [{ name: '<token-id>', required: true }],
    options: {},
  },
  {
    name: 'users list',
    summary: "a tenant's users, filtered in the database; one line each",
    details: 'With --json each line is the SCIM resource; the total goes to stderr.',
    options: LIST_OPTIONS,
    json: true,
  },
  {
    name: 'users show',
    summary: 'one user as its SCIM resource (JSON)',
    args: [{ name: '<id>', required: true }],
    options: { tenant: tenant() },
    json: true,
  },
  {
    name: 'users unlinked',
    summary: 'host accounts no IdP manages (stores that implement it)',
    options: {
      tenant: tenant(),
      offset: opt('<n>', 'skip this many (default 0)'),
      limit: opt('<n>', 'at most this many (default 100)'),
    },
    json: true,
  },
  {
    name: 'groups list',
    summary: "a tenant's groups, filtered in the database; one line each",
    details: 'Members are left out (groups show has them). With --json each line is the SCIM resource.',
    options: LIST_OPTIONS,
    json: true,
  },
  {
    name: 'groups show',
    summary: 'one group with its members, as its SCIM resource (JSON)',
    args: [{ name: '<id>', required: true }],
    options: { tenant: tenant() },
    json: true,
  },
  {
    name: 'audit',
    summary: 'the audit log, oldest first: requests, their status and why a refused one was refused',
    details: 'Without --tenant: every tenant and the unauthenticated requests.',
    options: {
      tenant: opt('<slug>', 'only this tenant'),
      since: opt('1h|30m|7d|<ISO date>', 'entries since then (default 24h)'),
      limit: opt('<n>', 'the newest n entries (default 100)'),
    },
    json: true,
  },
  {
    name: 'events list',
    summary: "a tenant's change events, newest first",
    options: {
      tenant: tenant(),
      status: opt(OUTBOX_STATUSES.join('|'), 'only events in this state'),
      limit: opt('<n>', 'at most this many (default 50)'),
    },
    json: true,
  },
  {
    name: 'events retry',
    summary: 'make an event, or every failed event of a tenant, due again now',
    details: 'Give an event id, or --tenant <slug> --all-failed. A running server delivers them.',
    args: [{ name: '<event-id>', required: false }],
    options: {
      tenant: opt('<slug>', 'the tenant (with --all-failed)'),
      'all-failed': bool('every failed event of the tenant'),
    },
    json: true,
  },
  {
    name: 'oauth-client create',
    summary: 'an OAuth client: prints its client_id, then its secret (once)',
    options: {
      tenant: tenant(),
      name: { type: 'string', value: '<label>', required: true, help: 'what the client is for' },
      scopes: { type: 'string', value: '<scopes>', required: true, help: 'comma-separated scopes its tokens may carry' },
      'secret-expires-in': opt('<days>', 'days until the secret expires, 365 to 1095 (default 730)'),
      'no-secret': bool('no secret (a client that authenticates with a JWT, --jwks or --jwks-uri)'),
      jwks: opt('<JWKS file>', 'public keys of its private_key_jwt assertions'),
      'jwks-uri': opt('<https URL>', 'where its public keys are published'),
    },
    json: true,
  },
  {
    name: 'oauth-client list',
    summary: 'OAuth clients',
    options: { tenant: opt('<slug>', 'only this tenant') },
    json: true,
  },
  {
    name: 'oauth-client show',
    summary: 'one OAuth client with its secrets (state, expiry, last use)',
    args: [{ name: '<client-id>', required: true }],
    options: {},
    json: true,
  },
  {
    name: 'oauth-client set',
    summary: 'change or disable an OAuth client',
    args: [{ name: '<client-id>', required: true }],
    options: {
      name: opt('<label>', 'its name'),
      scopes: opt('<list>', 'scopes its tokens may carry'),
      status: opt('enabled|disabled', 'disabled clients get no token'),
      jwks: opt('<JWKS file>|none', 'public keys of its assertions'),
      'jwks-uri': opt('<https URL>|none', 'where its public keys are published'),
    },
    json: true,
  },
  {
    name: 'oauth-client secret-add',
    summary: 'a new secret beside the others (up to 5 active); prints it once',
    args: [{ name: '<client-id>', required: true }],
    options: { 'expires-in': opt('<days>', 'days until it expires, 365 to 1095 (default 730)') },
    json: true,
  },
  {
    name: 'oauth-client secret-revoke',
    summary: 'revoke a secret of a client',
    args: [
      { name: '<client-id>', required: true },
      { name: '<secret-id>', required: true },
    ],
    options: {},
  },
  { name: 'oauth-key list', summary: 'the access-token signing keys', options: {}, json: true },
  { name: 'oauth-key rotate', summary: 'a new access-token signing key now', options: {}, json: true },
  {
    name: 'catalogue list',
    summary: "the values of one of a tenant's catalogue types (Role, Entitlement, ...)",
    options: { tenant: tenant(), type: { type: 'string', value: '<type>', required: true, help: 'Role, Entitlement, ...' } },
    json: true,
  },
  {
    name: 'catalogue set',
    summary: 'add or change a catalogue value',
    options: {
      tenant: tenant(),
      type: { type: 'string', value: '<type>', required: true, help: 'Role, Entitlement, ...' },
      value: { type: 'string', value: '<value>', required: true, help: 'the value' },
      'display-name': opt('<name>', 'its display name'),
      'entry-type': opt('<label>', 'its type label'),
      description: opt('<text>', 'its description'),
      supported: opt('true|false', 'whether it may be assigned'),
    },
    json: true,
  },
  {
    name: 'catalogue remove',
    summary: 'remove a catalogue value',
    options: {
      tenant: tenant(),
      type: { type: 'string', value: '<type>', required: true, help: 'Role, Entitlement, ...' },
      value: { type: 'string', value: '<value>', required: true, help: 'the value' },
    },
  },
  {
    name: 'migration run',
    summary: 'apply pending migrations (creates a new SQLite database file)',
    options: {},
    createsDatabase: true,
  },
] as const satisfies readonly CommandSpec[];

export type CommandName = (typeof COMMANDS)[number]['name'];
