import { createInterface } from 'node:readline/promises';
import {
  EventAdminService,
  OAuthClientAdminService,
  TenantAdminService,
  TenantService,
  TokenService,
} from '../../library';
import type { Tenant } from '../../core/ports/tenant.repository';
import { UsageError, booleanFlag, choiceFlag, flag, requiredFlag } from './cli.args';
import type { CommandName } from './cli.commands';
import type { CliContext, CommandHandler } from './cli.context';
import { err, jsonLine, jsonLines, out, table, tenantDetails, tenantLine } from './cli.output';
import { countResources } from './resources.commands';

/** `tenant create|set|show|list|role-map|delete` */
export const TENANT_COMMANDS = {
  'tenant create': async (c) => {
    const slug = c.args.positionals[0];
    const mode = flag(c.args, 'deprovisioning');
    const t = await c.get(TenantService).createTenant(
      slug,
      flag(c.args, 'profile'),
      mode !== undefined ? { deprovisioning: mode } : {},
    );
    out(c.json ? JSON.stringify(t) : t.id);
    err(`Created tenant "${t.slug}"`);
  },

  'tenant set': async (c) => {
    const { args } = c;
    const profile = flag(args, 'profile');
    const mode = flag(args, 'deprovisioning');
    const cycles = flag(args, 'group-cycles');
    // where the tenant's change events go; the secret is never printed
    const webhookUrl = flag(args, 'webhook-url');
    const webhookSecret = flag(args, 'webhook-secret');
    const scim = choiceFlag(args, 'scim', ['enabled', 'disabled'] as const);
    const notifications = flag(args, 'notifications');
    const defaultRole = flag(args, 'default-role');
    const linkPolicy = flag(args, 'link-policy');
    const tokenPolicy = flag(args, 'token-policy');
    // IdP profile switches on top of the tokens' profile (docs/idp/profiles.md)
    const switches = flag(args, 'switches');
    const t = await c.get(TenantAdminService).updateTenant(args.positionals[0], {
      ...(profile !== undefined ? { profile: profile === 'default' ? null : profile } : {}),
      ...(mode !== undefined ? { deprovisioning: mode } : {}),
      ...(cycles !== undefined ? { groupCycles: cycles } : {}),
      ...(webhookUrl !== undefined
        ? { webhookUrl: ['off', 'none'].includes(webhookUrl) ? null : webhookUrl }
        : {}),
      ...(webhookSecret !== undefined ? { webhookSecret } : {}),
      ...(scim !== undefined ? { scimEnabled: scim === 'enabled' } : {}),
      ...(notifications !== undefined ? { notifications } : {}),
      ...(defaultRole !== undefined ? { defaultRole: defaultRole === 'none' ? null : defaultRole } : {}),
      ...(linkPolicy !== undefined ? { linkPolicy } : {}),
      ...(tokenPolicy !== undefined ? { tokenPolicy } : {}),
      ...(switches !== undefined ? { switches } : {}),
    });
    out(c.json ? JSON.stringify(t) : tenantLine(t));
  },

  'tenant show': async (c) => {
    const slug = c.args.positionals[0];
    const tenants = c.get(TenantAdminService);
    const t = await tenants.getTenant(slug);
    const mappings = (await tenants.listRoleMappings(slug)).items;
    const backlog = await c.get(EventAdminService).backlog(slug);
    if (c.json) {
      jsonLine({ ...t, roleMappings: mappings, events: backlog });
      return;
    }
    out(tenantDetails(t, mappings, backlog));
  },

  'tenant list': async (c) => {
    const list = (await c.get(TenantAdminService).listTenants()).items;
    if (c.json) {
      jsonLines(list);
      return;
    }
    out(
      table(
        list.map((t) => ({
          slug: t.slug,
          id: t.id,
          created: t.createdAt,
          scim: t.scimEnabled ? 'enabled' : 'disabled',
          profile: t.profile ?? 'default',
          deprovisioning: t.deprovisioning,
          webhook: t.webhookUrl ?? '',
          notifications: t.notifications,
          defaultRole: t.defaultRole ?? '',
          linkPolicy: t.linkPolicy,
        })),
      ),
    );
  },

  'tenant role-map': async (c) => {
    const { args } = c;
    const slug = args.positionals[0];
    const groupName = requiredFlag(args, 'group');
    const tenants = c.get(TenantAdminService);
    const role = flag(args, 'role');
    if (booleanFlag(args, 'remove')) {
      if (role !== undefined) {
        throw new UsageError('Give either --role or --remove, not both', args.command);
      }
      await tenants.removeRoleMapping(slug, groupName);
      err(`Removed the role mapping of group "${groupName}" in tenant "${slug}"`);
      return;
    }
    if (role === undefined) {
      throw new UsageError('tenant role-map needs --role <role> (or --remove)', args.command);
    }
    const m = await tenants.setRoleMapping(slug, groupName, role);
    out(c.json ? JSON.stringify(m) : `${m.group} -> ${m.role}`);
  },

  'tenant delete': async (c) => {
    const slug = c.args.positionals[0];
    const tenant = await c.get(TenantService).getTenant(slug);
    err(`This deletes ${await contentsOf(c, tenant)}. Its audit entries are kept.`);
    if (!booleanFlag(c.args, 'yes')) {
      if (!process.stdin.isTTY) {
        throw new UsageError(`Not deleted: add --yes to delete tenant "${slug}" without a terminal to confirm in`, c.args.command);
      }
      if ((await ask(`Type the tenant's slug (${slug}) to delete it: `)).trim() !== slug) {
        throw new Error(`Not deleted: the answer was not "${slug}"`);
      }
    }
    await c.get(TenantAdminService).deleteTenant(slug);
    err(`Deleted tenant "${slug}" (${tenant.id})`);
  },
} satisfies Partial<Record<CommandName, CommandHandler>>;

/** what deleting the tenant deletes, in words: `tenant "acme" (id) with 3 users, ...` */
async function contentsOf(c: CliContext, tenant: Tenant): Promise<string> {
  const { slug } = tenant;
  const tokens = await c.get(TokenService).listTokens(slug);
  const clients = (await c.get(OAuthClientAdminService).list(slug)).items;
  const mappings = await c.get(TenantService).listRoleMappings(slug);
  const backlog = await c.get(EventAdminService).backlog(slug);
  const { users, groups } = await countResources(c, tenant);
  const n = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;
  const active = tokens.filter((t) => !t.revokedAt).length;
  return (
    `tenant "${slug}" (${tenant.id}) with ${n(users, 'user')}, ${n(groups, 'group')}, ` +
    `${n(tokens.length, 'token')} (${active} not revoked), ${n(clients.length, 'OAuth client')}, ` +
    `${n(mappings.length, 'role mapping')}, its catalogue values, its other resources and its change events ` +
    `(${backlog.pending} pending, ${backlog.failed} failed)`
  );
}

/** one line from the terminal, the question on stderr (stdout stays for answers) */
async function ask(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}
