import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import {
  ColumnRef,
  FilterSqlTarget,
  GROUP_SCHEMA_ID,
  GroupOfMember,
  GroupRepository,
  GroupUpdate,
  MemberDelta,
  MemberPage,
  MemberRef,
  MemberType,
  MemberView,
  MultiValuedRef,
  NewChangeEvent,
  NewGroup,
  ResourcePage,
  ResourceQuery,
  OUTBOX_SIGNAL,
  OutboxSignal,
  ResourceTypeDefinition,
  SCHEMA_REGISTRY,
  SchemaRegistry,
  ScimError,
  ScimJson,
  ScimRoles,
  SqlDialect,
  StoredResource,
  WriteEvents,
  appendEvents,
  compileFilter,
  dialectOf,
  documentEvent,
  membershipEvents,
  parseAttrPath,
} from '../scim-nest';
import { FALLBACK_PERMISSION } from './host-roles';
import {
  Sql,
  affected,
  chunks,
  isUniqueViolation,
  placeholders,
  read,
  sqlTime,
  toDate,
  transaction,
} from './host-sql';

const MAX_LENGTH = 255;
/** host_users.scim_id and host_teams.id are varchar(36) */
const MAX_ID_LENGTH = 36;
/** rows per multi-row INSERT into host_team_members (4 binds each) */
const INSERT_CHUNK = 200;
const TEAM_COLUMNS = 't.id, t.name, t.scim_external_id, t.version, t.created_at, t.updated_at';

interface TeamRow {
  id: string;
  name: string;
  scim_external_id: string | null;
  version: number | string;
  created_at: Date | string;
  updated_at: Date | string;
}

interface MemberRow {
  team_id: string;
  user_id: string;
  scim_id: string;
  full_name: string | null;
  email: string;
}

/** SELECT list of a membership joined with its user (host id, SCIM id, what `display` shows) */
const MEMBER_COLUMNS = 'm.team_id, m.user_id, mu.scim_id, mu.full_name, mu.email';
const MEMBER_FROM = 'host_team_members m JOIN host_users mu ON mu.id = m.user_id';

/** a delta whose member refs are checked: people only, each once */
interface TeamDelta {
  readonly replaceAll?: readonly string[];
  readonly add: readonly string[];
  readonly remove: readonly string[];
  readonly removeAll: boolean;
}

/**
 * SCIM Groups stored as the host's own teams: `host_teams` (one row per team) and
 * `host_team_members` (team_id, user_id = host_users.id, permission, added_at).
 *
 * | SCIM                        | host tables                                        |
 * |-----------------------------|----------------------------------------------------|
 * | id                          | host_teams.id (the id ScimModule chose)            |
 * | displayName                 | host_teams.name (unique per tenant, case-insensitively) |
 * | externalId                  | host_teams.scim_external_id                        |
 * | members.value               | host_users.scim_id of a host_team_members row      |
 * | members.display             | host_users.full_name, else email                   |
 * | meta.version / created / lastModified | version / created_at / updated_at        |
 *
 * Host policies:
 * - **People only.** A team's members are users; a Group member is 400 invalidValue (the
 *   host has no nested teams).
 * - **Permission.** A member SCIM adds gets `permission` = the tenant's role for the team's
 *   name (ScimRoles.roleForGroup: its group-to-role mapping, else its default role), else
 *   `member`. SCIM never rewrites the permission of an existing member: neither when the
 *   tenant's mapping changes nor when the team is renamed (the host may recompute it with
 *   ScimRoles.roleOf, e.g. from a change-event listener).
 * - **What SCIM sees.** Only teams of the tenant (`scim_tenant_id`) and, in them, members
 *   that are users of the tenant. Teams and members the host manages itself (the founder in a
 *   team, say) are invisible to SCIM: a replace of all members leaves them alone.
 *
 * Membership changes are set operations that cost the members changed (INSERT IGNORE, DELETE
 * ... IN, under the team's row lock), never a read of the whole team; only a replace of all
 * members reads the team's SCIM members (to know which to remove). Every write records its
 * change events with `appendEvents` in the same transaction: the document event plus
 * members-removed / members-added with the ids that really changed.
 */
