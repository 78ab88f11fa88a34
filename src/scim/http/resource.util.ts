import { ResourceOperation, WriteEvents } from '../../core/ports/change-event';
import { ScimJson, StoredResource } from '../../core/ports/resource.types';
import { ProjectionRequest, splitAttributeList } from '../../core/projection/projection';
import { etagOf } from './etag';
import { ProjectionQueryDto } from './list-query.dto';
import { RequestContext } from './request-context';

/** attributes / excludedAttributes query parameters as a projection request. */
export function projectionOf(q: ProjectionQueryDto): ProjectionRequest {
  return {
    attributes: splitAttributeList(q.attributes),
    excludedAttributes: splitAttributeList(q.excludedAttributes),
  };
}

/** Deep equality of two JSON documents, independent of key order. */
export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) {
    return v.map(canonical);
  }
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.keys(v as object)
        .sort()
        .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}

/**
 * The wire form of a stored resource before projection: schemas, id, the attributes, then
 * meta (RFC 7643 §3.1) with a weak ETag as version and an absolute location.
 */
export function toWire(
  stored: StoredResource,
  resourceType: string,
  location: string,
  extra: ScimJson = {},
): ScimJson {
  const { schemas, ...attributes } = stored.resource;
  return {
    schemas,
    id: stored.id,
    ...attributes,
    ...extra,
    meta: {
      resourceType,
      created: stored.created,
      lastModified: stored.lastModified,
      location,
      version: etagOf(stored.version),
    },
  };
}

/** True when the projection would return `attr` (so it is worth loading). */
export function wantsAttribute(p: ProjectionRequest, attr: string): boolean {
  const a = attr.toLowerCase();
  const named = (list: readonly string[] | undefined) =>
    list?.some((x) => x.toLowerCase() === a || x.toLowerCase().startsWith(a + '.')) ?? false;
  if (p.attributes?.length) {
    return named(p.attributes);
  }
  return !p.excludedAttributes?.some((x) => x.toLowerCase() === a);
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
