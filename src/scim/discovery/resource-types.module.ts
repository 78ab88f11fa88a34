import { Module } from '@nestjs/common';
import { ResourceTypesController } from './resource-types.controller';

@Module({ controllers: [ResourceTypesController] })
export class ResourceTypesModule {}
