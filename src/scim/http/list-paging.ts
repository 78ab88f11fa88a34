import { ScimError } from '../../core/errors/scim-error';
import { FilterNode } from '../../core/filter/filter.ast';
import { CursorPosition, decodeCursor, encodeCursor, queryFingerprint } from '../../core/messages/cursor';
import { ListResponse, cursorListResponse, listResponse } from '../../core/messages/list-response';
import { CursorCodec } from '../../core/ports/cursor-codec';
import { ResourcePage, ResourceQuery } from '../../core/ports/resource.types';
import { ListQueryDto } from './list-query.dto';

/** How one list request pages: by index (RFC 7644 §3.4.2.4) or by cursor (RFC 9865). */
export interface ListPlan {
  readonly query: ResourceQuery;
  readonly respond: <T>(page: ResourcePage, resources: T[]) => ListResponse<T>;
}

/**
 * Turns GET/.search paging parameters into a store query and a response builder.
 * Index mode: startIndex < 1 means 1, count < 0 means 0, count capped at maxResults.
 * Cursor mode (`cursor` present, empty for the first page): keyset pages in creation order, so
 * a deep page costs what the first does; with sortBy, the cursor carries an offset. Combining
 * startIndex with cursor is 400 invalidValue. Cursors are sealed and opened by the request's
 * CursorCodec (RequestContext.cursors: the tenant's, keyed by the server secret), so a client
 * never sees the store's row keys and a forged or tampered cursor is 400 invalidCursor.
 */
export function planList(
  q: ListQueryDto,
  filter: FilterNode | undefined,
  maxResults: number,
  cursors?: CursorCodec,
): ListPlan {
  const count = Math.min(Math.max(0, q.count ?? maxResults), maxResults);
  const base = { filter, count, sortBy: q.sortBy, sortOrder: q.sortOrder };
  if (q.cursor === undefined) {
    const startIndex = Math.max(1, q.startIndex ?? 1);
    return {
      query: { ...base, startIndex },
      respond: (page, resources) => listResponse(page.total ?? 0, startIndex, resources),
    };
  }
  if (q.startIndex !== undefined) {
    throw ScimError.invalidValue('startIndex and cursor cannot be used together (RFC 9865)');
  }
  if (!cursors) {
    // a wiring fault, not the client's: ScimRequestGuard gives every request its codec
    throw new Error('Cursor paging needs the CursorCodec of the request context');
  }
  const fingerprint = queryFingerprint([q.filter?.trim(), q.sortBy, q.sortOrder]);
  const codec: CursorCodec = cursors;
  const seal = (p: CursorPosition) => encodeCursor(p, fingerprint, codec);
  const position: CursorPosition | undefined =
    q.cursor === '' ? undefined : decodeCursor(q.cursor, fingerprint, codec);
  if (q.sortBy !== undefined || position?.kind === 'offset') {
    const offset = position?.kind === 'offset' ? position.offset : 0;
    return {
      query: { ...base, startIndex: offset + 1 },
      respond: (page, resources) => {
        const total = page.total ?? 0;
        const next = offset + resources.length;
        return cursorListResponse(resources, {
          total,
          ...(next < total && resources.length > 0 ? { next: seal({ kind: 'offset', offset: next }) } : {}),
          ...(offset > 0
            ? { previous: seal({ kind: 'offset', offset: Math.max(0, offset - count) }) }
            : {}),
        });
      },
    };
  }
  const keyset =
    position === undefined ? {} : position.kind === 'after' ? { after: position.key } : { before: position.key };
  return {
    // the first page says how many match; later pages skip the COUNT to stay O(page)
    query: { ...base, startIndex: 1, keyset, withTotal: position === undefined },
    respond: (page, resources) =>
      cursorListResponse(resources, {
        total: page.total,
        ...(page.hasNext && page.keys ? { next: seal({ kind: 'after', key: page.keys.last }) } : {}),
        ...(page.hasPrevious && page.keys ? { previous: seal({ kind: 'before', key: page.keys.first }) } : {}),
      }),
  };
}
