/**
 * Counts the HTTP requests the module answers, by method, route template (never a raw path,
 * so the label sets stay bounded) and status, with their latency.
 */
export interface RequestMetrics {
  observe(method: string, route: string, status: number, seconds: number): void;
}
