import { ScimError } from '../../core/errors/scim-error';
import { compileFilter } from '../../core/filter/filter-sql.compiler';
import { SqlDialect } from '../../core/filter/filter-sql.dialect';
import { FilterIndexes } from '../../core/filter/filter.cost';
import { ColumnRef, FilterSqlTarget, MultiValuedRef, SqlFragment } from '../../core/filter/filter-sql.target';
import { ResourceQuery, ScimJson, StoredResource } from '../../core/ports/resource.types';
import { parseAttrPath } from '../../core/schema/attr-path';
import { ResolvedAttribute, SchemaRegistry } from '../../core/schema/schema.registry';
import { AttributeDefinition, ResourceTypeDefinition } from '../../core/schema/schema.types';
import { STORE_DIALECTS } from '../repositories/sql-dialect';
import { metaColumn } from '../repositories/sql.util';
import { setColumn, storedDocument } from './sql-columns';
import {
  MAX_INDEXED_LENGTH,
  ResolvedKeys,
  TableDescriptor,
  VALUE_KEY_LENGTH,
  isoTime,
  keysOf,
  storedTime,
} from './table-descriptor';

/** Child-table storage of a multi-valued attribute the descriptor keeps outside `doc`. */
export type ExtraMultiValued = (
  resolved: ResolvedAttribute,
  tenantId: string,
) => MultiValuedRef | undefined;

/** The statements of one search (RFC 7644 §3.4.2): its WHERE, the COUNT, the page SELECT. */
export interface SearchSql {
  readonly where: SqlFragment;
  readonly count: SqlFragment;
  /** built on demand: an unusable sortBy only matters once there is something to sort */
  readonly page: () => SqlFragment;
}

/**
 * A resource row as `SqlQueries.select` reads it, whatever the table names its columns:
 * `row_key` is the row's key (keys.row), `c_<i>` the descriptor's columns (readColumns).
 */
export interface ResourceRow {
  row_key: string | number;
  id: string;
  tenant_id: string;
  /** text; PostgreSQL's driver parses a jsonb document itself (storedDocument) */
  doc: string | ScimJson | null;
  version: number | string;
  created: string | Date;
  last_modified: string | Date;
  /** the auto-increment key, when it is not the row key (keys.seq beside keys.row) */
  seq_key?: string | number;
  [column: `c_${number}`]: unknown;
}

/** The auto-increment key of a row: cursor positions and the most recent tombstone. */
export function seqOf(row: ResourceRow): string {
  return String(row.seq_key ?? row.row_key);
}

/**
 * Everything a descriptor-driven store says in SQL about reading its table: where each
 * attribute is (for the filter compiler), the live rows of a tenant, ORDER BY, the statements
 * of a search, and how a row reads back. One copy for every resource type and both databases.
 */
export class SqlQueries {
  readonly k: ResolvedKeys;
  readonly select: string;
  /** reads show the columns' values (readColumns, or a table without a document) */
  readonly shownColumns: boolean;
  /** the multi-valued attributes with rows in the descriptor's values table */
  readonly multiAttributes: AttributeDefinition[];

  constructor(
    readonly d: TableDescriptor,
    readonly dialect: SqlDialect,
    readonly registry: SchemaRegistry,
    readonly rt: ResourceTypeDefinition,
    private readonly extraMultiValued?: ExtraMultiValued,
  ) {
    const k = (this.k = keysOf(d));
    this.shownColumns = d.readColumns === true || !k.document;
    const shown = this.shownColumns ? d.columns.map((c, i) => (c.column ? `, r.${c.column} AS c_${i}` : '')).join('') : '';
    this.select =
      `SELECT r.${k.row} AS row_key, r.${k.id} AS id, r.${k.tenant} AS tenant_id, ` +
      `${k.document ? `r.${k.document}` : 'NULL'} AS doc, r.${k.version} AS version, r.${k.created} AS created, ` +
      `r.${k.modified} AS last_modified${k.seq && k.seq !== k.row ? `, r.${k.seq} AS seq_key` : ''}${shown} ` +
      `FROM ${d.table} r`;
    this.multiAttributes = d.valuesTable
      ? registry
          .coreSchema(rt)
          .attributes.filter((a) => a.multiValued && a.type === 'complex' && a.mutability !== 'readOnly')
      : [];
  }

