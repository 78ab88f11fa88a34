import { QueryRunner } from 'typeorm';
import { ScimError } from '../../core/errors/scim-error';
import { NewResource, ScimJson, StoredResource } from '../../core/ports/resource.types';
import { affected, insertId } from '../repositories/sql.util';
import { Sql } from '../repositories/sql-transaction';
import { columnValues, documentOf, writeValues } from './sql-columns';
import { SqlQueries } from './sql-query';
import type { ResourceRow } from './sql-resource.store';
import { TableDescriptor } from './table-descriptor';

/** A write of the document inside a transaction: the stored result and the row's key. */
export interface RowWrite {
  readonly stored: StoredResource;
  readonly seq: string;
  /** create only: a tombstone was brought back */
  readonly restored?: boolean;
}

/** What updateIn changes: the document (checked against expectedVersion) or only the version. */
export interface RowUpdate {
  readonly resource?: ScimJson;
  readonly expectedVersion?: number;
  readonly lastModified: string;
  readonly passwordHash?: string;
}

/**
 * The writes of one descriptor's rows inside a caller's transaction: insert (or bring back a
 * tombstone), update under the row lock with the version check, delete or soft delete. The
 * column values are checked against the descriptor first (columnValues).
 */
export class SqlRows {
  private readonly d: TableDescriptor;

  constructor(private readonly q: SqlQueries) {
    this.d = q.d;
  }

  /** Inserts the resource, or brings back a tombstone it matches (softDelete.restoreBy). */
  async createIn(qr: QueryRunner, tenantId: string, r: NewResource): Promise<RowWrite> {
    const cols = columnValues(this.d, r.resource);
    const kept = documentOf(this.d, r.resource);
    const doc = JSON.stringify(kept);
    const tombstone = this.d.softDelete ? await this.findTombstone(qr, tenantId, r.resource) : undefined;
    if (tombstone) {
      const version = Number(tombstone.version) + 1;
      await this.setRow(qr, tombstone.seq, cols, doc, r.created, r.passwordHash ?? null, {
        version,
        revive: true,
      });
      await this.writeValues(qr, tenantId, String(tombstone.seq), r.resource, JSON.parse(tombstone.doc) as ScimJson);
      const stored = this.stored(tenantId, tombstone.id, kept, version, tombstone.created, r.created);
      return { stored, seq: String(tombstone.seq), restored: true };
    }
    const names = ['id', 'tenant_id', ...(this.d.typeColumn ? [this.d.typeColumn] : []), ...cols.names, 'doc'];
    const values = [r.id, tenantId, ...(this.d.typeColumn ? [this.d.resourceType] : []), ...cols.values, doc];
    if (this.d.passwordColumn) {
      names.push(this.d.passwordColumn);
      values.push(r.passwordHash ?? null);
    }
    names.push('version', 'created', 'last_modified');
    values.push(1, r.created, r.created);
    const res = await qr.query(
      `INSERT INTO ${this.d.table} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`,
      values,
      true,
    );
    const seq = insertId(res);
    await this.writeValues(qr, tenantId, seq, r.resource, undefined);
    return { stored: this.stored(tenantId, r.id, kept, 1, r.created, r.created), seq };
  }

  /**
   * Locks the live row (MySQL FOR UPDATE; SQLite transactions are queued), checks the version
   * when `expectedVersion` is given, writes the document (or, without one, only bumps the
   * version) and returns the new state.
   */
  async updateIn(qr: QueryRunner, tenantId: string, id: string, u: RowUpdate): Promise<RowWrite> {
    const cols = u.resource ? columnValues(this.d, u.resource) : undefined;
    const s = this.q.byId(tenantId, id, 'r.seq, r.id, r.tenant_id, r.doc, r.version, r.created, r.last_modified', true);
    const row = ((await qr.query(s.sql, s.params)) as ResourceRow[])[0];
    if (!row) {
      throw ScimError.notFound(`${this.d.resourceType} ${id} not found`);
    }
    if (u.expectedVersion !== undefined && Number(row.version) !== u.expectedVersion) {
      throw ScimError.preconditionFailed(
        `${this.d.resourceType} ${id} was modified concurrently (version ${row.version}, expected ${u.expectedVersion})`,
      );
    }
    const version = Number(row.version) + 1;
    if (!u.resource || !cols) {
      await qr.query(`UPDATE ${this.d.table} SET version = ?, last_modified = ? WHERE seq = ?`, [
        version,
        u.lastModified,
        row.seq,
      ]);
      return { stored: this.stored(tenantId, id, row.doc, version, row.created, u.lastModified), seq: String(row.seq) };
    }
    const kept = documentOf(this.d, u.resource);
    const doc = JSON.stringify(kept);
    const res = await this.setRow(qr, row.seq, cols, doc, u.lastModified, u.passwordHash, {
      version,
      expected: Number(row.version),
    });
    if (affected(res) !== 1) {
      throw ScimError.preconditionFailed(`${this.d.resourceType} ${id} was modified concurrently`);
    }
    await this.writeValues(qr, tenantId, String(row.seq), u.resource, JSON.parse(row.doc) as ScimJson);
    return { stored: this.stored(tenantId, id, kept, version, row.created, u.lastModified), seq: String(row.seq) };
  }

