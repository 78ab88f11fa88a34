import { InjectionToken, Logger, Provider } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CatalogueProvider, CatalogueRepository } from '../../core/ports/catalogue';
import { TenantRepository } from '../../core/ports/tenant.repository';
import { CATALOGUE_REPOSITORY, RESOURCE_STORES, SCHEMA_REGISTRY, TENANT_REPOSITORY } from '../../core/ports/tokens';
import { SchemaRegistry } from '../../core/schema/schema.registry';
import { CatalogueStore } from '../../persistence/catalogue/catalogue.store';
import { TenantCatalogueProvider } from '../../persistence/catalogue/tenant-catalogue.provider';
import { TypeOrmCatalogueRepository } from '../../persistence/repositories/typeorm-catalogue.repository';
import { catalogueBindings } from '../../scim/catalogue/catalogue-types';
import { SCIM_CATALOGUE_ASSIGNMENTS, SCIM_OPTIONS } from '../../scim/di.tokens';
import { CatalogueAssignments } from '../../scim/catalogue/catalogue-assignments';
import { ResourceStores } from '../../core/ports/resource.store';
import { ResolvedResourceType, ScimModuleOptions, ScimStaticOptions, servedResourceTypes } from '../../scim/scim.options';
import { portProvider } from './port-binding';

/** the library's catalogue source (tenant roles + catalogue table), shared by the types without a provider */
const TENANT_CATALOGUE_PROVIDER = Symbol('scim:TenantCatalogueProvider');

const logger = new Logger('ScimCatalogue');

/** The tenant catalogue table and the library's catalogue source. */
export function catalogueProviders(statics: ScimStaticOptions, ds: InjectionToken): Provider[] {
  const roleTypes = new Set(
    catalogueBindings(servedResourceTypes(statics))
      .filter((b) => b.builtIn && b.kind === 'Role')
      .map((b) => b.name),
  );
  const bindings = catalogueBindings(servedResourceTypes(statics));
  return [
    { provide: CATALOGUE_REPOSITORY, useFactory: (d: DataSource) => new TypeOrmCatalogueRepository(d), inject: [ds] },
    {
      provide: SCIM_CATALOGUE_ASSIGNMENTS,
      useFactory: (stores: ResourceStores) =>
        bindings.length
          ? new CatalogueAssignments(
              bindings.map((b) => {
                const store = stores.storeFor(b.name) as CatalogueStore;
                return {
                  name: b.name,
                  endpoint: b.type.resourceType.endpoint,
                  attribute: b.attribute,
                  resources: (tenantId: string) => store.resources(tenantId),
                };
              }),
            )
          : undefined,
      inject: [RESOURCE_STORES],
    },
    {
      provide: TENANT_CATALOGUE_PROVIDER,
      useFactory: (table: CatalogueRepository, tenants: TenantRepository, o: ScimModuleOptions) =>
        new TenantCatalogueProvider(table, tenants, roleTypes, o.roles?.names ?? []),
      inject: [CATALOGUE_REPOSITORY, TENANT_REPOSITORY, SCIM_OPTIONS],
    },
  ];
}

/** The store of a catalogue type: its provider (the host's, or the library's) behind a CatalogueStore. */
export function catalogueStoreProviders(t: ResolvedResourceType, token: symbol): Provider[] {
  const name = t.resourceType.name;
  const source = Symbol(`scim:CatalogueProvider:${name}`);
  return [
    portProvider(source, t.catalogue?.provider, { provide: source, useExisting: TENANT_CATALOGUE_PROVIDER }),
    {
      provide: token,
      useFactory: (r: SchemaRegistry, p: CatalogueProvider, tenants: TenantRepository) => {
        const writable = t.catalogue?.writable === true;
        if (writable && (typeof p.save !== 'function' || typeof p.remove !== 'function')) {
          throw new Error(`ScimModule resourceTypes "${name}": catalogue.writable needs a provider with save and remove`);
        }
        return new CatalogueStore(r, name, p, tenants, { writable, warn: (m) => logger.warn(m) });
      },
      inject: [SCHEMA_REGISTRY, source, TENANT_REPOSITORY],
    },
  ];
}

export const CATALOGUE_EXPORTS: InjectionToken[] = [CATALOGUE_REPOSITORY, SCIM_CATALOGUE_ASSIGNMENTS];
