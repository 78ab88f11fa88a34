import { randomUUID } from 'node:crypto';
import { DataSource, QueryRunner } from 'typeorm';
import {
  NewChangeEvent,
  OutboxBacklog,
  OutboxEvent,
  OutboxFailure,
  OutboxQuery,
  OutboxRecord,
  OutboxRepository,
  OutboxStatus,
  ScimEventOperation,
  ScimEventResourceType,
} from '../../core/ports/change-event';
import { storeDialectOf } from './sql-dialect';
import { affected, execute, inTransaction, insertRows, query } from './sql.util';
import { collectUntilCommit } from './sql-transaction';

const INSERT_COLUMNS = [
  'event_id',
  'tenant_id',
  'resource_type',
  'resource_id',
  'operation',
  'changed',
  'members',
  'version',
  'actor_token_id',
  'request_id',
  'created_at',
  'status',
  'attempts',
  'next_attempt_at',
] as const;

/** the events a transaction collects until its COMMIT (collectUntilCommit) */
const OUTBOX_EVENTS = {};

/**
 * Appends change events to scim_outbox on the caller's transaction: the
 * repositories call this inside the transaction of the change, so the events commit or roll
 * back with it. In a transaction opened by inTransaction every write's events are collected
 * and written in one multi-row INSERT, last in the transaction (in the order appended);
 * otherwise (a host's own transaction) at once.
 */
export async function appendEvents(qr: QueryRunner, events: readonly NewChangeEvent[]): Promise<void> {
  if (!events.length) {
    return;
  }
  const collected = collectUntilCommit(qr, OUTBOX_EVENTS, insertEvents);
  if (collected) {
    collected.push(...events);
    return;
  }
  await insertEvents(qr, events);
}

async function insertEvents(qr: QueryRunner, events: readonly NewChangeEvent[]): Promise<void> {
  if (!events.length) {
    return;
  }
  await insertRows(
    qr,
    'scim_outbox',
    INSERT_COLUMNS,
    events.map((e) => [
      randomUUID(),
      e.tenantId,
      e.resourceType,
      e.resourceId,
      e.operation,
      JSON.stringify(e.changed),
      e.members ? JSON.stringify(e.members) : null,
      e.version,
      e.actorTokenId,
      e.requestId === null ? null : e.requestId.slice(0, 128),
      e.occurredAt,
      'pending',
      0,
      e.occurredAt,
    ]),
  );
}

interface OutboxRow {
  seq: string | number;
  event_id: string;
  tenant_id: string;
  resource_type: string;
  resource_id: string;
  operation: string;
  changed: string;
  members: string | null;
  version: number | string;
  actor_token_id: string | null;
  request_id: string | null;
  created_at: string;
  attempts: number | string;
  listeners_done_at: string | null;
}

interface OutboxRecordRow extends OutboxRow {
  status: string;
  next_attempt_at: string;
  last_error: string | null;
  finished_at: string | null;
}

const SELECT_COLUMNS =
  'o.seq, o.event_id, o.tenant_id, o.resource_type, o.resource_id, o.operation, o.changed, ' +
  'o.members, o.version, o.actor_token_id, o.request_id, o.created_at, o.attempts, o.listeners_done_at';

/** what operators see of a row: the event and its delivery state */
const RECORD_COLUMNS = `${SELECT_COLUMNS}, o.status, o.next_attempt_at, o.last_error, o.finished_at`;

/** the events retry-failed picks: given up, or pending after a failed attempt */
const FAILED = "(status = 'failed' OR (status = 'pending' AND attempts > 0))";

/** an earlier pending event of the same resource (the order-per-resource checks) */
const EARLIER_PENDING = `SELECT 1 FROM scim_outbox e
  WHERE e.tenant_id = o.tenant_id AND e.resource_type = o.resource_type
    AND e.resource_id = o.resource_id AND e.seq < o.seq AND e.status = 'pending'`;

/**
 * The outbox on SQLite, MySQL/MariaDB or PostgreSQL. A claim is: read the due candidates in seq order, lease
 * them with an UPDATE by primary key that re-checks they are free (on the latest committed
 * data, so two instances never both win a row), read back what this claim (a unique owner)
 * won, and give back any won event that has an earlier pending event of its resource not held
 * by this claim: events of one resource are delivered in order by one holder at a time. On
 * SQLite the claim is one BEGIN IMMEDIATE transaction (serialized with every other writer,
 * also across processes); on MySQL the UPDATE's row locks decide races, with no gap locks taken
 * on the table the writers insert into; on PostgreSQL the candidates are locked as they are
 * read, skipping those another claim holds (FOR UPDATE SKIP LOCKED), so claims never wait.
 */
export class TypeOrmOutboxRepository implements OutboxRepository {
  constructor(private readonly ds: DataSource) {}

