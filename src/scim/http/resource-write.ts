import { ScimError } from '../../core/errors/scim-error';
import { WriteLocking } from '../../core/ports/resource.types';
import { RequestContext } from './request-context';

/** longest pause between two attempts of a store without write locks (ms) */
const MAX_BACKOFF_MS = 50;

/**
 * The one write policy of Users and Groups (PUT, PATCH, and Bulk operations through them) for
 * `attempt`: a read-change-write of resource `id` that sends the version it read as the
 * store's expectedVersion.
 *
 * RFC 7644 §3.14: a client that sent `If-Match` (a Bulk operation with `version`) asked for its
 * write to apply only to that version, so a concurrent change answers 412 and nothing is
 * retried. A client that sent none (or `If-Match: *`) asked for no precondition: its write is
 * applied after the concurrent ones, never refused. The store serialises the writers of the
 * resource (withWriteLock: a row lock), so the version read is still current when written;
 * a store without it gets the attempt run again on fresh data after each lost race, with no
 * limit on the attempts: each lost race means another writer's change landed.
 */
export async function writeResource<T>(
  store: WriteLocking,
  ctx: RequestContext,
  id: string,
  attempt: () => Promise<T>,
): Promise<T> {
  if (ctx.ifMatch !== undefined && ctx.ifMatch.trim() !== '*') {
    return attempt();
  }
  if (store.withWriteLock) {
    return store.withWriteLock(ctx.tenantId, id, attempt);
  }
  for (let lost = 0; ; lost++) {
    try {
      return await attempt();
    } catch (e) {
      if (!(e instanceof ScimError && e.status === 412)) {
        throw e;
      }
      // jittered backoff so that the writers that lost do not collide again at once
      const ceiling = Math.min(MAX_BACKOFF_MS, 2 ** Math.min(lost, 6));
      await new Promise((r) => setTimeout(r, Math.random() * ceiling));
    }
  }
}
