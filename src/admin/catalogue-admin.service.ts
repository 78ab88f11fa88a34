import { Inject, Injectable } from '@nestjs/common';
import { TenantService } from '../auth/tenant.service';
import { ScimError } from '../core/errors/scim-error';
import { CatalogueEntry, CatalogueRepository } from '../core/ports/catalogue';
import { Clock } from '../core/ports/clock';
import { CATALOGUE_REPOSITORY, CLOCK } from '../core/ports/tokens';
import { CatalogueBinding, catalogueBindings } from '../scim/catalogue/catalogue-types';
import { SCIM_STATIC_OPTIONS } from '../scim/di.tokens';
import { ScimStaticOptions, servedResourceTypes } from '../scim/scim.options';
import { checkCatalogueValue } from './catalogue-input.dto';
import { CatalogueValueView, ListView } from './admin.views';

/**
 * The tenant catalogue table as operators manage it, for the admin API and the CLI alike: the
 * values of the catalogue types whose values come from the library (SCIM_CATALOGUE, or a type
 * declared with `catalogue: {}`), per tenant. A Role type also lists the tenant's roles, which
 * are managed as roles (SCIM_ROLES, role mappings, default role); an entry here adds a role or
 * describes one. A type whose values come from the host's provider is not managed here.
 */
@Injectable()
export class CatalogueAdminService {
  private readonly types: readonly CatalogueBinding[];

  constructor(
    private readonly tenants: TenantService,
    @Inject(CATALOGUE_REPOSITORY) private readonly table: CatalogueRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SCIM_STATIC_OPTIONS) statics: ScimStaticOptions,
  ) {
    this.types = catalogueBindings(servedResourceTypes(statics));
  }

  async list(slug: string, type: string): Promise<ListView<CatalogueValueView>> {
    const [tenant, name] = await Promise.all([this.tenants.getTenant(slug), this.typeName(type)]);
    return { items: (await this.table.list(tenant.id, name)).map((e) => ({ resourceType: name, ...e })) };
  }

  async put(slug: string, type: string, entry: CatalogueEntry): Promise<CatalogueValueView> {
    const [tenant, name] = await Promise.all([this.tenants.getTenant(slug), this.typeName(type)]);
    return { resourceType: name, ...(await this.table.put(tenant.id, name, entry, this.clock.nowIso())) };
  }

  async remove(slug: string, type: string, value: unknown): Promise<void> {
    const [tenant, name] = await Promise.all([this.tenants.getTenant(slug), this.typeName(type)]);
    const v = checkCatalogueValue(value);
    if (!(await this.table.remove(tenant.id, name, v))) {
      throw ScimError.notFound(
        `Tenant "${slug}" has no ${name} "${v}" in its catalogue table` +
          (this.types.find((t) => t.name === name)?.kind === 'Role'
            ? ' (roles from SCIM_ROLES, role mappings and the default role are managed as roles)'
            : ''),
      );
    }
  }

  /** the served catalogue type of that name (case-insensitively) whose values this table holds */
  private async typeName(type: string): Promise<string> {
    const found = this.types.find((t) => t.name.toLowerCase() === String(type).toLowerCase());
    if (!found) {
      const served = this.types.map((t) => t.name).join(', ') || 'none (SCIM_CATALOGUE=Role,Entitlement serves some)';
      throw ScimError.notFound(`No catalogue type "${String(type).slice(0, 64)}" is served; catalogue types: ${served}`);
    }
    if (!found.builtIn) {
      throw ScimError.conflict(`The values of ${found.name} come from the host application's catalogue provider`);
    }
    return found.name;
  }
}
