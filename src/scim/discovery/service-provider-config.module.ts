import { Module } from '@nestjs/common';
import { ServiceProviderConfigController } from './service-provider-config.controller';

@Module({ controllers: [ServiceProviderConfigController] })
export class ServiceProviderConfigModule {}
