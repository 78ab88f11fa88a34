import { Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { OutboxBacklog } from '../core/ports/change-event';
import { AdminController } from './admin-controller.decorator';
import { parseIntParam, parseOutboxStatus, parseSeq } from './admin-input';
import { EventView } from './admin.views';
import { EventAdminService, EventPage } from './event-admin.service';

/** The change-event outbox: a tenant's events, retries, the backlog. */
@AdminController()
export class AdminEventsController {
  constructor(private readonly events: EventAdminService) {}

  @Get('tenants/:slug/events')
  list(
    @Param('slug') slug: string,
    @Query('status') status: unknown,
    @Query('limit') limit: unknown,
    @Query('before') before: unknown,
  ): Promise<EventPage> {
    return this.events.list(slug, {
      status: parseOutboxStatus(status),
      limit: parseIntParam('limit', limit, 50, 1, 1000),
      before: parseSeq('before', before),
    });
  }

  @Get('tenants/:slug/events/backlog')
  backlog(@Param('slug') slug: string): Promise<OutboxBacklog> {
    return this.events.backlog(slug);
  }

  @Post('tenants/:slug/events/retry-failed')
  @HttpCode(200)
  retryFailed(@Param('slug') slug: string): Promise<{ retried: number }> {
    return this.events.retryFailed(slug);
  }

  @Post('events/:eventId/retry')
  @HttpCode(200)
  retry(@Param('eventId') eventId: string): Promise<EventView> {
    return this.events.retry(eventId);
  }
}
