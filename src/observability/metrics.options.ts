import type { Registry } from 'prom-client';

/** ScimModule `metrics`: where its Prometheus metrics go (prom-client). */
export interface ScimMetricsOptions {
  /**
   * The host's registry; default prom-client's global one (`register`, which
   * `@willsoto/nestjs-prometheus` and most hosts serve at their /metrics)
   */
  readonly registry?: Registry;
  /**
   * Count the SCIM requests (scim_http_requests_total, scim_http_request_duration_seconds)
   * from the SCIM controllers; default true. Off when the application counts every route itself
   * under those names (the standalone server, from its HTTP hooks).
   */
  readonly countRequests?: boolean;
}
