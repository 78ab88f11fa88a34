import { Module } from '@nestjs/common';
import { HostPlanCatalogue } from './host-plan.catalogue';

/** The host's plans feature: it provides the License catalogue provider for the `useExisting` binding. */
@Module({ providers: [HostPlanCatalogue], exports: [HostPlanCatalogue] })
export class HostPlansModule {}
