import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  MemberColumns,
  OUTBOX_SIGNAL,
  OutboxSignal,
  SCHEMA_REGISTRY,
  SchemaRegistry,
  ScimJson,
  ScimRoles,
  SqlGroupStore,
  TableDescriptor,
} from '../scim-nest';
import { FALLBACK_PERMISSION } from './host-roles';
import { HOST_USERS } from './host-user.repository';

/**
 * SCIM Groups as the host's own teams: `host_teams` (one row per team, no JSON document) and
 * `host_team_members` (team_id, user_id = host_users.id, permission, added_at).
 *
 * | SCIM                                  | host tables                                   |
 * |---------------------------------------|-----------------------------------------------|
 * | id                                    | host_teams.id (the id ScimModule chose)       |
 * | displayName                           | host_teams.name (unique per tenant, case-insensitively) |
 * | externalId                            | host_teams.scim_external_id                   |
 * | members.value                         | host_users.scim_id of a host_team_members row |
 * | members.display                       | host_users.full_name, else email              |
 * | meta.version / created / lastModified | version / created_at / updated_at (datetime(3), timestamptz(3)) |
 *
 * The library's group store reads it: **people only** (no type column, so a Group member is
 * 400: the host has no nested teams), and **what SCIM sees** is the tenant's teams
 * (`scim_tenant_id`) and, in them, members that are users of the tenant (`byRow`: the member
 * column holds the host's user id); teams and members the host manages itself (the founder in
 * a team, say) are invisible to SCIM, and a replace of all members leaves them alone.
 */
export const HOST_TEAMS: TableDescriptor = {
  resourceType: 'Group',
  table: 'host_teams',
  keys: { seq: null, tenant: 'scim_tenant_id', document: null, created: 'created_at', modified: 'updated_at' },
  times: 'datetime',
  collation: 'case-insensitive',
  columns: [
    { attribute: 'displayName', column: 'name', type: 'string', maxLength: 255, required: true, unique: true },
    { attribute: 'externalId', column: 'scim_external_id', type: 'string', maxLength: 255 },
  ],
  notInDocument: ['members'],
  members: { table: 'host_team_members', group: 'team_id', member: 'user_id', byRow: true },
};

/**
 * The host's policy is the **permission** of a member SCIM adds: the tenant's role for the
 * team's name (ScimRoles.roleForGroup: its group-to-role mapping, else its default role), else
 * `member`. SCIM never rewrites the permission of an existing member: neither when the
 * tenant's mapping changes nor when the team is renamed (the host may recompute it with
 * ScimRoles.roleOf, e.g. from a change-event listener).
 */
@Injectable()
export class HostTeamRepository extends SqlGroupStore {
  constructor(
    ds: DataSource,
    @Inject(SCHEMA_REGISTRY) registry: SchemaRegistry,
    private readonly roles: ScimRoles,
    @Inject(OUTBOX_SIGNAL) signal: OutboxSignal,
  ) {
    super(ds, registry, HOST_TEAMS, HOST_USERS, signal);
  }

  /** the team's name as the write leaves it (the new one when renamed) gives the permission */
  protected override async memberColumns(
    tenantId: string,
    team: () => Promise<ScimJson>,
    at: string,
  ): Promise<MemberColumns> {
    const role = await this.roles.roleForGroup(tenantId, String((await team()).displayName));
    return { permission: role ?? FALLBACK_PERMISSION, added_at: this.time(at) };
  }
}
