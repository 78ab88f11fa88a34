import { Body, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
} from '@nestjs/swagger';
import { RoleMapping } from '../core/ports/tenant.repository';
import { AdminController, AdminRefusals } from './admin-controller.decorator';
import {
  NewTenantDto,
  RoleMappingDto,
  TenantSettingsDto,
  UnlinkedUsersQueryDto,
} from './admin-input.dto';
import { ListView, RoleMappingView, TenantView, UnlinkedUsersView, listOf } from './admin.views';
import { TenantAdminService } from './tenant-admin.service';

/** /admin/v1/tenants: tenants, their settings, role mappings and unlinked users. */
@AdminController('tenants', 'tenants')
export class AdminTenantsController {
  constructor(private readonly tenants: TenantAdminService) {}

  @Get()
  @ApiOperation({ summary: 'List the tenants, every setting with its default filled in' })
  @ApiOkResponse({ type: listOf(TenantView), description: 'The tenants' })
  list(): Promise<ListView<TenantView>> {
    return this.tenants.listTenants();
  }

  @Post()
  @ApiOperation({ summary: 'Create a tenant with its settings (all checked before it is created)' })
  @ApiCreatedResponse({ type: TenantView, description: 'The new tenant' })
  @AdminRefusals(400, 409)
  create(@Body() body: NewTenantDto): Promise<TenantView> {
    return this.tenants.createTenant(body.toCommand());
  }

  @Get(':slug')
  @ApiOperation({ summary: 'Read a tenant' })
  @ApiOkResponse({ type: TenantView, description: 'The tenant' })
  @AdminRefusals(404)
  get(@Param('slug') slug: string): Promise<TenantView> {
    return this.tenants.getTenant(slug);
  }

  @Patch(':slug')
  @ApiOperation({
    summary: 'Change the settings given (absent: unchanged; null: back to the default)',
  })
  @ApiOkResponse({ type: TenantView, description: 'The tenant as changed' })
  @AdminRefusals(400, 404)
  update(@Param('slug') slug: string, @Body() body: TenantSettingsDto): Promise<TenantView> {
    return this.tenants.updateTenant(slug, body.toSettings());
  }

  @Get(':slug/role-mappings')
  @ApiOperation({ summary: "List the tenant's group-to-role mappings" })
  @ApiOkResponse({ type: listOf(RoleMappingView), description: 'The mappings' })
  @AdminRefusals(404)
  roleMappings(@Param('slug') slug: string): Promise<ListView<RoleMapping>> {
    return this.tenants.listRoleMappings(slug);
  }

  @Put(':slug/role-mappings/:group')
  @ApiOperation({ summary: 'Map an IdP group (by displayName, case-insensitively) to a host role' })
  @ApiOkResponse({ type: RoleMappingView, description: 'The mapping as stored' })
  @AdminRefusals(400, 404)
  setRoleMapping(
    @Param('slug') slug: string,
    @Param('group') group: string,
    @Body() body: RoleMappingDto,
  ): Promise<RoleMapping> {
    return this.tenants.setRoleMapping(slug, group, body.role);
  }

  @Delete(':slug/role-mappings/:group')
  @HttpCode(204)
  @ApiOperation({ summary: "Remove a group's role mapping" })
  @ApiNoContentResponse({ description: 'Removed' })
  @AdminRefusals(404)
  removeRoleMapping(@Param('slug') slug: string, @Param('group') group: string): Promise<void> {
    return this.tenants.removeRoleMapping(slug, group);
  }

  @Get(':slug/unlinked-users')
  @ApiOperation({ summary: "Host users no IdP manages (from the user store's listUnlinked)" })
  @ApiOkResponse({ type: UnlinkedUsersView, description: 'A page of unlinked users' })
  @AdminRefusals(400, 404)
  unlinkedUsers(
    @Param('slug') slug: string,
    @Query() q: UnlinkedUsersQueryDto,
  ): Promise<UnlinkedUsersView> {
    return this.tenants.unlinkedUsers(slug, { offset: q.offset, limit: q.limit });
  }
}
