import type { Registry } from 'prom-client';
import type { StatementCounter } from './statement-counter';

/** Options of the standalone server's health and metrics endpoints. */
export interface ObservabilityOptions {
  /** what /metrics serves: the app's registry (ScimModule's metrics, process metrics, ...) */
  readonly registry: Registry;
  /** when set, GET /metrics requires `Authorization: Bearer <metricsToken>` (else 401) */
  readonly metricsToken?: string;
  /** SQL statement counters shown in /metrics (SCIM_COUNT_STATEMENTS) */
  readonly statements?: StatementCounter;
}

export const OBSERVABILITY_OPTIONS = Symbol('app:ObservabilityOptions');
