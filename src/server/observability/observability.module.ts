import { DynamicModule, Module } from '@nestjs/common';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';
import { OBSERVABILITY_OPTIONS, ObservabilityOptions } from './observability.options';

/**
 * Health probes and Prometheus metrics of the standalone server, at the server root. Not part
 * of the library: only src/app.module.ts imports it (a host application serves its own probes
 * and metrics, with ScimHealthIndicator and ScimModule's metrics in its registry). The hooks
 * that count every request in ScimMetrics are installed by bootstrap.ts
 * (fastify-hooks.util.ts), with the access log of json.logger.ts.
 */
@Module({})
export class ObservabilityModule {
  static forRoot(options: ObservabilityOptions): DynamicModule {
    options.statements?.register(options.registry);
    return {
      module: ObservabilityModule,
      controllers: [HealthController, MetricsController],
      providers: [{ provide: OBSERVABILITY_OPTIONS, useValue: options }],
    };
  }
}
