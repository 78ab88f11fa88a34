import { InjectionToken, Provider } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { register } from 'prom-client';
import { DataSource } from 'typeorm';
import { OutboxRepository } from '../../core/ports/change-event';
import { OUTBOX_REPOSITORY, REQUEST_METRICS } from '../../core/ports/tokens';
import { ScimHealthIndicator } from '../../observability/scim-health.indicator';
import { ScimMetrics } from '../../observability/scim-metrics';
import { SCIM_OPTIONS } from '../../scim/di.tokens';
import { ScimModuleOptions, ScimStaticOptions } from '../../scim/scim.options';
import { validateScimOptions } from '../options.validate';

/**
 * What reaches the host's operations: the metrics, in its prom-client registry (the global one
 * unless `metrics.registry` names another; none with `metrics: false`), and the terminus health
 * indicator it lists in its own health checks.
 */
export function observabilityProviders(statics: ScimStaticOptions): Provider[] {
  return [
    {
      provide: ScimMetrics,
      useFactory: (o: ScimModuleOptions, outbox: OutboxRepository) => {
        const { metrics } = validateScimOptions(o);
        return new ScimMetrics(metrics === false ? undefined : (metrics?.registry ?? register), outbox);
      },
      inject: [SCIM_OPTIONS, OUTBOX_REPOSITORY],
    },
    // what the SCIM controllers count their requests in (RequestAuditGuard)
    {
      provide: REQUEST_METRICS,
      useFactory: (o: ScimModuleOptions, m: ScimMetrics) =>
        o.metrics === false || o.metrics?.countRequests === false ? null : m,
      inject: [SCIM_OPTIONS, ScimMetrics],
    },
    {
      provide: ScimHealthIndicator,
      useFactory: (d: DataSource, outbox: OutboxRepository) => new ScimHealthIndicator(d, outbox),
      inject: [getDataSourceToken(statics.dataSource), OUTBOX_REPOSITORY],
    },
  ];
}

export const OBSERVABILITY_EXPORTS: InjectionToken[] = [ScimMetrics, ScimHealthIndicator, REQUEST_METRICS];
