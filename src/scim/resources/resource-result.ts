import { ScimJson } from '../../core/ports/resource.types';

/**
 * What a read or a change of one resource answers: the resource, or no body with its ETag —
 * 304 Not Modified for a GET whose If-None-Match is current (RFC 7644 §3.14), 204 No Content
 * for a PATCH that returns no representation (§3.5.2). A value, so that callers (the
 * controller, Bulk) decide how to send it; nothing is thrown for a success.
 */
export type ResourceResult =
  | { readonly kind: 'resource'; readonly body: ScimJson }
  | { readonly kind: 'empty'; readonly status: 204 | 304; readonly etag: string };

export const withBody = (body: ScimJson): ResourceResult => ({ kind: 'resource', body });

export const noBody = (status: 204 | 304, etag: string): ResourceResult => ({
  kind: 'empty',
  status,
  etag,
});
