/**
 * What the admin API and the CLI show of tenants, tokens and events: every
 * setting with its default filled in, never a secret (a tenant says `webhookSecretSet`, a
 * token shows its prefix). The classes are the types and the OpenAPI schemas of the answers.
 */
import { Type } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { StoredCatalogueEntry } from '../core/ports/catalogue';
import { OUTBOX_STATUSES, OutboxBacklog, OutboxRecord } from '../core/ports/change-event';
import { ScimJson } from '../core/ports/resource.types';
import {
  DEPROVISIONING_MODES,
  DeprovisioningMode,
  GROUP_CYCLE_POLICIES,
  GroupCyclePolicy,
  LINK_POLICIES,
  LinkPolicy,
  NOTIFICATION_SETTINGS,
  NotificationSetting,
  RoleMapping,
  TOKEN_POLICIES,
  Tenant,
  TokenPolicy,
} from '../core/ports/tenant.repository';
import { ServiceToken } from '../core/ports/token.repository';
import { UnlinkedUser } from '../core/ports/user.repository';

/** an ISO-8601 UTC time */
const TIME = { type: 'string', format: 'date-time' } as const;
const NULLABLE_TIME = { ...TIME, nullable: true } as const;

export class TenantView {
  @ApiProperty({ type: 'string' })
  readonly id!: string;
  @ApiProperty({ type: 'string' })
  readonly slug!: string;
  @ApiProperty(TIME)
  readonly createdAt!: string;
  /** IdP profile; null = the server default */
  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'IdP profile; null: the server default',
  })
  readonly profile!: string | null;
  @ApiProperty({ type: 'string', enum: [...DEPROVISIONING_MODES] })
  readonly deprovisioning!: DeprovisioningMode;
  @ApiProperty({ type: 'string', enum: [...GROUP_CYCLE_POLICIES] })
  readonly groupCycles!: GroupCyclePolicy;
  @ApiProperty({ type: 'string', nullable: true })
  readonly webhookUrl!: string | null;
  /** the webhook's shared secret is stored (it is never shown) */
  @ApiProperty({
    type: 'boolean',
    description: "the webhook's shared secret is stored (it is never shown)",
  })
  readonly webhookSecretSet!: boolean;
  /** false: every SCIM request of the tenant's tokens is refused with 403 */
  @ApiProperty({
    type: 'boolean',
    description: "false: every SCIM request of the tenant's tokens gets 403",
  })
  readonly scimEnabled!: boolean;
  /** since when SCIM is off; null while it is on */
  @ApiProperty({ ...NULLABLE_TIME, description: 'since when SCIM is off; null while it is on' })
  readonly disabledAt!: string | null;
  @ApiProperty({ type: 'string', enum: [...NOTIFICATION_SETTINGS] })
  readonly notifications!: NotificationSetting;
  @ApiProperty({ type: 'string', nullable: true })
  readonly defaultRole!: string | null;
  @ApiProperty({ type: 'string', enum: [...LINK_POLICIES] })
  readonly linkPolicy!: LinkPolicy;
  /** 'oauth-only': the tenant's static tokens are refused (401 invalid_token) */
  @ApiProperty({ type: 'string', enum: [...TOKEN_POLICIES] })
  readonly tokenPolicy!: TokenPolicy;
  /** IdP profile switches on top of the tokens' profile (`allowRemoveAll=true`); null = none */
  @ApiProperty({
    type: 'string',
    nullable: true,
    description: "IdP profile switches on top of the tokens' profile",
  })
  readonly switches!: string | null;
}

export function tenantView(t: Tenant, webhookSecretSet: boolean): TenantView {
  return {
    id: t.id,
    slug: t.slug,
    createdAt: t.createdAt,
    profile: t.profile ?? null,
    deprovisioning: t.deprovisioning ?? 'hard',
    groupCycles: t.groupCycles ?? 'refuse',
    webhookUrl: t.webhookUrl ?? null,
    webhookSecretSet,
    scimEnabled: !t.disabledAt,
    disabledAt: t.disabledAt ?? null,
    notifications: t.notifications ?? 'on',
    defaultRole: t.defaultRole ?? null,
    linkPolicy: t.linkPolicy ?? 'off',
    tokenPolicy: t.tokenPolicy ?? 'any',
    switches: t.switches ?? null,
  };
}

