import { lookupKey } from '../../core/filter/filter-sql.target';
import { ScimJson } from '../../core/ports/resource.types';
import { deepEqual } from '../../core/resource/json.util';
import { AttributeDefinition } from '../../core/schema/schema.types';
import { insertRows } from '../repositories/sql.util';
import { Sql } from '../repositories/sql-transaction';
import { ColumnDescriptor, TableDescriptor, VALUE_KEY_LENGTH, checkedColumns } from './table-descriptor';

/** The descriptor's columns of one resource: names and values, in the same order. */
export interface ColumnValues {
  readonly names: readonly string[];
  readonly values: readonly unknown[];
}

/** The descriptor's column values of a resource (checkedColumns), as column names and values. */
export function columnValues(d: TableDescriptor, resource: ScimJson): ColumnValues {
  const names: string[] = [];
  const values: unknown[] = [];
  for (const { c, value } of checkedColumns(d, resource)) {
    if (c.column) {
      names.push(c.column);
      values.push(value);
    }
    if (c.ciColumn) {
      names.push(c.ciColumn);
      values.push(typeof value === 'string' ? value.toLowerCase() : null);
    }
  }
  return { names, values };
}

/** The 409's detail for a unique column a driver's error message names (undefined: none named). */
export function uniqueDetailOf(d: TableDescriptor, message: string, resource: ScimJson): string | undefined {
  const detail = (c: ColumnDescriptor) =>
    `${c.attribute} "${String(resource[c.attribute])}" is already in use${c.unique === 'table' ? '' : ' in this tenant'}`;
  for (const c of d.columns) {
    if (!c.unique) {
      continue;
    }
    const cols = [c.column, c.ciColumn].filter((x): x is string => x !== undefined);
    if (cols.some((col) => message.includes(col))) {
      return detail(c);
    }
  }
  // SQLite names the columns (`scim_users.tenant_id, scim_users.user_name_ci`); MySQL names the
  // index, which the migrations name after the columns; with one unique column it is that one
  const unique = d.columns.filter((c) => c.unique);
  if (unique.length === 1 && !/\bid\b|_id\b|PRIMARY/.test(message)) {
    return detail(unique[0]);
  }
  return undefined;
}

/** A stored document: JSON text, or the object PostgreSQL's driver made of a jsonb column. */
export function storedDocument(doc: string | ScimJson | null): ScimJson | undefined {
  return typeof doc === 'string' ? (JSON.parse(doc) as ScimJson) : (doc ?? undefined);
}

/** The document as stored: the resource without the attributes kept elsewhere (`notInDocument`). */
export function documentOf(d: TableDescriptor, resource: ScimJson): ScimJson {
  if (!d.notInDocument?.some((k) => k in resource)) {
    return resource;
  }
  const rest: ScimJson = {};
  for (const [k, v] of Object.entries(resource)) {
    if (!d.notInDocument.includes(k)) {
      rest[k] = v;
    }
  }
  return rest;
}

const VALUE_COLUMNS = [
  'tenant_id',
  'owner_seq',
  'attribute',
  'position',
  'value_key',
  'value',
  'value_ci',
  'type_ci',
  'is_primary',
  'item',
];

/**
 * Writes the child rows of the multi-valued attributes whose value changed (all of them for
 * a new resource): one row per value, with the look-up key the filter compiler uses.
 */
export async function writeValues(
  qr: Sql,
  table: string,
  attributes: readonly AttributeDefinition[],
  tenantId: string,
  ownerSeq: string,
  resource: ScimJson,
  previous: ScimJson | undefined,
): Promise<void> {
  const rows: unknown[][] = [];
  const changed: string[] = [];
  for (const def of attributes) {
    const next = resource[def.name];
    // equal JSON whatever the members' order: PostgreSQL's jsonb gives the stored document
    // back in its own order, and a client may send another one
    if (previous && deepEqual(previous[def.name], next)) {
      continue;
    }
    changed.push(def.name);
    if (!Array.isArray(next)) {
      continue;
    }
    next.forEach((item: unknown, position: number) => {
      const el = (item ?? {}) as Record<string, unknown>;
      const value = typeof el.value === 'string' ? el.value : null;
      const type = typeof el.type === 'string' ? el.type.toLowerCase().slice(0, 64) : null;
      rows.push([
        tenantId,
        ownerSeq,
        def.name,
        position,
        value === null ? null : lookupKey(value, VALUE_KEY_LENGTH),
        value,
        value === null ? null : value.toLowerCase(),
        type,
        el.primary === true,
        JSON.stringify(el),
      ]);
    });
  }
  if (previous && changed.length) {
    await qr.query(
      `DELETE FROM ${table} WHERE owner_seq = ? AND attribute IN (${changed.map(() => '?').join(', ')})`,
      [ownerSeq, ...changed],
    );
  }
  if (rows.length) {
    await insertRows(qr, table, VALUE_COLUMNS, rows);
  }
}

/** A column's value laid over the document (readColumns): booleans as drivers give them, 1/0. */
export function setColumn(resource: ScimJson, c: ColumnDescriptor, v: unknown): void {
  if (v === null || v === undefined) {
    delete resource[c.attribute];
  } else {
    resource[c.attribute] = c.type === 'boolean' ? v === true || Number(v) === 1 : String(v);
  }
}
