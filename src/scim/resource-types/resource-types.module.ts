import { Module } from '@nestjs/common';
import { ScimResponseInterceptor } from '../shared/scim-response.interceptor';
import { ResourceTypesController } from './resource-types.controller';

@Module({ controllers: [ResourceTypesController], providers: [ScimResponseInterceptor] })
export class ResourceTypesModule {}
