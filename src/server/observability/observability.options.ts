/** Options of the standalone server's health and metrics endpoints. */
export interface ObservabilityOptions {
  /** when set, GET /metrics requires `Authorization: Bearer <metricsToken>` (else 401) */
  readonly metricsToken?: string;
}

export const OBSERVABILITY_OPTIONS = Symbol('app:ObservabilityOptions');
