import { DataSource, QueryRunner } from 'typeorm';
import { ScimError } from '../../core/errors/scim-error';
import { OutboxSignal, WriteEvents, documentEvent } from '../../core/ports/change-event';
import { compileFilter } from '../../core/filter/filter-sql.compiler';
import { SqlDialect } from '../../core/filter/filter-sql.dialect';
import {
  ColumnRef,
  FilterSqlTarget,
  MultiValuedRef,
  SqlFragment,
  lookupKey,
} from '../../core/filter/filter-sql.target';
import {
  NewResource,
  ResourcePage,
  ResourceQuery,
  ResourceUpdate,
  ScimJson,
  StoredResource,
} from '../../core/ports/resource.types';
import { UserRepository } from '../../core/ports/user.repository';
import { parseAttrPath } from '../../core/schema/attr-path';
import { ResolvedAttribute, SchemaRegistry } from '../../core/schema/schema.registry';
import { AttributeDefinition, ResourceTypeDefinition } from '../../core/schema/schema.types';
import { appendEvents } from './typeorm-outbox.repository';
import {
  affected,
  dialectOf,
  insertId,
  insertRows,
  indexPage,
  isUniqueViolation,
  keysetPage,
  metaColumn,
} from './sql.util';
import { Sql, readCommitted, withRowLock, writeTransaction } from './sql-transaction';

const VALUE_KEY_LENGTH = 191;
/** ids per IN (...) list of findByIds */
const IN_CHUNK = 500;
/** longest value kept in the indexed singular columns (userName, externalId, displayName) */
export const MAX_INDEXED_LENGTH = 255;

interface UserRow {
  seq: string | number;
  id: string;
  tenant_id: string;
  doc: string;
  version: number | string;
  created: string;
  last_modified: string;
}

const SELECT_COLUMNS = 'r.seq, r.id, r.tenant_id, r.doc, r.version, r.created, r.last_modified';

/**
 * Users on SQLite or MySQL/MariaDB. The document is stored whole in `doc`; userName, externalId,
 * displayName, active, created and lastModified are real indexed columns, and each value of a
 * multi-valued attribute is a row of scim_user_values, so every filter runs in SQL
 * (docs/design/query-storage.md).
 *
 * A write given `events` appends its change event to scim_outbox in the same transaction
 * and tells `signal` once it committed.
 */
export class TypeOrmUserRepository implements UserRepository {
  private readonly dialect: SqlDialect;
  private readonly rt: ResourceTypeDefinition;
  private readonly multiAttributes: AttributeDefinition[];

  constructor(
    private readonly ds: DataSource,
    private readonly registry: SchemaRegistry,
    private readonly signal?: OutboxSignal,
  ) {
    this.dialect = dialectOf(ds);
    this.rt = registry.resourceType('User');
    this.multiAttributes = registry
      .coreSchema(this.rt)
      .attributes.filter((a) => a.multiValued && a.type === 'complex' && a.mutability !== 'readOnly');
  }

  async findById(tenantId: string, id: string): Promise<StoredResource | null> {
    const rows = (await readCommitted(this.ds, (sql) =>
      sql.query(
        `SELECT ${SELECT_COLUMNS} FROM scim_users r
         WHERE r.id = ? AND r.tenant_id = ? AND r.deleted_at IS NULL`,
        [id, tenantId],
      ),
    )) as UserRow[];
    return rows.length ? toStored(rows[0]) : null;
  }

  async findByIds(tenantId: string, ids: readonly string[]): Promise<StoredResource[]> {
    const unique = [...new Set(ids)];
    return readCommitted(this.ds, async (sql) => {
      const out: StoredResource[] = [];
      // IN lists a bounded number of binds at a time (SQLite's default limit is 999)
      for (let i = 0; i < unique.length; i += IN_CHUNK) {
        const chunk = unique.slice(i, i + IN_CHUNK);
        const rows = (await sql.query(
          `SELECT ${SELECT_COLUMNS} FROM scim_users r WHERE r.tenant_id = ? AND r.deleted_at IS NULL
           AND r.id IN (${chunk.map(() => '?').join(', ')})`,
          [tenantId, ...chunk],
        )) as UserRow[];
        out.push(...rows.map(toStored));
      }
      return out;
    });
  }

  /** RFC 7644 §3.14 writes without If-Match: the user's row is locked (sql-transaction.ts) */
  withWriteLock<T>(tenantId: string, id: string, fn: () => Promise<T>): Promise<T> {
    return withRowLock(this.ds, 'SELECT r.seq FROM scim_users r WHERE r.id = ? AND r.tenant_id = ?', [id, tenantId], fn);
  }

