import { Module } from '@nestjs/common';
import { HostRoleHolderDirectory } from '../scim/host-role-holder.directory';
import { HostTeamRepository } from '../scim/host-team.repository';

/**
 * The host's teams feature. It provides the SCIM Groups adapter and the role-holder directory
 * for the `useExisting` binding (ScimModule then uses these very instances; see HostAppModule).
 */
@Module({
  providers: [HostTeamRepository, HostRoleHolderDirectory],
  exports: [HostTeamRepository, HostRoleHolderDirectory],
})
export class HostTeamsModule {}
