import { BulkOperation } from './bulk.request';

/**
 * The order in which the operations of a bulk request run (RFC 7644 §3.7, §3.7.1): bulkId
 * dependencies and reference cycles. Pure: no I/O; the Nest service executes the plan.
 */

/** One unit of execution: a single operation, or the operations of one reference cycle. */
export interface BulkStep {
  /** indices into the request's Operations, ascending */
  readonly ops: readonly number[];
  /** true when the operations reference each other in a cycle (RFC 7644 §3.7.1) */
  readonly circular: boolean;
}

/**
 * The order in which to run the operations (RFC 7644 §3.7: a service provider "MAY elect to
 * optimize the sequence ... MUST ensure that the client's intent is preserved"): each
 * operation at its place in the request, except that a POST runs before the first operation
 * that references its bulkId. Operations that reference each other in a cycle form one
 * circular step (strongly connected components, Tarjan, iterative so that a long chain of
 * references cannot exhaust the stack). Operations with an `error` have no dependencies.
 */
export function planBulk(ops: readonly BulkOperation[]): BulkStep[] {
  const definedBy = new Map<string, number>();
  for (const op of ops) {
    if (op.method === 'POST' && op.bulkId !== undefined) {
      definedBy.set(op.bulkId, op.index);
    }
  }
  const adj: number[][] = ops.map((op) =>
    op.error
      ? []
      : [
          ...new Set(
            op.refs.map((r) => definedBy.get(r)).filter((i): i is number => i !== undefined),
          ),
        ],
  );
  const n = ops.length;
  const order = new Array<number>(n).fill(-1);
  const low = new Array<number>(n).fill(0);
  const onStack = new Array<boolean>(n).fill(false);
  const stack: number[] = [];
  const steps: BulkStep[] = [];
  let counter = 0;
  const visit = (v: number, work: Array<{ v: number; next: number }>) => {
    order[v] = low[v] = counter++;
    stack.push(v);
    onStack[v] = true;
    work.push({ v, next: 0 });
  };
  for (let start = 0; start < n; start++) {
    if (order[start] !== -1) {
      continue;
    }
    const work: Array<{ v: number; next: number }> = [];
    visit(start, work);
    while (work.length) {
      const top = work[work.length - 1];
      const v = top.v;
      if (top.next < adj[v].length) {
        const w = adj[v][top.next++];
        if (order[w] === -1) {
          visit(w, work);
        } else if (onStack[w]) {
          low[v] = Math.min(low[v], order[w]);
        }
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1].v;
        low[parent] = Math.min(low[parent], low[v]);
      }
      if (low[v] === order[v]) {
        const component: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = false;
          component.push(w);
        } while (w !== v);
        component.sort((a, b) => a - b);
        steps.push({ ops: component, circular: component.length > 1 || adj[v].includes(v) });
      }
    }
  }
  return steps;
}
