import { AsyncLocalStorage } from 'node:async_hooks';
import { ResourceRow } from './sql-query';
import { TableDescriptor } from './table-descriptor';

/**
 * The rows a write transaction has read under its row lock (withWriteLock), by table, tenant
 * and id: the read-change-write that holds the lock reads the row from here instead of
 * selecting it again (the service's read of the current resource, the store's locked read
 * before the UPDATE). Nobody else can change a locked row, so it is current until this
 * transaction writes it, and every write of the row drops it (`forgetRow`). Outside the lock's
 * callback nothing is held.
 */
const held = new AsyncLocalStorage<Map<string, ResourceRow | null>>();

const keyOf = (d: TableDescriptor, tenantId: string, id: string) => `${d.table}\u0000${d.resourceType}\u0000${tenantId}\u0000${id}`;

/** Runs `fn` with `row` (null: no live row) held for (d, tenantId, id). */
export async function holdingRow<T>(
  d: TableDescriptor,
  tenantId: string,
  id: string,
  row: ResourceRow | null,
  fn: () => Promise<T>,
): Promise<T> {
  // one map for nested locks, so that a write anywhere inside drops the row for all of them
  const rows = held.getStore() ?? new Map<string, ResourceRow | null>();
  const key = keyOf(d, tenantId, id);
  rows.set(key, row);
  try {
    return await held.run(rows, fn);
  } finally {
    rows.delete(key);
  }
}

/** The held row (null: held as absent), or undefined when none is held. */
export function heldRow(d: TableDescriptor, tenantId: string, id: string): ResourceRow | null | undefined {
  return held.getStore()?.get(keyOf(d, tenantId, id));
}

/** After a write of the row: it is read from the database again. */
export function forgetRow(d: TableDescriptor, tenantId: string, id: string): void {
  held.getStore()?.delete(keyOf(d, tenantId, id));
}
