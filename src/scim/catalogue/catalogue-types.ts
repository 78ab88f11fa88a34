import {
  ASSIGNED_ATTRIBUTE,
  AssignedAttribute,
  CatalogueKind,
  OKTA_ENTITLEMENT_SCHEMA_ID,
  OKTA_ROLE_SCHEMA_ID,
  catalogueKindOf,
  catalogueSchema,
} from '../../core/schema/catalogue.schema';
import { SchemaDefinition } from '../../core/schema/schema.types';
import { ResolvedResourceType, ScimResourceTypeOption } from '../scim.options';

/**
 * Okta's `Role` at `/Roles` (scope `roles`), values from the library's source: the tenant's
 * roles and its catalogue table. Add it to ScimModule `resourceTypes` (standalone:
 * SCIM_CATALOGUE=Role).
 */
export const ROLE_CATALOGUE_TYPE: ScimResourceTypeOption = {
  resourceType: {
    name: 'Role',
    endpoint: '/Roles',
    description: "Roles a User may hold (the User's roles)",
    schema: OKTA_ROLE_SCHEMA_ID,
  },
  schemas: [],
  catalogue: {},
};

/** Okta's `Entitlement` at `/Entitlements` (scope `entitlements`), values from the tenant's catalogue table. */
export const ENTITLEMENT_CATALOGUE_TYPE: ScimResourceTypeOption = {
  resourceType: {
    name: 'Entitlement',
    endpoint: '/Entitlements',
    description: "Entitlements a User may hold (the User's entitlements)",
    schema: OKTA_ENTITLEMENT_SCHEMA_ID,
  },
  schemas: [],
  catalogue: {},
};

/** A served catalogue type: its kind and the User attribute its values are assigned through. */
export interface CatalogueBinding {
  readonly type: ResolvedResourceType;
  readonly name: string;
  readonly kind: CatalogueKind;
  readonly attribute: AssignedAttribute;
  /** its values come from the library's source (tenant roles and catalogue table) */
  readonly builtIn: boolean;
}

/** The catalogue types among the served resource types. */
export function catalogueBindings(types: readonly ResolvedResourceType[]): CatalogueBinding[] {
  return types.flatMap((type) => {
    const kind = type.catalogue ? catalogueKindOf(type.resourceType.schema) : undefined;
    return kind
      ? [
          {
            type,
            name: type.resourceType.name,
            kind,
            attribute: ASSIGNED_ATTRIBUTE[kind],
            builtIn: type.catalogue!.provider === undefined,
          },
        ]
      : [];
  });
}

/**
 * The core schemas of the catalogue kinds served, once each: readOnly attributes unless some
 * type of that kind accepts writes.
 */
export function catalogueCoreSchemas(types: readonly ResolvedResourceType[]): SchemaDefinition[] {
  const writable = new Map<CatalogueKind, boolean>();
  for (const b of catalogueBindings(types)) {
    writable.set(b.kind, (writable.get(b.kind) ?? false) || b.type.catalogue?.writable === true);
  }
  return [...writable].map(([kind, w]) => catalogueSchema(kind, w));
}

/**
 * draft-ietf-scim-roles-entitlements §3.1: the ServiceProviderConfig's `RolesAndEntitlements`
 * when catalogue types are served (nothing otherwise): which of /Roles and /Entitlements exist,
 * and that a User's `roles` and `entitlements` take several values with `primary` and `type`
 * (RFC 7643 §2.4); `types` lists the catalogue types of each kind.
 */
export function rolesAndEntitlementsConfig(types: readonly ResolvedResourceType[]): Record<string, unknown> {
  const bindings = catalogueBindings(types);
  if (!bindings.length) {
    return {};
  }
  const of = (kind: CatalogueKind) => bindings.filter((b) => b.kind === kind).map((b) => b.name);
  const [roles, entitlements] = [of('Role'), of('Entitlement')];
  return {
    RolesAndEntitlements: {
      roles: {
        supported: roles.length > 0,
        multipleRolesSupported: true,
        primarySupported: true,
        typeSupported: true,
        ...(roles.length ? { types: roles } : {}),
      },
      entitlements: {
        supported: entitlements.length > 0,
        multipleEntitlementsSupported: true,
        primarySupported: true,
        typeSupported: true,
        ...(entitlements.length ? { types: entitlements } : {}),
      },
    },
  };
}
