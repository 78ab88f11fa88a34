/**
 * The admin API's input for tenants, role mappings, tokens and the outbox: JSON bodies and query
 * parameters as DTOs (checked by AdminInputPipe, 400 invalidValue naming what is wrong). The
 * values themselves (a role name, a webhook URL...) are checked by TenantService, as for the CLI.
 */
import { TenantSettingsUpdate } from '../auth/tenant.service';
import { parseScopes } from '../auth/token.service';
import { OUTBOX_STATUSES, OutboxStatus } from '../core/ports/change-event';
import {
  DEPROVISIONING_MODES,
  GROUP_CYCLE_POLICIES,
  LINK_POLICIES,
  NOTIFICATION_SETTINGS,
  TOKEN_POLICIES,
} from '../core/ports/tenant.repository';
import { Scope } from '../core/ports/token.repository';
import { PROFILE_NAMES } from '../core/profile/idp-profile';
import { AUTO_PROFILE } from '../core/profile/profile-auto';
import {
  AdminInput,
  AnyField,
  BooleanField,
  IntQuery,
  NumberField,
  OneOfQuery,
  ScopesField,
  StringField,
  TextQuery,
} from './admin-input.decorators';

const PROFILES = [...PROFILE_NAMES, AUTO_PROFILE];
/** a host role name (default role, role mappings) */
const ROLE_PATTERN = '^[A-Za-z0-9_.:-]{1,64}$';

/** Only the keys given: absent means unchanged (the DTO's own properties may exist as undefined). */
function given<T extends object>(dto: T, keys: readonly (keyof T)[]): Partial<T> {
  return Object.fromEntries(
    keys.filter((k) => dto[k] !== undefined).map((k) => [k, dto[k]]),
  ) as Partial<T>;
}

/** The settings a tenant takes, each of its JSON type; absent = unchanged, null = the default. */
abstract class TenantSettingsFields {
  @StringField({
    nullable: true,
    description:
      "IdP profile of the tenant's tokens; null: the server default; auto: picked per request",
    schema: { enum: PROFILES },
  })
  profile?: string | null;

  @StringField({
    description: 'what DELETE /Users does: delete, or keep a restorable tombstone',
    schema: { enum: [...DEPROVISIONING_MODES] },
  })
  deprovisioning?: string;

  @StringField({
    description: 'whether nested-group memberships may form a cycle',
    schema: { enum: [...GROUP_CYCLE_POLICIES] },
  })
  groupCycles?: string;

  @StringField({
    nullable: true,
    description: 'http(s) URL change events are POSTed to; null removes the webhook and its secret',
    schema: { format: 'uri', maxLength: 2048 },
  })
  webhookUrl?: string | null;

  @StringField({
    description:
      'write-only: signs the webhook (X-Scim-Signature); a URL needs a secret and a secret a URL',
    schema: { writeOnly: true, minLength: 16, maxLength: 255 },
  })
  webhookSecret?: string;

  @BooleanField({
    description: "false: every SCIM request of the tenant's tokens gets 403; true restores them",
  })
  scimEnabled?: boolean;

  @StringField({
    description: 'off: no webhook POSTs (events are recorded and marked skipped)',
    schema: { enum: [...NOTIFICATION_SETTINGS] },
  })
  notifications?: string;

  @StringField({
    nullable: true,
    description: 'the host role of a user none of whose groups maps to one',
    schema: { pattern: ROLE_PATTERN },
  })
  defaultRole?: string | null;

  @StringField({
    description: 'whether POST /Users may link to a host user with that verified email',
    schema: { enum: [...LINK_POLICIES] },
  })
  linkPolicy?: string;

  @StringField({
    description: "oauth-only: the tenant's static tokens are refused",
    schema: { enum: [...TOKEN_POLICIES] },
  })
  tokenPolicy?: string;

  @StringField({
    nullable: true,
    description:
      'IdP profile switches (name=value, comma-separated) merged into the stored ones; null drops them all',
    schema: { example: 'allowRemoveAll=true' },
  })
  switches?: string | null;

  /** the settings given, typed as TenantService takes them */
  toSettings(): TenantSettingsUpdate {
    return given<TenantSettingsUpdate>(this, [
      'profile',
      'deprovisioning',
      'groupCycles',
      'webhookUrl',
      'webhookSecret',
      'scimEnabled',
      'notifications',
      'defaultRole',
      'linkPolicy',
      'tokenPolicy',
      'switches',
    ]);
  }
}

