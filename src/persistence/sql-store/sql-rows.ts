import { QueryRunner } from 'typeorm';
import { ScimError } from '../../core/errors/scim-error';
import { SqlFragment } from '../../core/filter/filter-sql.target';
import { NewResource, ScimJson, StoredResource } from '../../core/ports/resource.types';
import { STORE_DIALECTS } from '../repositories/sql-dialect';
import { affected, insertId } from '../repositories/sql.util';
import { Sql } from '../repositories/sql-transaction';
import { ColumnValues, columnValues, documentOf, setColumn, storedDocument, writeValues } from './sql-columns';
import { ResourceRow, SqlQueries, seqOf } from './sql-query';
import { TableDescriptor, checkedColumns } from './table-descriptor';
import { forgetRow, heldRow } from './held-rows';

/** A write of the document inside a transaction: the stored result and the row's key. */
export interface RowWrite {
  readonly stored: StoredResource;
  /** the row's key (keys.row), as text */
  readonly key: string;
  /** create only: a tombstone was brought back */
  readonly restored?: boolean;
  /** update only: the resource as it was before the write */
  readonly previous?: ScimJson;
}

/** What updateIn changes: the document (checked against expectedVersion) or only the version. */
export interface RowUpdate {
  readonly resource?: ScimJson;
  readonly expectedVersion?: number;
  readonly lastModified: string;
  readonly passwordHash?: string;
}

/** What a create needs of the row it takes over: its key, id, version, document, created time. */
export type AdoptedRow = Pick<ResourceRow, 'row_key' | 'id' | 'version' | 'doc' | 'created'>;

/** A row a create takes over instead of inserting one (RowHooks.adopt). */
export interface Adoption {
  readonly row: AdoptedRow;
  /**
   * true: a tombstone of the tenant comes back with its own id (the event says `restored`);
   * false: another row (a host account to link) takes the new SCIM id and the tenant.
   */
  readonly restore: boolean;
}

/**
 * The per-table policies of a store (SqlResourceStore's protected methods), called by SqlRows
 * inside the write's transaction.
 */
export interface RowHooks {
  /** checks a resource before it is written (400 for what the table cannot take) */
  check(resource: ScimJson): void;
  /** the row a create takes over, if any */
  adopt(qr: QueryRunner, tenantId: string, r: NewResource): Promise<Adoption | undefined>;
  /** assignments an UPDATE of the row's columns makes first (they see the old values) */
  assignments(resource: ScimJson): SqlFragment[];
  /** removes the live row; the version its event carries, undefined when it was gone */
  removeRow(qr: QueryRunner, row: ResourceRow, soft: { at: string } | undefined, at: string): Promise<number | undefined>;
}

/**
 * The writes of one descriptor's rows inside a caller's transaction: insert (or take over a
 * row the hooks name: a tombstone, a host account), update under the row lock with the version
 * check, delete. The column values are checked against the descriptor first (columnValues).
 */
export class SqlRows {
  private readonly d: TableDescriptor;

  constructor(
    private readonly q: SqlQueries,
    private readonly hooks: RowHooks,
  ) {
    this.d = q.d;
  }

  /** Inserts the resource, or takes over the row the hooks' `adopt` names. */
  async createIn(qr: QueryRunner, tenantId: string, r: NewResource): Promise<RowWrite> {
    const { k } = this.q;
    this.hooks.check(r.resource);
    const cols = columnValues(this.d, r.resource);
    const kept = documentOf(this.d, r.resource);
    const doc = JSON.stringify(kept);
    const adoption = await this.hooks.adopt(qr, tenantId, r);
    if (adoption) {
      const { row, restore } = adoption;
      forgetRow(this.d, tenantId, row.id);
      forgetRow(this.d, tenantId, r.id);
      const version = Number(row.version) + 1;
      const res = await this.setRow(qr, row.row_key, cols, doc, r.created, r.passwordHash ?? null, r.resource, {
        version,
        expected: Number(row.version),
        ...(restore ? { revive: true } : { claim: { id: r.id, tenantId } }),
      });
      if (affected(res) !== 1) {
        throw ScimError.uniqueness(`${this.d.resourceType} "${r.id}" met a concurrent change of the row it takes over: retry`);
      }
      const key = String(row.row_key);
      await this.writeValues(qr, tenantId, key, r.resource, storedDocument(row.doc) ?? {});
      const id = restore ? row.id : r.id;
      const stored = this.stored(tenantId, id, kept, r.resource, version, this.q.iso(row.created), r.created);
      return { stored, key, restored: restore };
    }
    const names = [k.id, k.tenant];
    const values: unknown[] = [r.id, tenantId];
    if (k.row !== k.id && k.row !== k.seq) {
      // a table keyed by its own column: a row SCIM creates is keyed by the SCIM id
      names.push(k.row);
      values.push(r.id);
    }
    if (this.d.typeColumn) {
      names.push(this.d.typeColumn);
      values.push(this.d.resourceType);
    }
    names.push(...cols.names);
    values.push(...cols.values);
    if (k.document) {
      names.push(k.document);
      values.push(doc);
    }
    if (this.d.passwordColumn) {
      names.push(this.d.passwordColumn);
      values.push(r.passwordHash ?? null);
    }
    names.push(k.version, k.created, k.modified);
    values.push(1, this.q.time(r.created), this.q.time(r.created));
    const returning = k.row === k.seq ? STORE_DIALECTS[this.q.dialect].returning(k.seq) : '';
    const res = await qr.query(
      `INSERT INTO ${this.d.table} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})${returning}`,
      values,
      true,
    );
    const key = k.row === k.seq ? insertId(res) : r.id;
    await this.writeValues(qr, tenantId, key, r.resource, undefined);
    return { stored: this.stored(tenantId, r.id, kept, r.resource, 1, r.created, r.created), key };
  }

