import { Inject, Injectable, Optional } from '@nestjs/common';
import { ScimError } from '../core/errors/scim-error';
import {
  ScimAuthRequest,
  ScimAuthenticator,
  ScimCaller,
  ScimTenancyResolver,
} from '../core/ports/authenticator';
import { ALL_SCOPES } from '../core/ports/token.repository';
import { Tenant, TenantRepository } from '../core/ports/tenant.repository';
import { SCIM_AUTHENTICATOR, SCIM_SCOPES, SCIM_TENANCY_RESOLVER, TENANT_REPOSITORY } from '../core/ports/tokens';
import { ScimPrincipal, principalOf } from './token.service';

/**
 * The host's own authentication and tenancy, next to the module's bearer
 * tokens. With an authenticator bound, its caller becomes the request's principal, with the
 * tenant's settings (profile, deprovisioning, group cycles, SCIM on/off, link policy) applied
 * exactly as for a token. With a tenancy resolver bound, the principal's tenant must be the
 * one the request addresses.
 */
@Injectable()
export class ScimCallers {
  constructor(
    @Inject(TENANT_REPOSITORY) private readonly tenants: TenantRepository,
    @Optional() @Inject(SCIM_AUTHENTICATOR) private readonly authenticator?: ScimAuthenticator,
    @Optional() @Inject(SCIM_TENANCY_RESOLVER) private readonly tenancy?: ScimTenancyResolver,
    @Optional() @Inject(SCIM_SCOPES) private readonly known: readonly string[] = ALL_SCOPES,
  ) {}

  /** true when the host authenticates SCIM requests itself */
  get hostAuthenticates(): boolean {
    return this.authenticator !== undefined;
  }

  /** true when a tenancy resolver checks which tenant a request addresses */
  get checksTenancy(): boolean {
    return this.tenancy !== undefined;
  }

  /** The principal of a request by the host's authenticator; null = not authenticated (401). */
  async authenticate(request: ScimAuthRequest): Promise<ScimPrincipal | null> {
    if (!this.authenticator) {
      return null;
    }
    const caller = await this.authenticator.authenticate(request);
    return caller ? this.principalOf(caller) : null;
  }

  /** 403 unless the principal's tenant is the one the request addresses (when a resolver says). */
  async checkTenancy(request: ScimAuthRequest, principal: ScimPrincipal): Promise<void> {
    if (!this.tenancy) {
      return;
    }
    const addressed = await this.tenancy.resolveTenant(request);
    if (addressed === undefined) {
      return;
    }
    const tenant = await this.find(addressed);
    if (!tenant || tenant.id !== principal.tenantId) {
      throw ScimError.forbidden('This credential does not belong to the tenant this address serves');
    }
  }

  /** The principal of a caller: its tenant found by id or slug, the tenant's settings applied. */
  async principalOf(caller: ScimCaller): Promise<ScimPrincipal | null> {
    const tenant = await this.find(caller.tenant);
    if (!tenant) {
      return null;
    }
    const unknown = caller.scopes.filter((s) => !this.known.includes(s));
    const actor = caller.actorId;
    if (unknown.length || typeof actor !== 'string' || actor === '' || actor.length > 36) {
      throw new Error(
        `ScimAuthenticator returned an invalid caller (actorId must be 1 to 36 characters; ` +
          `unknown scopes: ${unknown.join(', ') || 'none'})`,
      );
    }
    return principalOf(actor, tenant.id, caller.scopes, caller.profile, tenant);
  }

  private async find(idOrSlug: string): Promise<Tenant | null> {
    return (await this.tenants.findById(idOrSlug)) ?? (await this.tenants.findBySlug(idOrSlug));
  }
}
