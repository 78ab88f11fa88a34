import { ScimError } from '../../core/errors/scim-error';
import { SqlDialect } from '../../core/filter/filter-sql.dialect';
import { ScimJson } from '../../core/ports/resource.types';

/**
 * How one resource type is kept in SQL tables: the only thing a resource type's store needs
 * besides its schema. The SQL store (sql-resource.store.ts) and the in-memory store
 * (in-memory-resource.store.ts) read the same descriptor, so a new resource type is a schema
 * plus a descriptor, not a new repository class.
 *
 * The document is stored whole in `doc` (JSON); the attributes named in `columns` are also
 * real columns, indexed by the table's migration, so filters and sorts on them use an index
 * (RFC 7644 §3.4.2.2 filters run in SQL; attributes without a column are read from `doc`).
 */
export interface ColumnDescriptor {
  /** a singular top-level attribute of the core schema (canonical spelling), e.g. `userName` */
  readonly attribute: string;
  /** the column holding the value as sent; undefined when only `ciColumn` is kept */
  readonly column?: string;
  /**
   * The column holding the lower-cased value (caseExact:false attributes, RFC 7643 §2.2):
   * filters and sorts compare it, and a unique index on it makes uniqueness case-insensitive.
   */
  readonly ciColumn?: string;
  readonly type: 'string' | 'boolean';
  /** the longest value (in code points) the column takes: longer is 400 invalidValue */
  readonly maxLength?: number;
  /** a resource without a value for it is 400 invalidValue (the column is NOT NULL) */
  readonly required?: boolean;
  /**
   * The column (or ciColumn) has a unique index per tenant (`true`), or across the whole table
   * (`'table'`, a host's email): a clash is 409 uniqueness.
   */
  readonly unique?: boolean | 'table';
  /** a sub-attribute path (`name.formatted`) whose value the column takes when the attribute has none */
  readonly fallback?: string;
  /** the value the column takes when the resource has none (a host's NOT NULL column) */
  readonly whenAbsent?: string | boolean;
}

/**
 * The structural columns of a resource table. Every name defaults to the library's own
 * (scim_users, scim_groups, scim_resources), so a host table names only what differs.
 */
export interface TableKeys {
  /**
   * The auto-increment key: creation order and RFC 9865 cursor (keyset) positions. `null`: the
   * table has none; creation order is then (created, row) and a cursor request is 400.
   */
  readonly seq?: string | null;
  /**
   * The column writes, child rows and membership rows address a row by. Default `seq`, or
   * `id` without one. When it is neither, a row SCIM inserts gets the SCIM id there too.
   */
  readonly row?: string;
  /** the SCIM id (RFC 7643 §3.1), unique; default `id` */
  readonly id?: string;
  /** the tenant owning the row; default `tenant_id` (a row whose tenant is NULL is no tenant's) */
  readonly tenant?: string;
  /** the JSON document; `null`: the table has none, a resource is its columns alone */
  readonly document?: string | null;
  readonly version?: string;
  readonly created?: string;
  readonly modified?: string;
  /** the tombstone time of `softDelete`; default `deleted_at` */
  readonly deletedAt?: string;
}

/** TableKeys with every default filled in (keysOf). */
export interface ResolvedKeys {
  readonly seq: string | undefined;
  readonly row: string;
  readonly id: string;
  readonly tenant: string;
  readonly document: string | undefined;
  readonly version: string;
  readonly created: string;
  readonly modified: string;
  readonly deletedAt: string;
}

/**
 * The membership table of a group table (RFC 7643 §4.2 `members`): one row per (group, member).
 * With `type` members may be users or groups (nested groups); without it they are users only,
 * and a group as a member is 400.
 */
export interface MembersDescriptor {
  readonly table: string;
  /** the column holding the group's row key (`keys.row` of the group table) */
  readonly group: string;
  /**
   * The column holding the member: its SCIM id, or with `byRow` its user's row key; indexed
   * (after the tenant column when there is one), as `members[value eq ...]` looks it up.
   */
  readonly member: string;
  /**
   * The member column holds the user's row key (a host's own user id), not its SCIM id: reads
   * join the users table for the SCIM id, and a member is visible only while that user is the
   * tenant's. Needs users-only membership (no `type`).
   */
  readonly byRow?: boolean;
  /** the member's type column (`User` / `Group`) */
  readonly type?: string;
  /** the tenant column; without it a membership's tenant is its user's (then no `type`) */
  readonly tenant?: string;
}

