import { DataSource } from 'typeorm';
import { parseSince } from '../../audit/audit-since.parser';
import { AuditService } from '../../audit/audit.service';
import type { AuditRecord } from '../../core/ports/audit.repository';
import { EventAdminService, OUTBOX_STATUSES, runMigrationsLocked } from '../../library';
import { UsageError, booleanFlag, choiceFlag, flag, intFlag, requiredFlag } from './cli.args';
import type { CommandName } from './cli.commands';
import type { CommandHandler } from './cli.context';
import { cell, err, jsonLine, jsonLines, out, table } from './cli.output';

/** a refused request's SCIM error in one cell: `409 uniqueness: userName "bjensen" is taken` */
export function errorCell(e: AuditRecord['error'], max = 100): string {
  return e ? cell(`${e.status}${e.scimType ? ` ${e.scimType}` : ''}: ${e.detail}`, max) : '';
}

/** `audit`, `events list|retry`, `migration run` */
export const OPERATIONS_COMMANDS = {
  // the audit log, newest `limit` entries oldest first, with why a refused request was refused
  audit: async (c) => {
    const since = parseSince(flag(c.args, 'since') ?? '24h');
    const tenant = flag(c.args, 'tenant');
    const entries = await c.get(AuditService).search({ tenant, since, limit: intFlag(c.args, 'limit', 100, 1, 1_000_000) });
    if (c.json) {
      jsonLines(entries);
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
            error: errorCell(e.error),
          })),
        ),
      );
    }
    err(`${entries.length} entries since ${since}${tenant ? ` for tenant "${tenant}"` : ''}`);
  },

  // the change-event outbox of a tenant, newest first
  'events list': async (c) => {
    const tenant = requiredFlag(c.args, 'tenant');
    const status = choiceFlag(c.args, 'status', OUTBOX_STATUSES);
    const page = await c.get(EventAdminService).list(tenant, { status, limit: intFlag(c.args, 'limit', 50, 1, 1000) });
    if (c.json) {
      jsonLines(page.items);
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
  },

  'events retry': async (c) => {
    const { args } = c;
    const [id] = args.positionals;
    const events = c.get(EventAdminService);
    if (booleanFlag(args, 'all-failed')) {
      if (id !== undefined) {
        throw new UsageError('Give either an event id or --tenant <slug> --all-failed, not both', args.command);
      }
      const tenant = flag(args, 'tenant');
      if (tenant === undefined) {
        throw new UsageError('--all-failed needs --tenant <slug>', args.command);
      }
      const { retried } = await events.retryFailed(tenant);
      if (c.json) {
        jsonLine({ retried });
      }
      err(`${retried} failed events of tenant "${tenant}" are due again; a running server delivers them`);
      return;
    }
    if (id === undefined) {
      throw new UsageError('events retry needs an event id (see events list), or --tenant <slug> --all-failed', args.command);
    }
    if (flag(args, 'tenant') !== undefined) {
      throw new UsageError('--tenant goes with --all-failed; an event id names its tenant', args.command);
    }
    const e = await events.retry(id);
    if (c.json) {
      jsonLine(e);
    }
    err(`Event ${e.id} (${e.operation} ${e.resourceType} ${e.resourceId}) is due again; a running server delivers it`);
  },

  'migration run': async (c) => {
    const done = await runMigrationsLocked(c.get(DataSource));
    err(done.length ? `Applied ${done.map((m) => m.name).join(', ')}` : 'No pending migrations');
  },
} satisfies Partial<Record<CommandName, CommandHandler>>;
