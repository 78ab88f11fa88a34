import { Inject, Injectable } from '@nestjs/common';
import { TenantService } from '../auth/tenant.service';
import { EventDispatcher } from '../events/event-dispatcher.service';
import { ScimError } from '../core/errors/scim-error';
import { OutboxBacklog, OutboxRepository, OutboxStatus } from '../core/ports/change-event';
import { CLOCK, OUTBOX_REPOSITORY } from '../core/ports/tokens';
import { Clock } from '../core/ports/clock';
import { EventPage, EventView, eventView } from './admin.views';

export interface EventQuery {
  readonly status?: OutboxStatus;
  readonly limit: number;
  readonly before?: string;
}

/**
 * The change-event outbox as operators see it: a tenant's events by status,
 * a failed event (or all of a tenant's) sent again now, the backlog. A retried event is due at
 * once with a fresh attempt count; its listeners are not called again if they already ran.
 * This process's dispatcher is told at once; other instances see it at their next poll.
 */
@Injectable()
export class EventAdminService {
  constructor(
    private readonly tenants: TenantService,
    @Inject(OUTBOX_REPOSITORY) private readonly outbox: OutboxRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly dispatcher: EventDispatcher,
  ) {}

  async list(slug: string, q: EventQuery): Promise<EventPage> {
    const tenant = await this.tenants.getTenant(slug);
    const rows = await this.outbox.list({
      tenantId: tenant.id,
      status: q.status,
      limit: q.limit,
      beforeSeq: q.before,
    });
    return {
      items: rows.map(eventView),
      nextBefore: rows.length === q.limit && rows.length ? rows[rows.length - 1].seq : null,
    };
  }

  /** One event due now: 404 for an unknown id, 409 for one already delivered or skipped. */
  async retry(eventId: string): Promise<EventView> {
    const found = await this.outbox.findByEventId(eventId);
    if (!found) {
      throw ScimError.notFound(`No change event with id "${eventId.slice(0, 64)}"`);
    }
    if (found.status !== 'pending' && found.status !== 'failed') {
      throw ScimError.conflict(
        `Event ${found.id} is ${found.status}: only pending or failed events can be retried`,
      );
    }
    const retried = await this.outbox.retry(eventId, this.clock.nowIso());
    this.dispatcher.nudge();
    return eventView(retried ?? found);
  }

  /** Every failed event of the tenant (given up, or waiting for a retry) due now. */
  async retryFailed(slug: string): Promise<{ retried: number }> {
    const tenant = await this.tenants.getTenant(slug);
    const retried = await this.outbox.retryFailed(tenant.id, this.clock.nowIso());
    if (retried > 0) {
      this.dispatcher.nudge();
    }
    return { retried };
  }

  /** pending and failed counts of the tenant, and the oldest pending event's time */
  async backlog(slug: string): Promise<OutboxBacklog> {
    return this.outbox.backlog((await this.tenants.getTenant(slug)).id);
  }
}