  /**
   * What the filter budget prices as look-ups (core/filter/filter.cost.ts): `id`, the
   * descriptor's columns, the indexed `meta` columns, the `value` of the multi-valued
   * attributes in the values table (its (tenant, attribute, value_key) index), and a group
   * table's `members.value` (its membership table's (tenant, member) index).
   */
  filterIndexes(): FilterIndexes {
    return {
      indexed: [
        'id',
        ...this.d.columns.map((c) => c.attribute),
        ...(this.d.indexedMeta ?? []).map((m) => `meta.${m}`),
        ...this.multiAttributes
          .filter((a) => a.subAttributes?.some((s) => s.name === 'value'))
          .map((a) => `${a.name}.value`),
        ...(this.d.members ? ['members.value'] : []),
      ],
    };
  }

  /**
   * The attributes whose `eq` finds at most one live row, through an index: `id` and the
   * unique columns (per tenant or table-wide) compared as their index is: on the lower-cased
   * column, or a caseExact attribute, or MySQL's case-insensitive collation. (A caseExact:false
   * attribute kept only as typed is compared lower-cased, which no index serves.)
   */
  keyAttributes(): string[] {
    const ciCollation = this.dialect === 'mysql' && this.d.collation === 'case-insensitive';
    const caseExact = (name: string) =>
      this.registry.resolve(this.rt, { attr: name })?.attribute.caseExact === true;
    return [
      'id',
      ...this.d.columns
        .filter((c) => c.unique && (c.ciColumn !== undefined || c.type !== 'string' || ciCollation || caseExact(c.attribute)))
        .map((c) => c.attribute),
    ];
  }

  /** `r.tenant_id = ?` plus the row's type and liveness; `filtered`: see liveSql */
  live(tenantId: string, filtered = false): SqlFragment {
    return liveSql(this.d, tenantId, filtered, this.dialect);
  }

  /** One live row by id: `SELECT ... WHERE r.id = ? AND <live>` (FOR UPDATE where it locks). */
  byId(tenantId: string, id: string, forUpdate: boolean): SqlFragment {
    const live = this.live(tenantId);
    return {
      sql: `${this.select} WHERE r.${this.k.id} = ? AND ${live.sql}${this.forUpdate(forUpdate)}`,
      params: [id, ...live.params],
    };
  }

  forUpdate(lock = true): string {
    return lock ? STORE_DIALECTS[this.dialect].forUpdate : '';
  }

  /** Creation order: the auto-increment key, else (created, row key). */
  creationOrder(dir: 'ASC' | 'DESC', alias = 'r'): string {
    return this.k.seq ? `${alias}.${this.k.seq} ${dir}` : `${alias}.${this.k.created} ${dir}, ${alias}.${this.k.row} ${dir}`;
  }

  /** A time as the table stores it (storedTime). */
  time(iso: string): string {
    return storedTime(this.d, iso, this.dialect);
  }

  /** A stored time as ISO-8601 (isoTime). */
  iso(v: string | Date): string {
    return isoTime(this.d, v);
  }

  /** The resource of a row: its document, with the columns laid over it when they are the truth. */
  toStored(row: ResourceRow): StoredResource {
    const resource = storedDocument(row.doc) ?? { schemas: [this.rt.schema] };
    if (this.shownColumns) {
      this.d.columns.forEach((c, i) => c.column && setColumn(resource, c, row[`c_${i}`]));
    }
    return {
      id: row.id,
      tenantId: row.tenant_id,
      resource,
      version: Number(row.version),
      created: this.iso(row.created),
      lastModified: this.iso(row.last_modified),
    };
  }

  searchSql(tenantId: string, q: ResourceQuery): SearchSql {
    const live = this.live(tenantId, q.filter !== undefined);
    const where: SqlFragment = q.filter
      ? (() => {
          const f = compileFilter(q.filter, this.target(tenantId));
          return { sql: `${live.sql} AND ${f.sql}`, params: [...live.params, ...f.params] };
        })()
      : live;
    return {
      where,
      count: { sql: `SELECT COUNT(*) AS n FROM ${this.d.table} r WHERE ${where.sql}`, params: where.params },
      page: () => {
        const order = this.orderBy(q);
        return {
          sql: `${this.select} WHERE ${where.sql} ORDER BY ${order.sql} LIMIT ? OFFSET ?`,
          params: [...where.params, ...order.params, q.count, Math.max(0, q.startIndex - 1)],
        };
      },
    };
  }

