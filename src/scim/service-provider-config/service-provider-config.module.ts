import { Module } from '@nestjs/common';
import { ScimResponseInterceptor } from '../shared/scim-response.interceptor';
import { ServiceProviderConfigController } from './service-provider-config.controller';

@Module({ controllers: [ServiceProviderConfigController], providers: [ScimResponseInterceptor] })
export class ServiceProviderConfigModule {}