@Injectable()
export class HostTeamRepository implements GroupRepository {
  private readonly dialect: SqlDialect;
  private readonly rt: ResourceTypeDefinition;

  constructor(
    private readonly ds: DataSource,
    @Inject(SCHEMA_REGISTRY) private readonly registry: SchemaRegistry,
    // the tenant's group-to-role mapping: the permission a new member gets
    private readonly roles: ScimRoles,
    @Inject(OUTBOX_SIGNAL) private readonly signal: OutboxSignal,
  ) {
    this.dialect = dialectOf(ds);
    this.rt = registry.resourceType('Group');
  }

  async findById(
    tenantId: string,
    id: string,
    withMembers: boolean,
  ): Promise<StoredResource | null> {
    return read(this.ds, async (m) => {
      const row = await this.teamRow(m, tenantId, id);
      if (!row) {
        return null;
      }
      return toStored(
        tenantId,
        row,
        withMembers ? await this.loadMembers(m, tenantId, [row.id]) : undefined,
      );
    });
  }

  async search(tenantId: string, q: ResourceQuery, withMembers: boolean): Promise<ResourcePage> {
    if (q.keyset) {
      throw ScimError.invalidValue(
        'Cursor paging is not supported for Groups on this server: page with startIndex and count',
      );
    }
    const filter = q.filter ? compileFilter(q.filter, this.target(tenantId)) : undefined;
    const where = `t.scim_tenant_id = ?${filter ? ` AND ${filter.sql}` : ''}`;
    const params = [tenantId, ...(filter?.params ?? [])];
    const order = this.orderBy(q);
    return read(this.ds, async (m) => {
      const total =
        q.withTotal === false
          ? undefined
          : Number(
              (
                (await m.query(
                  `SELECT COUNT(*) AS n FROM host_teams t WHERE ${where}`,
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
        `SELECT ${TEAM_COLUMNS} FROM host_teams t WHERE ${where} ORDER BY ${order} LIMIT ? OFFSET ?`,
        [...params, q.count, Math.max(0, q.startIndex - 1)],
      )) as TeamRow[];
      // the members of the whole page in one query (no N+1)
      const members = withMembers
        ? await this.loadMembers(
            m,
            tenantId,
            rows.map((r) => r.id),
          )
        : undefined;
      return { total, items: rows.map((r) => toStored(tenantId, r, members)) };
    });
  }

  async create(tenantId: string, group: NewGroup, events?: WriteEvents): Promise<StoredResource> {
    const cols = teamColumns(group.resource);
    const members = peopleOnly(group.members);
    // the tenant's rules are read before the transaction, which then stays short
    const permission = members.length ? await this.permissionFor(tenantId, cols.name) : undefined;
    return this.write(cols.name, async (qr) => {
      await qr.query(
        `INSERT INTO host_teams (id, name, scim_tenant_id, scim_external_id, version, created_at, updated_at)
         VALUES (?, ?, ?, ?, 1, ?, ?)`,
        [
          group.id,
          cols.name,
          tenantId,
          cols.externalId,
          sqlTime(group.created),
          sqlTime(group.created),
        ],
      );
      const added = await this.addMembers(
        qr,
        tenantId,
        group.id,
        permission,
        members,
        group.created,
      );
      await appendEvents(qr, [
        ...documentEvent(events, {
          tenantId,
          resourceType: 'Group',
          resourceId: group.id,
          version: 1,
        }),
        ...membershipEvents(events, { tenantId, groupId: group.id, version: 1 }, [], added),
      ]);
      return toStored(tenantId, {
        id: group.id,
        name: cols.name,
        scim_external_id: cols.externalId,
        version: 1,
        created_at: group.created,
        updated_at: group.created,
      });
    });
  }

  async update(
    tenantId: string,
    id: string,
    u: GroupUpdate,
    events?: WriteEvents,
  ): Promise<StoredResource> {
    if (u.resource !== undefined && u.expectedVersion === undefined) {
      throw new Error('GroupUpdate: a document change needs expectedVersion');
    }
    const cols = u.resource !== undefined ? teamColumns(u.resource) : undefined;
    const delta = u.members ? checkDelta(u.members) : undefined;
    // the permission new members get: from the team's name (the new one when renamed)
    const adds =
      delta !== undefined && (delta.add.length > 0 || (delta.replaceAll?.length ?? 0) > 0);
    const roleName = adds ? (cols?.name ?? (await this.currentName(tenantId, id))) : undefined;
    const permission =
      roleName !== undefined ? await this.permissionFor(tenantId, roleName) : undefined;
    return this.write(cols?.name ?? '', async (qr) => {
      // the row lock (MySQL) serializes writers of this team; SQLite transactions are queued
      const row = await this.teamRow(qr.manager, tenantId, id, true);
      if (!row) {
        throw ScimError.notFound(`Group ${id} not found`);
      }
      const version = Number(row.version);
      if (!cols && roleName !== undefined && row.name !== roleName) {
        // renamed since the permission was worked out: the service retries on fresh data
        throw ScimError.preconditionFailed(`Group ${id} was renamed concurrently`);
      }
      if (u.expectedVersion !== undefined && version !== u.expectedVersion) {
        throw ScimError.preconditionFailed(
          `Group ${id} was modified concurrently (version ${version}, expected ${u.expectedVersion})`,
        );
      }
      const res = await qr.query(
        `UPDATE host_teams SET ${cols ? 'name = ?, scim_external_id = ?, ' : ''}version = version + 1,
           updated_at = ?
         WHERE id = ? AND version = ?`,
        [...(cols ? [cols.name, cols.externalId] : []), sqlTime(u.lastModified), id, version],
        true,
      );
      if (affected(res) !== 1) {
        throw ScimError.preconditionFailed(`Group ${id} was modified concurrently`);
      }
      const name = cols?.name ?? row.name;
      const changes = delta
        ? await this.applyDelta(qr, tenantId, id, permission, delta, u.lastModified)
        : { removed: [], added: [] };
      await appendEvents(qr, [
        ...documentEvent(events, {
          tenantId,
          resourceType: 'Group',
          resourceId: id,
          version: version + 1,
        }),
        ...membershipEvents(
          events,
          { tenantId, groupId: id, version: version + 1 },
          changes.removed,
          changes.added,
        ),
      ]);
      return toStored(tenantId, {
        ...row,
        name,
        scim_external_id: cols ? cols.externalId : row.scim_external_id,
        version: version + 1,
        updated_at: u.lastModified,
      });
    });
  }

  async delete(tenantId: string, id: string, events?: WriteEvents): Promise<boolean> {
    return transaction(this.ds, this.signal, async (qr) => {
      const row = await this.teamRow(qr.manager, tenantId, id, true);
      if (!row) {
        return false;
      }
      // teams contain no teams: no parent loses a member; the team's own memberships go with it
      await qr.query('DELETE FROM host_team_members WHERE team_id = ?', [id]);
      await qr.query('DELETE FROM host_teams WHERE id = ?', [id]);
      await appendEvents(
        qr,
        documentEvent(events, {
          tenantId,
          resourceType: 'Group',
          resourceId: id,
          version: Number(row.version),
        }),
      );
      return true;
    });
  }

  async listMembers(
    tenantId: string,
    id: string,
    limit: number,
    after?: string,
  ): Promise<MemberPage> {
    if (!Number.isInteger(limit) || limit < 1) {
      throw ScimError.invalidValue(`limit must be a positive integer, not ${limit}`);
    }
    return read(this.ds, async (m) => {
      if (!(await this.teamRow(m, tenantId, id))) {
        throw ScimError.notFound(`Group ${id} not found`);
      }
      // keyset paging on the primary key (team_id, user_id): each page is one range scan; the
      // cursor is the host id of the page's last member
      const rows = (await m.query(
        `SELECT ${MEMBER_COLUMNS} FROM ${MEMBER_FROM}
         WHERE m.team_id = ? AND mu.scim_tenant_id = ?${after !== undefined ? ' AND m.user_id > ?' : ''}
         ORDER BY m.user_id LIMIT ?`,
        [id, tenantId, ...(after !== undefined ? [after] : []), limit + 1],
      )) as MemberRow[];
      const page = rows.slice(0, limit);
      const members = page.map(toMemberView);
      return rows.length > limit ? { members, next: page[page.length - 1].user_id } : { members };
    });
  }

  async resolveMembers(tenantId: string, ids: readonly string[]): Promise<Map<string, MemberType>> {
    const wanted = new Set(ids.filter((i) => typeof i === 'string' && i.length <= MAX_ID_LENGTH));
    const found = new Map<string, MemberType>();
    return read(this.ds, async (m) => {
      for (const chunk of chunks([...wanted])) {
        const marks = placeholders(chunk.length);
        const rows = (await m.query(
          `SELECT u.scim_id AS id, 'User' AS t FROM host_users u WHERE u.scim_tenant_id = ? AND u.scim_id IN (${marks})
           UNION ALL
           SELECT t.id AS id, 'Group' AS t FROM host_teams t WHERE t.scim_tenant_id = ? AND t.id IN (${marks})`,
          [tenantId, ...chunk, tenantId, ...chunk],
        )) as Array<{ id: string; t: MemberType }>;
        for (const r of rows) {
          // exact match only (MySQL's _ci collation would also match another letter case)
          if (wanted.has(r.id)) {
            found.set(r.id, r.t);
          }
        }
      }
      return found;
    });
  }

  /** Teams contain no teams: only a team "containing" itself would loop. */
  wouldCreateCycle(_tenantId: string, groupId: string, memberGroupId: string): Promise<boolean> {
    return Promise.resolve(groupId === memberGroupId);
  }

  async groupsOf(tenantId: string, memberId: string): Promise<GroupOfMember[]> {
    return (await this.groupsOfMany(tenantId, [memberId])).get(memberId) ?? [];
  }

  async groupsOfMany(
    tenantId: string,
    memberIds: readonly string[],
  ): Promise<Map<string, GroupOfMember[]>> {
    const out = new Map<string, GroupOfMember[]>();
    const ids = [...new Set(memberIds)];
    if (!ids.length) {
      return out;
    }
    return read(this.ds, async (m) => {
      for (const chunk of chunks(ids)) {
        // the user's teams through IDX_host_team_members_user; every membership is direct
        const rows = (await m.query(
          `SELECT mu.scim_id, t.id, t.name FROM host_users mu
           JOIN host_team_members m ON m.user_id = mu.id
           JOIN host_teams t ON t.id = m.team_id
           WHERE mu.scim_tenant_id = ? AND mu.scim_id IN (${placeholders(chunk.length)}) AND t.scim_tenant_id = ?
           ORDER BY t.created_at, t.id`,
          [tenantId, ...chunk, tenantId],
        )) as Array<{ scim_id: string; id: string; name: string }>;
        for (const r of rows) {
          const list = out.get(r.scim_id) ?? [];
          list.push({ value: r.id, display: r.name, type: 'direct' });
          out.set(r.scim_id, list);
        }
      }
      return out;
    });
  }

  /**
   * Removes a user from the tenant's teams (called after DELETE /Users). The user may have
   * been unlinked a moment ago (HostUserRepository.delete), so the account is found by its
   * SCIM id alone; the tenant scoping is on the teams.
   */
  async removeMemberEverywhere(
    tenantId: string,
    memberId: string,
    at: string,
    events?: WriteEvents,
  ): Promise<void> {
    await transaction(this.ds, this.signal, async (qr) => {
      const rows = (await qr.query(
        `SELECT t.id, t.version, m.user_id FROM host_users mu
         JOIN host_team_members m ON m.user_id = mu.id
         JOIN host_teams t ON t.id = m.team_id
         WHERE mu.scim_id = ? AND t.scim_tenant_id = ?
         ORDER BY t.id${this.dialect === 'mysql' ? ' FOR UPDATE' : ''}`,
        [memberId, tenantId],
      )) as Array<{ id: string; version: number | string; user_id: string }>;
      if (!rows.length) {
        return;
      }
      const teamIds = rows.map((r) => r.id);
      await qr.query(
        `UPDATE host_teams SET version = version + 1, updated_at = ? WHERE id IN (${placeholders(teamIds.length)})`,
        [sqlTime(at), ...teamIds],
      );
      await qr.query(
        `DELETE FROM host_team_members WHERE user_id = ? AND team_id IN (${placeholders(teamIds.length)})`,
        [rows[0].user_id, ...teamIds],
      );
      const out: NewChangeEvent[] = rows.flatMap((r) =>
        membershipEvents(
          events,
          { tenantId, groupId: r.id, version: Number(r.version) + 1 },
          [memberId],
          [],
        ),
      );
      await appendEvents(qr, out);
    });
  }

  /**
   * The permission a new member of the team named `name` gets: the tenant's role for that
   * group (its mapping, else its default role), else the host's fallback.
   */
  private async permissionFor(tenantId: string, name: string): Promise<string> {
    return (await this.roles.roleForGroup(tenantId, name)) ?? FALLBACK_PERMISSION;
  }

  private async currentName(tenantId: string, id: string): Promise<string> {
    const row = await read(this.ds, (m) => this.teamRow(m, tenantId, id));
    if (!row) {
      throw ScimError.notFound(`Group ${id} not found`);
    }
    return row.name;
  }

  /** The team's row in the tenant (exact id); `lock`: FOR UPDATE on MySQL. */
  private async teamRow(
    m: Sql,
    tenantId: string,
    id: string,
    lock = false,
  ): Promise<TeamRow | undefined> {
    if (typeof id !== 'string' || id.length > MAX_ID_LENGTH) {
      return undefined;
    }
    const rows = (await m.query(
      `SELECT ${TEAM_COLUMNS} FROM host_teams t WHERE t.id = ? AND t.scim_tenant_id = ?${
        lock && this.dialect === 'mysql' ? ' FOR UPDATE' : ''
      }`,
      [id, tenantId],
    )) as TeamRow[];
    return rows.find((r) => r.id === id);
  }

  /**
   * The membership delta as set operations: `replaceAll` reads the team's SCIM members (it
   * must know whom to remove), the rest cost the ids named. Returns the SCIM ids really
   * removed and added.
   */
  private async applyDelta(
    qr: QueryRunner,
    tenantId: string,
    teamId: string,
    permission: string | undefined,
    d: TeamDelta,
    at: string,
  ): Promise<{ removed: string[]; added: string[] }> {
    if (d.replaceAll || d.removeAll) {
      const current = await this.scimMembers(qr, tenantId, teamId);
      const next = new Set(d.replaceAll ?? []);
      const leaving = current.filter((c) => !next.has(c.scim_id));
      await this.deleteMembers(
        qr,
        teamId,
        leaving.map((c) => c.user_id),
      );
      const have = new Set(current.map((c) => c.scim_id));
      const joining = (d.replaceAll ?? []).filter((v) => !have.has(v));
      const added = await this.addMembers(
        qr,
        tenantId,
        teamId,
        permission,
        [...joining, ...d.add],
        at,
      );
      return { removed: leaving.map((c) => c.scim_id), added };
    }
    const removed = await this.removeMembers(qr, tenantId, teamId, d.remove);
    const added = await this.addMembers(qr, tenantId, teamId, permission, d.add, at);
    return { removed, added };
  }

  /** Adds users (SCIM ids) not yet members, with the permission the team gives; returns them. */
  private async addMembers(
    qr: QueryRunner,
    tenantId: string,
    teamId: string,
    permission: string | undefined,
    scimIds: readonly string[],
    at: string,
  ): Promise<string[]> {
    if (!scimIds.length) {
      return [];
    }
    const hostIds = await this.hostIdsOf(qr, tenantId, scimIds);
    const present = new Set<string>();
    for (const chunk of chunks([...hostIds.values()])) {
      const rows = (await qr.query(
        `SELECT m.user_id FROM host_team_members m WHERE m.team_id = ? AND m.user_id IN (${placeholders(chunk.length)})`,
        [teamId, ...chunk],
      )) as Array<{ user_id: string }>;
      rows.forEach((r) => present.add(r.user_id));
    }
    const joining = [...new Set(scimIds)].filter((s) => !present.has(hostIds.get(s)!));
    if (!joining.length) {
      return [];
    }
    if (permission === undefined) {
      throw new Error('HostTeamRepository: members added without a permission');
    }
    const insert = this.dialect === 'mysql' ? 'INSERT IGNORE' : 'INSERT OR IGNORE';
    for (const chunk of chunks(joining, INSERT_CHUNK)) {
      await qr.query(
        `${insert} INTO host_team_members (team_id, user_id, permission, added_at)
         VALUES ${chunk.map(() => '(?, ?, ?, ?)').join(', ')}`,
        chunk.flatMap((s) => [teamId, hostIds.get(s)!, permission, sqlTime(at)]),
      );
    }
    return joining;
  }

  /** Removes the named members (SCIM ids) that are members; returns those. */
  private async removeMembers(
    qr: QueryRunner,
    tenantId: string,
    teamId: string,
    scimIds: readonly string[],
  ): Promise<string[]> {
    const found: MemberRow[] = [];
    for (const chunk of chunks([...new Set(scimIds)])) {
      const rows = (await qr.query(
        `SELECT ${MEMBER_COLUMNS} FROM ${MEMBER_FROM}
         WHERE m.team_id = ? AND mu.scim_tenant_id = ? AND mu.scim_id IN (${placeholders(chunk.length)})`,
        [teamId, tenantId, ...chunk],
      )) as MemberRow[];
      const wanted = new Set(chunk);
      found.push(...rows.filter((r) => wanted.has(r.scim_id)));
    }
    await this.deleteMembers(
      qr,
      teamId,
      found.map((r) => r.user_id),
    );
    return found.map((r) => r.scim_id);
  }

  private async deleteMembers(
    qr: QueryRunner,
    teamId: string,
    hostIds: readonly string[],
  ): Promise<void> {
    for (const chunk of chunks(hostIds)) {
      await qr.query(
        `DELETE FROM host_team_members WHERE team_id = ? AND user_id IN (${placeholders(chunk.length)})`,
        [teamId, ...chunk],
      );
    }
  }

  /** every member of the team that is a SCIM user of the tenant (a replace of all members) */
  private async scimMembers(
    qr: QueryRunner,
    tenantId: string,
    teamId: string,
  ): Promise<MemberRow[]> {
    return (await qr.query(
      `SELECT ${MEMBER_COLUMNS} FROM ${MEMBER_FROM} WHERE m.team_id = ? AND mu.scim_tenant_id = ?`,
      [teamId, tenantId],
    )) as MemberRow[];
  }

  /** SCIM id → host id of users of the tenant; an unknown id is 400 (it vanished since the check) */
  private async hostIdsOf(
    qr: QueryRunner,
    tenantId: string,
    scimIds: readonly string[],
  ): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const chunk of chunks([...new Set(scimIds)])) {
      const rows = (await qr.query(
        `SELECT u.id, u.scim_id FROM host_users u WHERE u.scim_tenant_id = ? AND u.scim_id IN (${placeholders(chunk.length)})`,
        [tenantId, ...chunk],
      )) as Array<{ id: string; scim_id: string }>;
      const wanted = new Set(chunk);
      rows.filter((r) => wanted.has(r.scim_id)).forEach((r) => out.set(r.scim_id, r.id));
    }
    const missing = scimIds.filter((s) => !out.has(s));
    if (missing.length) {
      throw ScimError.invalidValue(
        `members reference unknown ids: ${missing.slice(0, 10).join(', ')}`,
      );
    }
    return out;
  }

