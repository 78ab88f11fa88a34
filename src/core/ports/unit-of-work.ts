/**
 * A unit of work (UNIT_OF_WORK): store writes that commit together or not at all. Bulk runs
 * each set of operations that reference each other in a cycle (RFC 7644 §3.7.1) in one, so a
 * crash or a failure part-way through never leaves a resource created without the references
 * that complete it.
 */
export interface UnitOfWork {
  /**
   * Runs `work` in one database transaction: every store write `work` makes (and the change
   * events they append to the outbox) joins it and commits when `work` resolves, or is rolled
   * back when it rejects (then `run` rejects with the same error). Inside an open unit of work
   * it joins that one. `work` may be run again from the start (a MySQL deadlock victim), so it
   * must keep its state local until `run` resolves.
   *
   * Stores bound by the host take part when they write through the module's `inTransaction`
   * on the same DataSource (as examples/host-app does); others commit on their own.
   */
  run<T>(work: () => Promise<T>): Promise<T>;
}