  async claim(owner: string, now: string, leaseUntil: string, limit: number): Promise<OutboxEvent[]> {
    // a look without a transaction first: an idle outbox costs one indexed read per poll, and
    // SQLite's write lock is only taken when there is something to claim
    const due = (await query(
      this.ds,
      `SELECT o.seq FROM scim_outbox o WHERE o.status = 'pending' AND o.next_attempt_at <= ?
         AND (o.lease_until IS NULL OR o.lease_until < ?) LIMIT 1`,
      [now, now],
    )) as unknown[];
    if (!due.length) {
      return [];
    }
    const claimLock = storeDialectOf(this.ds).claimLock;
    return inTransaction(this.ds, async (qr) => {
      const candidates = (await qr.query(
        `SELECT o.seq FROM scim_outbox o
         WHERE o.status = 'pending' AND o.next_attempt_at <= ?
           AND (o.lease_until IS NULL OR o.lease_until < ?)
           AND NOT EXISTS (${EARLIER_PENDING}
             AND (e.next_attempt_at > ? OR (e.lease_until IS NOT NULL AND e.lease_until >= ?)))
         ORDER BY o.seq LIMIT ?${claimLock}`,
        [now, now, now, now, limit],
      )) as { seq: string | number }[];
      if (!candidates.length) {
        return [];
      }
      const seqs = candidates.map((c) => String(c.seq));
      await qr.query(
        `UPDATE scim_outbox SET lease_owner = ?, lease_until = ?
         WHERE seq IN (${seqs.map(() => '?').join(', ')}) AND status = 'pending'
           AND (lease_until IS NULL OR lease_until < ?)`,
        [owner, leaseUntil, ...seqs, now],
      );
      const won = (await qr.query(
        `SELECT ${SELECT_COLUMNS} FROM scim_outbox o WHERE o.lease_owner = ? ORDER BY o.seq`,
        [owner],
      )) as OutboxRow[];
      if (!won.length) {
        return [];
      }
      const blocked = (await qr.query(
        `SELECT o.seq FROM scim_outbox o WHERE o.lease_owner = ?
           AND EXISTS (${EARLIER_PENDING} AND (e.lease_owner IS NULL OR e.lease_owner <> ?))`,
        [owner, owner],
      )) as { seq: string | number }[];
      const out = new Set(blocked.map((b) => String(b.seq)));
      if (out.size) {
        await qr.query(
          `UPDATE scim_outbox SET lease_owner = NULL, lease_until = NULL
           WHERE lease_owner = ? AND seq IN (${[...out].map(() => '?').join(', ')})`,
          [owner, ...out],
        );
      }
      return won.filter((r) => !out.has(String(r.seq))).map(toEvent);
    });
  }

  async dueUnclaimed(now: string, limit: number): Promise<{ seq: string; tenantId: string }[]> {
    const rows = (await query(
      this.ds,
      `SELECT o.seq, o.tenant_id FROM scim_outbox o WHERE o.status = 'pending' AND o.next_attempt_at <= ?
         AND (o.lease_until IS NULL OR o.lease_until < ?) ORDER BY o.seq LIMIT ?`,
      [now, now, limit],
    )) as { seq: string | number; tenant_id: string }[];
    return rows.map((r) => ({ seq: String(r.seq), tenantId: r.tenant_id }));
  }

  async finishUnclaimed(
    seqs: readonly string[],
    now: string,
    at: string,
    status: 'delivered' | 'skipped',
  ): Promise<number> {
    let total = 0;
    for (let i = 0; i < seqs.length; i += 500) {
      const chunk = seqs.slice(i, i + 500);
      total += affected(
        await execute(
          this.ds,
          `UPDATE scim_outbox SET status = ?, finished_at = ?, last_error = NULL
           WHERE seq IN (${chunk.map(() => '?').join(', ')}) AND status = 'pending'
             AND (lease_until IS NULL OR lease_until < ?)`,
          [status, at, ...chunk, now],
        ),
      );
    }
    return total;
  }

  async markDelivered(
    seqs: readonly string[],
    owner: string,
    at: string,
    status: 'delivered' | 'skipped' = 'delivered',
  ): Promise<void> {
    for (let i = 0; i < seqs.length; i += 500) {
      const chunk = seqs.slice(i, i + 500);
      await execute(
        this.ds,
        `UPDATE scim_outbox SET status = ?, finished_at = ?, last_error = NULL,
           lease_owner = NULL, lease_until = NULL
         WHERE seq IN (${chunk.map(() => '?').join(', ')}) AND lease_owner = ?`,
        [status, at, ...chunk, owner],
      );
    }
  }