  /** Members of the given teams that are SCIM users of the tenant, by team then host id. */
  private async loadMembers(
    m: EntityManager,
    tenantId: string,
    teamIds: readonly string[],
  ): Promise<Map<string, MemberView[]>> {
    const out = new Map<string, MemberView[]>();
    for (const chunk of chunks(teamIds)) {
      const rows = (await m.query(
        `SELECT ${MEMBER_COLUMNS} FROM ${MEMBER_FROM}
         WHERE m.team_id IN (${placeholders(chunk.length)}) AND mu.scim_tenant_id = ?
         ORDER BY m.team_id, m.user_id`,
        [...chunk, tenantId],
      )) as MemberRow[];
      for (const r of rows) {
        const list = out.get(r.team_id) ?? [];
        list.push(toMemberView(r));
        out.set(r.team_id, list);
      }
    }
    return out;
  }

  /** One write in the module's transaction queue; a taken team name is 409 uniqueness. */
  private async write<T>(name: string, fn: (qr: QueryRunner) => Promise<T>): Promise<T> {
    try {
      return await transaction(this.ds, this.signal, fn);
    } catch (e) {
      if (!isUniqueViolation(e)) {
        throw e;
      }
      const msg = e instanceof Error ? e.message : '';
      throw /tenant_name|host_teams\.name/i.test(msg)
        ? ScimError.uniqueness(`displayName "${name}" is already in use in this tenant`)
        : ScimError.uniqueness('A resource with this id already exists');
    }
  }

