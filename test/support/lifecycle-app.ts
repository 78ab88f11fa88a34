import { Injectable } from '@nestjs/common';
import { CreateHookEvent, ScimError, ScimLifecycleHooks, ScimRoles, UpdateHookEvent } from '../../src/library';
import { EmbeddedHost } from './embedded-host';
import { TENANT_REPOSITORY } from '../../src/core/ports/tokens';
import { TenantRepository } from '../../src/core/ports/tenant.repository';

/**
 * A host's lifecycle hooks: it refuses users of a domain it does not serve (a veto with a SCIM
 * error) and records who lost access (afterDeactivate), as a host revoking sessions would.
 */
@Injectable()
export class DomainPolicyHooks implements ScimLifecycleHooks {
  readonly deactivated: string[] = [];

  beforeCreate(e: CreateHookEvent): void {
    if (e.resourceType === 'User' && String(e.resource.userName).toLowerCase().endsWith('@blocked.example')) {
      throw ScimError.forbidden('users of blocked.example are not provisioned to this product');
    }
  }

  afterDeactivate(e: UpdateHookEvent): void {
    this.deactivated.push(e.id);
  }
}

/** A host app embedding ScimModule with hooks and break-glass protection, on loopback. */
export class LifecycleApp extends EmbeddedHost {
  static async start(url: string): Promise<LifecycleApp> {
    return new LifecycleApp(
      await EmbeddedHost.boot(url, {
        tokenPepper: 'lifecycle-test-pepper-0123456789',
        roles: { names: ['owner', 'admin', 'member'], protect: 'owner' },
        hooks: [DomainPolicyHooks],
      }),
    );
  }

  get tenants(): TenantRepository {
    return this.app.get(TENANT_REPOSITORY);
  }

  get roles(): ScimRoles {
    return this.app.get(ScimRoles);
  }

  get hooks(): DomainPolicyHooks {
    return this.provider(DomainPolicyHooks);
  }
}