  /**
   * Locks the live row (FOR UPDATE; SQLite transactions are queued), checks the version
   * when `expectedVersion` is given, writes the document (or, without one, only bumps the
   * version) and returns the new state.
   */
  async updateIn(qr: QueryRunner, tenantId: string, id: string, u: RowUpdate): Promise<RowWrite> {
    const { k } = this.q;
    if (u.resource) {
      this.hooks.check(u.resource);
    }
    const cols = u.resource ? columnValues(this.d, u.resource) : undefined;
    const row = await this.lockedRow(qr, tenantId, id);
    if (!row) {
      throw ScimError.notFound(`${this.d.resourceType} ${id} not found`);
    }
    if (u.expectedVersion !== undefined && Number(row.version) !== u.expectedVersion) {
      throw ScimError.preconditionFailed(
        `${this.d.resourceType} ${id} was modified concurrently (version ${row.version}, expected ${u.expectedVersion})`,
      );
    }
    const version = Number(row.version) + 1;
    const key = String(row.row_key);
    const previous = this.q.toStored(row);
    if (!u.resource || !cols) {
      await qr.query(`UPDATE ${this.d.table} SET ${k.version} = ?, ${k.modified} = ? WHERE ${k.row} = ?`, [
        version,
        this.q.time(u.lastModified),
        row.row_key,
      ]);
      return { stored: { ...previous, version, lastModified: u.lastModified }, key, previous: previous.resource };
    }
    const kept = documentOf(this.d, u.resource);
    const res = await this.setRow(qr, row.row_key, cols, JSON.stringify(kept), u.lastModified, u.passwordHash, u.resource, {
      version,
      expected: Number(row.version),
    });
    if (affected(res) !== 1) {
      throw ScimError.preconditionFailed(`${this.d.resourceType} ${id} was modified concurrently`);
    }
    await this.writeValues(qr, tenantId, key, u.resource, storedDocument(row.doc) ?? {});
    const stored = this.stored(tenantId, id, kept, u.resource, version, previous.created, u.lastModified);
    return { stored, key, previous: previous.resource };
  }

  /**
   * Removes the live row as the hooks' `removeRow` does (RFC 7644 §3.6: it then answers 404):
   * its key and the version its event carries.
   */
  async deleteIn(
    qr: QueryRunner,
    tenantId: string,
    id: string,
    soft?: { at: string },
    at = soft?.at ?? new Date().toISOString(),
  ): Promise<{ key: string; version: number } | undefined> {
    const row = await this.lockedRow(qr, tenantId, id);
    if (!row) {
      return undefined;
    }
    const version = await this.hooks.removeRow(qr, row, soft, at);
    return version === undefined ? undefined : { key: String(row.row_key), version };
  }

  /** The default removal: a tombstone (`softDelete`, when `soft`), else DELETE. */
  async remove(qr: QueryRunner, row: ResourceRow, soft: { at: string } | undefined): Promise<number | undefined> {
    const { k } = this.q;
    const tombstone = soft !== undefined && this.d.softDelete !== undefined;
    const res = tombstone
      ? await qr.query(
          `UPDATE ${this.d.table} SET ${k.deletedAt} = ?, ${k.version} = ${k.version} + 1, ${k.modified} = ?
           WHERE ${k.row} = ? AND ${k.deletedAt} IS NULL`,
          [this.q.time(soft.at), this.q.time(soft.at), row.row_key],
          true,
        )
      : await qr.query(`DELETE FROM ${this.d.table} WHERE ${k.row} = ?`, [row.row_key], true);
    return affected(res as { affected?: number }) === 0 ? undefined : Number(row.version) + (tombstone ? 1 : 0);
  }

