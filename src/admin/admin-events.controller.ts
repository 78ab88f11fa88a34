import { Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { OutboxBacklog } from '../core/ports/change-event';
import { AdminController, AdminRefusals } from './admin-controller.decorator';
import { EventListQueryDto } from './admin-input.dto';
import { EventPage, EventView, OutboxBacklogView, RetriedView } from './admin.views';
import { EventAdminService } from './event-admin.service';

/** The change-event outbox: a tenant's events, retries, the backlog. */
@AdminController(undefined, 'events')
export class AdminEventsController {
  constructor(private readonly events: EventAdminService) {}

  @Get('tenants/:slug/events')
  @ApiOperation({ summary: "A page of the tenant's change events, newest first" })
  @ApiOkResponse({ type: EventPage, description: 'The page' })
  @AdminRefusals(400, 404)
  list(@Param('slug') slug: string, @Query() q: EventListQueryDto): Promise<EventPage> {
    return this.events.list(slug, { status: q.status, limit: q.limit, before: q.before });
  }

  @Get('tenants/:slug/events/backlog')
  @ApiOperation({
    summary: "The tenant's undelivered events: pending and failed counts, the oldest pending",
  })
  @ApiOkResponse({ type: OutboxBacklogView, description: 'The backlog' })
  @AdminRefusals(404)
  backlog(@Param('slug') slug: string): Promise<OutboxBacklog> {
    return this.events.backlog(slug);
  }

  @Post('tenants/:slug/events/retry-failed')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Make every failed event of the tenant due now, with a fresh attempt count',
  })
  @ApiOkResponse({ type: RetriedView, description: 'How many events are due again' })
  @AdminRefusals(404)
  retryFailed(@Param('slug') slug: string): Promise<RetriedView> {
    return this.events.retryFailed(slug);
  }

  @Post('events/:eventId/retry')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Make one failed or pending event due now (409 for a delivered or skipped one)',
  })
  @ApiOkResponse({ type: EventView, description: 'The event, now pending' })
  @AdminRefusals(404, 409)
  retry(@Param('eventId') eventId: string): Promise<EventView> {
    return this.events.retry(eventId);
  }
}
