import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationShutdown,
  OnModuleDestroy,
} from '@nestjs/common';
import { AuditEntry, AuditRecord, AuditRepository } from '../core/ports/audit.repository';
import { TenantRepository } from '../core/ports/tenant.repository';
import { AUDIT_REPOSITORY, TENANT_REPOSITORY } from '../core/ports/tokens';

/** entries written in one INSERT at most (and a write starts at once when this many wait) */
const BATCH_SIZE = 500;
/** how long an entry may wait for companions before it is written */
const FLUSH_DELAY_MS = 100;
/** entries held in memory at most while the database is slow or down; more are dropped */
const MAX_PENDING = 20_000;

export interface AuditSearch {
  /** tenant slug; absent = every tenant and the unauthenticated requests */
  readonly tenant?: string;
  /** ISO-8601 instant */
  readonly since?: string;
  readonly limit: number;
}

/**
 * The audit log. `record` never blocks or fails a request: entries are
 * buffered and written after the responses, in batches, by one writer at a time; a failed
 * write is logged (with the request ids it carried) and dropped. Shutdown writes what is left.
 */
@Injectable()
export class AuditService
  implements OnModuleDestroy, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger('ScimAudit');
  private buffer: AuditEntry[] = [];
  /** buffered plus being written */
  private pending = 0;
  private dropped = 0;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    @Inject(AUDIT_REPOSITORY) private readonly repo: AuditRepository,
    @Inject(TENANT_REPOSITORY) private readonly tenants: TenantRepository,
  ) {}

  record(entry: AuditEntry): void {
    if (this.pending >= MAX_PENDING) {
      this.dropped++;
      return;
    }
    this.buffer.push(entry);
    this.pending++;
    if (this.buffer.length >= BATCH_SIZE) {
      void this.flush();
    } else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), FLUSH_DELAY_MS);
      this.timer.unref();
    }
  }

  /** Writes everything recorded so far; resolves when it is stored (or the failure logged). */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    while (this.buffer.length > 0) {
      const batch = this.buffer.splice(0, BATCH_SIZE);
      const dropped = this.dropped;
      this.dropped = 0;
      this.writing = this.writing
        .then(() => this.repo.append(batch))
        .catch((e: unknown) =>
          this.logger.error(
            `Could not write ${batch.length} audit entries (requests ${batch[0].requestId}` +
              `${batch.length > 1 ? ` … ${batch[batch.length - 1].requestId}` : ''}): ` +
              (e instanceof Error ? e.message : String(e)),
          ),
        )
        .finally(() => {
          this.pending -= batch.length;
          if (dropped > 0) {
            this.logger.error(`Dropped ${dropped} audit entries: the database did not keep up`);
          }
        });
    }
    return this.writing;
  }

  /** The newest `limit` entries (oldest first) of a tenant, or of all, since an instant. */
  async search(q: AuditSearch): Promise<AuditRecord[]> {
    let tenantId: string | undefined;
    if (q.tenant !== undefined) {
      const tenant = await this.tenants.findBySlug(q.tenant);
      if (!tenant) {
        throw new Error(`Unknown tenant "${q.tenant}"`);
      }
      tenantId = tenant.id;
    }
    return this.repo.find({ tenantId, since: q.since, limit: q.limit });
  }

  // requests still running when shutdown starts finish during the HTTP server's close, after
  // the first two hooks: the last one writes theirs (before or after the DataSource closes;
  // if after, the failure is logged, never thrown)
  onModuleDestroy(): Promise<void> {
    return this.flush();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.flush();
  }

  onApplicationShutdown(): Promise<void> {
    return this.flush();
  }
}
