import { Module } from '@nestjs/common';
import { ResourcePipeline } from '../resources/resource.pipeline';
import { resourceController } from '../resources/resource.controller';
import { GroupMembership } from './group-membership';
import { GroupsService } from './groups.service';

@Module({
  controllers: [
    resourceController({
      path: 'Groups',
      readScope: 'groups:read',
      writeScope: 'groups:write',
      service: GroupsService,
      name: 'GroupsController',
    }),
  ],
  providers: [GroupsService, GroupMembership, ResourcePipeline],
  exports: [GroupsService],
})
export class GroupsModule {}