export interface TableDescriptor {
  /** the resource type's name (RFC 7643 §6 `name`), e.g. `User` */
  readonly resourceType: string;
  /** the resource table (`seq` auto-increment key, id, tenant_id, doc, version, created, ...) */
  readonly table: string;
  /** its structural columns when they are not the library's names (a host's own table) */
  readonly keys?: TableKeys;
  /**
   * How `created` / `modified` are stored: ISO-8601 text (default) or SQL `datetime(3)` in UTC.
   * SQL datetimes do not compare with RFC 3339 text, so `meta.created` / `meta.lastModified`
   * cannot be filtered then (400 invalidFilter); they still sort.
   */
  readonly times?: 'iso' | 'datetime';
  /**
   * How MySQL compares the table's text columns: `binary` (utf8mb4_bin, the library's tables)
   * or `case-insensitive` (a _ci collation, as a host's tables often are): caseExact
   * attributes then compare with COLLATE utf8mb4_bin, `eq` keeping the plain column's index.
   */
  readonly collation?: 'binary' | 'case-insensitive';
  /**
   * The columns are the truth (a host edits them directly): reads lay their values over the
   * document, and a resource without a document is made of them.
   */
  readonly readColumns?: boolean;
  /**
   * For a table shared by several resource types: the column naming the type of each row
   * (every read and write is restricted to rows of this descriptor's type).
   */
  readonly typeColumn?: string;
  readonly columns: readonly ColumnDescriptor[];
  /**
   * The child table of the writable multi-valued complex attributes of the core schema (one
   * row per value: owner_seq, attribute, position, value_key, value, value_ci, type_ci,
   * is_primary, item), so `emails[type eq "work"].value eq ...` is an indexed look-up.
   */
  readonly valuesTable?: string;
  /** multi-valued attributes kept elsewhere (a group's members): left out of `doc` */
  readonly notInDocument?: readonly string[];
  /** a group table's membership table */
  readonly members?: MembersDescriptor;
  /**
   * Deletion may leave a tombstone (`deleted_at`), invisible to every read; creating a
   * resource whose value of one of `restoreBy` (compared as the column compares) equals a
   * tombstone's brings the tombstone back with the same id and created time.
   */
  readonly softDelete?: { readonly restoreBy: readonly string[] };
  /** the column of the password hash (never in `doc`, never read back) */
  readonly passwordColumn?: string;
  /** the `meta` sub-attributes whose columns the table's migration indexes (created, lastModified) */
  readonly indexedMeta?: readonly string[];
}

/**
 * The values of a resource for the descriptor's columns, checked against them: a required
 * attribute without a value, or a value longer than its column, is 400 invalidValue (never a
 * driver error, and the same answer from every store).
 */
export function checkedColumns(
  d: TableDescriptor,
  resource: ScimJson,
): Array<{ c: ColumnDescriptor; value: string | boolean | null }> {
  return d.columns.map((c) => {
    const raw = valueOf(resource, c.attribute) ?? (c.fallback ? valueOf(resource, c.fallback) : undefined);
    let value: string | boolean | null;
    if (c.type === 'boolean') {
      value = typeof raw === 'boolean' ? raw : typeof c.whenAbsent === 'boolean' ? c.whenAbsent : null;
    } else {
      value = typeof raw === 'string' ? raw : typeof c.whenAbsent === 'string' ? c.whenAbsent : null;
      if (value !== null && c.maxLength !== undefined && [...value].length > c.maxLength) {
        throw ScimError.invalidValue(`${c.attribute} is longer than ${c.maxLength} characters`);
      }
    }
    if (c.required && (value === null || value === '')) {
      throw ScimError.invalidValue(`${c.attribute} is required`);
    }
    return { c, value };
  });
}

/** A top-level attribute, or a dotted sub-attribute path (`name.formatted`), of a resource. */
function valueOf(resource: ScimJson, path: string): unknown {
  const [attr, sub] = path.split('.');
  const v = resource[attr];
  if (sub === undefined) {
    return v === null ? undefined : v;
  }
  return v !== null && typeof v === 'object' ? ((v as ScimJson)[sub] ?? undefined) : undefined;
}

