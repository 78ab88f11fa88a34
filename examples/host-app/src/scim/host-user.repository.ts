import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import {
  ColumnRef,
  FilterSqlTarget,
  NewResource,
  OUTBOX_SIGNAL,
  OutboxSignal,
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
  UnlinkedUserPage,
  UserRepository,
  WriteEvents,
  appendEvents,
  compileFilter,
  dialectOf,
  documentEvent,
  jsonMemberPath,
  parseAttrPath,
} from '../scim-nest';
import { HostUser } from '../users/host-user.entity';
import {
  affected,
  isTrue,
  isUniqueViolation,
  placeholders,
  read,
  sqlTime,
  toDate,
  transaction,
} from './host-sql';

const EMAIL = /^[^\s@]+@[^\s@]+$/;
const MAX_LENGTH = 255;
const COLUMNS =
  'u.id, u.scim_id, u.email, u.email_verified, u.is_owner, u.full_name, u.is_active, ' +
  'u.scim_tenant_id, u.scim_external_id, u.scim_attributes, u.version, u.created_at, u.updated_at';

/** A row of host_users as a raw query returns it (drivers differ on booleans and dates). */
interface RawRow {
  id: string;
  scim_id: string | null;
  email: string;
  email_verified: unknown;
  is_owner: unknown;
  full_name: string | null;
  is_active: unknown;
  scim_tenant_id: string | null;
  scim_external_id: string | null;
  scim_attributes: string | null;
  version: number | string;
  created_at: Date | string;
  updated_at: Date | string;
}

/** The columns a SCIM User writes. */
type UserColumns = ReturnType<typeof toColumns>;

/**
 * SCIM Users stored in the host's own `host_users` table. The engine (normalization, PATCH,
 * projection, ETags, the filter parser) is unchanged; this class only maps:
 *
 * | SCIM                        | host_users                                            |
 * |-----------------------------|-------------------------------------------------------|
 * | id                          | scim_id (the id ScimModule chose; = id for a row SCIM created) |
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
 * filtered here (400 invalidFilter).
 *
 * Host policies:
 * - **Linking**: a POST whose email belongs to a host account no IdP manages
 *   (`scim_tenant_id` NULL) links that account only when the tenant's link policy is
 *   `verified-email` (`NewResource.linkByVerifiedEmail`) and the account's email is verified;
 *   otherwise it is 409 uniqueness, saying why. A linked account keeps its host `id`; its
 *   SCIM id is the new id ScimModule chose, kept in `scim_id`.
 * - **DELETE** deactivates and unlinks (the host keeps its data; `scim_id` stays until a new
 *   link replaces it, so that the module's follow-up removal from teams finds the account).
 * - Passwords are not stored (the host signs in through its IdP).
 * - A changed email loses `email_verified`.
 *
 * Every write records its change event with the library's `appendEvents` in the
 * same transaction, so the module's listeners and webhooks see host changes too.
 */
@Injectable()
export class HostUserRepository implements UserRepository {
  private readonly dialect: SqlDialect;
  private readonly rt: ResourceTypeDefinition;

  constructor(
    private readonly ds: DataSource,
    @Inject(SCHEMA_REGISTRY) private readonly registry: SchemaRegistry,
    @Inject(OUTBOX_SIGNAL) private readonly signal: OutboxSignal,
  ) {
    this.dialect = dialectOf(ds);
    this.rt = registry.resourceType('User');
  }

  async findById(tenantId: string, id: string): Promise<StoredResource | null> {
    const row = await read(this.ds, (m) =>
      this.rowBy(m, 'u.scim_id = ? AND u.scim_tenant_id = ?', [id, tenantId]),
    );
    // exact match only (MySQL's _ci collation would also match another letter case)
    return row && row.scimId === id ? toStored(row) : null;
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
    return read(this.ds, async (m) => {
      const total =
        q.withTotal === false
          ? undefined
          : Number(
              (
                (await m.query(
                  `SELECT COUNT(*) AS n FROM host_users u WHERE ${where}`,
                  params,
                )) as Array<{
                  n: number | string;
                }>
              )[0].n,
            );
      if (q.count === 0 || total === 0 || (total !== undefined && q.startIndex > total)) {
        return { total, items: [] };
      }
      const rows = (await m.query(
        `SELECT ${COLUMNS} FROM host_users u WHERE ${where} ORDER BY ${order} LIMIT ? OFFSET ?`,
        [...params, q.count, q.startIndex - 1],
      )) as RawRow[];
      return { total, items: rows.map((r) => toStored(fromRaw(r))) };
    });
  }

