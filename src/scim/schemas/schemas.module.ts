import { Module } from '@nestjs/common';
import { ScimResponseInterceptor } from '../shared/scim-response.interceptor';
import { SchemasController } from './schemas.controller';

@Module({ controllers: [SchemasController], providers: [ScimResponseInterceptor] })
export class SchemasModule {}