export class TokenView {
  @ApiProperty({ type: 'string' })
  readonly id!: string;
  @ApiProperty({ type: 'string' })
  readonly tenantId!: string;
  @ApiProperty({ type: 'string' })
  readonly name!: string;
  /** the token's first characters, to recognise it (never enough to use it) */
  @ApiProperty({ type: 'string', description: "the token's first characters, to recognise it" })
  readonly prefix!: string;
  @ApiProperty({ type: 'string', isArray: true })
  readonly scopes!: readonly string[];
  @ApiProperty({ type: 'string', nullable: true })
  readonly profile!: string | null;
  @ApiProperty(TIME)
  readonly createdAt!: string;
  @ApiProperty(NULLABLE_TIME)
  readonly expiresAt!: string | null;
  @ApiProperty(NULLABLE_TIME)
  readonly revokedAt!: string | null;
  @ApiProperty(NULLABLE_TIME)
  readonly lastUsedAt!: string | null;
}

export function tokenView(t: ServiceToken): TokenView {
  return {
    id: t.id,
    tenantId: t.tenantId,
    name: t.name,
    prefix: t.prefix,
    scopes: [...t.scopes],
    profile: t.profile ?? null,
    createdAt: t.createdAt,
    expiresAt: t.expiresAt,
    revokedAt: t.revokedAt,
    lastUsedAt: t.lastUsedAt,
  };
}

/** A new token: its record and, this once, the secret itself. */
export class IssuedTokenView extends TokenView {
  @ApiProperty({
    type: 'string',
    description: 'the secret token, shown this once: only its hash is stored',
  })
  readonly token!: string;
}

export class EventView {
  @ApiProperty({ type: 'string' })
  readonly id!: string;
  @ApiProperty({ type: 'string', description: 'position in the outbox (a decimal integer)' })
  readonly seq!: string;
  @ApiProperty({ type: 'string' })
  readonly tenantId!: string;
  @ApiProperty({ type: 'string', example: 'User' })
  readonly resourceType!: string;
  @ApiProperty({ type: 'string' })
  readonly resourceId!: string;
  @ApiProperty({ type: 'string', example: 'deactivated' })
  readonly operation!: string;
  @ApiProperty({
    type: 'string',
    isArray: true,
    description: 'top-level attribute names whose value changed',
  })
  readonly changed!: readonly string[];
  @ApiPropertyOptional({
    type: 'string',
    isArray: true,
    description: 'members-added / members-removed: the member ids',
  })
  readonly members?: readonly string[];
  @ApiProperty({ type: 'integer' })
  readonly version!: number;
  @ApiProperty({ type: 'string', nullable: true })
  readonly actorTokenId!: string | null;
  @ApiProperty({ type: 'string', nullable: true })
  readonly requestId!: string | null;
  @ApiProperty(TIME)
  readonly occurredAt!: string;
  @ApiProperty({ type: 'string', enum: [...OUTBOX_STATUSES] })
  readonly status!: string;
  @ApiProperty({ type: 'integer' })
  readonly attempts!: number;
  @ApiProperty(TIME)
  readonly nextAttemptAt!: string;
  @ApiProperty({ type: 'string', nullable: true })
  readonly lastError!: string | null;
  @ApiProperty(NULLABLE_TIME)
  readonly finishedAt!: string | null;
}

export function eventView(e: OutboxRecord): EventView {
  return {
    id: e.id,
    seq: e.seq,
    tenantId: e.tenantId,
    resourceType: e.resourceType,
    resourceId: e.resourceId,
    operation: e.operation,
    changed: e.changed,
    ...(e.members ? { members: e.members } : {}),
    version: e.version,
    actorTokenId: e.actorTokenId,
    requestId: e.requestId,
    occurredAt: e.occurredAt,
    status: e.status,
    attempts: e.attempts,
    nextAttemptAt: e.nextAttemptAt,
    lastError: e.lastError,
    finishedAt: e.finishedAt,
  };
}