  async create(tenantId: string, user: NewResource, events?: WriteEvents): Promise<StoredResource> {
    const columns = toColumns(user.resource);
    const emails = candidateEmails(user.resource, columns.email);
    return this.write(columns.email, async (qr) => {
      const m = qr.manager;
      const unlinked = (
        (await m.query(
          `SELECT ${COLUMNS} FROM host_users u
           WHERE u.scim_tenant_id IS NULL AND u.email IN (${placeholders(emails.length)})`,
          emails,
        )) as RawRow[]
      ).map(fromRaw);
      let stored: HostUser;
      if (unlinked.length) {
        // an account of the host that no IdP manages: linked under the tenant's policy, or 409
        const target = linkTarget(unlinked, emails, user.linkByVerifiedEmail === true);
        if (
          !(await this.writeColumns(
            qr,
            columns,
            user.created,
            'u.id = ? AND u.scim_tenant_id IS NULL AND u.version = ?',
            [target.id, target.version],
            { scimId: user.id, tenantId },
          ))
        ) {
          throw ScimError.uniqueness(
            `The account for "${target.email}" was linked or changed concurrently: retry`,
          );
        }
        stored = (await this.rowBy(m, 'u.id = ?', [target.id]))!;
      } else {
        await m.getRepository(HostUser).insert({
          id: user.id,
          scimId: user.id,
          ...columns,
          scimTenantId: tenantId,
          version: 1,
          createdAt: new Date(user.created),
          updatedAt: new Date(user.created),
        });
        stored = (await this.rowBy(m, 'u.id = ?', [user.id]))!;
      }
      await appendEvents(
        qr,
        documentEvent(events, {
          tenantId,
          resourceType: 'User',
          resourceId: user.id,
          version: stored.version,
        }),
      );
      return toStored(stored);
    });
  }

  async update(
    tenantId: string,
    id: string,
    u: ResourceUpdate,
    events?: WriteEvents,
  ): Promise<StoredResource> {
    const columns = toColumns(u.resource);
    return this.write(columns.email, async (qr) => {
      const m = qr.manager;
      const done = await this.writeColumns(
        qr,
        columns,
        u.lastModified,
        'u.scim_id = ? AND u.scim_tenant_id = ? AND u.version = ?',
        [id, tenantId, u.expectedVersion],
      );
      if (!done) {
        if (!(await this.rowBy(m, 'u.scim_id = ? AND u.scim_tenant_id = ?', [id, tenantId]))) {
          throw ScimError.notFound(`User ${id} not found`);
        }
        throw ScimError.preconditionFailed(`User ${id} was modified concurrently`);
      }
      const version = u.expectedVersion + 1;
      await appendEvents(
        qr,
        documentEvent(events, { tenantId, resourceType: 'User', resourceId: id, version }),
      );
      return toStored((await this.rowBy(m, 'u.scim_id = ?', [id]))!);
    });
  }

  /**
   * The host keeps its users' data: the account is deactivated and no longer provisioned
   * (whatever the tenant's deprovisioning mode: `soft` is this policy already).
   */
  async delete(
    tenantId: string,
    id: string,
    _soft?: { at: string },
    events?: WriteEvents,
  ): Promise<boolean> {
    const at = events?.origin.at ?? new Date().toISOString();
    return transaction(this.ds, this.signal, async (qr) => {
      const row = await this.rowBy(qr.manager, 'u.scim_id = ? AND u.scim_tenant_id = ?', [
        id,
        tenantId,
      ]);
      if (!row) {
        return false;
      }
      const res = await qr.query(
        `UPDATE host_users SET is_active = 0, scim_tenant_id = NULL, scim_external_id = NULL,
           scim_attributes = NULL, version = version + 1, updated_at = ?
         WHERE id = ? AND version = ?`,
        [sqlTime(at), row.id, row.version],
        true,
      );
      if (affected(res) !== 1) {
        throw ScimError.preconditionFailed(`User ${id} was modified concurrently`);
      }
      await appendEvents(
        qr,
        documentEvent(events, {
          tenantId,
          resourceType: 'User',
          resourceId: id,
          version: row.version + 1,
        }),
      );
      return true;
    });
  }