  /**
   * What the filter compiler reads: host_teams columns, and the members as a child table
   * (value = the user's SCIM id, display = what members.display shows). Anything else is 400.
   */
  private target(tenantId: string): FilterSqlTarget {
    const mysql = this.dialect === 'mysql';
    const exactColumn = (col: string): ColumnRef =>
      mysql
        ? { expr: `(${col} COLLATE utf8mb4_bin)`, keyExpr: col, keyLength: MAX_LENGTH }
        : { expr: col };
    const members: MultiValuedRef = {
      wrap: (cond) => ({
        sql: `EXISTS (SELECT 1 FROM ${MEMBER_FROM} WHERE m.team_id = t.id AND mu.scim_tenant_id = ? AND (${cond.sql}))`,
        params: [tenantId, ...cond.params],
      }),
      column: (sub) => {
        switch (sub.name) {
          case 'value':
            return exactColumn('mu.scim_id');
          case 'type':
            return { expr: "'User'" };
          case 'display':
            return { expr: 'COALESCE(mu.full_name, mu.email)' };
          default:
            return { expr: 'NULL' }; // $ref is never stored: a comparison on it matches nothing
        }
      },
      itemJson: 'NULL',
    };
    return {
      dialect: this.dialect,
      registry: this.registry,
      resourceType: this.rt,
      docJson: 'NULL', // never read: every attribute has a column or is refused
      column: (r) => {
        const name = r.attribute.name;
        if (!r.extension && r.subAttribute === undefined) {
          switch (name) {
            case 'id':
              return exactColumn('t.id');
            case 'externalId':
              return exactColumn('t.scim_external_id');
            case 'displayName':
              // caseExact false: compared lower-cased; on MySQL the _ci column's index serves `eq`
              return mysql
                ? { expr: 't.name', keyExpr: 't.name', keyLength: MAX_LENGTH }
                : { expr: 't.name' };
          }
        }
        throw ScimError.invalidFilter(
          `"${r.subAttribute ? `${name}.${r.subAttribute.name}` : name}" cannot be filtered on this server ` +
            "(its Groups are the host's teams: filter on id, externalId, displayName or members)",
        );
      },
      multiValued: (r) => (!r.extension && r.attribute.name === 'members' ? members : undefined),
    };
  }

