import { Inject, Injectable, Optional } from '@nestjs/common';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { ScimError } from '../../core/errors/scim-error';
import { Clock } from '../../core/ports/clock';
import {
  OAuthClient,
  OAuthClientRepository,
  OAuthClientSecret,
  OAuthClientUpdate,
} from '../../core/ports/oauth-client.repository';
import { ALL_SCOPES, Scope } from '../../core/ports/token.repository';
import { CLOCK, OAUTH_CLIENT_REPOSITORY, SCIM_SCOPES, WEBHOOK_EGRESS_POLICY } from '../../core/ports/tokens';
import { EgressPolicy } from '../../core/egress/egress-policy';
import { checkJwks, checkJwksUri } from './client-jwks';
import { SCIM_AUTH_OPTIONS, ScimAuthOptions } from '../auth.options';
import { invalid } from '../auth-input';
import { TenantService } from '../tenant.service';
import { parseScopes } from '../token.service';
import { MAX_ACTIVE_SECRETS, ResolvedOAuthOptions, SCIM_OAUTH_OPTIONS } from './oauth.options';

/** A new client secret: its record and, this once, the secret itself. */
export interface IssuedClientSecret {
  readonly secret: string;
  readonly record: OAuthClientSecret;
}

export interface NewOAuthClient {
  readonly name: string;
  /** the most its tokens may carry */
  readonly scopes: readonly string[];
  /** the first secret's lifetime in days; default the configured one */
  readonly secretExpiresInDays?: number;
  /** false: no secret (a client that authenticates with private_key_jwt only) */
  readonly withSecret?: boolean;
  /** public keys for private_key_jwt (RFC 7523 §2.2): an inline JWKS */
  readonly jwks?: unknown;
  /** or where the client publishes them */
  readonly jwksUri?: string;
}

export interface OAuthClientChanges {
  readonly name?: string;
  readonly scopes?: readonly string[];
  /** false disables the client: no new token, and its issued tokens stop (docs/oauth.md) */
  readonly enabled?: boolean;
  /** the inline JWKS for private_key_jwt; null removes it */
  readonly jwks?: unknown;
  /** the jwks_uri for private_key_jwt; null removes it */
  readonly jwksUri?: string | null;
}

/** Why a client secret did not authenticate (audited; the caller only sees invalid_client). */
export type SecretRefusal = 'unknown_client' | 'client_disabled' | 'bad_secret' | 'secret_expired' | 'secret_revoked';

export type SecretCheck =
  | { readonly ok: true; readonly client: OAuthClient; readonly secretId: string }
  | { readonly ok: false; readonly reason: SecretRefusal; readonly client?: OAuthClient };

const SECRET_PREFIX = 'scimsec_';
/** how stale last_used_at may get before a token request writes it again */
const TOUCH_INTERVAL_MS = 60_000;

/**
 * OAuth clients of a tenant and their secrets: secrets are random 256-bit values, shown once,
 * stored only as an HMAC-SHA256 under the token pepper (like service tokens), expiring after a
 * bounded number of days, revocable one by one, several active at once for rotation.
 */
