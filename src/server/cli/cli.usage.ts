import { OUTBOX_STATUSES } from '../../library';
import { CATALOGUE_USAGE } from './catalogue.command';

/** The CLI's help text (`--help`, and after a usage error). */
export const USAGE = `Usage: npm run -s cli -- <command>

  tenant create <slug> [--profile rfc-strict|entra|okta|lenient|interop|auto] [--deprovisioning hard|soft]
  tenant set <slug> [--profile rfc-strict|entra|okta|lenient|interop|auto|default] [--deprovisioning hard|soft] [--group-cycles refuse|allow]
             [--webhook-url <http(s) URL>|off] [--webhook-secret <shared secret, 16+ characters>]
             [--scim enabled|disabled] [--notifications on|off] [--default-role <role>|none] [--link-policy off|verified-email]
             [--token-policy any|oauth-only] [--switches <switch>=<value>,...|default]   (docs/idp/profiles.md)
  tenant show <slug> [--json]
  tenant role-map <slug> --group <IdP group name> --role <role>
  tenant role-map <slug> --group <IdP group name> --remove
  tenant list [--json]
  token create --tenant <slug> --name <label> --scopes <users:read,users:write,groups:read,groups:write> [--expires-in <days>] [--profile rfc-strict|entra|okta|lenient|interop|auto]
  token list [--tenant <slug>] [--json]
  token revoke <token-id>
  audit [--tenant <slug>] [--since 1h|30m|7d|<ISO date>] [--limit <n>] [--json]
  events list --tenant <slug> [--status ${OUTBOX_STATUSES.join('|')}] [--limit <n>] [--json]
  events retry <event-id>
  events retry --tenant <slug> --all-failed
  users unlinked --tenant <slug> [--offset <n>] [--limit <n>] [--json]
  oauth-client create --tenant <slug> --name <label> --scopes <users:read,...> [--secret-expires-in <days>] [--no-secret]
                      [--jwks <JWKS file>] [--jwks-uri <https URL>] [--json]
  oauth-client list [--tenant <slug>] [--json]
  oauth-client show <client-id> [--json]
  oauth-client set <client-id> [--name <label>] [--scopes <list>] [--status enabled|disabled]
                   [--jwks <JWKS file>|none] [--jwks-uri <https URL>|none]
  oauth-client secret-add <client-id> [--expires-in <days>]
  oauth-client secret-revoke <client-id> <secret-id>
  oauth-key list [--json]
  oauth-key rotate
${CATALOGUE_USAGE}
  migration run

The database is the server's: DATABASE_URL (default sqlite:./data/scim.sqlite).
A created token is printed alone on stdout (a created OAuth client: its client_id, then its
secret); everything else goes to stderr.`;
