import { InjectionToken, Provider } from '@nestjs/common';
import { ScimStaticOptions } from '../../scim/scim.options';
import { AUDIT_EXPORTS, auditProviders } from './audit.providers';
import { AUTH_EXPORTS, authProviders } from './auth.providers';
import { CORE_EXPORTS, coreProviders } from './core.providers';
import { EVENTS_EXPORTS, eventsProviders } from './events.providers';
import { LIFECYCLE_EXPORTS, lifecycleProviders } from './lifecycle.providers';
import { OAUTH_EXPORTS, oauthProviders } from './oauth.providers';
import { OBSERVABILITY_EXPORTS, observabilityProviders } from './observability.providers';
import { PERSISTENCE_EXPORTS, persistenceProviders } from './persistence.providers';

export { persistenceImports } from './persistence.providers';

/** Every provider of the core module, subsystem by subsystem. */
export function scimCoreProviders(statics: ScimStaticOptions): Provider[] {
  return [
    ...coreProviders(statics),
    ...persistenceProviders(statics),
    ...authProviders(statics),
    ...auditProviders(statics),
    ...eventsProviders(statics),
    ...lifecycleProviders(statics),
    ...oauthProviders(statics),
    ...observabilityProviders(statics),
  ];
}

/** What the (global) core module exports: Symbol tokens and the module's own classes only. */
export const SCIM_CORE_EXPORTS: InjectionToken[] = [
  ...CORE_EXPORTS,
  ...PERSISTENCE_EXPORTS,
  ...AUTH_EXPORTS,
  ...AUDIT_EXPORTS,
  ...EVENTS_EXPORTS,
  ...LIFECYCLE_EXPORTS,
  ...OAUTH_EXPORTS,
  ...OBSERVABILITY_EXPORTS,
];