  target(tenantId: string): FilterSqlTarget {
    return {
      dialect: this.dialect,
      registry: this.registry,
      resourceType: this.rt,
      docJson: this.k.document ? `r.${this.k.document}` : 'NULL',
      column: (r) => {
        if (r.attribute.name === 'meta' && !r.extension && this.d.times === 'datetime' && r.subAttribute?.type === 'dateTime') {
          throw ScimError.invalidFilter(`"meta.${r.subAttribute.name}" cannot be filtered on this server (its times are SQL datetimes)`);
        }
        const col = this.column(r);
        if (!col && !this.k.document) {
          throw this.unfilterable(r);
        }
        return col;
      },
      multiValued: (r) => {
        const ref = this.multiValued(r, tenantId);
        if (!ref && !r.extension) {
          // no child table keeps its values: the whole attribute cannot be filtered
          throw this.unfilterable({ ...r, subAttribute: undefined });
        }
        return ref;
      },
    };
  }

  private unfilterable(r: ResolvedAttribute): ScimError {
    const path = r.subAttribute ? `${r.attribute.name}.${r.subAttribute.name}` : r.attribute.name;
    const kept = ['id', ...this.d.columns.map((c) => c.attribute)].join(', ');
    return ScimError.invalidFilter(
      `"${path}" cannot be filtered on this server: ${this.rt.name} filters run on ${kept}` +
        `${this.k.document ? ' and singular attributes of the document' : ''}${this.d.members ? ' and members' : ''}`,
    );
  }

  /** The real column of a singular attribute; undefined: read it from `doc`. */
  column(r: ResolvedAttribute): ColumnRef | undefined {
    if (r.extension) {
      return undefined;
    }
    const name = r.attribute.name;
    const sub = r.subAttribute;
    if (sub !== undefined) {
      return name === 'meta' ? metaColumn(sub.name, this.d.resourceType, this.dialect, this.k) : undefined;
    }
    if (name === 'id') {
      return this.exact(`r.${this.k.id}`, true);
    }
    const c = this.d.columns.find((x) => x.attribute === name);
    if (!c) {
      return undefined;
    }
    if (c.ciColumn) {
      return { expr: `r.${c.column ?? c.ciColumn}`, ciExpr: `r.${c.ciColumn}` };
    }
    return c.type === 'string' ? this.exact(`r.${c.column!}`, r.attribute.caseExact) : { expr: `r.${c.column!}` };
  }

  /** A text column of this table, compared as its collation needs (exactColumn). */
  exact(expr: string, caseExact: boolean, keyLength = MAX_INDEXED_LENGTH): ColumnRef {
    return exactColumn(this.d, this.dialect, expr, caseExact, keyLength);
  }

  private multiValued(r: ResolvedAttribute, tenantId: string): MultiValuedRef | undefined {
    const extra = this.extraMultiValued?.(r, tenantId);
    if (extra || r.extension || !this.multiAttributes.includes(r.attribute)) {
      return extra;
    }
    const attribute = r.attribute.name;
    return {
      wrap: (cond) => ({
        sql: `r.${this.k.row} IN (SELECT v.owner_seq FROM ${this.d.valuesTable!} v WHERE v.tenant_id = ? AND v.attribute = ? AND ${cond.sql})`,
        params: [tenantId, attribute, ...cond.params],
      }),
      // `type` and `primary` are read from the item JSON, not from type_ci / is_primary:
      // is_primary is false for an element without `primary` (the filter must see it absent:
      // `emails[primary eq false]`, `emails.primary pr`) and type_ci is cut at 64 characters
      column: (sub): ColumnRef | undefined =>
        sub.name === 'value'
          ? { expr: 'v.value', ciExpr: 'v.value_ci', keyExpr: 'v.value_key', keyLength: VALUE_KEY_LENGTH }
          : undefined,
      itemJson: 'v.item',
    };
  }