  /** RFC 7644 §3.4.2.3 on host_teams: absent values last ascending; ties in creation order. */
  private orderBy(q: ResourceQuery): string {
    const dir = q.sortOrder === 'descending' ? 'DESC' : 'ASC';
    if (!q.sortBy) {
      return `t.created_at ${dir}, t.id ${dir}`;
    }
    const path = parseAttrPath(q.sortBy);
    const resolved = path ? this.registry.resolve(this.rt, path) : undefined;
    if (!resolved) {
      throw ScimError.invalidValue(`sortBy "${q.sortBy}" is not an attribute of Group`);
    }
    const key = resolved.subAttribute
      ? `${resolved.attribute.name}.${resolved.subAttribute.name}`
      : resolved.attribute.name;
    const lower = mysqlOr(this.dialect, 'LOWER(t.name)', 'scim_lower(t.name)');
    const expr = {
      id: 't.id',
      externalId: 't.scim_external_id',
      displayName: lower,
      'meta.created': 't.created_at',
      'meta.lastModified': 't.updated_at',
    }[key];
    if (expr === undefined || resolved.extension) {
      throw ScimError.invalidValue(
        `sortBy "${q.sortBy}" is not supported for Groups on this server`,
      );
    }
    return `(${expr} IS NULL) ${dir}, ${expr} ${dir}, t.created_at ASC, t.id ASC`;
  }
}

