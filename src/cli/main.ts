import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppModule } from '../app.module';
import { parseSince } from '../audit/audit-since.parser';
import { AuditService } from '../audit/audit.service';
import { ensureDatabaseDirectory } from '../bootstrap';
import { ConfigError, loadConfig } from '../config/app.config';
import { TokenService, parseScopes } from '../scim';
import { ParsedArgs, flag, parseArgs, requiredFlag } from './cli.args';
import { StderrLogger } from './stderr.logger';

const USAGE = `Usage: npm run -s cli -- <command>

  tenant create <slug> [--profile rfc-strict|entra|okta|lenient] [--deprovisioning hard|soft]
  tenant set <slug> [--profile rfc-strict|entra|okta|lenient|default] [--deprovisioning hard|soft] [--group-cycles refuse|allow]
             [--webhook-url <http(s) URL>|off] [--webhook-secret <shared secret, 16+ characters>]
  tenant list [--json]
  token create --tenant <slug> --name <label> --scopes <users:read,users:write,groups:read,groups:write> [--expires-in <days>] [--profile rfc-strict|entra|okta|lenient]
  token list [--tenant <slug>] [--json]
  token revoke <token-id>
  audit [--tenant <slug>] [--since 1h|30m|7d|<ISO date>] [--limit <n>] [--json]
  migration run

The database is the server's: DATABASE_URL (default sqlite:./data/scim.sqlite).
A created token is printed alone on stdout; everything else goes to stderr.`;

const out = (s: string) => process.stdout.write(s + '\n');
const err = (s: string) => process.stderr.write(s + '\n');

function table(rows: Record<string, unknown>[]): string {
  if (!rows.length) {
    return '(none)';
  }
  const cols = Object.keys(rows[0]);
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c] ?? '').length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(width[i])).join('  ').trimEnd();
  return [line(cols), ...rows.map((r) => line(cols.map((c) => String(r[c] ?? ''))))].join('\n');
}

async function run(
  args: ParsedArgs,
  tokens: TokenService,
  ds: DataSource,
  audit: AuditService,
): Promise<void> {
  const [group, cmd, arg] = args.positionals;
  const json = args.flags.json === true;
  switch (`${group ?? ''} ${cmd ?? ''}`) {
    case 'tenant create': {
      if (!arg) {
        throw new Error('tenant create needs a slug');
      }
      let t = await tokens.createTenant(arg, flag(args, 'profile'));
      const mode = flag(args, 'deprovisioning');
      if (mode !== undefined) {
        t = await tokens.updateTenant(arg, { deprovisioning: mode });
      }
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
      // issue #6 item 2: where the tenant's change events go; the secret is never printed
      const webhookUrl = flag(args, 'webhook-url');
      const webhookSecret = flag(args, 'webhook-secret');
      const t = await tokens.updateTenant(arg, {
        ...(profile !== undefined ? { profile: profile === 'default' ? null : profile } : {}),
        ...(mode !== undefined ? { deprovisioning: mode } : {}),
        ...(cycles !== undefined ? { groupCycles: cycles } : {}),
        ...(webhookUrl !== undefined
          ? { webhookUrl: ['off', 'none'].includes(webhookUrl) ? null : webhookUrl }
          : {}),
        ...(webhookSecret !== undefined ? { webhookSecret } : {}),
      });
      out(
        json
          ? JSON.stringify(t)
          : `${t.slug}: profile ${t.profile ?? 'default'}, deprovisioning ${t.deprovisioning ?? 'hard'}, group cycles ${t.groupCycles ?? 'refuse'}, webhook ${t.webhookUrl ?? 'none'}`,
      );
      return;
    }
    case 'tenant list': {
      const list = await tokens.listTenants();
      out(
        json
          ? JSON.stringify(list, null, 2)
          : table(list.map((t) => ({ ...t, webhookUrl: t.webhookUrl ?? '' }))),
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
      const slugs = new Map((await tokens.listTenants()).map((t) => [t.id, t.slug]));
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
    // issue #6: the audit log, newest `limit` entries oldest first; JSON lines with --json
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
              ip: e.clientIp ?? '',
            })),
          ),
        );
      }
      err(`${entries.length} entries since ${since}${tenant ? ` for tenant "${tenant}"` : ''}`);
      return;
    }
    case 'migration run': {
      const done = await ds.runMigrations({ transaction: 'each' });
      err(done.length ? `Applied ${done.map((m) => m.name).join(', ')}` : 'No pending migrations');
      return;
    }
    default:
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
    // the CLI never delivers change events (issue #6 item 2): the server instances do
    AppModule.forRoot({
      ...config,
      migrationsRun: isMigration ? false : config.migrationsRun,
      eventsDispatch: false,
    }),
    { logger: new StderrLogger('cli', { logLevels: ['fatal', 'error', 'warn'] }), abortOnError: false },
  );
  try {
    await run(
      args,
      app.get(TokenService),
      app.get<DataSource>(getDataSourceToken()),
      app.get(AuditService),
    );
    return 0;
  } finally {
    await app.close();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof UsageError) {
      err(`${e.message}\n\n${USAGE}`);
      process.exit(64);
    }
    err(`Error: ${e instanceof ConfigError ? 'configuration: ' : ''}${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