/** PATCH /tenants/:slug: the settings to change. */
@AdminInput({
  unknownKey: 'setting',
  readOnly: ['id', 'slug', 'createdAt', 'webhookSecretSet', 'disabledAt'],
})
export class TenantSettingsDto extends TenantSettingsFields {}

export interface NewTenantCommand {
  readonly slug: string;
  readonly settings: TenantSettingsUpdate;
}

/** POST /tenants: `{ slug, ...settings }` */
@AdminInput({ unknownKey: 'setting' })
export class NewTenantDto extends TenantSettingsFields {
  @StringField({
    required: true,
    message: '"slug" is required: lower-case letters, digits and dashes (max 63)',
    description: "the tenant's name in URLs and in the CLI",
    schema: { pattern: '^[a-z0-9][a-z0-9-]{0,62}$' },
  })
  slug!: string;

  toCommand(): NewTenantCommand {
    return { slug: this.slug, settings: this.toSettings() };
  }
}

/** PUT /tenants/:slug/role-mappings/:group: `{ role }` (a `group` beside it is ignored: the path names it) */
@AdminInput({ ignored: ['group'] })
export class RoleMappingDto {
  @AnyField({
    required: true,
    message: '"role" is required',
    description: 'the host role members of the group get',
    schema: { type: 'string', pattern: ROLE_PATTERN },
  })
  role!: unknown;
}

export interface NewTokenCommand {
  readonly name: string;
  readonly scopes: Scope[];
  readonly expiresInDays?: number;
  readonly profile?: string;
}

/** POST /tenants/:slug/tokens: `{ name, scopes: [..] | "a,b", expiresInDays?, profile? }` */
@AdminInput()
export class NewTokenDto {
  @StringField({
    required: true,
    accepts: (v) => v.trim() !== '' && v.length <= 200,
    message: '"name" is required: a label of 1 to 200 characters',
    description: 'a label for the token (which IdP uses it)',
    schema: { minLength: 1, maxLength: 200 },
  })
  name!: string;

  @ScopesField({
    required: true,
    message: '"scopes" is required: a list such as ["users:read", "users:write"]',
    description: 'what the token may do: a list, or one comma-separated string',
  })
  scopes!: string | string[];

  @NumberField({
    nullable: true,
    accepts: (v) => Number.isFinite(v) && v > 0,
    message: '"expiresInDays" must be a positive number',
    description: 'the token expires after this many days; absent or null: never',
    schema: { exclusiveMinimum: true, minimum: 0 },
  })
  expiresInDays?: number | null;

  @StringField({
    nullable: true,
    message: '"profile" must be a string',
    description: "IdP profile of the token; absent or null: the tenant's",
    schema: { enum: PROFILES },
  })
  profile?: string | null;

  /** the command, its scopes checked against `known` (400 naming an unknown one) */
  toCommand(known?: readonly string[]): NewTokenCommand {
    const scopes = Array.isArray(this.scopes) ? this.scopes.join(',') : this.scopes;
    return {
      name: this.name,
      scopes: parseScopes(scopes, known),
      ...(typeof this.expiresInDays === 'number' ? { expiresInDays: this.expiresInDays } : {}),
      ...(typeof this.profile === 'string' ? { profile: this.profile } : {}),
    };
  }
}

/** GET /tenants/:slug/unlinked-users */
@AdminInput()
export class UnlinkedUsersQueryDto {
  @IntQuery(0, 1_000_000_000, 0, 'how many users to skip')
  offset = 0;

  @IntQuery(1, 1000, 100, 'at most this many users')
  limit = 100;
}

/** GET /tenants/:slug/events */
@AdminInput()
export class EventListQueryDto {
  @OneOfQuery(OUTBOX_STATUSES, 'only events in this status')
  status?: OutboxStatus;

  @IntQuery(1, 1000, 50, 'at most this many events, newest first')
  limit = 50;

  @TextQuery(
    (v) => /^[1-9]\d{0,18}$/.test(v),
    "must be a positive integer (an event's seq)",
    "only events older than this seq: the previous page's nextBefore",
    {
      pattern: '^[1-9][0-9]{0,18}$',
    },
  )
  before?: string;
}
