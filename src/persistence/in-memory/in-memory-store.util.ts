import { ScimJson } from '../../core/ports/resource.types';
import { ResolvedAttribute } from '../../core/schema/schema.registry';

/**
 * A deep copy with the same semantics as the SQL repositories' JSON columns: what goes in is
 * what `JSON.parse(JSON.stringify(x))` gives back (undefined members dropped, Dates as strings).
 * Callers can therefore never reach into stored state, and the in-memory store keeps exactly what
 * the TypeORM one would.
 */
export function jsonCopy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * Orders strings by Unicode code point, as SQLite's BINARY and MySQL's utf8mb4_bin collations do
 * (JavaScript's `<` compares UTF-16 code units, which differs above U+FFFF).
 */
export function compareCodePoints(a: string, b: string): number {
  const x = a[Symbol.iterator]();
  const y = b[Symbol.iterator]();
  for (;;) {
    const p = x.next();
    const q = y.next();
    if (p.done || q.done) {
      return p.done && q.done ? 0 : p.done ? -1 : 1;
    }
    const d = p.value.codePointAt(0)! - q.value.codePointAt(0)!;
    if (d !== 0) {
      return d;
    }
  }
}

/** Keyset paging over rows in creation order (the in-memory twin of sql.util keysetPage). */
export function keysetSlice<R extends { seq: number }>(
  hits: readonly R[],
  keyset: { after?: string; before?: string },
  count: number,
): { rows: R[]; hasNext: boolean; hasPrevious: boolean } {
  const ordered = [...hits].sort((a, b) => a.seq - b.seq);
  if (keyset.before !== undefined) {
    const before = ordered.filter((r) => r.seq < Number(keyset.before));
    return { rows: before.slice(-count || before.length), hasNext: true, hasPrevious: before.length > count };
  }
  const after = keyset.after === undefined ? ordered : ordered.filter((r) => r.seq > Number(keyset.after));
  return {
    rows: count === 0 ? [] : after.slice(0, count),
    hasNext: after.length > count,
    hasPrevious: keyset.after !== undefined,
  };
}

/** The value a resolved (sub-)attribute path reads in a resource view. */
export function readPath(view: ScimJson, r: ResolvedAttribute): unknown {
  const container = r.extension ? view[r.schemaId] : view;
  if (!isObject(container)) {
    return undefined;
  }
  const v = container[r.attribute.name];
  if (!r.subAttribute) {
    return v;
  }
  return isObject(v) ? v[r.subAttribute.name] : undefined;
}

/** SQLite's cross-type order: numbers before text. */
export function compareKeys(a: number | string, b: number | string): number {
  if (typeof a === 'number' && typeof b === 'number') {
    return a - b;
  }
  if (typeof a === 'string' && typeof b === 'string') {
    return compareCodePoints(a, b);
  }
  return typeof a === 'number' ? -1 : 1;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The sort key of a singular attribute as SQL sees it: NULL, a number (numbers and booleans)
 * or text, lower-cased when the attribute is not caseExact.
 */
export function singularSortKey(
  resolved: ResolvedAttribute,
): (view: ScimJson) => null | number | string {
  const def = resolved.subAttribute ?? resolved.attribute;
  const fold = !def.caseExact && (def.type === 'string' || def.type === 'reference');
  return (view) => {
    const v = readPath(view, resolved);
    if (v === null || v === undefined) {
      return null;
    }
    if (typeof v === 'boolean') {
      return v ? 1 : 0;
    }
    if (typeof v === 'number') {
      return v;
    }
    const s = typeof v === 'string' ? v : JSON.stringify(v);
    return fold ? s.toLowerCase() : s;
  };
}

/**
 * Rows in SQL's ORDER BY of the stores: by `key` with NULL last ascending (first descending),
 * ties in creation order; without a key, by creation order.
 */
export function sortRows<R extends { seq: number }>(
  rows: readonly R[],
  desc: boolean,
  key: ((row: R) => null | number | string) | undefined,
): R[] {
  if (!key) {
    return [...rows].sort((a, b) => (desc ? b.seq - a.seq : a.seq - b.seq));
  }
  const keyed = rows.map((row) => ({ row, key: key(row) }));
  keyed.sort((a, b) => {
    const byNull = Number(a.key === null) - Number(b.key === null);
    if (byNull !== 0) {
      return desc ? -byNull : byNull;
    }
    const byValue = a.key === null || b.key === null ? 0 : compareKeys(a.key, b.key);
    if (byValue !== 0) {
      return desc ? -byValue : byValue;
    }
    return a.row.seq - b.row.seq;
  });
  return keyed.map((k) => k.row);
}