  /** every statement of one search sees committed data, and the same data (readCommitted) */
  search(tenantId: string, q: ResourceQuery): Promise<ResourcePage> {
    return readCommitted(this.ds, (sql) => this.searchIn(sql, tenantId, q));
  }

  private async searchIn(sql: Sql, tenantId: string, q: ResourceQuery): Promise<ResourcePage> {
    const statements = this.buildSearchSql(tenantId, q);
    const countRows = async () =>
      Number(
        ((await sql.query(statements.count.sql, statements.count.params)) as {
          n: number | string;
        }[])[0].n,
      );
    if (!q.keyset && q.withTotal !== false) {
      const { total, rows } = await indexPage<UserRow>(q, countRows, async () => {
        let page: SqlFragment;
        try {
          page = statements.page();
        } catch (e) {
          // an unusable sortBy only matters once there is something to sort
          if ((await countRows()) === 0) {
            return [];
          }
          throw e;
        }
        return sql.query(page.sql, page.params) as Promise<UserRow[]>;
      });
      return { total, items: rows.map(toStored) };
    }
    const total = q.withTotal === false ? undefined : await countRows();
    if (q.keyset) {
      const page = await keysetPage<UserRow>(
        async (text, params) => (await sql.query(text, params)) as UserRow[],
        `SELECT ${SELECT_COLUMNS} FROM scim_users r`,
        statements.where,
        q.keyset,
        q.count,
      );
      return {
        total,
        items: page.rows.map(toStored),
        ...(page.rows.length
          ? { keys: { first: String(page.rows[0].seq), last: String(page.rows[page.rows.length - 1].seq) } }
          : {}),
        hasNext: page.hasNext,
        hasPrevious: page.hasPrevious,
      };
    }
    throw new Error('index paging needs the total');
  }

  /**
   * The statements `search` runs: the COUNT, and the page SELECT (built on demand, as an
   * invalid sortBy only matters once there is a page). Public so that tests can EXPLAIN the
   * exact SQL (test/integration/filter-explain.int-spec.ts).
   */
  buildSearchSql(
    tenantId: string,
    q: ResourceQuery,
  ): { where: SqlFragment; count: SqlFragment; page: () => SqlFragment } {
    const where: SqlFragment = q.filter
      ? (() => {
          const f = compileFilter(q.filter, this.target(tenantId));
          // `+r.deleted_at`: not an index term (a no-op on both databases), so the tombstone
          // index (tenant_id, deleted_at) never wins over the filter's own index. Without
          // statistics (no ANALYZE, i.e. always in production) SQLite took it for
          // `externalId eq` and walked the whole tenant on every look-up.
          return {
            sql: `r.tenant_id = ? AND +r.deleted_at IS NULL AND ${f.sql}`,
            params: [tenantId, ...f.params],
          };
        })()
      : { sql: 'r.tenant_id = ? AND r.deleted_at IS NULL', params: [tenantId] };
    return {
      where,
      count: {
        sql: `SELECT COUNT(*) AS n FROM scim_users r WHERE ${where.sql}`,
        params: where.params,
      },
      page: () => {
        const order = this.orderBy(q);
        return {
          sql: `SELECT ${SELECT_COLUMNS} FROM scim_users r WHERE ${where.sql} ORDER BY ${order.sql} LIMIT ? OFFSET ?`,
          params: [...where.params, ...order.params, q.count, q.startIndex - 1],
        };
      },
    };
  }

  async create(tenantId: string, user: NewResource, events?: WriteEvents): Promise<StoredResource> {
    const cols = this.singularColumns(user.resource);
    try {
      return await writeTransaction(this.ds, this.signal, events, async (qr) => {
        const tombstone = await this.findTombstone(qr, tenantId, cols.userName, cols.externalId);
        if (tombstone) {
          const restored = await this.restore(qr, tenantId, tombstone, user, cols);
          await this.appendEvent(qr, events, restored, true);
          return restored;
        }
        const res = await qr.query(
          `INSERT INTO scim_users (id, tenant_id, user_name, user_name_ci, external_id, display_name_ci,
             active, doc, password_hash, version, created, last_modified)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`,
          [
            user.id,
            tenantId,
            cols.userName,
            cols.userName.toLowerCase(),
            cols.externalId,
            cols.displayNameCi,
            cols.active,
            JSON.stringify(user.resource),
            user.passwordHash ?? null,
            user.created,
            user.created,
          ],
          true,
        );
        await this.writeValues(qr, tenantId, insertId(res), user.resource, undefined);
        const stored: StoredResource = {
          id: user.id,
          tenantId,
          resource: user.resource,
          version: 1,
          created: user.created,
          lastModified: user.created,
        };
        await this.appendEvent(qr, events, stored);
        return stored;
      });
    } catch (e) {
      throw this.mapWriteError(e, cols.userName);
    }
  }

