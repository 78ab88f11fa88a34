import { readFileSync } from 'node:fs';
import type { OAuthClientAdminService, OAuthClientView, SigningKeyService } from '../../library';
import { ParsedArgs, booleanFlag, flag, requiredFlag } from './cli.args';
import { err, out, table } from './cli.output';

/** `--expires-in` / `--secret-expires-in`: a whole number of days, or undefined */
function daysFlag(args: ParsedArgs, name: string): number | undefined {
  const text = flag(args, name);
  if (text === undefined) {
    return undefined;
  }
  if (!/^\d{1,6}$/.test(text)) {
    throw new Error(`--${name} must be a whole number of days`);
  }
  return Number(text);
}

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

/**
 * The `oauth-client` commands (OAuth 2.0 client credentials, docs/oauth.md). Returns false for
 * a command that is not one of them. A new client prints its client_id and then its secret,
 * each alone on a line of stdout; a new secret prints the secret alone. Both are shown once.
 */
export async function runOAuthCommand(
  args: ParsedArgs,
  clients: OAuthClientAdminService,
  keys: SigningKeyService,
): Promise<boolean> {
  const [group, cmd, arg, extra] = args.positionals;
  const json = args.flags.json === true;
  if (group === 'oauth-key') {
    if (cmd === 'rotate') {
      await keys.rotate();
      err('Generated a new access-token signing key; the previous one verifies until its tokens expire');
    } else if (cmd !== 'list') {
      throw new Error(`Unknown command "oauth-key ${cmd ?? ''}": use list or rotate`);
    }
    const list = await keys.list();
    out(json ? JSON.stringify(list, null, 2) : table(list.map((k) => ({ ...k, retiredAt: k.retiredAt ?? '' }))));
    return true;
  }
  if (group !== 'oauth-client') {
    return false;
  }
  switch (cmd) {
    case 'create': {
      const tenant = requiredFlag(args, 'tenant');
      const created = await clients.create(tenant, {
        name: requiredFlag(args, 'name'),
        scopes: scopeList(requiredFlag(args, 'scopes')),
        ...(daysFlag(args, 'secret-expires-in') !== undefined
          ? { secretExpiresInDays: daysFlag(args, 'secret-expires-in') }
          : {}),
        ...(booleanFlag(args, 'no-secret') ? { withSecret: false } : {}),
        ...(jwksFlag(args) ? { jwks: jwksFlag(args) } : {}),
        ...(flag(args, 'jwks-uri') !== undefined ? { jwksUri: flag(args, 'jwks-uri') } : {}),
      });
      if (json) {
        out(JSON.stringify(created, null, 2));
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
      return true;
    }
    case 'list': {
      const list = (await clients.list(flag(args, 'tenant'))).items;
      out(
        json
          ? JSON.stringify(list, null, 2)
          : table(
              list.map((c) => ({
                clientId: c.clientId,
                name: c.name,
                status: c.enabled ? 'enabled' : 'disabled',
                scopes: c.scopes.join(','),
                created: c.createdAt,
              })),
            ),
      );
      return true;
    }
    case 'show': {
      if (!arg) {
        throw new Error('oauth-client show needs a client id (see oauth-client list)');
      }
      const c = await clients.get(arg);
      if (json) {
        out(JSON.stringify(c, null, 2));
        return true;
      }
      out(clientLine(c));
      out(
        table(
          (c.secrets ?? []).map((s) => ({
            secretId: s.id,
            prefix: s.prefix + '…',
            state: s.state,
            created: s.createdAt,
            expires: s.expiresAt,
            lastUsed: s.lastUsedAt ?? '',
          })),
        ),
      );
      return true;
    }
    case 'set': {
      if (!arg) {
        throw new Error('oauth-client set needs a client id');
      }
      const status = flag(args, 'status');
      if (status !== undefined && status !== 'enabled' && status !== 'disabled') {
        throw new Error('--status must be enabled or disabled');
      }
      const name = flag(args, 'name');
      const scopes = flag(args, 'scopes');
      const jwks = jwksFlag(args);
      const jwksUri = flag(args, 'jwks-uri');
      const c = await clients.update(arg, {
        ...(name !== undefined ? { name } : {}),
        ...(scopes !== undefined ? { scopes: scopeList(scopes) } : {}),
        ...(status !== undefined ? { enabled: status === 'enabled' } : {}),
        ...(jwks !== undefined ? { jwks } : {}),
        ...(jwksUri !== undefined ? { jwksUri: jwksUri === 'none' ? null : jwksUri } : {}),
      });
      out(json ? JSON.stringify(c) : clientLine(c));
      return true;
    }
    case 'secret-add': {
      if (!arg) {
        throw new Error('oauth-client secret-add needs a client id');
      }
      const s = await clients.addSecret(arg, daysFlag(args, 'expires-in'));
      out(json ? JSON.stringify(s) : s.secret);
      err(`Added secret ${s.id} to client ${arg}, expiring ${s.expiresAt}. It is shown once and stored only as a hash.`);
      return true;
    }
    case 'secret-revoke': {
      if (!arg || !extra) {
        throw new Error('oauth-client secret-revoke needs a client id and a secret id (see oauth-client show)');
      }
      await clients.revokeSecret(arg, extra);
      err(`Revoked secret ${extra} of client ${arg}`);
      return true;
    }
    default:
      throw new Error(`Unknown command "oauth-client ${cmd ?? ''}": use create, list, show, set, secret-add, secret-revoke`);
  }
}
