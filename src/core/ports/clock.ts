/** The time source (CLOCK): every timestamp the module writes comes from here. */
export interface Clock {
  /** ISO-8601 UTC with milliseconds */
  nowIso(): string;
}
