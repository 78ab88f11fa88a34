import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager, IsNull, QueryFailedError } from 'typeorm';
import {
  ColumnRef,
  FilterSqlTarget,
  NewResource,
  ResourcePage,
  ResourceQuery,
  ResourceTypeDefinition,
  ResourceUpdate,
  SCHEMA_REGISTRY,
  SchemaRegistry,
  ScimError,
  ScimJson,
  SqlDialect,
  StoredResource,
  USER_SCHEMA_ID,
  UserRepository,
  compileFilter,
  dialectOf,
  inTransaction,
  jsonMemberPath,
  parseAttrPath,
} from '../scim-nest';
import { HostUser } from '../users/host-user.entity';

const EMAIL = /^[^\s@]+@[^\s@]+$/;
const MAX_LENGTH = 255;
const COLUMNS =
  'u.id, u.email, u.full_name, u.is_active, u.scim_tenant_id, u.scim_external_id, ' +
  'u.scim_attributes, u.version, u.created_at, u.updated_at';

/** A row of host_users as a raw query returns it (drivers differ on booleans and dates). */
interface RawRow {
  id: string;
  email: string;
  full_name: string | null;
  is_active: boolean | number | string;
  scim_tenant_id: string | null;
  scim_external_id: string | null;
  scim_attributes: string | null;
  version: number | string;
  created_at: Date | string;
  updated_at: Date | string;
}

/**
 * SCIM Users stored in the host's own `host_users` table. The engine (normalization, PATCH,
 * projection, ETags, the filter parser) is unchanged; this class only maps:
 *
 * | SCIM                        | host_users                                            |
 * |-----------------------------|-------------------------------------------------------|
 * | id                          | id (the engine's UUID; a linked host account keeps its own) |
 * | userName (an email address) | email (unique, case-insensitively)                     |
 * | displayName (else name.formatted) | full_name                                       |
 * | active                      | is_active                                             |
 * | externalId                  | scim_external_id                                      |
 * | everything else, extensions | scim_attributes (JSON document)                       |
 * | meta.version / created / lastModified | version / created_at / updated_at           |
 *
 * The columns are the truth: when the host changes a user (its own profile page, an admin),
 * SCIM reads show it. Filters compile to SQL on these columns and the JSON document
 * (compileFilter + the FilterSqlTarget below); multi-valued attributes and meta cannot be
 * filtered here (400 invalidFilter). Host policies: a POST whose email matches a host account
 * no IdP manages links that account; DELETE deactivates and unlinks (the host keeps its data);
 * passwords are not stored (the host signs in through its IdP).
 */
@Injectable()
export class HostUserRepository implements UserRepository {
  private readonly dialect: SqlDialect;
  private readonly rt: ResourceTypeDefinition;

  constructor(
    private readonly ds: DataSource,
    @Inject(SCHEMA_REGISTRY) private readonly registry: SchemaRegistry,
  ) {
    this.dialect = dialectOf(ds);
    this.rt = registry.resourceType('User');
  }

  async findById(tenantId: string, id: string): Promise<StoredResource | null> {
    const row = await this.ds.getRepository(HostUser).findOneBy({ id, scimTenantId: tenantId });
    return row ? toStored(row) : null;
  }

  async search(tenantId: string, q: ResourceQuery): Promise<ResourcePage> {
    if (q.keyset) {
      throw ScimError.invalidValue(
        'Cursor paging is not supported for Users on this server: page with startIndex and count',
      );
    }
    const order = this.orderBy(q);
    const filter = q.filter ? compileFilter(q.filter, this.target()) : undefined;
    const where = `u.scim_tenant_id = ?${filter ? ` AND ${filter.sql}` : ''}`;
    const params = [tenantId, ...(filter?.params ?? [])];
    const counted = (await this.ds.query(
      `SELECT COUNT(*) AS n FROM host_users u WHERE ${where}`,
      params,
    )) as Array<{ n: number | string }>;
    const total = Number(counted[0].n);
    if (q.count === 0 || total === 0 || q.startIndex > total) {
      return { total, items: [] };
    }
    const rows = (await this.ds.query(
      `SELECT ${COLUMNS} FROM host_users u WHERE ${where} ORDER BY ${order} LIMIT ? OFFSET ?`,
      [...params, q.count, q.startIndex - 1],
    )) as RawRow[];
    return { total, items: rows.map((r) => toStored(fromRaw(r))) };
  }

