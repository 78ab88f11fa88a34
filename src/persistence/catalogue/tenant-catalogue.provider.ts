import { CatalogueEntry, CatalogueProvider, CatalogueRepository } from '../../core/ports/catalogue';
import { TenantRepository } from '../../core/ports/tenant.repository';

/**
 * The library's catalogue source: the tenant catalogue table (CLI / admin API) and, for the
 * catalogue types of kind Role, the tenant's roles as well: the host's role names (ScimModule
 * `roles.names`, SCIM_ROLES), the roles the tenant's group mappings give and its default role.
 * A table row of the same value (case-insensitively) describes such a role (its display name,
 * description...); roles that come from the options or the mappings cannot be removed here.
 */
export class TenantCatalogueProvider implements CatalogueProvider {
  constructor(
    private readonly table: CatalogueRepository,
    private readonly tenants: TenantRepository,
    /** the catalogue types (by name) that list the tenant's roles */
    private readonly roleTypes: ReadonlySet<string>,
    /** the host's role names, most privileged first */
    private readonly roleNames: readonly string[] = [],
  ) {}

  async list(tenantId: string, resourceType: string): Promise<CatalogueEntry[]> {
    const rows: CatalogueEntry[] = await this.table.list(tenantId, resourceType);
    if (!this.roleTypes.has(resourceType)) {
      return rows;
    }
    const [mappings, tenant] = await Promise.all([
      this.tenants.roleMappings(tenantId),
      this.tenants.findById(tenantId),
    ]);
    const listed = new Set(rows.map((r) => r.value.toLowerCase()));
    const roles: CatalogueEntry[] = [];
    for (const role of [...this.roleNames, ...mappings.map((m) => m.role), tenant?.defaultRole ?? undefined]) {
      if (role !== undefined && !listed.has(role.toLowerCase())) {
        listed.add(role.toLowerCase());
        roles.push({ value: role });
      }
    }
    return [...rows, ...roles];
  }

  async save(tenantId: string, resourceType: string, entry: CatalogueEntry, at: string): Promise<void> {
    await this.table.put(tenantId, resourceType, entry, at);
  }

  remove(tenantId: string, resourceType: string, value: string): Promise<boolean> {
    return this.table.remove(tenantId, resourceType, value);
  }
}
