/** Options of the standalone server's health and metrics endpoints (issue #6 item 6). */
export interface ObservabilityOptions {
  /** when set, GET /metrics requires `Authorization: Bearer <metricsToken>` (else 401) */
  readonly metricsToken?: string;
}

export const OBSERVABILITY_OPTIONS = Symbol('app:ObservabilityOptions');