  /** RFC 7644 §3.4.2.3 sortBy/sortOrder; without sortBy, creation order. */
  orderBy(q: ResourceQuery): SqlFragment {
    const dir = q.sortOrder === 'descending' ? 'DESC' : 'ASC';
    if (!q.sortBy) {
      return { sql: this.creationOrder(dir), params: [] };
    }
    const path = parseAttrPath(q.sortBy);
    const resolved = path ? this.registry.resolve(this.rt, path) : undefined;
    if (!resolved) {
      throw ScimError.invalidValue(`sortBy "${q.sortBy}" is not an attribute of ${this.rt.name}`);
    }
    if (resolved.attribute.multiValued && this.multiAttributes.includes(resolved.attribute)) {
      return this.orderByPrimaryValue(resolved, dir);
    }
    const def = resolved.subAttribute ?? resolved.attribute;
    if (resolved.attribute.multiValued || def.type === 'complex') {
      throw ScimError.invalidValue(`sortBy "${q.sortBy}" must name a singular attribute`);
    }
    const col = this.column(resolved);
    const ci = !def.caseExact && (def.type === 'string' || def.type === 'reference');
    const sd = STORE_DIALECTS[this.dialect];
    let expr: string;
    if (col) {
      expr = ci ? (col.ciExpr ?? sd.filter.lower(col.expr)) : col.expr;
    } else if (!this.k.document) {
      throw ScimError.invalidValue(`sortBy "${q.sortBy}" is not supported for ${this.rt.name} on this server`);
    } else {
      const keys = resolved.extension ? [resolved.schemaId, resolved.attribute.name] : [resolved.attribute.name];
      if (resolved.subAttribute) {
        keys.push(resolved.subAttribute.name);
      }
      const doc = `r.${this.k.document}`;
      // a JSON text sorts as text: numbers are read as numbers (StoreDialect.sortNumber)
      const numeric = def.type === 'integer' || def.type === 'decimal';
      const value = numeric ? sd.sortNumber(doc, keys) : sd.filter.jsonValue(doc, keys);
      expr = ci ? sd.filter.lower(value) : value;
    }
    // RFC 7644 §3.4.2.3: resources without a value sort last ascending; ties keep creation order
    return { sql: `(${expr} IS NULL) ${dir}, ${expr} ${dir}, ${this.creationOrder('ASC')}`, params: [] };
  }

  /**
   * RFC 7644 §3.4.2.3: sorting by a multi-valued attribute sorts by its primary value (else the
   * first one): `emails` and `emails.value` order by that value, case-insensitively.
   */
  private orderByPrimaryValue(resolved: ResolvedAttribute, dir: 'ASC' | 'DESC'): SqlFragment {
    if (resolved.subAttribute && resolved.subAttribute.name !== 'value') {
      throw ScimError.invalidValue(
        `sortBy on "${resolved.attribute.name}" sorts by its primary value: use ${resolved.attribute.name}.value`,
      );
    }
    const value = resolved.attribute.subAttributes?.find((s) => s.name === 'value');
    if (!value) {
      throw ScimError.invalidValue(`sortBy "${resolved.attribute.name}" has no value to sort by`);
    }
    const column = value.caseExact ? 'v.value' : 'v.value_ci';
    const expr =
      `(SELECT ${column} FROM ${this.d.valuesTable!} v WHERE v.owner_seq = r.${this.k.row} AND v.attribute = ? ` +
      'ORDER BY v.is_primary DESC, v.position ASC LIMIT 1)';
    const name = resolved.attribute.name;
    return { sql: `(${expr} IS NULL) ${dir}, ${expr} ${dir}, ${this.creationOrder('ASC')}`, params: [name, name] };
  }
}

/**
 * The live rows of a tenant in table `r`: `r.tenant_id = ?` plus the row's type and no
 * tombstone. `filtered` (a search with a filter): `+r.deleted_at` is no index term (a no-op on
 * both databases), so the tombstone index (tenant_id, deleted_at) never wins over the filter's
 * own index; without statistics SQLite took it for `externalId eq` and walked the whole tenant.
 */
export function liveSql(d: TableDescriptor, tenantId: string, filtered = false, dialect: SqlDialect = 'sqlite'): SqlFragment {
  const k = keysOf(d);
  let sql = `r.${k.tenant} = ?`;
  const params: unknown[] = [tenantId];
  if (d.typeColumn) {
    sql += ` AND r.${d.typeColumn} = ?`;
    params.push(d.resourceType);
  }
  if (d.softDelete) {
    const deleted = `r.${k.deletedAt}`;
    sql += ` AND ${filtered ? STORE_DIALECTS[dialect].noIndex(deleted) : deleted} IS NULL`;
  }
  return { sql, params };
}

/**
 * A text column of table `d` for the filter compiler. In a case-insensitive MySQL collation a
 * caseExact value is compared as bytes (LIKE too), and `eq` first compares the plain column
 * (its index, which matches any letter case) then the exact value.
 */
export function exactColumn(
  d: TableDescriptor,
  dialect: SqlDialect,
  expr: string,
  caseExact: boolean,
  keyLength = MAX_INDEXED_LENGTH,
): ColumnRef {
  if (dialect !== 'mysql' || d.collation !== 'case-insensitive') {
    return { expr };
  }
  return { expr: caseExact ? `(${expr} COLLATE utf8mb4_bin)` : expr, keyExpr: expr, keyLength };
}
