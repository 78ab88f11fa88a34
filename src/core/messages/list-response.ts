export const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const SEARCH_REQUEST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const BULK_REQUEST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
export const BULK_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkResponse';

export interface ListResponse<T = Record<string, unknown>> {
  schemas: [typeof LIST_RESPONSE_SCHEMA];
  /** absent only on cursor pages after the first (RFC 9865: not computed per page) */
  totalResults?: number;
  itemsPerPage: number;
  /** absent in cursor mode (RFC 9865) */
  startIndex?: number;
  /** RFC 9865 */
  nextCursor?: string;
  previousCursor?: string;
  Resources: T[];
}

/**
 * RFC 7644 §3.4.2: `Resources` is always an array (Entra fails its connection test on null),
 * `itemsPerPage` is the real number of resources on this page (Okta checks it).
 */
export function listResponse<T>(totalResults: number, startIndex: number, resources: T[]): ListResponse<T> {
  return {
    schemas: [LIST_RESPONSE_SCHEMA],
    totalResults,
    itemsPerPage: resources.length,
    startIndex,
    Resources: resources,
  };
}

/** RFC 9865 cursor page: no startIndex; totalResults when known; next/previous cursors. */
export function cursorListResponse<T>(
  resources: T[],
  cursors: { next?: string; previous?: string; total?: number },
): ListResponse<T> {
  return {
    schemas: [LIST_RESPONSE_SCHEMA],
    ...(cursors.total !== undefined ? { totalResults: cursors.total } : {}),
    itemsPerPage: resources.length,
    ...(cursors.next !== undefined ? { nextCursor: cursors.next } : {}),
    ...(cursors.previous !== undefined ? { previousCursor: cursors.previous } : {}),
    Resources: resources,
  };
}