  /**
   * The unlinked-users report (admin API / CLI): host accounts no IdP manages, by id.
   * This host is one organisation, so the report is the same for each of its tenants (IdP
   * connections); a multi-organisation host would add its organisation column here.
   */
  async listUnlinked(
    _tenantId: string,
    page: { offset: number; limit: number },
  ): Promise<UnlinkedUserPage> {
    return read(this.ds, async (m) => {
      const [{ n }] = (await m.query(
        'SELECT COUNT(*) AS n FROM host_users u WHERE u.scim_tenant_id IS NULL',
      )) as Array<{
        n: number | string;
      }>;
      const rows = (await m.query(
        `SELECT u.id, u.email, u.full_name, u.created_at FROM host_users u
         WHERE u.scim_tenant_id IS NULL ORDER BY u.id LIMIT ? OFFSET ?`,
        [page.limit, page.offset],
      )) as Array<Pick<RawRow, 'id' | 'email' | 'full_name' | 'created_at'>>;
      return {
        total: Number(n),
        items: rows.map((r) => ({
          hostId: r.id,
          email: r.email,
          ...(r.full_name !== null ? { displayName: r.full_name } : {}),
          createdAt: toDate(r.created_at).toISOString(),
        })),
      };
    });
  }

  private async rowBy(
    m: EntityManager,
    where: string,
    params: unknown[],
  ): Promise<HostUser | null> {
    const rows = (await m.query(
      `SELECT ${COLUMNS} FROM host_users u WHERE ${where}`,
      params,
    )) as RawRow[];
    return rows.length ? fromRaw(rows[0]) : null;
  }

  /**
   * One UPDATE of the columns SCIM owns, guarded by `where` (the version check); `link` also
   * sets the SCIM id and tenant. A changed email loses its verification: `email = ?` is read
   * before `email` is assigned (MySQL evaluates SET left to right, SQLite on the old row).
   */
  private async writeColumns(
    qr: QueryRunner,
    c: UserColumns,
    at: string,
    where: string,
    params: unknown[],
    link?: { scimId: string; tenantId: string },
  ): Promise<boolean> {
    const res = await qr.query(
      `UPDATE host_users AS u SET
         email_verified = CASE WHEN u.email = ? THEN u.email_verified ELSE 0 END,
         email = ?, full_name = ?, is_active = ?, scim_external_id = ?, scim_attributes = ?,
         ${link ? 'scim_id = ?, scim_tenant_id = ?, ' : ''}version = version + 1, updated_at = ?
       WHERE ${where}`,
      [
        c.email,
        c.email,
        c.fullName,
        c.isActive ? 1 : 0,
        c.scimExternalId,
        c.scimAttributes,
        ...(link ? [link.scimId, link.tenantId] : []),
        sqlTime(at),
        ...params,
      ],
      true,
    );
    return affected(res) === 1;
  }

