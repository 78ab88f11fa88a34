import { ScimJson, StoredResource } from '../ports/resource.types';
import { etagOf } from './etag';

/**
 * The wire form of a stored resource before projection: schemas, id, the attributes, then
 * meta (RFC 7643 §3.1) with a weak ETag as version (RFC 7644 §3.14) and an absolute location.
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