function mysqlOr(dialect: SqlDialect, mysql: string, sqlite: string): string {
  return dialect === 'mysql' ? mysql : sqlite;
}

/** displayName (RFC 7643 §4.2: required) and externalId, checked against the column sizes. */
function teamColumns(resource: ScimJson): { name: string; externalId: string | null } {
  const name = resource.displayName;
  if (typeof name !== 'string' || name.trim() === '') {
    throw ScimError.invalidValue('displayName is required');
  }
  const externalId =
    typeof resource.externalId === 'string' && resource.externalId !== ''
      ? resource.externalId
      : null;
  for (const [label, v] of [
    ['displayName', name],
    ['externalId', externalId],
  ] as const) {
    if (v !== null && [...v].length > MAX_LENGTH) {
      throw ScimError.invalidValue(`${label} is longer than ${MAX_LENGTH} characters`);
    }
  }
  return { name, externalId };
}

/** The member ids of refs, each once; a Group member is refused (teams hold people only). */
function peopleOnly(refs: readonly MemberRef[]): string[] {
  const out = new Set<string>();
  for (const r of refs) {
    if (typeof r.value !== 'string' || r.value === '' || r.value.length > MAX_ID_LENGTH) {
      throw ScimError.invalidValue(`"${String(r.value)}" is not a valid member id`);
    }
    if (r.type === 'Group') {
      throw ScimError.invalidValue(
        `member ${r.value} is a group: teams of this application have people as members, not ` +
          'other teams (nested groups are not supported)',
      );
    }
    out.add(r.value);
  }
  return [...out];
}

function checkDelta(d: MemberDelta): TeamDelta {
  return {
    ...(d.replaceAll ? { replaceAll: peopleOnly(d.replaceAll) } : {}),
    add: peopleOnly(d.add),
    // an id that cannot be stored cannot be a member: removing it is a no-op
    remove: [...new Set(d.remove)].filter(
      (v) => typeof v === 'string' && v.length <= MAX_ID_LENGTH,
    ),
    removeAll: d.removeAll,
  };
}

function toMemberView(r: MemberRow): MemberView {
  return { value: r.scim_id, type: 'User', display: r.full_name ?? r.email };
}

function toStored(
  tenantId: string,
  row: TeamRow,
  members?: Map<string, MemberView[]>,
): StoredResource {
  const resource: ScimJson = { schemas: [GROUP_SCHEMA_ID], displayName: row.name };
  if (row.scim_external_id !== null) {
    resource.externalId = row.scim_external_id;
  }
  const list = members?.get(row.id);
  if (list?.length) {
    resource.members = list;
  }
  return {
    id: row.id,
    tenantId,
    resource,
    version: Number(row.version),
    created: toDate(row.created_at).toISOString(),
    lastModified: toDate(row.updated_at).toISOString(),
  };
}
