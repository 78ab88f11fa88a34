import { Module } from '@nestjs/common';
import { PasswordHasher } from '../http/password.hasher';
import { ResourcePipeline } from '../resources/resource.pipeline';
import { resourceController } from '../resources/resource.controller';
import { UsersService } from './users.service';

@Module({
  controllers: [
    resourceController({
      path: 'Users',
      readScope: 'users:read',
      writeScope: 'users:write',
      service: UsersService,
      name: 'UsersController',
    }),
  ],
  providers: [UsersService, PasswordHasher, ResourcePipeline],
  exports: [UsersService],
})
export class UsersModule {}
