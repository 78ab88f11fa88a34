import { Module } from '@nestjs/common';
import { HostUserRepository } from '../scim/host-user.repository';
import { MeController } from './me.controller';

/**
 * The host's users feature. It also provides the SCIM adapter, for the `useExisting` binding
 * (ScimModule then uses this very instance; see HostAppModule).
 */
@Module({
  controllers: [MeController],
  providers: [HostUserRepository],
  exports: [HostUserRepository],
})
export class HostUsersModule {}
