import { Inject, Injectable } from '@nestjs/common';
import { TenantService, TenantSettingsUpdate } from '../auth/tenant.service';
import { TokenService } from '../auth/token.service';
import { ScimError } from '../core/errors/scim-error';
import { RoleMapping, Tenant } from '../core/ports/tenant.repository';
import { USER_REPOSITORY } from '../core/ports/tokens';
import { UserRepository } from '../core/ports/user.repository';
import { NewTenantCommand, NewTokenCommand } from './admin-input.dto';
import {
  IssuedTokenView,
  ListView,
  TenantView,
  TokenView,
  UnlinkedUsersView,
  tenantView,
  tokenView,
} from './admin.views';

/**
 * Tenant settings, role mappings and service-account tokens as operators manage them, for
 * the admin API and the CLI alike: TenantService and TokenService do the checks and
 * the writes, this service shapes what is shown (defaults filled in, no secret).
 */
@Injectable()
export class TenantAdminService {
  constructor(
    private readonly tenants: TenantService,
    private readonly tokens: TokenService,
    @Inject(USER_REPOSITORY) private readonly users: UserRepository,
  ) {}

  async listTenants(): Promise<ListView<TenantView>> {
    const tenants = await this.tenants.listTenants();
    return { items: await Promise.all(tenants.map((t) => this.view(t))) };
  }

  async createTenant(cmd: NewTenantCommand): Promise<TenantView> {
    const { profile, ...settings } = cmd.settings;
    const created = await this.tenants.createTenant(cmd.slug, profile ?? undefined, settings);
    return this.view(created);
  }

  async getTenant(slug: string): Promise<TenantView> {
    return this.view(await this.tenants.getTenant(slug));
  }

  async updateTenant(slug: string, settings: TenantSettingsUpdate): Promise<TenantView> {
    return this.view(await this.tenants.updateTenant(slug, settings));
  }

  /** Deletes the tenant with everything that is its own; the audit log keeps its entries. */
  async deleteTenant(slug: string): Promise<TenantView> {
    const deleted = await this.tenants.deleteTenant(slug);
    return tenantView(deleted, false);
  }

  async listRoleMappings(slug: string): Promise<ListView<RoleMapping>> {
    return { items: await this.tenants.listRoleMappings(slug) };
  }

  setRoleMapping(slug: string, group: string, role: unknown): Promise<RoleMapping> {
    return this.tenants.setRoleMapping(slug, group, role);
  }

  async removeRoleMapping(slug: string, group: string): Promise<void> {
    if (!(await this.tenants.removeRoleMapping(slug, group))) {
      throw ScimError.notFound(`Tenant "${slug}" has no role mapping for the group "${group}"`);
    }
  }

  async listTokens(slug: string): Promise<ListView<TokenView>> {
    return { items: (await this.tokens.listTokens(slug)).map(tokenView) };
  }

  async issueToken(slug: string, cmd: NewTokenCommand): Promise<IssuedTokenView> {
    const issued = await this.tokens.issue(slug, cmd.name, cmd.scopes, cmd.expiresInDays, cmd.profile);
    return { ...tokenView(issued.record), token: issued.token };
  }

  async revokeToken(id: string): Promise<void> {
    if (!(await this.tokens.revoke(id))) {
      throw ScimError.notFound(`No active token with id "${id.slice(0, 64)}"`);
    }
  }

  /** The store's listUnlinked when it has one (a host adapter), else none. */
  async unlinkedUsers(
    slug: string,
    page: { offset: number; limit: number },
  ): Promise<UnlinkedUsersView> {
    const tenant = await this.tenants.getTenant(slug);
    if (!this.users.listUnlinked) {
      return { total: 0, items: [], supported: false };
    }
    const found = await this.users.listUnlinked(tenant.id, page);
    return { total: found.total, items: found.items, supported: true };
  }

  private async view(t: Tenant): Promise<TenantView> {
    return tenantView(t, await this.tenants.hasWebhookSecret(t.id));
  }
}
