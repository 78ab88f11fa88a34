import { CatalogueProvider, OKTA_ENTITLEMENT_SCHEMA_ID, ScimAdapter, ScimResourceTypeOption } from '../scim-nest';
import { HostPlanCatalogue } from './host-plan.catalogue';
import { LICENSE_EXTENSION, LICENSE_SCHEMA_ID } from './license.schema';

/**
 * The host's plans as a catalogue type, declared with a schema and a provider only: `/Licenses`
 * (scope `licenses`), Okta's Entitlement core schema (what Okta Identity Governance imports)
 * with the host's extension, values from HostPlanCatalogue, assigned as Users' `entitlements`.
 * `provider` may also be `{ useExisting: HostPlanCatalogue }` (HostPlansModule's instance).
 */
export function licenseCatalogueType(
  provider: ScimAdapter<CatalogueProvider> = HostPlanCatalogue,
): ScimResourceTypeOption {
  return {
    resourceType: {
      name: 'License',
      endpoint: '/Licenses',
      description: "The product's plans, assigned as a User's entitlements",
      schema: OKTA_ENTITLEMENT_SCHEMA_ID,
      schemaExtensions: [{ schema: LICENSE_SCHEMA_ID, required: false }],
    },
    schemas: [LICENSE_EXTENSION],
    catalogue: { provider },
  };
}
