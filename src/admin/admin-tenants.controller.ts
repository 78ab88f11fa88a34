import { Body, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { RoleMapping } from '../core/ports/tenant.repository';
import { AdminController } from './admin-controller.decorator';
import { parseIntParam, parseNewTenant, parseRole, parseSettings } from './admin-input';
import { ListView, TenantView } from './admin.views';
import { TenantAdminService, UnlinkedUsersView } from './tenant-admin.service';

/** /admin/v1/tenants: tenants, their settings, role mappings and unlinked users. */
@AdminController('tenants')
export class AdminTenantsController {
  constructor(private readonly tenants: TenantAdminService) {}

  @Get()
  list(): Promise<ListView<TenantView>> {
    return this.tenants.listTenants();
  }

  @Post()
  create(@Body() body: unknown): Promise<TenantView> {
    return this.tenants.createTenant(parseNewTenant(body));
  }

  @Get(':slug')
  get(@Param('slug') slug: string): Promise<TenantView> {
    return this.tenants.getTenant(slug);
  }

  @Patch(':slug')
  update(@Param('slug') slug: string, @Body() body: unknown): Promise<TenantView> {
    return this.tenants.updateTenant(slug, parseSettings(body));
  }

  @Get(':slug/role-mappings')
  roleMappings(@Param('slug') slug: string): Promise<ListView<RoleMapping>> {
    return this.tenants.listRoleMappings(slug);
  }

  @Put(':slug/role-mappings/:group')
  setRoleMapping(
    @Param('slug') slug: string,
    @Param('group') group: string,
    @Body() body: unknown,
  ): Promise<RoleMapping> {
    return this.tenants.setRoleMapping(slug, group, parseRole(body));
  }

  @Delete(':slug/role-mappings/:group')
  @HttpCode(204)
  removeRoleMapping(@Param('slug') slug: string, @Param('group') group: string): Promise<void> {
    return this.tenants.removeRoleMapping(slug, group);
  }

  @Get(':slug/unlinked-users')
  unlinkedUsers(
    @Param('slug') slug: string,
    @Query('offset') offset: unknown,
    @Query('limit') limit: unknown,
  ): Promise<UnlinkedUsersView> {
    return this.tenants.unlinkedUsers(slug, {
      offset: parseIntParam('offset', offset, 0, 0, 1_000_000_000),
      limit: parseIntParam('limit', limit, 100, 1, 1000),
    });
  }
}
