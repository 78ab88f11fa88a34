import { Inject, Injectable } from '@nestjs/common';
import { DataSource, QueryRunner } from 'typeorm';
import {
  Adoption,
  AdoptedRow,
  NewResource,
  OUTBOX_SIGNAL,
  OutboxSignal,
  ResourceRow,
  SCHEMA_REGISTRY,
  SchemaRegistry,
  ScimError,
  ScimJson,
  SqlFragment,
  SqlResourceStore,
  TableDescriptor,
  UnlinkedUserPage,
  UserRepository,
  readCommitted,
} from '../scim-nest';

const EMAIL = /^[^\s@]+@[^\s@]+$/;
const MAX_LENGTH = 255;

/**
 * SCIM Users in the host's own `host_users` table. The library's SQL store does the rest
 * (filters in SQL, sorting, paging, ETags, uniqueness, change events in the write's
 * transaction); the columns are the truth, so a change the host makes shows in SCIM reads.
 *
 * | SCIM                                  | host_users                                    |
 * |---------------------------------------|-----------------------------------------------|
 * | id                                    | scim_id (the id ScimModule chose; = id for a row SCIM created) |
 * | userName (an email address)           | email (unique, case-insensitively)            |
 * | displayName (else name.formatted)     | full_name                                     |
 * | active / externalId                   | is_active / scim_external_id                  |
 * | everything else, extensions           | scim_attributes (JSON document)               |
 * | meta.version / created / lastModified | version / created_at / updated_at (datetime(3), timestamptz(3)) |
 *
 * Booleans are written TRUE / FALSE in SQL, which SQLite (1 / 0), MySQL and PostgreSQL all take.
 */
export const HOST_USERS: TableDescriptor = {
  resourceType: 'User',
  table: 'host_users',
  keys: {
    seq: null, // no auto-increment key: creation order is (created_at, id), cursors are 400
    row: 'id',
    id: 'scim_id',
    tenant: 'scim_tenant_id', // NULL: an account no IdP manages, invisible to SCIM
    document: 'scim_attributes',
    created: 'created_at',
    modified: 'updated_at',
  },
  times: 'datetime',
  collation: 'case-insensitive',
  readColumns: true,
  columns: [
    { attribute: 'userName', column: 'email', type: 'string', maxLength: MAX_LENGTH, required: true, unique: 'table' },
    { attribute: 'displayName', column: 'full_name', fallback: 'name.formatted', type: 'string', maxLength: MAX_LENGTH },
    { attribute: 'active', column: 'is_active', type: 'boolean', whenAbsent: true },
    { attribute: 'externalId', column: 'scim_external_id', type: 'string', maxLength: MAX_LENGTH },
  ],
};

/** an account no IdP manages, as the link look-up reads it */
type UnlinkedRow = AdoptedRow & { email: string; email_verified: unknown };

/**
 * The host's policies, as the store's hooks:
 * - userName is the account's email address (`check`).
 * - **Linking** (`adopt`): a POST whose email belongs to a host account no IdP manages links
 *   that account only when the tenant's link policy is `verified-email`
 *   (`NewResource.linkByVerifiedEmail`) and the account's email is verified; otherwise 409
 *   uniqueness, saying why. A linked account keeps its host `id`; its SCIM id is the new id.
 * - A changed email loses `email_verified` (`assignments`).
 * - **DELETE** deactivates and unlinks (`removeRow`): the host keeps its data; `scim_id` stays
 *   until a new link replaces it, so the module's follow-up removal from teams finds it.
 * - Passwords are not stored (the host signs in through its IdP).
 */
