import { ScimError } from '../../core/errors/scim-error';
import { compileFilter } from '../../core/filter/filter-sql.compiler';
import { SqlDialect } from '../../core/filter/filter-sql.dialect';
import { ColumnRef, FilterSqlTarget, MultiValuedRef, SqlFragment } from '../../core/filter/filter-sql.target';
import { ResourceQuery } from '../../core/ports/resource.types';
import { parseAttrPath } from '../../core/schema/attr-path';
import { ResolvedAttribute, SchemaRegistry } from '../../core/schema/schema.registry';
import { AttributeDefinition, ResourceTypeDefinition } from '../../core/schema/schema.types';
import { metaColumn } from '../repositories/sql.util';
import { TableDescriptor, VALUE_KEY_LENGTH } from './table-descriptor';

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
 * Everything a descriptor-driven store says in SQL about reading its table: where each
 * attribute is (for the filter compiler), the live rows of a tenant, ORDER BY, the statements
 * of a search. One copy for every resource type and both databases.
 */
export class SqlQueries {
  readonly select: string;
  /** the multi-valued attributes with rows in the descriptor's values table */
  readonly multiAttributes: AttributeDefinition[];

  constructor(
    readonly d: TableDescriptor,
    readonly dialect: SqlDialect,
    readonly registry: SchemaRegistry,
    readonly rt: ResourceTypeDefinition,
    private readonly extraMultiValued?: ExtraMultiValued,
  ) {
    this.select = `SELECT r.seq, r.id, r.tenant_id, r.doc, r.version, r.created, r.last_modified FROM ${d.table} r`;
    this.multiAttributes = d.valuesTable
      ? registry
          .coreSchema(rt)
          .attributes.filter((a) => a.multiValued && a.type === 'complex' && a.mutability !== 'readOnly')
      : [];
  }

  /** `r.tenant_id = ?` plus the row's type and liveness; `filtered`: see searchSql */
  live(tenantId: string, filtered = false): SqlFragment {
    let sql = 'r.tenant_id = ?';
    const params: unknown[] = [tenantId];
    if (this.d.typeColumn) {
      sql += ` AND r.${this.d.typeColumn} = ?`;
      params.push(this.d.resourceType);
    }
    if (this.d.softDelete) {
      // `+r.deleted_at` with a filter: not an index term (a no-op on both databases), so the
      // tombstone index (tenant_id, deleted_at) never wins over the filter's own index; without
      // statistics SQLite took it for `externalId eq` and walked the whole tenant
      sql += filtered ? ' AND +r.deleted_at IS NULL' : ' AND r.deleted_at IS NULL';
    }
    return { sql, params };
  }

  /** One live row by id: `SELECT ... WHERE r.id = ? AND <live>` (and FOR UPDATE on MySQL). */
  byId(tenantId: string, id: string, columns: string, forUpdate: boolean): SqlFragment {
    const live = this.live(tenantId);
    return {
      sql: `SELECT ${columns} FROM ${this.d.table} r WHERE r.id = ? AND ${live.sql}${
        forUpdate && this.dialect === 'mysql' ? ' FOR UPDATE' : ''
      }`,
      params: [id, ...live.params],
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
      docJson: 'r.doc',
      column: (r) => this.column(r),
      multiValued: (r) => this.multiValued(r, tenantId),
    };
  }

  /** The real column of a singular attribute; undefined: read it from `doc`. */
  column(r: ResolvedAttribute): ColumnRef | undefined {
    if (r.extension) {
      return undefined;
    }
    const name = r.attribute.name;
    const sub = r.subAttribute?.name;
    if (sub !== undefined) {
      return name === 'meta' ? metaColumn(sub, this.d.resourceType, this.dialect) : undefined;
    }
    if (name === 'id') {
      return { expr: 'r.id' };
    }
    const c = this.d.columns.find((x) => x.attribute === name);
    if (!c) {
      return undefined;
    }
    const expr = `r.${c.column ?? c.ciColumn!}`;
    return c.ciColumn ? { expr, ciExpr: `r.${c.ciColumn}` } : { expr };
  }

  private multiValued(r: ResolvedAttribute, tenantId: string): MultiValuedRef | undefined {
    const extra = this.extraMultiValued?.(r, tenantId);
    if (extra || r.extension || !this.multiAttributes.includes(r.attribute)) {
      return extra;
    }
    const attribute = r.attribute.name;
    return {
      wrap: (cond) => ({
        sql: `r.seq IN (SELECT v.owner_seq FROM ${this.d.valuesTable!} v WHERE v.tenant_id = ? AND v.attribute = ? AND ${cond.sql})`,
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
      return { sql: `r.seq ${dir}`, params: [] };
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
    let expr: string;
    if (col) {
      expr = ci ? (col.ciExpr ?? col.expr) : col.expr;
    } else {
      const keys = resolved.extension ? [resolved.schemaId, resolved.attribute.name] : [resolved.attribute.name];
      if (resolved.subAttribute) {
        keys.push(resolved.subAttribute.name);
      }
      // the path is a SQL string literal: a quote in a (schema-defined) name is doubled
      const jp = ('$' + keys.map((k) => '.' + JSON.stringify(k)).join('')).replace(/'/g, "''");
      const raw = this.dialect === 'mysql' ? `JSON_VALUE(r.doc, '${jp}')` : `json_extract(r.doc, '${jp}')`;
      // MySQL's JSON_VALUE answers text: numbers are cast to sort as numbers (SQLite's
      // json_extract already answers a number)
      const numeric = this.dialect === 'mysql' && (def.type === 'integer' || def.type === 'decimal');
      expr = ci
        ? this.dialect === 'mysql'
          ? `LOWER(${raw})`
          : `scim_lower(${raw})`
        : numeric
          ? `CAST(${raw} AS DECIMAL(65,10))`
          : raw;
    }
    // RFC 7644 §3.4.2.3: resources without a value sort last ascending; ties keep creation order
    return { sql: `(${expr} IS NULL) ${dir}, ${expr} ${dir}, r.seq ASC`, params: [] };
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
      `(SELECT ${column} FROM ${this.d.valuesTable!} v WHERE v.owner_seq = r.seq AND v.attribute = ? ` +
      'ORDER BY v.is_primary DESC, v.position ASC LIMIT 1)';
    const name = resolved.attribute.name;
    return { sql: `(${expr} IS NULL) ${dir}, ${expr} ${dir}, r.seq ASC`, params: [name, name] };
  }
}
