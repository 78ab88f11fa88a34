import { DataSource } from 'typeorm';
import {
  AuditEntry,
  AuditQuery,
  AuditRecord,
  AuditRepository,
} from '../../core/ports/audit.repository';
import { storeDialectOf } from './sql-dialect';
import { affected, execute, inTransaction, insertRows, query } from './sql.util';

const COLUMNS = [
  'at',
  'tenant_id',
  'token_id',
  'request_id',
  'method',
  'path',
  'resource_type',
  'resource_id',
  'status',
  'latency_ms',
  'client_ip',
  'user_agent',
  'body',
  'profile',
  'error_status',
  'error_scim_type',
  'error_detail',
] as const;

interface AuditRow {
  seq: string | number;
  at: string;
  tenant_id: string | null;
  token_id: string | null;
  request_id: string;
  method: string;
  path: string;
  resource_type: string | null;
  resource_id: string | null;
  status: number | string;
  latency_ms: number | string;
  client_ip: string | null;
  user_agent: string | null;
  body: string | null;
  profile: string | null;
  error_status: number | string | null;
  error_scim_type: string | null;
  error_detail: string | null;
}

/** scim_audit with plain SQL: batched multi-row INSERTs, an indexed read, bounded DELETEs. */
export class TypeOrmAuditRepository implements AuditRepository {
  constructor(private readonly ds: DataSource) {}

  async append(entries: readonly AuditEntry[]): Promise<void> {
    if (entries.length === 0) {
      return;
    }
    const rows = entries.map((e) => [
      e.at,
      e.tenantId,
      e.tokenId,
      e.requestId,
      e.method,
      e.path,
      e.resourceType,
      e.resourceId,
      e.status,
      e.latencyMs,
      e.clientIp,
      e.userAgent,
      e.body,
      e.profile,
      e.error?.status ?? null,
      e.error?.scimType ?? null,
      e.error?.detail ?? null,
    ]);
    // one transaction per batch: on SQLite it is queued behind the requests' own writes
    await inTransaction(this.ds, (qr) => insertRows(qr, 'scim_audit', COLUMNS, rows));
  }

  async find(q: AuditQuery): Promise<AuditRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.tenantId !== undefined) {
      where.push('tenant_id = ?');
      params.push(q.tenantId);
    }
    if (q.since !== undefined) {
      where.push('at >= ?');
      params.push(q.since);
    }
    const rows = (await query(
      this.ds,
      `SELECT seq, ${COLUMNS.join(', ')} FROM scim_audit` +
        (where.length ? ` WHERE ${where.join(' AND ')}` : '') +
        ' ORDER BY at DESC, seq DESC LIMIT ?',
      [...params, q.limit],
    )) as AuditRow[];
    return rows.reverse().map(toRecord);
  }

  async pruneBefore(before: string, limit: number): Promise<number> {
    const sql = storeDialectOf(this.ds).boundedDelete('scim_audit', 'at < ?', 'at', 'seq');
    return affected(await execute(this.ds, sql, [before, limit]));
  }
}

function toRecord(r: AuditRow): AuditRecord {
  return {
    seq: String(r.seq),
    at: r.at,
    tenantId: r.tenant_id,
    tokenId: r.token_id,
    requestId: r.request_id,
    method: r.method,
    path: r.path,
    resourceType: r.resource_type,
    resourceId: r.resource_id,
    status: Number(r.status),
    latencyMs: Number(r.latency_ms),
    clientIp: r.client_ip,
    userAgent: r.user_agent,
    body: r.body,
    profile: r.profile,
    error:
      r.error_status === null || r.error_status === undefined
        ? null
        : { status: Number(r.error_status), scimType: r.error_scim_type, detail: r.error_detail ?? '' },
  };
}