export interface ListView<T> {
  readonly items: readonly T[];
}

/** The schema of a `{ items: [...] }` answer of `item`s, named `<Item>List`. */
export function listOf<T>(
  item: Type<T>,
  name = `${item.name.replace(/View$/, '')}List`,
): Type<ListView<T>> {
  class List {
    readonly items!: readonly T[];
  }
  ApiProperty({ type: item, isArray: true })(List.prototype, 'items');
  Object.defineProperty(List, 'name', { value: name });
  return List;
}

export class RoleMappingView implements RoleMapping {
  @ApiProperty({
    type: 'string',
    description: 'the IdP group (its displayName, matched case-insensitively)',
  })
  readonly group!: string;
  @ApiProperty({ type: 'string', description: 'the host role its members get' })
  readonly role!: string;
}

/** A page of a tenant's change events. */
export class EventPage {
  /** newest first */
  @ApiProperty({ type: EventView, isArray: true, description: 'newest first' })
  readonly items!: readonly EventView[];
  /** `before` for the next (older) page; null on the last page */
  @ApiProperty({
    type: 'string',
    nullable: true,
    description: '`before` for the next (older) page; null on the last page',
  })
  readonly nextBefore!: string | null;
}

/** The undelivered part of a tenant's outbox. */
export class OutboxBacklogView implements OutboxBacklog {
  @ApiProperty({
    type: 'integer',
    description: 'events not delivered yet (including those waiting for a retry)',
  })
  readonly pending!: number;
  @ApiProperty({ type: 'integer', description: 'events given up' })
  readonly failed!: number;
  @ApiProperty({
    ...NULLABLE_TIME,
    description: 'when the oldest pending event was recorded; null when none is pending',
  })
  readonly oldestPendingAt!: string | null;
}

export class RetriedView {
  @ApiProperty({ type: 'integer', description: 'how many failed events are due again now' })
  readonly retried!: number;
}

export class UnlinkedUserView implements UnlinkedUser {
  @ApiProperty({ type: 'string', description: "the host's own id of the user" })
  readonly hostId!: string;
  @ApiPropertyOptional({ type: 'string' })
  readonly email?: string;
  @ApiPropertyOptional({ type: 'string' })
  readonly displayName?: string;
  @ApiPropertyOptional(TIME)
  readonly createdAt?: string;
}

/** Host users no IdP manages, or `supported: false` for a store without any. */
export class UnlinkedUsersView {
  @ApiProperty({ type: 'integer' })
  readonly total!: number;
  @ApiProperty({ type: UnlinkedUserView, isArray: true })
  readonly items!: readonly UnlinkedUser[];
  /** false: the user store keeps only SCIM users (the built-in one), so there are none */
  @ApiProperty({
    type: 'boolean',
    description:
      'false: the user store keeps only SCIM users (the built-in one), so there are none',
  })
  readonly supported!: boolean;
}

/** A tenant catalogue entry as operators see it. */
export class CatalogueValueView implements StoredCatalogueEntry {
  @ApiProperty({ type: 'string', example: 'Entitlement' })
  readonly resourceType!: string;
  @ApiProperty({ type: 'string' })
  readonly value!: string;
  @ApiPropertyOptional({ type: 'string' })
  readonly displayName?: string;
  @ApiPropertyOptional({ type: 'string' })
  readonly type?: string;
  @ApiPropertyOptional({ type: 'string' })
  readonly description?: string;
  @ApiPropertyOptional({ type: 'boolean', description: 'false: listed, but not assignable' })
  readonly supported?: boolean;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  readonly attributes?: ScimJson;
  @ApiProperty({ type: 'integer' })
  readonly version!: number;
  @ApiProperty(TIME)
  readonly created!: string;
  @ApiProperty(TIME)
  readonly lastModified!: string;
}
