import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppModule } from '../app.module';
import { parseSince } from '../../audit/audit-since.parser';
import { AuditService } from '../../audit/audit.service';
import { ensureDatabaseDirectory } from '../bootstrap';
import { ConfigError, loadConfig } from '../config/app.config';
import {
  CatalogueAdminService,
  EventAdminService,
  OAuthClientAdminService,
  OUTBOX_STATUSES,
  SigningKeyService,
  OutboxStatus,
  TenantAdminService,
  TenantService,
  TenantView,
  TokenService,
  parseScopes,
  runMigrationsLocked,
} from '../../library';
import {
  ParsedArgs,
  booleanFlag,
  flag,
  intFlag,
  parseArgs,
  requiredFlag,
  scimFlag,
} from './cli.args';
import { endQuietlyOnClosedPipe, err, exitWhenDrained, out, table, tenantDetails, tenantLine } from './cli.output';
import { runCatalogueCommand } from './catalogue.command';
import { StderrLogger } from './stderr.logger';
import { USAGE } from './cli.usage';
import { runOAuthCommand } from './cli-oauth.commands';


interface Services {
  oauth: OAuthClientAdminService;
  keys: SigningKeyService;
  tokens: TokenService;
  tenantService: TenantService;
  tenants: TenantAdminService;
  events: EventAdminService;
  ds: DataSource;
  audit: AuditService;
  catalogue: CatalogueAdminService;
}