  /**
   * the live row with this id, locked (exact id: a _ci collation also matches other cases), or
   * the one withWriteLock read as it locked it; dropped from there as it is written
   */
  private async lockedRow(qr: QueryRunner, tenantId: string, id: string): Promise<ResourceRow | undefined> {
    const held = heldRow(this.d, tenantId, id);
    if (held !== undefined) {
      forgetRow(this.d, tenantId, id);
      return held ?? undefined;
    }
    const s = this.q.byId(tenantId, id, true);
    return ((await qr.query(s.sql, s.params)) as ResourceRow[]).find((r) => r.id === id);
  }

  private setRow(
    qr: QueryRunner,
    key: string | number,
    cols: ColumnValues,
    doc: string,
    lastModified: string,
    passwordHash: string | null | undefined,
    resource: ScimJson,
    opts: { version: number; expected: number; revive?: boolean; claim?: { id: string; tenantId: string } },
  ) {
    const { k } = this.q;
    const first = this.hooks.assignments(resource);
    const sets = [...first.map((f) => f.sql), ...cols.names.map((n) => `${n} = ?`)];
    const params: unknown[] = [...first.flatMap((f) => f.params), ...cols.values];
    if (k.document) {
      sets.push(`${k.document} = ?`);
      params.push(doc);
    }
    sets.push(`${k.version} = ?`, `${k.modified} = ?`);
    params.push(opts.version, this.q.time(lastModified));
    if (this.d.passwordColumn && passwordHash !== undefined) {
      sets.push(`${this.d.passwordColumn} = ?`);
      params.push(passwordHash);
    }
    if (opts.revive) {
      sets.push(`${k.deletedAt} = NULL`);
    }
    if (opts.claim) {
      sets.push(`${k.id} = ?`, `${k.tenant} = ?`);
      params.push(opts.claim.id, opts.claim.tenantId);
    }
    return qr.query(
      `UPDATE ${this.d.table} SET ${sets.join(', ')} WHERE ${k.row} = ? AND ${k.version} = ?`,
      [...params, key, opts.expected],
      true,
    );
  }

  /**
   * The most recent tombstone of the tenant matching one of the restore attributes. One
   * look-up per attribute, each on its own index (an OR with ORDER BY let SQLite walk the
   * whole tenant by seq on every create).
   */
  async findTombstone(qr: Sql, tenantId: string, resource: ScimJson): Promise<ResourceRow | undefined> {
    const { k } = this.q;
    const parts: string[] = [];
    const params: unknown[] = [];
    for (const attribute of this.d.softDelete?.restoreBy ?? []) {
      const c = this.d.columns.find((x) => x.attribute === attribute);
      const value = resource[attribute];
      if (!c || typeof value !== 'string') {
        continue;
      }
      // compared as the unique index compares: lower-cased where a ci column exists
      const col = c.ciColumn ?? c.column!;
      const key = c.ciColumn ? value.toLowerCase() : value;
      parts.push(`${this.q.select} WHERE r.${k.tenant} = ? AND r.${col} = ? AND r.${k.deletedAt} IS NOT NULL`);
      params.push(tenantId, key);
    }
    if (!parts.length) {
      return undefined;
    }
    const rows = (await qr.query(parts.join(' UNION ALL '), params)) as ResourceRow[];
    const latest = (r: ResourceRow) => (k.seq ? Number(seqOf(r)) : Date.parse(this.q.iso(r.last_modified)));
    return rows.sort((a, b) => latest(b) - latest(a))[0];
  }

  private writeValues(
    qr: Sql,
    tenantId: string,
    key: string,
    resource: ScimJson,
    previous: ScimJson | undefined,
  ): Promise<void> {
    if (!this.d.valuesTable) {
      return Promise.resolve();
    }
    return writeValues(qr, this.d.valuesTable, this.q.multiAttributes, tenantId, key, resource, previous);
  }

  /** What was written as a read gives it back: the document, or the columns where they rule. */
  private stored(
    tenantId: string,
    id: string,
    kept: ScimJson,
    resource: ScimJson,
    version: number,
    created: string,
    lastModified: string,
  ): StoredResource {
    let shown = kept;
    if (this.q.shownColumns) {
      shown = this.q.k.document ? { ...kept } : { schemas: [this.q.rt.schema] };
      for (const { c, value } of checkedColumns(this.d, resource)) {
        if (c.column) {
          setColumn(shown, c, value);
        }
      }
    }
    return { id, tenantId, resource: shown, version, created, lastModified };
  }
}