  async create(tenantId: string, user: NewResource): Promise<StoredResource> {
    const columns = toColumns(user.resource);
    const at = new Date(user.created);
    return this.write(columns.email, async (m) => {
      const repo = m.getRepository(HostUser);
      // a host account with this email that no IdP manages yet is linked, not duplicated
      const unmanaged = await repo.findOneBy({ email: columns.email, scimTenantId: IsNull() });
      if (unmanaged) {
        const res = await repo.update(
          { id: unmanaged.id, scimTenantId: IsNull(), version: unmanaged.version },
          { ...columns, scimTenantId: tenantId, version: unmanaged.version + 1, updatedAt: at },
        );
        if (res.affected !== 1) {
          throw ScimError.uniqueness(`userName "${columns.email}" is already in use`);
        }
        return toStored(await repo.findOneByOrFail({ id: unmanaged.id }));
      }
      await repo.insert({
        id: user.id,
        ...columns,
        scimTenantId: tenantId,
        version: 1,
        createdAt: at,
        updatedAt: at,
      });
      return toStored(await repo.findOneByOrFail({ id: user.id }));
    });
  }

  async update(tenantId: string, id: string, u: ResourceUpdate): Promise<StoredResource> {
    const columns = toColumns(u.resource);
    return this.write(columns.email, async (m) => {
      const repo = m.getRepository(HostUser);
      const res = await repo.update(
        { id, scimTenantId: tenantId, version: u.expectedVersion },
        { ...columns, version: u.expectedVersion + 1, updatedAt: new Date(u.lastModified) },
      );
      if (res.affected !== 1) {
        if (!(await repo.existsBy({ id, scimTenantId: tenantId }))) {
          throw ScimError.notFound(`User ${id} not found`);
        }
        throw ScimError.preconditionFailed(`User ${id} was modified concurrently`);
      }
      return toStored(await repo.findOneByOrFail({ id }));
    });
  }

  /** The host keeps its users' data: the account is deactivated and no longer provisioned. */
  async delete(tenantId: string, id: string): Promise<boolean> {
    return inTransaction(this.ds, async (qr) => {
      const res = await qr.manager.getRepository(HostUser).update(
        { id, scimTenantId: tenantId },
        {
          isActive: false,
          scimTenantId: null,
          scimExternalId: null,
          scimAttributes: null,
          version: () => 'version + 1',
          updatedAt: new Date(),
        },
      );
      return res.affected === 1;
    });
  }

  /** One write in the module's transaction queue (SQLite has one connection); 409 on a taken email. */
  private async write<T>(email: string, fn: (m: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await inTransaction(this.ds, (qr) => fn(qr.manager));
    } catch (e) {
      if (isUniqueViolation(e)) {
        throw ScimError.uniqueness(`userName "${email}" is already in use`);
      }
      throw e;
    }
  }

  /**
   * What the SQL filter compiler reads for each attribute: a host_users column, the JSON
   * document (returning undefined), or a clear 400 for what this table cannot answer.
   */
  private target(): FilterSqlTarget {
    const mysql = this.dialect === 'mysql';
    /**
     * A caseExact column in a case-insensitive MySQL collation: LIKE must compare bytes, and
     * `eq` first uses the plain column (its index) then checks the bytes. SQLite columns are
     * binary already.
     */
    const exactColumn = (col: string): ColumnRef =>
      mysql ? { expr: `(${col} COLLATE utf8mb4_bin)`, keyExpr: col, keyLength: MAX_LENGTH } : { expr: col };
    return {
      dialect: this.dialect,
      registry: this.registry,
      resourceType: this.rt,
      docJson: 'u.scim_attributes',
      column: (r) => {
        if (r.extension) {
          return undefined; // custom extension attributes live in the JSON document
        }
        const sub = r.subAttribute?.name;
        if (r.attribute.name === 'meta') {
          throw ScimError.invalidFilter(
            `"meta${sub ? '.' + sub : ''}" cannot be filtered on this server (its Users are the host's accounts)`,
          );
        }
        if (sub !== undefined) {
          return undefined; // name.givenName... from the JSON document
        }
        switch (r.attribute.name) {
          case 'id':
            return exactColumn('u.id');
          case 'externalId':
            return exactColumn('u.scim_external_id');
          case 'userName':
            // caseExact false: compared lower-cased; on MySQL the _ci column's index serves `eq`
            return mysql ? { expr: 'u.email', keyExpr: 'u.email', keyLength: MAX_LENGTH } : { expr: 'u.email' };
          case 'displayName':
            return { expr: 'u.full_name' };
          case 'active':
            return { expr: 'u.is_active' };
          default:
            return undefined;
        }
      },
      multiValued: (r) => {
        throw ScimError.invalidFilter(
          `"${r.attribute.name}" cannot be filtered on this server: the host keeps one email ` +
            '(filter on userName) and no other multi-valued attribute in columns',
        );
      },
    };
  }

