import { FilterNode } from '../../core/filter/filter.ast';
import { StoredResource } from '../../core/ports/resource.types';
import { UserRepository } from '../../core/ports/user.repository';

/** ids per search when the store has no findByIds (an `or` of this many `id eq` terms) */
const IDS_PER_SEARCH = 100;

/**
 * The tenant's live users among `ids` (unknown ids left out): through the store's findByIds,
 * else by searches whose filter is an AST built here, an `or` of `id eq` terms, a bounded
 * number of ids each. Never filter text: a look-up the client did not write must not meet the
 * limits of client filters (length, depth).
 */
export async function findUsersByIds(
  users: UserRepository,
  tenantId: string,
  ids: readonly string[],
): Promise<StoredResource[]> {
  if (!ids.length) {
    return [];
  }
  if (users.findByIds) {
    return users.findByIds(tenantId, ids);
  }
  const out: StoredResource[] = [];
  for (let i = 0; i < ids.length; i += IDS_PER_SEARCH) {
    const chunk = ids.slice(i, i + IDS_PER_SEARCH);
    const page = await users.search(tenantId, { filter: anyIdOf(chunk), startIndex: 1, count: chunk.length });
    out.push(...page.items);
  }
  return out;
}

/** `id eq "a" or id eq "b" ...` as a balanced tree (depth log2 of the count) */
function anyIdOf(ids: readonly string[]): FilterNode {
  if (ids.length === 1) {
    return { kind: 'compare', path: { attr: 'id' }, op: 'eq', value: ids[0] };
  }
  const mid = Math.ceil(ids.length / 2);
  return { kind: 'or', left: anyIdOf(ids.slice(0, mid)), right: anyIdOf(ids.slice(mid)) };
}
