import { ResourceOperation, WriteEvents } from '../../core/ports/change-event';
import { ProjectionRequest, splitAttributeList } from '../../core/projection/projection';
import { ProjectionQueryDto } from './list-query.dto';
import { RequestContext } from './request-context';

/** attributes / excludedAttributes query parameters as a projection request. */
export function projectionOf(q: ProjectionQueryDto): ProjectionRequest {
  return {
    attributes: splitAttributeList(q.attributes),
    excludedAttributes: splitAttributeList(q.excludedAttributes),
  };
}

/**
 * What a write records in the outbox: the token and request behind it, and
 * its operation; without one only derived events (membership changes) are written.
 */
export function eventsOf(
  ctx: RequestContext,
  at: string,
  operation?: ResourceOperation,
  changed: readonly string[] = [],
): WriteEvents {
  return {
    origin: { actorTokenId: ctx.tokenId, requestId: ctx.requestId ?? null, at },
    ...(operation ? { operation, changed } : {}),
  };
}