  /**
   * One write in the module's transaction queue (SQLite has one connection). A taken email is
   * 409 uniqueness, saying whether an account no IdP manages holds it.
   */
  private async write<T>(email: string, fn: (qr: QueryRunner) => Promise<T>): Promise<T> {
    try {
      return await transaction(this.ds, this.signal, fn);
    } catch (e) {
      if (!isUniqueViolation(e)) {
        throw e;
      }
      const holder = await read(this.ds, (m) => this.rowBy(m, 'u.email = ?', [email]));
      throw holder && holder.scimTenantId === null
        ? ScimError.uniqueness(unlinkedDetail(email, 'off'))
        : ScimError.uniqueness(`userName "${email}" is already in use`);
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
      mysql
        ? { expr: `(${col} COLLATE utf8mb4_bin)`, keyExpr: col, keyLength: MAX_LENGTH }
        : { expr: col };
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
            return exactColumn('u.scim_id');
          case 'externalId':
            return exactColumn('u.scim_external_id');
          case 'userName':
            // caseExact false: compared lower-cased; on MySQL the _ci column's index serves `eq`
            return mysql
              ? { expr: 'u.email', keyExpr: 'u.email', keyLength: MAX_LENGTH }
              : { expr: 'u.email' };
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
  for (const [label, v] of [
    ['displayName', fullName],
    ['externalId', externalId],
  ] as const) {
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

/**
 * The addresses a new user may be linked by: its primary email first, its other emails, then
 * its userName (this host's userName is an email); each once, case-insensitively.
 */
function candidateEmails(resource: ScimJson, userName: string): string[] {
  const emails = Array.isArray(resource.emails)
    ? (resource.emails as Array<{ value?: unknown; primary?: unknown }>)
    : [];
  const ordered = [
    ...emails.filter((e) => e?.primary === true),
    ...emails.filter((e) => e?.primary !== true),
  ].map((e) => e?.value);
  const seen = new Set<string>();
  const out: string[] = [];
  for (const v of [...ordered, userName]) {
    if (
      typeof v === 'string' &&
      EMAIL.test(v) &&
      v.length <= MAX_LENGTH &&
      !seen.has(v.toLowerCase())
    ) {
      seen.add(v.toLowerCase());
      out.push(v);
    }
  }
  return out;
}

/**
 * The account a new user links to, or the 409 that explains why none does. Linking needs the
 * tenant's `verified-email` policy and exactly one matching account with a verified email; when
 * several match, the one with the user's first address (primary email) wins; otherwise an
 * administrator links by hand.
 */
function linkTarget(unlinked: HostUser[], emails: string[], policy: boolean): HostUser {
  const addresses = unlinked.map((u) => u.email).join(', ');
  if (!policy) {
    throw ScimError.uniqueness(unlinkedDetail(addresses, 'off'));
  }
  const verified = unlinked.filter((u) => u.emailVerified);
  if (!verified.length) {
    throw ScimError.uniqueness(unlinkedDetail(addresses, 'unverified'));
  }
  const first = verified.find((u) => u.email.toLowerCase() === emails[0].toLowerCase());
  if (first) {
    return first;
  }
  if (verified.length > 1) {
    throw ScimError.uniqueness(
      `The user's emails match several accounts of this application that no IdP manages ` +
        `(${addresses}); none is linked automatically. An administrator must resolve it.`,
    );
  }
  return verified[0];
}

function unlinkedDetail(addresses: string, why: 'off' | 'unverified'): string {
  const base = `"${addresses}" belongs to an existing account of this application that no IdP manages`;
  return why === 'off'
    ? `${base}. An administrator can let this tenant link such accounts by verified email ` +
        '(link policy "verified-email"); until then this user cannot be provisioned.'
    : `${base}, and its email is not verified, so it is not linked (the tenant's link policy ` +
        'links verified emails only). The account owner can verify the email, then retry.';
}

/** The SCIM view of a row: the JSON document with the columns laid over it (they are the truth). */
function toStored(row: HostUser): StoredResource {
  const doc = (
    row.scimAttributes ? JSON.parse(row.scimAttributes) : { schemas: [USER_SCHEMA_ID] }
  ) as ScimJson;
  doc.userName = row.email;
  doc.active = row.isActive;
  setOrDelete(doc, 'externalId', row.scimExternalId);
  setOrDelete(doc, 'displayName', row.fullName);
  return {
    id: row.scimId ?? row.id,
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
    scimId: r.scim_id,
    email: r.email,
    emailVerified: isTrue(r.email_verified),
    isOwner: isTrue(r.is_owner),
    fullName: r.full_name,
    isActive: isTrue(r.is_active),
    scimTenantId: r.scim_tenant_id,
    scimExternalId: r.scim_external_id,
    scimAttributes: r.scim_attributes,
    version: Number(r.version),
    createdAt: toDate(r.created_at),
    updatedAt: toDate(r.updated_at),
  });
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