  /**
   * Deletes the live row (or leaves a tombstone, RFC 7644 §3.6: it then answers 404 like a
   * deleted one): its key and the version its event carries (a soft delete bumps it).
   */
  async deleteIn(
    qr: QueryRunner,
    tenantId: string,
    id: string,
    soft?: { at: string },
  ): Promise<{ seq: string; version: number } | undefined> {
    const s = this.q.byId(tenantId, id, 'r.seq, r.version', true);
    const row = ((await qr.query(s.sql, s.params)) as Pick<ResourceRow, 'seq' | 'version'>[])[0];
    if (!row) {
      return undefined;
    }
    const res =
      soft && this.d.softDelete
        ? await qr.query(
            `UPDATE ${this.d.table} SET deleted_at = ?, version = version + 1, last_modified = ?
             WHERE seq = ? AND deleted_at IS NULL`,
            [soft.at, soft.at, row.seq],
            true,
          )
        : await qr.query(`DELETE FROM ${this.d.table} WHERE seq = ?`, [row.seq], true);
    if (affected(res as { affected?: number }) === 0) {
      return undefined;
    }
    return { seq: String(row.seq), version: Number(row.version) + (soft && this.d.softDelete ? 1 : 0) };
  }

  private async setRow(
    qr: QueryRunner,
    seq: string | number,
    cols: { names: readonly string[]; values: readonly unknown[] },
    doc: string,
    lastModified: string,
    passwordHash: string | null | undefined,
    opts: { version: number; expected?: number; revive?: boolean },
  ) {
    const sets = [...cols.names.map((n) => `${n} = ?`), 'doc = ?', 'version = ?', 'last_modified = ?'];
    const params: unknown[] = [...cols.values, doc, opts.version, lastModified];
    if (this.d.passwordColumn && passwordHash !== undefined) {
      sets.push(`${this.d.passwordColumn} = ?`);
      params.push(passwordHash);
    }
    if (opts.revive) {
      sets.push('deleted_at = NULL');
    }
    const versionCheck = opts.expected !== undefined ? ' AND version = ?' : '';
    return qr.query(
      `UPDATE ${this.d.table} SET ${sets.join(', ')} WHERE seq = ?${versionCheck}`,
      [...params, seq, ...(opts.expected !== undefined ? [opts.expected] : [])],
      true,
    );
  }

  /**
   * The most recent tombstone of the tenant matching one of the restore attributes. One
   * look-up per attribute, each on its own index (an OR with ORDER BY let SQLite walk the
   * whole tenant by seq on every create).
   */
  private async findTombstone(qr: QueryRunner, tenantId: string, resource: ScimJson): Promise<ResourceRow | undefined> {
    const parts: string[] = [];
    const params: unknown[] = [];
    for (const attribute of this.d.softDelete!.restoreBy) {
      const c = this.d.columns.find((x) => x.attribute === attribute);
      const value = resource[attribute];
      if (!c || typeof value !== 'string') {
        continue;
      }
      // compared as the unique index compares: lower-cased where a ci column exists
      const col = c.ciColumn ?? c.column!;
      const key = c.ciColumn ? value.toLowerCase() : value;
      parts.push(`${this.q.select} WHERE r.tenant_id = ? AND r.${col} = ? AND r.deleted_at IS NOT NULL`);
      params.push(tenantId, key);
    }
    if (!parts.length) {
      return undefined;
    }
    const rows = (await qr.query(parts.join(' UNION ALL '), params)) as ResourceRow[];
    return rows.sort((a, b) => Number(b.seq) - Number(a.seq))[0];
  }

  private writeValues(
    qr: Sql,
    tenantId: string,
    seq: string,
    resource: ScimJson,
    previous: ScimJson | undefined,
  ): Promise<void> {
    if (!this.d.valuesTable) {
      return Promise.resolve();
    }
    return writeValues(qr, this.d.valuesTable, this.q.multiAttributes, tenantId, seq, resource, previous);
  }

  private stored(
    tenantId: string,
    id: string,
    doc: ScimJson | string,
    version: number,
    created: string,
    lastModified: string,
  ): StoredResource {
    const resource = typeof doc === 'string' ? (JSON.parse(doc) as ScimJson) : doc;
    return { id, tenantId, resource, version, created, lastModified };
  }
}
