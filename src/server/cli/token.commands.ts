import { TenantService, TokenService, parseScopes } from '../../library';
import { daysFlag, flag, requiredFlag } from './cli.args';
import type { CommandName } from './cli.commands';
import type { CommandHandler } from './cli.context';
import { err, jsonLines, out, table } from './cli.output';

/** `token create|list|revoke`: service-account tokens, shown once and stored as a hash */
export const TOKEN_COMMANDS = {
  'token create': async (c) => {
    const tenant = requiredFlag(c.args, 'tenant');
    const scopes = parseScopes(requiredFlag(c.args, 'scopes'));
    const days = daysFlag(c.args, 'expires-in');
    const issued = await c.get(TokenService).issue(tenant, requiredFlag(c.args, 'name'), scopes, days, flag(c.args, 'profile'));
    out(issued.token);
    const { record } = issued;
    err(
      `Created token ${record.id} "${record.name}" for tenant "${tenant}" (scopes ${record.scopes.join(',')}, ` +
        `${record.expiresAt ? `expires ${record.expiresAt}` : 'never expires: give --expires-in <days> for one that does'}). ` +
        'It is shown once and stored only as a hash.',
    );
  },

  'token list': async (c) => {
    const list = await c.get(TokenService).listTokens(flag(c.args, 'tenant'));
    const slugs = new Map((await c.get(TenantService).listTenants()).map((t) => [t.id, t.slug]));
    const rows = list.map((t) => ({
      id: t.id,
      tenant: slugs.get(t.tenantId) ?? t.tenantId,
      name: t.name,
      prefix: t.prefix + '…',
      scopes: t.scopes.join(','),
      profile: t.profile ?? '',
      created: t.createdAt,
      expires: t.expiresAt ?? '',
      revoked: t.revokedAt ?? '',
      lastUsed: t.lastUsedAt ?? '',
    }));
    if (c.json) {
      jsonLines(rows);
    } else {
      out(table(rows));
    }
  },

  'token revoke': async (c) => {
    const id = c.args.positionals[0];
    if (!(await c.get(TokenService).revoke(id))) {
      throw new Error(`No active token with id ${id}`);
    }
    err(`Revoked token ${id}`);
  },
} satisfies Partial<Record<CommandName, CommandHandler>>;