async function run(
  args: ParsedArgs,
  { oauth, keys, tokens, tenantService, tenants, events, ds, audit, catalogue }: Services,
): Promise<void> {
  const [group, cmd, arg] = args.positionals;
  const json = args.flags.json === true;
  if (group === 'catalogue' && (await runCatalogueCommand(args, catalogue))) {
    return;
  }
  switch (`${group ?? ''} ${cmd ?? ''}`) {
    case 'tenant create': {
      if (!arg) {
        throw new Error('tenant create needs a slug');
      }
      const mode = flag(args, 'deprovisioning');
      const settings = mode !== undefined ? { deprovisioning: mode } : {};
      const t = await tenantService.createTenant(arg, flag(args, 'profile'), settings);
      out(json ? JSON.stringify(t) : t.id);
      err(`Created tenant "${t.slug}"`);
      return;
    }
    case 'tenant set': {
      if (!arg) {
        throw new Error('tenant set needs a slug');
      }
      const profile = flag(args, 'profile');
      const mode = flag(args, 'deprovisioning');
      const cycles = flag(args, 'group-cycles');
      // where the tenant's change events go; the secret is never printed
      const webhookUrl = flag(args, 'webhook-url');
      const webhookSecret = flag(args, 'webhook-secret');
      // SCIM on/off, notifications, default role, link policy
      const scimEnabled = scimFlag(args);
      const notifications = flag(args, 'notifications');
      const defaultRole = flag(args, 'default-role');
      const linkPolicy = flag(args, 'link-policy');
      const tokenPolicy = flag(args, 'token-policy');
      // IdP profile switches on top of the tokens' profile (docs/idp/profiles.md)
      const switches = flag(args, 'switches');
      const t = await tenants.updateTenant(arg, {
        ...(profile !== undefined ? { profile: profile === 'default' ? null : profile } : {}),
        ...(mode !== undefined ? { deprovisioning: mode } : {}),
        ...(cycles !== undefined ? { groupCycles: cycles } : {}),
        ...(webhookUrl !== undefined
          ? { webhookUrl: ['off', 'none'].includes(webhookUrl) ? null : webhookUrl }
          : {}),
        ...(webhookSecret !== undefined ? { webhookSecret } : {}),
        ...(scimEnabled !== undefined ? { scimEnabled } : {}),
        ...(notifications !== undefined ? { notifications } : {}),
        ...(defaultRole !== undefined ? { defaultRole: defaultRole === 'none' ? null : defaultRole } : {}),
        ...(linkPolicy !== undefined ? { linkPolicy } : {}),
        ...(tokenPolicy !== undefined ? { tokenPolicy } : {}),
        ...(switches !== undefined ? { switches } : {}),
      });
      out(json ? JSON.stringify(t) : tenantLine(t));
      return;
    }
    case 'tenant show': {
      if (!arg) {
        throw new Error('tenant show needs a slug');
      }
      const t = await tenants.getTenant(arg);
      const mappings = (await tenants.listRoleMappings(arg)).items;
      const backlog = await events.backlog(arg);
      if (json) {
        out(JSON.stringify({ ...t, roleMappings: mappings, events: backlog }, null, 2));
        return;
      }
      out(tenantDetails(t, mappings, backlog));
      return;
    }
    case 'tenant role-map': {
      if (!arg) {
        throw new Error('tenant role-map needs a slug');
      }
      const groupName = requiredFlag(args, 'group');
      if (booleanFlag(args, 'remove')) {
        if (flag(args, 'role') !== undefined) {
          throw new Error('Give either --role or --remove, not both');
        }
        await tenants.removeRoleMapping(arg, groupName);
        err(`Removed the role mapping of group "${groupName}" in tenant "${arg}"`);
        return;
      }
      const role = flag(args, 'role');
      if (role === undefined) {
        throw new Error('tenant role-map needs --role <role> (or --remove)');
      }
      const m = await tenants.setRoleMapping(arg, groupName, role);
      out(json ? JSON.stringify(m) : `${m.group} -> ${m.role}`);
      return;
    }
    case 'tenant list': {
      const list = (await tenants.listTenants()).items;
      out(
        json
          ? JSON.stringify(list, null, 2)
          : table(
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
      return;
    }
    case 'token create': {
      const tenant = requiredFlag(args, 'tenant');
      const name = requiredFlag(args, 'name');
      const scopes = parseScopes(requiredFlag(args, 'scopes'));
      const exp = flag(args, 'expires-in');
      const days = exp === undefined ? undefined : Number(exp);
      if (days !== undefined && !(Number.isFinite(days) && days > 0)) {
        throw new Error('--expires-in must be a positive number of days');
      }
      const issued = await tokens.issue(tenant, name, scopes, days, flag(args, 'profile'));
      out(issued.token);
      err(
        `Created token ${issued.record.id} "${issued.record.name}" for tenant "${tenant}" ` +
          `(scopes ${issued.record.scopes.join(',')}${issued.record.expiresAt ? `, expires ${issued.record.expiresAt}` : ''}). ` +
          'It is shown once and stored only as a hash.',
      );
      return;
    }
    case 'token list': {
      const tenantFilter = flag(args, 'tenant');
      const list = await tokens.listTokens(tenantFilter);
      const slugs = new Map((await tenantService.listTenants()).map((t) => [t.id, t.slug]));
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
      out(json ? JSON.stringify(rows, null, 2) : table(rows));
      return;
    }
    case 'token revoke': {
      if (!arg) {
        throw new Error('token revoke needs a token id (see token list)');
      }
      if (!(await tokens.revoke(arg))) {
        throw new Error(`No active token with id ${arg}`);
      }
      err(`Revoked token ${arg}`);
      return;
    }
    // the audit log, newest `limit` entries oldest first; JSON lines with --json
    case 'audit ': {
      const since = parseSince(flag(args, 'since') ?? '24h');
      const limitText = flag(args, 'limit') ?? '100';
      if (!/^\d{1,6}$/.test(limitText) || Number(limitText) < 1) {
        throw new Error('--limit must be a positive integer');
      }
      const tenant = flag(args, 'tenant');
      const entries = await audit.search({ tenant, since, limit: Number(limitText) });
      if (json) {
        for (const e of entries) {
          out(JSON.stringify(e));
        }
      } else {
        out(
          table(
            entries.map((e) => ({
              time: e.at,
              method: e.method,
              path: e.path,
              status: e.status,
              latency: `${e.latencyMs} ms`,
              token: e.tokenId ?? '-',
              profile: e.profile ?? '',
              ip: e.clientIp ?? '',
            })),
          ),
        );
      }
      err(`${entries.length} entries since ${since}${tenant ? ` for tenant "${tenant}"` : ''}`);
      return;
    }
    // the change-event outbox of a tenant, newest first
    case 'events list': {
      const tenant = requiredFlag(args, 'tenant');
      const status = flag(args, 'status');
      if (status !== undefined && !(OUTBOX_STATUSES as readonly string[]).includes(status)) {
        throw new Error(`--status must be one of ${OUTBOX_STATUSES.join(', ')}`);
      }
      const page = await events.list(tenant, {
        status: status as OutboxStatus | undefined,
        limit: intFlag(args, 'limit', 50, 1, 1000),
      });
      if (json) {
        out(JSON.stringify(page.items, null, 2));
      } else {
        out(
          table(
            page.items.map((e) => ({
              seq: e.seq,
              id: e.id,
              time: e.occurredAt,
              resource: `${e.resourceType} ${e.resourceId}`,
              operation: e.operation,
              version: e.version,
              status: e.status,
              attempts: e.attempts,
              next: e.status === 'pending' ? e.nextAttemptAt : '',
              error: e.lastError ?? '',
            })),
          ),
        );
      }
      err(`${page.items.length} events of tenant "${tenant}"${status ? ` (${status})` : ''}, newest first`);
      return;
    }
    case 'events retry': {
      if (booleanFlag(args, 'all-failed')) {
        if (arg) {
          throw new Error('Give either an event id or --tenant <slug> --all-failed, not both');
        }
        const tenant = requiredFlag(args, 'tenant');
        const { retried } = await events.retryFailed(tenant);
        if (json) {
          out(JSON.stringify({ retried }));
        }
        err(`${retried} failed events of tenant "${tenant}" are due again; a running server delivers them`);
        return;
      }
      if (!arg) {
        throw new Error('events retry needs an event id (see events list), or --tenant <slug> --all-failed');
      }
      const e = await events.retry(arg);
      if (json) {
        out(JSON.stringify(e));
      }
      err(`Event ${e.id} (${e.operation} ${e.resourceType} ${e.resourceId}) is due again; a running server delivers it`);
      return;
    }
    // host users no IdP manages (the built-in store has none)
    case 'users unlinked': {
      const tenant = requiredFlag(args, 'tenant');
      const found = await tenants.unlinkedUsers(tenant, {
        offset: intFlag(args, 'offset', 0, 0, 1_000_000_000),
        limit: intFlag(args, 'limit', 100, 1, 1000),
      });
      if (json) {
        out(JSON.stringify(found, null, 2));
      } else {
        out(
          table(
            found.items.map((u) => ({
              hostId: u.hostId,
              email: u.email ?? '',
              displayName: u.displayName ?? '',
              created: u.createdAt ?? '',
            })),
          ),
        );
      }
      err(
        found.supported
          ? `${found.items.length} of ${found.total} unlinked users of tenant "${tenant}"`
          : 'This server keeps only SCIM-provisioned users, so none is unlinked (a host application lists its own through its user adapter)',
      );
      return;
    }
    case 'migration run': {
      const done = await runMigrationsLocked(ds);
      err(done.length ? `Applied ${done.map((m) => m.name).join(', ')}` : 'No pending migrations');
      return;
    }
    default:
      if (await runOAuthCommand(args, oauth, keys)) {
        return;
      }
      throw new UsageError(group ? `Unknown command "${args.positionals.join(' ')}"` : 'No command given');
  }
}

class UsageError extends Error {}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (args.flags.help || args.positionals[0] === 'help') {
    out(USAGE);
    return 0;
  }
  const config = loadConfig(process.env);
  ensureDatabaseDirectory(config.databaseUrl);
  const isMigration = args.positionals[0] === 'migration';
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
    await run(args, {
      oauth: app.get(OAuthClientAdminService),
      keys: app.get(SigningKeyService),
      tokens: app.get(TokenService),
      tenantService: app.get(TenantService),
      tenants: app.get(TenantAdminService),
      events: app.get(EventAdminService),
      ds: app.get<DataSource>(getDataSourceToken()),
      audit: app.get(AuditService),
      catalogue: app.get(CatalogueAdminService),
    });
    return 0;
  } finally {
    await app.close();
  }
}

endQuietlyOnClosedPipe();
main().then(
  (code) => exitWhenDrained(code),
  (e: unknown) => {
    if (e instanceof UsageError) {
      err(`${e.message}\n\n${USAGE}`);
      return exitWhenDrained(64);
    }
    err(`Error: ${e instanceof ConfigError ? 'configuration: ' : ''}${e instanceof Error ? e.message : String(e)}`);
    return exitWhenDrained(1);
  },
);