  /** RFC 7644 §3.4.2.3 on host_users: absent values last ascending; ties in creation order. */
  private orderBy(q: ResourceQuery): string {
    const dir = q.sortOrder === 'descending' ? 'DESC' : 'ASC';
    if (!q.sortBy) {
      return `u.created_at ${dir}, u.id ${dir}`;
    }
    const path = parseAttrPath(q.sortBy);
    const resolved = path ? this.registry.resolve(this.rt, path) : undefined;
    if (!resolved) {
      throw ScimError.invalidValue(`sortBy "${q.sortBy}" is not an attribute of User`);
    }
    const def = resolved.subAttribute ?? resolved.attribute;
    if (resolved.attribute.multiValued || def.type === 'complex') {
      throw ScimError.invalidValue(`sortBy "${q.sortBy}" must name a singular attribute`);
    }
    let expr: string;
    if (!resolved.extension && resolved.attribute.name === 'meta') {
      const column = { created: 'u.created_at', lastModified: 'u.updated_at' }[def.name];
      if (!column) {
        throw ScimError.invalidValue(`sortBy "${q.sortBy}" is not supported on this server`);
      }
      expr = column;
    } else {
      const ci = !def.caseExact && (def.type === 'string' || def.type === 'reference');
      const keys = [
        ...(resolved.extension ? [resolved.schemaId] : []),
        resolved.attribute.name,
        ...(resolved.subAttribute ? [def.name] : []),
      ];
      const raw = this.target().column(resolved)?.expr ?? this.jsonValue(keys, def.type);
      expr = ci ? this.lower(raw) : raw;
    }
    return `(${expr} IS NULL) ${dir}, ${expr} ${dir}, u.created_at ASC, u.id ASC`;
  }

  /** A JSON document value; numbers as numbers on MySQL too (JSON_VALUE returns text). */
  private jsonValue(keys: string[], type: string): string {
    const path = `'${jsonMemberPath(keys).replace(/'/g, "''")}'`;
    if (this.dialect !== 'mysql') {
      return `json_extract(u.scim_attributes, ${path})`;
    }
    const value = `JSON_VALUE(u.scim_attributes, ${path})`;
    return type === 'integer' || type === 'decimal' ? `CAST(${value} AS DECIMAL(65,10))` : value;
  }

  private lower(expr: string): string {
    return this.dialect === 'mysql' ? `LOWER(${expr})` : `scim_lower(${expr})`;
  }
}

/** The columns a SCIM User writes (the engine has normalized and validated it). */
function toColumns(resource: ScimJson) {
  const userName = String(resource.userName ?? '');
  if (!EMAIL.test(userName) || userName.length > MAX_LENGTH) {
    throw ScimError.invalidValue(
      `userName "${userName}" must be an email address of at most ${MAX_LENGTH} characters (it is the account's email)`,
    );
  }
  const name = resource.name as { formatted?: unknown } | undefined;
  const fullName = text(resource.displayName) ?? text(name?.formatted) ?? null;
  const externalId = text(resource.externalId) ?? null;
  for (const [label, v] of [['displayName', fullName], ['externalId', externalId]] as const) {
    if (v !== null && v.length > MAX_LENGTH) {
      throw ScimError.invalidValue(`${label} is longer than ${MAX_LENGTH} characters`);
    }
  }
  return {
    email: userName,
    fullName,
    isActive: resource.active !== false,
    scimExternalId: externalId,
    scimAttributes: JSON.stringify(resource),
  };
}

/** The SCIM view of a row: the JSON document with the columns laid over it (they are the truth). */
function toStored(row: HostUser): StoredResource {
  const doc = (row.scimAttributes ? JSON.parse(row.scimAttributes) : { schemas: [USER_SCHEMA_ID] }) as ScimJson;
  doc.userName = row.email;
  doc.active = row.isActive;
  setOrDelete(doc, 'externalId', row.scimExternalId);
  setOrDelete(doc, 'displayName', row.fullName);
  return {
    id: row.id,
    tenantId: row.scimTenantId ?? '',
    resource: doc,
    version: row.version,
    created: row.createdAt.toISOString(),
    lastModified: row.updatedAt.toISOString(),
  };
}

function fromRaw(r: RawRow): HostUser {
  return Object.assign(new HostUser(), {
    id: r.id,
    email: r.email,
    fullName: r.full_name,
    isActive: r.is_active === true || Number(r.is_active) === 1,
    scimTenantId: r.scim_tenant_id,
    scimExternalId: r.scim_external_id,
    scimAttributes: r.scim_attributes,
    version: Number(r.version),
    createdAt: toDate(r.created_at),
    updatedAt: toDate(r.updated_at),
  });
}

/** SQLite returns `YYYY-MM-DD HH:MM:SS.SSS` in UTC (how TypeORM writes it), MySQL a Date. */
function toDate(v: Date | string): Date {
  return v instanceof Date ? v : new Date(`${v.replace(' ', 'T')}Z`);
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function setOrDelete(doc: ScimJson, key: string, value: string | null): void {
  if (value === null) {
    delete doc[key];
  } else {
    doc[key] = value;
  }
}

function isUniqueViolation(e: unknown): boolean {
  const d = (e as QueryFailedError & { driverError?: { errno?: number; code?: string } }).driverError;
  return e instanceof QueryFailedError && (d?.errno === 1062 || d?.code === 'SQLITE_CONSTRAINT_UNIQUE');
}
