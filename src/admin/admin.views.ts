/**
 * What the admin API and the CLI show of tenants, tokens and events: every
 * setting with its default filled in, never a secret (a tenant says `webhookSecretSet`, a
 * token shows its prefix).
 */
import { OutboxRecord } from '../core/ports/change-event';
import {
  DeprovisioningMode,
  GroupCyclePolicy,
  LinkPolicy,
  NotificationSetting,
  RoleMapping,
  Tenant,
  TokenPolicy,
} from '../core/ports/tenant.repository';
import { ServiceToken } from '../core/ports/token.repository';

export interface TenantView {
  readonly id: string;
  readonly slug: string;
  readonly createdAt: string;
  /** IdP profile; null = the server default */
  readonly profile: string | null;
  readonly deprovisioning: DeprovisioningMode;
  readonly groupCycles: GroupCyclePolicy;
  readonly webhookUrl: string | null;
  /** the webhook's shared secret is stored (it is never shown) */
  readonly webhookSecretSet: boolean;
  /** false: every SCIM request of the tenant's tokens is refused with 403 */
  readonly scimEnabled: boolean;
  /** since when SCIM is off; null while it is on */
  readonly disabledAt: string | null;
  readonly notifications: NotificationSetting;
  readonly defaultRole: string | null;
  readonly linkPolicy: LinkPolicy;
  /** 'oauth-only': the tenant's static tokens are refused (401 invalid_token) */
  readonly tokenPolicy: TokenPolicy;
  /** IdP profile switches on top of the tokens' profile (`allowRemoveAll=true`); null = none */
  readonly switches: string | null;
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

export interface TokenView {
  readonly id: string;
  readonly tenantId: string;
  readonly name: string;
  /** the token's first characters, to recognise it (never enough to use it) */
  readonly prefix: string;
  readonly scopes: readonly string[];
  readonly profile: string | null;
  readonly createdAt: string;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
  readonly lastUsedAt: string | null;
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
export interface IssuedTokenView extends TokenView {
  readonly token: string;
}

export interface EventView {
  readonly id: string;
  readonly seq: string;
  readonly tenantId: string;
  readonly resourceType: string;
  readonly resourceId: string;
  readonly operation: string;
  readonly changed: readonly string[];
  readonly members?: readonly string[];
  readonly version: number;
  readonly actorTokenId: string | null;
  readonly requestId: string | null;
  readonly occurredAt: string;
  readonly status: string;
  readonly attempts: number;
  readonly nextAttemptAt: string;
  readonly lastError: string | null;
  readonly finishedAt: string | null;
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

export type RoleMappingView = RoleMapping;
