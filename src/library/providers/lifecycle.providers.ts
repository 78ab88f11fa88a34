import { InjectionToken, Provider } from '@nestjs/common';
import { ScimLifecycleHooks } from '../../core/ports/lifecycle';
import { ROLE_HOLDER_DIRECTORY, SCIM_LIFECYCLE_HOOKS } from '../../core/ports/tokens';
import { SCIM_OPTIONS, SCIM_ROLES_OPTIONS } from '../../scim/di.tokens';
import { LastOwnerProtection } from '../../scim/lifecycle/last-owner.protection';
import { LifecycleHooks } from '../../scim/lifecycle/lifecycle-hooks.service';
import { ScimRoleHolderDirectory } from '../../scim/lifecycle/scim-role-holders.directory';
import { ScimRoles } from '../../scim/lifecycle/scim-roles.service';
import { ScimModuleOptions, ScimStaticOptions } from '../../scim/scim.options';
import { portProvider } from './port-binding';

/**
 * Roles, break-glass protection and the host's lifecycle hooks. SCIM_LIFECYCLE_HOOKS lists
 * break-glass protection first (when `roles.protect` is set), then the host's hooks in the
 * order given.
 */
export function lifecycleProviders(statics: ScimStaticOptions): Provider[] {
  const hooks = statics.hooks ?? [];
  const classes = [...new Set(hooks.filter((h) => typeof h === 'function'))];
  const tokens: InjectionToken[] = hooks.map((h) => (typeof h === 'function' ? h : h.useExisting));
  return [
    {
      provide: SCIM_ROLES_OPTIONS,
      useFactory: (o: ScimModuleOptions) => o.roles,
      inject: [SCIM_OPTIONS],
    },
    ScimRoles,
    portProvider(ROLE_HOLDER_DIRECTORY, statics.adapters?.roleHolders, {
      provide: ROLE_HOLDER_DIRECTORY,
      useClass: ScimRoleHolderDirectory,
    }),
    LastOwnerProtection,
    ...classes,
    {
      provide: SCIM_LIFECYCLE_HOOKS,
      useFactory: (protection: LastOwnerProtection, ...found: ScimLifecycleHooks[]) => [
        ...(protection.enabled ? [protection] : []),
        ...new Set(found),
      ],
      inject: [LastOwnerProtection, ...tokens],
    },
    LifecycleHooks,
  ];
}

export const LIFECYCLE_EXPORTS: InjectionToken[] = [ScimRoles, ROLE_HOLDER_DIRECTORY, LifecycleHooks];
