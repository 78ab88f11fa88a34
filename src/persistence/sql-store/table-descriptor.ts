import { ScimError } from '../../core/errors/scim-error';
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
  /** the column (or ciColumn) has a unique index per tenant: a clash is 409 uniqueness */
  readonly unique?: boolean;
}

export interface TableDescriptor {
  /** the resource type's name (RFC 7643 §6 `name`), e.g. `User` */
  readonly resourceType: string;
  /** the resource table (`seq` auto-increment key, id, tenant_id, doc, version, created, ...) */
  readonly table: string;
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
  /**
   * Deletion may leave a tombstone (`deleted_at`), invisible to every read; creating a
   * resource whose value of one of `restoreBy` (compared as the column compares) equals a
   * tombstone's brings the tombstone back with the same id and created time.
   */
  readonly softDelete?: { readonly restoreBy: readonly string[] };
  /** the column of the password hash (never in `doc`, never read back) */
  readonly passwordColumn?: string;
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
    const raw = resource[c.attribute];
    let value: string | boolean | null;
    if (c.type === 'boolean') {
      value = typeof raw === 'boolean' ? raw : null;
    } else {
      value = typeof raw === 'string' ? raw : null;
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