@Injectable()
export class OAuthClientService {
  constructor(
    @Inject(OAUTH_CLIENT_REPOSITORY) private readonly clients: OAuthClientRepository,
    private readonly tenants: TenantService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SCIM_AUTH_OPTIONS) private readonly auth: ScimAuthOptions,
    @Inject(SCIM_OAUTH_OPTIONS) private readonly options: ResolvedOAuthOptions,
    @Optional() @Inject(SCIM_SCOPES) private readonly known: readonly Scope[] = ALL_SCOPES,
    // where a jwks_uri may point, as for webhooks; without a binding only public addresses
    @Optional() @Inject(WEBHOOK_EGRESS_POLICY) private readonly egress: EgressPolicy = EgressPolicy.STRICT,
  ) {}

  /** A new client of the tenant, with its first secret unless `withSecret` is false. */
  async createClient(
    tenantSlug: string,
    input: NewOAuthClient,
  ): Promise<{ client: OAuthClient; secret?: IssuedClientSecret }> {
    const tenant = await this.tenants.getTenant(tenantSlug);
    const name = checkName(input.name);
    const scopes = this.checkScopes(input.scopes);
    const days = this.checkDays(input.secretExpiresInDays);
    const jwks = input.jwks === undefined ? null : checkJwks(input.jwks);
    const jwksUri = input.jwksUri === undefined ? null : checkJwksUri(input.jwksUri, this.egress);
    const client = await this.clients.create({
      id: randomUUID(),
      tenantId: tenant.id,
      name,
      scopes,
      status: 'active',
      createdAt: this.clock.nowIso(),
      disabledAt: null,
      jwks,
      jwksUri,
    });
    if (input.withSecret === false) {
      return { client };
    }
    return { client, secret: await this.issueSecret(client.id, days) };
  }

  /** The tenant's clients (every client without a slug), oldest first. */
  async listClients(tenantSlug?: string): Promise<OAuthClient[]> {
    if (tenantSlug === undefined) {
      return this.clients.list();
    }
    return this.clients.list((await this.tenants.getTenant(tenantSlug)).id);
  }

  /** The client; 404 when there is none. */
  async getClient(clientId: string): Promise<OAuthClient> {
    const client = await this.clients.findById(clientId);
    if (!client) {
      throw ScimError.notFound(`Unknown OAuth client "${String(clientId).slice(0, 64)}"`);
    }
    return client;
  }

  /** Renames, rescopes, disables or enables a client (disabling stops new tokens at once). */
  async updateClient(clientId: string, changes: OAuthClientChanges): Promise<OAuthClient> {
    const client = await this.getClient(clientId);
    if (changes.enabled !== undefined && typeof changes.enabled !== 'boolean') {
      throw invalid('enabled must be true or false');
    }
    const update: OAuthClientUpdate = {
      ...(changes.name !== undefined ? { name: checkName(changes.name) } : {}),
      ...(changes.scopes !== undefined ? { scopes: this.checkScopes(changes.scopes) } : {}),
      ...(changes.enabled === false && client.status === 'active'
        ? { status: 'disabled' as const, disabledAt: this.clock.nowIso() }
        : {}),
      ...(changes.enabled === true ? { status: 'active' as const, disabledAt: null } : {}),
      ...(changes.jwks !== undefined ? { jwks: changes.jwks === null ? null : checkJwks(changes.jwks) } : {}),
      ...(changes.jwksUri !== undefined
        ? { jwksUri: changes.jwksUri === null ? null : checkJwksUri(changes.jwksUri, this.egress) }
        : {}),
    };
    await this.clients.update(client.id, update);
    return this.getClient(client.id);
  }

  /** A new secret for the client (rotation: the old ones stay valid until revoked or expired). */
  async addSecret(clientId: string, expiresInDays?: number): Promise<IssuedClientSecret> {
    const client = await this.getClient(clientId);
    const days = this.checkDays(expiresInDays);
    const now = this.clock.nowIso();
    const active = (await this.clients.listSecrets(client.id)).filter((s) => isActive(s, now));
    if (active.length >= MAX_ACTIVE_SECRETS) {
      throw ScimError.conflict(
        `The client has ${active.length} active secrets, the most allowed: revoke one first`,
      );
    }
    return this.issueSecret(client.id, days);
  }

  /** The client's secrets (never the secrets themselves), oldest first. */
  async listSecrets(clientId: string): Promise<OAuthClientSecret[]> {
    return this.clients.listSecrets((await this.getClient(clientId)).id);
  }

  /** Revokes one secret at once; 404 when the client has no such unrevoked secret. */
  async revokeSecret(clientId: string, secretId: string): Promise<void> {
    const client = await this.getClient(clientId);
    if (!(await this.clients.revokeSecret(client.id, secretId, this.clock.nowIso()))) {
      throw ScimError.notFound(`The client has no active secret "${String(secretId).slice(0, 64)}"`);
    }
  }

  /**
   * Checks a client_id and client_secret (RFC 6749 §2.3.1): the secret is looked up by its
   * HMAC, so no comparison of secret bytes takes place, and must belong to that client, be
   * unrevoked and unexpired, and the client active.
   */
  async checkSecret(clientId: string, secret: string): Promise<SecretCheck> {
    const client = clientId.length <= 255 ? await this.clients.findById(clientId) : null;
    if (!client) {
      return { ok: false, reason: 'unknown_client' };
    }
    const found = secret.length <= 255 ? await this.clients.findSecretByHash(this.hash(secret)) : null;
    if (!found || found.clientId !== client.id) {
      return { ok: false, reason: 'bad_secret', client };
    }
    const now = this.clock.nowIso();
    if (found.revokedAt !== null) {
      return { ok: false, reason: 'secret_revoked', client };
    }
    if (found.expiresAt <= now) {
      return { ok: false, reason: 'secret_expired', client };
    }
    if (client.status !== 'active') {
      return { ok: false, reason: 'client_disabled', client };
    }
    if (!found.lastUsedAt || Date.parse(now) - Date.parse(found.lastUsedAt) > TOUCH_INTERVAL_MS) {
      await this.clients.touchSecret(found.id, now);
    }
    return { ok: true, client, secretId: found.id };
  }

  private async issueSecret(clientId: string, days: number): Promise<IssuedClientSecret> {
    const secret = SECRET_PREFIX + randomBytes(32).toString('base64url');
    const now = this.clock.nowIso();
    const record = await this.clients.addSecret({
      id: randomUUID(),
      clientId,
      prefix: secret.slice(0, 12),
      hash: this.hash(secret),
      createdAt: now,
      expiresAt: new Date(Date.parse(now) + days * 86_400_000).toISOString(),
    });
    return { secret, record };
  }

  private hash(secret: string): string {
    return createHmac('sha256', this.auth.tokenPepper).update(secret, 'utf8').digest('hex');
  }

  private checkScopes(scopes: unknown): Scope[] {
    if (!Array.isArray(scopes) || !scopes.every((s) => typeof s === 'string')) {
      throw invalid('The scopes must be a list such as ["users:read", "groups:write"]');
    }
    return parseScopes(scopes.join(','), this.known);
  }

  private checkDays(days: unknown): number {
    const { default: def, min, max } = this.options.secretDays;
    if (days === undefined) {
      return def;
    }
    if (typeof days !== 'number' || !Number.isInteger(days) || days < min || days > max) {
      throw invalid(`A client secret expires after ${min} to ${max} days (got ${String(days).slice(0, 20)})`);
    }
    return days;
  }
}

/** not revoked and not expired at `now` */
export function isActive(s: OAuthClientSecret, now: string): boolean {
  return s.revokedAt === null && s.expiresAt > now;
}

function checkName(name: unknown): string {
  if (typeof name !== 'string' || !name.trim() || name.length > 200) {
    throw invalid('An OAuth client needs a name of 1 to 200 characters');
  }
  return name.trim();
}