export function keysOf(d: TableDescriptor): ResolvedKeys {
  const k = d.keys ?? {};
  const seq = k.seq === null ? undefined : (k.seq ?? 'seq');
  const document = k.document === null ? undefined : (k.document ?? 'doc');
  return {
    seq,
    row: k.row ?? seq ?? k.id ?? 'id',
    id: k.id ?? 'id',
    tenant: k.tenant ?? 'tenant_id',
    document,
    version: k.version ?? 'version',
    created: k.created ?? 'created',
    modified: k.modified ?? 'last_modified',
    deletedAt: k.deletedAt ?? 'deleted_at',
  };
}

/**
 * A time as table `d` stores it: ISO-8601 text, or `YYYY-MM-DD HH:MM:SS.SSS` in UTC. PostgreSQL
 * reads a time without a zone in the session's TimeZone when the column is a `timestamptz`, so
 * there the UTC is said (`Z`); a `timestamp` column ignores it.
 */
export function storedTime(d: TableDescriptor, iso: string, dialect?: SqlDialect): string {
  if (d.times !== 'datetime') {
    return iso;
  }
  const utc = new Date(iso).toISOString().replace('T', ' ');
  return dialect === 'postgres' ? utc : utc.replace('Z', '');
}

/** A time of table `d` as ISO-8601 (MySQL gives datetimes as Dates, SQLite as UTC text). */
export function isoTime(d: TableDescriptor, v: string | Date): string {
  if (v instanceof Date) {
    return v.toISOString();
  }
  return d.times === 'datetime' ? new Date(v.includes('T') ? v : `${v.replace(' ', 'T')}Z`).toISOString() : v;
}

/** The longest value the singular indexed columns take (utf8mb4 keys of 255 code points). */
export const MAX_INDEXED_LENGTH = 255;
/** The longest id (a UUID; hosts may use shorter ones): ids and member ids are varchar(36). */
export const MAX_ID_LENGTH = 36;
/** The look-up key of a multi-valued value: its first 191 code points, lower-cased. */
export const VALUE_KEY_LENGTH = 191;

/** scim_users: userName unique per tenant case-insensitively; soft delete restores by userName or externalId. */
export const USER_TABLE: TableDescriptor = {
  resourceType: 'User',
  table: 'scim_users',
  columns: [
    {
      attribute: 'userName',
      column: 'user_name',
      ciColumn: 'user_name_ci',
      type: 'string',
      maxLength: MAX_INDEXED_LENGTH,
      required: true,
      unique: true,
    },
    { attribute: 'externalId', column: 'external_id', type: 'string', maxLength: MAX_INDEXED_LENGTH },
    { attribute: 'displayName', ciColumn: 'display_name_ci', type: 'string', maxLength: MAX_INDEXED_LENGTH },
    { attribute: 'active', column: 'active', type: 'boolean' },
  ],
  valuesTable: 'scim_user_values',
  softDelete: { restoreBy: ['userName', 'externalId'] },
  passwordColumn: 'password_hash',
  indexedMeta: ['created', 'lastModified'],
};

/** scim_groups: displayName unique per tenant case-insensitively; members in scim_group_members. */
export const GROUP_TABLE: TableDescriptor = {
  resourceType: 'Group',
  table: 'scim_groups',
  columns: [
    {
      attribute: 'displayName',
      column: 'display_name',
      ciColumn: 'display_name_ci',
      type: 'string',
      maxLength: MAX_INDEXED_LENGTH,
      required: true,
      unique: true,
    },
    { attribute: 'externalId', column: 'external_id', type: 'string', maxLength: MAX_INDEXED_LENGTH },
  ],
  notInDocument: ['members'],
  members: { table: 'scim_group_members', group: 'group_seq', member: 'member_id', type: 'member_type', tenant: 'tenant_id' },
  indexedMeta: ['created', 'lastModified'],
};

/**
 * Any other resource type (a host's `Device`, Okta's `Role`...): rows of the shared table
 * scim_resources, told apart by `resource_type`; externalId is a column, the writable
 * multi-valued attributes are rows of scim_resource_values, everything else is read from the
 * document.
 */
export function genericTable(resourceType: string): TableDescriptor {
  return {
    resourceType,
    table: 'scim_resources',
    typeColumn: 'resource_type',
    columns: [
      { attribute: 'externalId', column: 'external_id', type: 'string', maxLength: MAX_INDEXED_LENGTH },
    ],
    valuesTable: 'scim_resource_values',
  };
}

/** The longest resource type name the shared table and the outbox take. */
export const MAX_RESOURCE_TYPE_LENGTH = 64;
