import { readFileSync } from 'node:fs';
import { OAuthClientAdminService, OAuthClientView, SigningKeyService } from '../../library';
import { ParsedArgs, booleanFlag, choiceFlag, daysFlag, flag, requiredFlag } from './cli.args';
import type { CommandName } from './cli.commands';
import type { CommandHandler } from './cli.context';
import { err, jsonLine, jsonLines, out, table } from './cli.output';

const scopeList = (text: string) => text.split(/[\s,]+/).filter(Boolean);

/** `--jwks <file>`: the JSON of a JWKS file; `none` (set only) removes it */
function jwksFlag(args: ParsedArgs): unknown {
  const file = flag(args, 'jwks');
  if (file === undefined) {
    return undefined;
  }
  if (file === 'none') {
    return null;
  }
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (e) {
    throw new Error(`--jwks ${file}: not a readable JSON file (${e instanceof Error ? e.message : String(e)})`);
  }
}

function clientLine(c: OAuthClientView): string {
  return `${c.clientId} "${c.name}": ${c.enabled ? 'enabled' : `disabled since ${c.disabledAt}`}, scopes ${c.scopes.join(',')}`;
}

/** the signing keys, after `list` or `rotate` */
const keyList: CommandHandler = async (c) => {
  const list = await c.get(SigningKeyService).list();
  if (c.json) {
    jsonLines(list);
  } else {
    out(table(list.map((k) => ({ ...k, retiredAt: k.retiredAt ?? '' }))));
  }
};

/**
 * The `oauth-client` and `oauth-key` commands (OAuth 2.0 client credentials, docs/oauth.md).
 * A new client prints its client_id and then its secret, each alone on a line of stdout; a new
 * secret prints the secret alone. Both are shown once.
 */
export const OAUTH_COMMANDS = {
  'oauth-key list': keyList,
  'oauth-key rotate': async (c) => {
    await c.get(SigningKeyService).rotate();
    err('Generated a new access-token signing key; the previous one verifies until its tokens expire');
    await keyList(c);
  },

  'oauth-client create': async (c) => {
    const { args } = c;
    const tenant = requiredFlag(args, 'tenant');
    const secretDays = daysFlag(args, 'secret-expires-in', true);
    const jwks = jwksFlag(args);
    const jwksUri = flag(args, 'jwks-uri');
    const created = await c.get(OAuthClientAdminService).create(tenant, {
      name: requiredFlag(args, 'name'),
      scopes: scopeList(requiredFlag(args, 'scopes')),
      ...(secretDays !== undefined ? { secretExpiresInDays: secretDays } : {}),
      ...(booleanFlag(args, 'no-secret') ? { withSecret: false } : {}),
      ...(jwks ? { jwks } : {}),
      ...(jwksUri !== undefined ? { jwksUri } : {}),
    });
    if (c.json) {
      jsonLine(created);
    } else {
      out(created.clientId);
      if (created.clientSecret) {
        out(created.clientSecret.secret);
      }
    }
    err(
      `Created OAuth client ${created.clientId} "${created.name}" for tenant "${tenant}" (scopes ${created.scopes.join(',')})` +
        (created.clientSecret
          ? `, secret ${created.clientSecret.id} expiring ${created.clientSecret.expiresAt}. The secret is shown once and stored only as a hash.`
          : ', without a secret.'),
    );
  },

  'oauth-client list': async (c) => {
    const list = (await c.get(OAuthClientAdminService).list(flag(c.args, 'tenant'))).items;
    if (c.json) {
      jsonLines(list);
      return;
    }
    out(
      table(
        list.map((cl) => ({
          clientId: cl.clientId,
          name: cl.name,
          status: cl.enabled ? 'enabled' : 'disabled',
          scopes: cl.scopes.join(','),
          created: cl.createdAt,
        })),
      ),
    );
  },

  'oauth-client show': async (c) => {
    const cl = await c.get(OAuthClientAdminService).get(c.args.positionals[0]);
    if (c.json) {
      jsonLine(cl);
      return;
    }
    out(clientLine(cl));
    out(
      table(
        (cl.secrets ?? []).map((s) => ({
          secretId: s.id,
          prefix: s.prefix + '…',
          state: s.state,
          created: s.createdAt,
          expires: s.expiresAt,
          lastUsed: s.lastUsedAt ?? '',
        })),
      ),
    );
  },

  'oauth-client set': async (c) => {
    const { args } = c;
    const status = choiceFlag(args, 'status', ['enabled', 'disabled'] as const);
    const name = flag(args, 'name');
    const scopes = flag(args, 'scopes');
    const jwks = jwksFlag(args);
    const jwksUri = flag(args, 'jwks-uri');
    const cl = await c.get(OAuthClientAdminService).update(args.positionals[0], {
      ...(name !== undefined ? { name } : {}),
      ...(scopes !== undefined ? { scopes: scopeList(scopes) } : {}),
      ...(status !== undefined ? { enabled: status === 'enabled' } : {}),
      ...(jwks !== undefined ? { jwks } : {}),
      ...(jwksUri !== undefined ? { jwksUri: jwksUri === 'none' ? null : jwksUri } : {}),
    });
    out(c.json ? JSON.stringify(cl) : clientLine(cl));
  },

  'oauth-client secret-add': async (c) => {
    const clientId = c.args.positionals[0];
    const s = await c.get(OAuthClientAdminService).addSecret(clientId, daysFlag(c.args, 'expires-in', true));
    out(c.json ? JSON.stringify(s) : s.secret);
    err(`Added secret ${s.id} to client ${clientId}, expiring ${s.expiresAt}. It is shown once and stored only as a hash.`);
  },

  'oauth-client secret-revoke': async (c) => {
    const [clientId, secretId] = c.args.positionals;
    await c.get(OAuthClientAdminService).revokeSecret(clientId, secretId);
    err(`Revoked secret ${secretId} of client ${clientId}`);
  },
} satisfies Partial<Record<CommandName, CommandHandler>>;