  async update(
    tenantId: string,
    id: string,
    u: ResourceUpdate,
    events?: WriteEvents,
  ): Promise<StoredResource> {
    const cols = this.singularColumns(u.resource);
    try {
      return await writeTransaction(this.ds, this.signal, events, async (qr) => {
        const current: UserRow[] = await qr.query(
          `SELECT ${SELECT_COLUMNS} FROM scim_users r
           WHERE r.id = ? AND r.tenant_id = ? AND r.deleted_at IS NULL${
             this.dialect === 'mysql' ? ' FOR UPDATE' : ''
           }`,
          [id, tenantId],
        );
        if (!current.length) {
          throw ScimError.notFound(`User ${id} not found`);
        }
        const row = current[0];
        if (Number(row.version) !== u.expectedVersion) {
          throw ScimError.preconditionFailed(
            `User ${id} was modified concurrently (version ${row.version}, expected ${u.expectedVersion})`,
          );
        }
        const passwordSql = u.passwordHash !== undefined ? ', password_hash = ?' : '';
        const res = await qr.query(
          `UPDATE scim_users SET user_name = ?, user_name_ci = ?, external_id = ?, display_name_ci = ?,
             active = ?, doc = ?, version = version + 1, last_modified = ?${passwordSql}
           WHERE id = ? AND tenant_id = ? AND version = ?`,
          [
            cols.userName,
            cols.userName.toLowerCase(),
            cols.externalId,
            cols.displayNameCi,
            cols.active,
            JSON.stringify(u.resource),
            u.lastModified,
            ...(u.passwordHash !== undefined ? [u.passwordHash] : []),
            id,
            tenantId,
            u.expectedVersion,
          ],
          true,
        );
        if (affected(res) !== 1) {
          throw ScimError.preconditionFailed(`User ${id} was modified concurrently`);
        }
        await this.writeValues(qr, tenantId, String(row.seq), u.resource, JSON.parse(row.doc) as ScimJson);
        const stored: StoredResource = {
          id,
          tenantId,
          resource: u.resource,
          version: u.expectedVersion + 1,
          created: row.created,
          lastModified: u.lastModified,
        };
        await this.appendEvent(qr, events, stored);
        return stored;
      });
    } catch (e) {
      throw this.mapWriteError(e, cols.userName);
    }
  }

  async delete(
    tenantId: string,
    id: string,
    soft?: { at: string },
    events?: WriteEvents,
  ): Promise<boolean> {
    return writeTransaction(this.ds, this.signal, events, async (qr) => {
      const rows = (await qr.query(
        `SELECT r.seq, r.version FROM scim_users r
         WHERE r.id = ? AND r.tenant_id = ? AND r.deleted_at IS NULL${
           this.dialect === 'mysql' ? ' FOR UPDATE' : ''
         }`,
        [id, tenantId],
      )) as Pick<UserRow, 'seq' | 'version'>[];
      if (!rows.length) {
        return false;
      }
      const res = soft
        ? await qr.query(
            `UPDATE scim_users SET deleted_at = ?, version = version + 1, last_modified = ?
             WHERE seq = ? AND deleted_at IS NULL`,
            [soft.at, soft.at, rows[0].seq],
            true,
          )
        : await qr.query('DELETE FROM scim_users WHERE seq = ?', [rows[0].seq], true);
      if (affected(res as { affected?: number }) === 0) {
        return false;
      }
      // a soft delete bumps the version; a hard delete's event carries the last one
      const version = Number(rows[0].version) + (soft ? 1 : 0);
      await appendEvents(
        qr,
        documentEvent(events, { tenantId, resourceType: 'User', resourceId: id, version }),
      );
      return true;
    });
  }


  private async appendEvent(
    qr: QueryRunner,
    events: WriteEvents | undefined,
    stored: StoredResource,
    restored = false,
  ): Promise<void> {
    await appendEvents(
      qr,
      documentEvent(events, {
        tenantId: stored.tenantId,
        resourceType: 'User',
        resourceId: stored.id,
        version: stored.version,
        restored,
      }),
    );
  }

