import { ALL_SCOPES } from '../../core/ports/token.repository';
import { InjectionToken, Provider } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DEFAULT_FILTER_BUDGET } from '../../core/filter/filter.cost';
import { profileFor } from '../../core/profile/idp-profile';
import { Clock } from '../../core/ports/clock';
import { IdGenerator } from '../../core/ports/id-generator';
import { CLOCK, ID_GENERATOR, SCHEMA_REGISTRY,
  SCIM_SCOPES } from '../../core/ports/tokens';
import {
  GROUP_RESOURCE_TYPE,
  USER_RESOURCE_TYPE,
  createDefaultRegistry,
} from '../../core/schema/schema.registry';
import {
  SCIM_DEFAULT_PROFILE,
  SCIM_ENABLED_RESOURCES,
  SCIM_LIMITS,
  SCIM_OPTIONS,
  SCIM_STATIC_OPTIONS,
} from '../../scim/di.tokens';
import {
  DEFAULT_MAX_OPERATIONS,
  DEFAULT_MAX_PAYLOAD_SIZE,
  DEFAULT_MAX_RESULTS,
  ScimLimits,
  ScimModuleOptions,
  ScimStaticOptions,
  servedResourceTypes,
} from '../../scim/scim.options';
import { validateScimOptions, validatedUserExtensions } from '../options.validate';
import { catalogueCoreSchemas } from '../../scim/catalogue/catalogue-types';

/**
 * What every request needs: the options, the schema registry (which checks the runtime options
 * first, so a bad value fails the boot), the limits, the default profile, the clock and ids.
 */
export function coreProviders(statics: ScimStaticOptions): Provider[] {
  return [
    { provide: SCIM_STATIC_OPTIONS, useValue: statics },
    {
      provide: SCHEMA_REGISTRY,
      useFactory: (o: ScimModuleOptions) => {
        validateScimOptions(o);
        const extensions = validatedUserExtensions(o.userExtensions ?? []);
        const extra = servedResourceTypes(statics);
        return createDefaultRegistry({
          schemas: [...extensions, ...catalogueCoreSchemas(extra), ...extra.flatMap((t) => t.schemas)],
          resourceTypes: [
            {
              ...USER_RESOURCE_TYPE,
              schemaExtensions: [
                ...USER_RESOURCE_TYPE.schemaExtensions,
                ...extensions.map((s) => ({ schema: s.id, required: false })),
              ],
            },
            GROUP_RESOURCE_TYPE,
            ...extra.map((t) => t.resourceType),
          ],
        });
      },
      inject: [SCIM_OPTIONS],
    },
    {
      provide: SCIM_LIMITS,
      useFactory: (o: ScimModuleOptions): ScimLimits => ({
        maxResults: o.maxResults ?? DEFAULT_MAX_RESULTS,
        maxPayloadSize: o.maxPayloadSize ?? DEFAULT_MAX_PAYLOAD_SIZE,
        maxOperations: o.maxOperations ?? DEFAULT_MAX_OPERATIONS,
        filterBudget: o.filterBudget ?? DEFAULT_FILTER_BUDGET,
      }),
      inject: [SCIM_OPTIONS],
    },
    { provide: SCIM_DEFAULT_PROFILE, useValue: profileFor('lenient') },
    {
      provide: SCIM_ENABLED_RESOURCES,
      useValue: [...statics.resources, ...servedResourceTypes(statics).map((t) => t.resourceType.name)],
    },
    {
      provide: SCIM_SCOPES,
      useValue: [
        ...ALL_SCOPES,
        ...servedResourceTypes(statics).flatMap((t) => [`${t.scope}:read`, `${t.scope}:write`]),
      ],
    },
    { provide: CLOCK, useValue: statics.clock ?? ({ nowIso: () => new Date().toISOString() } satisfies Clock) },
    { provide: ID_GENERATOR, useValue: { newId: () => randomUUID() } satisfies IdGenerator },
  ];
}

export const CORE_EXPORTS: InjectionToken[] = [
  SCIM_STATIC_OPTIONS,
  SCHEMA_REGISTRY,
  SCIM_LIMITS,
  SCIM_DEFAULT_PROFILE,
  SCIM_ENABLED_RESOURCES,
  SCIM_SCOPES,
  CLOCK,
  ID_GENERATOR,
];