  async markFailed(seq: string, owner: string, f: OutboxFailure): Promise<void> {
    await execute(
      this.ds,
      `UPDATE scim_outbox SET attempts = ?, next_attempt_at = ?, last_error = ?,
         status = ?, finished_at = ?, lease_owner = NULL, lease_until = NULL,
         listeners_done_at = ${f.listenersDone ? 'COALESCE(listeners_done_at, ?)' : 'listeners_done_at'}
       WHERE seq = ? AND lease_owner = ?`,
      [
        f.attempts,
        f.nextAttemptAt,
        f.error.slice(0, 1000),
        f.giveUp ? 'failed' : 'pending',
        f.giveUp ? f.at : null,
        ...(f.listenersDone ? [f.at] : []),
        seq,
        owner,
      ],
    );
  }

  async release(owner: string): Promise<void> {
    await execute(
      this.ds,
      'UPDATE scim_outbox SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = ?',
      [owner],
    );
  }

  async pruneBefore(before: string, limit: number): Promise<number> {
    let total = 0;
    for (const status of ['delivered', 'skipped', 'failed']) {
      const sql = storeDialectOf(this.ds).boundedDelete(
        'scim_outbox',
        'status = ? AND finished_at < ?',
        'finished_at',
        'seq',
      );
      total += affected(await execute(this.ds, sql, [status, before, limit - total]));
      if (total >= limit) {
        break;
      }
    }
    return total;
  }

  async list(q: OutboxQuery): Promise<OutboxRecord[]> {
    const where = ['o.tenant_id = ?'];
    const params: unknown[] = [q.tenantId];
    if (q.status !== undefined) {
      where.push('o.status = ?');
      params.push(q.status);
    }
    if (q.beforeSeq !== undefined) {
      where.push('o.seq < ?');
      params.push(q.beforeSeq);
    }
    const rows = (await query(
      this.ds,
      `SELECT ${RECORD_COLUMNS} FROM scim_outbox o WHERE ${where.join(' AND ')}
       ORDER BY o.seq DESC LIMIT ?`,
      [...params, q.limit],
    )) as OutboxRecordRow[];
    return rows.map(toRecord);
  }

  async findByEventId(eventId: string): Promise<OutboxRecord | null> {
    const rows = (await query(
      this.ds,
      `SELECT ${RECORD_COLUMNS} FROM scim_outbox o WHERE o.event_id = ?`,
      [eventId],
    )) as OutboxRecordRow[];
    return rows.length ? toRecord(rows[0]) : null;
  }

  async retry(eventId: string, now: string): Promise<OutboxRecord | null> {
    await execute(
      this.ds,
      `UPDATE scim_outbox SET status = 'pending', attempts = 0, next_attempt_at = ?, finished_at = NULL
       WHERE event_id = ? AND status IN ('pending', 'failed')`,
      [now, eventId],
    );
    return this.findByEventId(eventId);
  }

  async retryFailed(tenantId: string, now: string): Promise<number> {
    return affected(
      await execute(
        this.ds,
        `UPDATE scim_outbox SET status = 'pending', attempts = 0, next_attempt_at = ?, finished_at = NULL
         WHERE tenant_id = ? AND ${FAILED}`,
        [now, tenantId],
      ),
    );
  }

  async backlog(tenantId?: string): Promise<OutboxBacklog> {
    const rows = (await query(
      this.ds,
      `SELECT status, COUNT(*) AS n, MIN(created_at) AS oldest FROM scim_outbox
       WHERE status IN ('pending', 'failed')${tenantId !== undefined ? ' AND tenant_id = ?' : ''}
       GROUP BY status`,
      tenantId !== undefined ? [tenantId] : [],
    )) as { status: string; n: number | string; oldest: string | null }[];
    const of = (status: string) => rows.find((r) => r.status === status);
    return {
      pending: Number(of('pending')?.n ?? 0),
      failed: Number(of('failed')?.n ?? 0),
      oldestPendingAt: of('pending')?.oldest ?? null,
    };
  }
}

function toRecord(r: OutboxRecordRow): OutboxRecord {
  return {
    ...toEvent(r),
    status: r.status as OutboxStatus,
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
    finishedAt: r.finished_at,
  };
}

function toEvent(r: OutboxRow): OutboxEvent {
  const members = r.members === null ? undefined : (JSON.parse(r.members) as string[]);
  return {
    id: r.event_id,
    seq: String(r.seq),
    tenantId: r.tenant_id,
    resourceType: r.resource_type as ScimEventResourceType,
    resourceId: r.resource_id,
    operation: r.operation as ScimEventOperation,
    changed: JSON.parse(r.changed) as string[],
    ...(members ? { members } : {}),
    version: Number(r.version),
    actorTokenId: r.actor_token_id,
    requestId: r.request_id,
    occurredAt: r.created_at,
    attempts: Number(r.attempts),
    listenersDone: r.listeners_done_at !== null,
  };
}