  /**
   * A soft-deleted user of the tenant with this userName or externalId. Two look-ups, each on
   * its own index (an OR with ORDER BY let SQLite walk the whole tenant by seq on every create).
   */
  private async findTombstone(
    qr: QueryRunner,
    tenantId: string,
    userName: string,
    externalId: string | null,
  ): Promise<UserRow | undefined> {
    const byName = `SELECT ${SELECT_COLUMNS} FROM scim_users r
       WHERE r.tenant_id = ? AND r.user_name_ci = ? AND r.deleted_at IS NOT NULL`;
    const byExternal = `SELECT ${SELECT_COLUMNS} FROM scim_users r
       WHERE r.tenant_id = ? AND r.external_id = ? AND r.deleted_at IS NOT NULL`;
    const rows: UserRow[] =
      externalId === null
        ? await qr.query(byName, [tenantId, userName.toLowerCase()])
        : await qr.query(`${byName} UNION ALL ${byExternal}`, [
            tenantId,
            userName.toLowerCase(),
            tenantId,
            externalId,
          ]);
    // the most recently created one, if several match
    return rows.sort((a, b) => Number(b.seq) - Number(a.seq))[0];
  }

  /** Brings a tombstone back with the new document: same id, same created, next version. */
  private async restore(
    qr: QueryRunner,
    tenantId: string,
    row: UserRow,
    user: NewResource,
    cols: ReturnType<TypeOrmUserRepository['singularColumns']>,
  ): Promise<StoredResource> {
    const version = Number(row.version) + 1;
    await qr.query(
      `UPDATE scim_users SET user_name = ?, user_name_ci = ?, external_id = ?, display_name_ci = ?,
         active = ?, doc = ?, password_hash = ?, version = ?, last_modified = ?, deleted_at = NULL
       WHERE seq = ?`,
      [
        cols.userName,
        cols.userName.toLowerCase(),
        cols.externalId,
        cols.displayNameCi,
        cols.active,
        JSON.stringify(user.resource),
        user.passwordHash ?? null,
        version,
        user.created,
        row.seq,
      ],
    );
    await this.writeValues(qr, tenantId, String(row.seq), user.resource, JSON.parse(row.doc) as ScimJson);
    return {
      id: row.id,
      tenantId,
      resource: user.resource,
      version,
      created: row.created,
      lastModified: user.created,
    };
  }

  /** Replaces the child rows of the multi-valued attributes that changed. */
  private async writeValues(
    qr: QueryRunner,
    tenantId: string,
    ownerSeq: string,
    resource: ScimJson,
    previous: ScimJson | undefined,
  ): Promise<void> {
    const rows: unknown[][] = [];
    const changed: string[] = [];
    for (const def of this.multiAttributes) {
      const next = resource[def.name];
      if (previous && JSON.stringify(previous[def.name]) === JSON.stringify(next)) {
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
        `DELETE FROM scim_user_values WHERE owner_seq = ? AND attribute IN (${changed.map(() => '?').join(', ')})`,
        [ownerSeq, ...changed],
      );
    }
    if (rows.length) {
      await insertRows(
        qr,
        'scim_user_values',
        ['tenant_id', 'owner_seq', 'attribute', 'position', 'value_key', 'value', 'value_ci', 'type_ci', 'is_primary', 'item'],
        rows,
      );
    }
  }

  private singularColumns(resource: ScimJson) {
    const userName = resource.userName;
    if (typeof userName !== 'string' || userName.length === 0) {
      throw ScimError.invalidValue('userName is required');
    }
    const externalId = typeof resource.externalId === 'string' ? resource.externalId : null;
    const displayName = typeof resource.displayName === 'string' ? resource.displayName : null;
    for (const [name, v] of [
      ['userName', userName],
      ['externalId', externalId],
      ['displayName', displayName],
    ] as const) {
      if (v !== null && [...v].length > MAX_INDEXED_LENGTH) {
        throw ScimError.invalidValue(`${name} is longer than ${MAX_INDEXED_LENGTH} characters`);
      }
    }
    return {
      userName,
      externalId,
      displayNameCi: displayName === null ? null : displayName.toLowerCase(),
      active: typeof resource.active === 'boolean' ? resource.active : null,
    };
  }

  private mapWriteError(e: unknown, userName: string): unknown {
    if (isUniqueViolation(e)) {
      return ScimError.uniqueness(`userName "${userName}" is already in use in this tenant`);
    }
    return e;
  }