@Injectable()
export class HostUserRepository extends SqlResourceStore implements UserRepository {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(SCHEMA_REGISTRY) registry: SchemaRegistry,
    @Inject(OUTBOX_SIGNAL) signal: OutboxSignal,
  ) {
    super(dataSource, registry, HOST_USERS, signal);
  }

  protected override check(resource: ScimJson): void {
    const userName = String(resource.userName ?? '');
    if (!EMAIL.test(userName) || userName.length > MAX_LENGTH) {
      throw ScimError.invalidValue(
        `userName "${userName}" must be an email address of at most ${MAX_LENGTH} characters (it is the account's email)`,
      );
    }
  }

  protected override async adopt(qr: QueryRunner, _tenantId: string, user: NewResource): Promise<Adoption | undefined> {
    const emails = candidateEmails(user.resource);
    const unlinked = (await qr.query(
      `SELECT r.id AS row_key, r.scim_id AS id, r.version, r.scim_attributes AS doc, r.created_at AS created,
         r.email, r.email_verified
       FROM host_users r WHERE r.scim_tenant_id IS NULL AND r.email IN (${emails.map(() => '?').join(', ')})`,
      emails,
    )) as UnlinkedRow[];
    return unlinked.length
      ? { row: linkTarget(unlinked, emails, user.linkByVerifiedEmail === true), restore: false }
      : undefined;
  }

  /** `email = ?` is read before `email` is assigned (MySQL assigns left to right). */
  protected override assignments(resource: ScimJson): SqlFragment[] {
    return [{ sql: 'email_verified = CASE WHEN email = ? THEN email_verified ELSE FALSE END', params: [resource.userName] }];
  }

  /** Whatever the tenant's deprovisioning mode: `soft` is this policy already. */
  protected override async removeRow(qr: QueryRunner, row: ResourceRow, _soft: unknown, at: string): Promise<number> {
    const res = (await qr.query(
      `UPDATE host_users SET is_active = FALSE, scim_tenant_id = NULL, scim_external_id = NULL, scim_attributes = NULL,
         version = version + 1, updated_at = ?
       WHERE id = ? AND version = ?`,
      [this.q.time(at), row.row_key, row.version],
      true,
    )) as { affected?: number };
    if (res.affected !== 1) {
      throw ScimError.preconditionFailed(`User ${row.id} was modified concurrently`);
    }
    return Number(row.version) + 1;
  }

  /**
   * The unlinked-users report (admin API / CLI): host accounts no IdP manages, by id. This
   * host is one organisation, so the report is the same for each of its tenants (IdP
   * connections); a multi-organisation host would add its organisation column here.
   */
  listUnlinked(_tenantId: string, page: { offset: number; limit: number }): Promise<UnlinkedUserPage> {
    return readCommitted(this.dataSource, async (sql) => {
      const [{ n }] = (await sql.query('SELECT COUNT(*) AS n FROM host_users WHERE scim_tenant_id IS NULL')) as {
        n: number | string;
      }[];
      const rows = (await sql.query(
        `SELECT id, email, full_name, created_at FROM host_users WHERE scim_tenant_id IS NULL
         ORDER BY id LIMIT ? OFFSET ?`,
        [page.limit, page.offset],
      )) as { id: string; email: string; full_name: string | null; created_at: Date | string }[];
      return {
        total: Number(n),
        items: rows.map((r) => ({
          hostId: r.id,
          email: r.email,
          ...(r.full_name !== null ? { displayName: r.full_name } : {}),
          createdAt: this.q.iso(r.created_at),
        })),
      };
    });
  }
}

/**
 * The addresses a new user may be linked by: its primary email first, its other emails, then
 * its userName (this host's userName is an email); each once, case-insensitively.
 */
function candidateEmails(resource: ScimJson): string[] {
  const emails = Array.isArray(resource.emails) ? (resource.emails as { value?: unknown; primary?: unknown }[]) : [];
  const ordered = [...emails.filter((e) => e?.primary === true), ...emails.filter((e) => e?.primary !== true)];
  const seen = new Set<string>();
  const out: string[] = [];
  for (const v of [...ordered.map((e) => e?.value), resource.userName]) {
    if (typeof v === 'string' && EMAIL.test(v) && v.length <= MAX_LENGTH && !seen.has(v.toLowerCase())) {
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
function linkTarget(unlinked: UnlinkedRow[], emails: string[], policy: boolean): UnlinkedRow {
  const addresses = unlinked.map((u) => u.email).join(', ');
  const base = `"${addresses}" belongs to an existing account of this application that no IdP manages`;
  if (!policy) {
    throw ScimError.uniqueness(
      `${base}. An administrator can let this tenant link such accounts by verified email ` +
        '(link policy "verified-email"); until then this user cannot be provisioned.',
    );
  }
  const verified = unlinked.filter((u) => u.email_verified === true || Number(u.email_verified) === 1);
  if (!verified.length) {
    throw ScimError.uniqueness(
      `${base}, and its email is not verified, so it is not linked (the tenant's link policy ` +
        'links verified emails only). The account owner can verify the email, then retry.',
    );
  }
  const first = verified.find((u) => u.email.toLowerCase() === emails[0].toLowerCase());
  if (first || verified.length === 1) {
    return first ?? verified[0];
  }
  throw ScimError.uniqueness(
    `The user's emails match several accounts of this application that no IdP manages ` +
      `(${addresses}); none is linked automatically. An administrator must resolve it.`,
  );
}