  private orderBy(q: ResourceQuery): SqlFragment {
    const dir = q.sortOrder === 'descending' ? 'DESC' : 'ASC';
    if (!q.sortBy) {
      return { sql: `r.seq ${dir}`, params: [] };
    }
    const path = parseAttrPath(q.sortBy);
    const resolved = path ? this.registry.resolve(this.rt, path) : undefined;
    if (!resolved) {
      throw ScimError.invalidValue(`sortBy "${q.sortBy}" is not an attribute of User`);
    }
    const target = this.target('');
    if (resolved.attribute.multiValued && this.multiAttributes.includes(resolved.attribute)) {
      return this.orderByPrimaryValue(resolved, dir);
    }
    const def = resolved.subAttribute ?? resolved.attribute;
    if (resolved.attribute.multiValued || def.type === 'complex') {
      throw ScimError.invalidValue(`sortBy "${q.sortBy}" must name a singular attribute`);
    }
    const col = target.column(resolved);
    const ci = !def.caseExact && (def.type === 'string' || def.type === 'reference');
    let expr: string;
    if (col) {
      expr = ci ? (col.ciExpr ?? col.expr) : col.expr;
    } else {
      const keys = resolved.extension ? [resolved.schemaId, resolved.attribute.name] : [resolved.attribute.name];
      if (resolved.subAttribute) {
        keys.push(resolved.subAttribute.name);
      }
      const jp = '$' + keys.map((k) => '.' + JSON.stringify(k)).join('');
      const raw = this.dialect === 'mysql' ? `JSON_VALUE(r.doc, '${jp}')` : `json_extract(r.doc, '${jp}')`;
      // MySQL's JSON_VALUE answers text: numbers must be cast to sort as numbers (SQLite's
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
    return { sql: `(${expr} IS NULL) ${dir === 'ASC' ? 'ASC' : 'DESC'}, ${expr} ${dir}, r.seq ASC`, params: [] };
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
      `(SELECT ${column} FROM scim_user_values v WHERE v.owner_seq = r.seq AND v.attribute = ? ` +
      'ORDER BY v.is_primary DESC, v.position ASC LIMIT 1)';
    const name = resolved.attribute.name;
    return {
      sql: `(${expr} IS NULL) ${dir}, ${expr} ${dir}, r.seq ASC`,
      params: [name, name],
    };
  }

  private target(tenantId: string): FilterSqlTarget {
    return {
      dialect: this.dialect,
      registry: this.registry,
      resourceType: this.rt,
      docJson: 'r.doc',
      column: (r) => userColumn(r, this.dialect),
      multiValued: (r) => (r.extension || r.attribute.mutability === 'readOnly' ? undefined : this.multiRef(r, tenantId)),
    };
  }

  private multiRef(r: ResolvedAttribute, tenantId: string): MultiValuedRef | undefined {
    if (!this.multiAttributes.includes(r.attribute)) {
      return undefined;
    }
    const attribute = r.attribute.name;
    return {
      wrap: (cond) => ({
        sql: `r.seq IN (SELECT v.owner_seq FROM scim_user_values v WHERE v.tenant_id = ? AND v.attribute = ? AND ${cond.sql})`,
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
}

/**
 * Real columns of scim_users for singular attributes; undefined means "read from doc".
 * On MySQL text expressions must carry utf8mb4_bin like the columns (the connection collation
 * is case-insensitive).
 */
function userColumn(r: ResolvedAttribute, dialect: SqlDialect): ColumnRef | undefined {
  if (r.extension) {
    return undefined;
  }
  const name = r.attribute.name;
  const sub = r.subAttribute?.name;
  if (sub === undefined) {
    switch (name) {
      case 'id':
        return { expr: 'r.id' };
      case 'externalId':
        return { expr: 'r.external_id' };
      case 'userName':
        return { expr: 'r.user_name', ciExpr: 'r.user_name_ci' };
      case 'displayName':
        return { expr: 'r.display_name_ci', ciExpr: 'r.display_name_ci' };
      case 'active':
        return { expr: 'r.active' };
      default:
        return undefined;
    }
  }
  return name === 'meta' ? metaColumn(sub, 'User', dialect) : undefined;
}

function toStored(row: UserRow): StoredResource {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    resource: JSON.parse(row.doc) as ScimJson,
    version: Number(row.version),
    created: row.created,
    lastModified: row.last_modified,
  };
}
