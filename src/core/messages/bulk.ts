import { ScimError, ScimErrorBody } from '../errors/scim-error';
import { getCI, isPlainObject, JsonObject } from '../resource/json.util';
import { BULK_REQUEST_SCHEMA, BULK_RESPONSE_SCHEMA } from './list-response';

/**
 * Bulk requests (RFC 7644 §3.7): the envelope, bulkId references (§3.7.2) and the order in
 * which the operations run (§3.7, §3.7.1). Pure: no I/O; the Nest service executes the plan.
 */

/** A reference to the resource a POST of the same request creates (RFC 7644 §3.7.2). */
export const BULK_ID_PREFIX = 'bulkId:';

export type BulkMethod = 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export const BULK_METHODS: readonly BulkMethod[] = ['POST', 'PUT', 'PATCH', 'DELETE'];

/** The parsed `path` of an operation: `/Users` → { endpoint: 'Users' }, `/Users/7` → id '7'. */
export interface BulkTarget {
  readonly endpoint: string;
  /** the resource id as sent; may be a `bulkId:` reference */
  readonly id?: string;
}

export interface BulkOperation {
  /** position in the request's Operations */
  readonly index: number;
  /** upper-cased method as sent; '' when absent or not a string */
  readonly method: string;
  readonly bulkId?: string;
  /** ETag precondition of PUT / PATCH / DELETE (the operation's If-Match) */
  readonly version?: string;
  readonly path?: string;
  /** set when `path` names a known endpoint in the right shape for `method` */
  readonly target?: BulkTarget;
  readonly data?: unknown;
  /** the bulkIds the path and data reference, each once, in order of appearance */
  readonly refs: readonly string[];
  /** the operation fails with this before anything runs (its own result, §3.7.3) */
  readonly error?: ScimError;
}

export interface BulkRequest {
  readonly failOnErrors?: number;
  readonly operations: readonly BulkOperation[];
}

/** One entry of a BulkResponse's Operations (RFC 7644 §3.7.3); `status` is a string. */
export interface BulkOperationResult {
  location?: string;
  method: string;
  bulkId?: string;
  version?: string;
  status: string;
  response?: ScimErrorBody;
}

export interface BulkResponse {
  schemas: [typeof BULK_RESPONSE_SCHEMA];
  Operations: BulkOperationResult[];
}

export interface BulkParseOptions {
  /** RFC 7644 §3.7.4: more operations → 413 naming the limit */
  readonly maxOperations: number;
  /** resource type endpoints an operation may target, e.g. ['Users', 'Groups'] */
  readonly endpoints: readonly string[];
}

/**
 * Validates the BulkRequest envelope. Request-level faults throw a ScimError (400, or 413 over
 * maxOperations); faults of one operation become that operation's `error`, so the others still
 * run (RFC 7644 §3.7: "MUST continue performing as many changes as possible").
 */
export function parseBulkRequest(body: unknown, opts: BulkParseOptions): BulkRequest {
  if (!isPlainObject(body)) {
    throw ScimError.invalidSyntax(
      'The request body must be a BulkRequest JSON object (RFC 7644 §3.7)',
    );
  }
  const schemas = getCI(body, 'schemas');
  if (
    !Array.isArray(schemas) ||
    !schemas.some(
      (s) => typeof s === 'string' && s.toLowerCase() === BULK_REQUEST_SCHEMA.toLowerCase(),
    )
  ) {
    throw ScimError.invalidSyntax(`schemas must contain "${BULK_REQUEST_SCHEMA}" (RFC 7644 §3.7)`);
  }
  const operations = getCI(body, 'Operations');
  if (!Array.isArray(operations)) {
    throw ScimError.invalidSyntax('Operations must be an array (RFC 7644 §3.7)');
  }
  if (operations.length > opts.maxOperations) {
    throw ScimError.payloadTooLarge(
      `The number of operations (${operations.length}) exceeds maxOperations ` +
        `(${opts.maxOperations}) (RFC 7644 §3.7.4)`,
    );
  }
  const failOnErrors = getCI(body, 'failOnErrors');
  if (
    failOnErrors !== undefined &&
    failOnErrors !== null &&
    // a JSON number past 2^53 (1e300, 2^63) is not an integer the client can mean: 400, not 500
    (typeof failOnErrors !== 'number' || !Number.isSafeInteger(failOnErrors) || failOnErrors < 1)
  ) {
    throw ScimError.invalidValue(
      `failOnErrors must be an integer from 1 to ${Number.MAX_SAFE_INTEGER} (RFC 7644 §3.7)`,
    );
  }
  const parsed = operations.map((op, index) => parseOperation(op, index, opts.endpoints));

  const defined = new Set<string>();
  for (const op of parsed) {
    if (op.method === 'POST' && op.bulkId !== undefined) {
      if (defined.has(op.bulkId)) {
        throw ScimError.invalidValue(
          `bulkId "${op.bulkId}" is used by more than one POST; it must be unique within a bulk ` +
            'request (RFC 7644 §3.7)',
        );
      }
      defined.add(op.bulkId);
    }
  }
  return {
    ...(typeof failOnErrors === 'number' ? { failOnErrors } : {}),
    operations: parsed.map((op) => {
      const unknown = op.refs.find((r) => !defined.has(r));
      return unknown === undefined || op.error
        ? op
        : {
            ...op,
            error: ScimError.conflict(
              `${BULK_ID_PREFIX}${unknown} cannot be resolved: no POST operation of this request ` +
                `has bulkId "${unknown}" (RFC 7644 §3.7.2)`,
            ),
          };
    }),
  };
}

function parseOperation(raw: unknown, index: number, endpoints: readonly string[]): BulkOperation {
  if (!isPlainObject(raw)) {
    return {
      index,
      method: '',
      refs: [],
      error: ScimError.invalidSyntax(`Operations[${index}] must be a JSON object (RFC 7644 §3.7)`),
    };
  }
  const rawMethod = getCI(raw, 'method');
  const method = typeof rawMethod === 'string' ? rawMethod.toUpperCase() : '';
  const rawBulkId = getCI(raw, 'bulkId');
  const rawVersion = getCI(raw, 'version');
  const rawPath = getCI(raw, 'path');
  const data = getCI(raw, 'data');
  const refs = new Set<string>();
  const target = typeof rawPath === 'string' ? parsePath(rawPath) : undefined;
  if (target?.id !== undefined) {
    collectBulkIdRefs(target.id, refs);
  }
  if (method !== 'DELETE') {
    collectBulkIdRefs(data, refs);
  }
  const base: BulkOperation = {
    index,
    method,
    ...(typeof rawBulkId === 'string' && rawBulkId !== '' ? { bulkId: rawBulkId } : {}),
    ...(typeof rawVersion === 'string' && rawVersion !== '' && method !== 'POST'
      ? { version: rawVersion }
      : {}),
    ...(typeof rawPath === 'string' ? { path: rawPath } : {}),
    ...(data !== undefined && method !== 'DELETE' ? { data } : {}),
    refs: [...refs],
  };
  const routed =
    target !== undefined &&
    endpoints.includes(target.endpoint) &&
    (method === 'POST') === (target.id === undefined);
  const error = operationError(base, rawBulkId, rawVersion, target, endpoints);
  return { ...base, ...(routed ? { target } : {}), ...(error ? { error } : {}) };
}

function operationError(
  op: BulkOperation,
  rawBulkId: unknown,
  rawVersion: unknown,
  target: BulkTarget | undefined,
  endpoints: readonly string[],
): ScimError | undefined {
  const where = `Operations[${op.index}]`;
  if (!(BULK_METHODS as readonly string[]).includes(op.method)) {
    return ScimError.invalidValue(
      `${where}: method must be POST, PUT, PATCH or DELETE (RFC 7644 §3.7)`,
    );
  }
  if (op.path === undefined) {
    return ScimError.invalidValue(`${where}: path is required (RFC 7644 §3.7)`);
  }
  if (!target) {
    return ScimError.invalidPath(
      `${where}: path "${op.path}" must be a resource type endpoint such as /Users or a ` +
        'resource such as /Users/{id} (RFC 7644 §3.7)',
    );
  }
  if (!endpoints.includes(target.endpoint)) {
    // the status a single request to that URL would get (RFC 7644 §3.7.3)
    return ScimError.notFound(`${where}: no resource endpoint /${target.endpoint}`);
  }
  if (op.method === 'POST' ? target.id !== undefined : target.id === undefined) {
    return ScimError.invalidPath(
      op.method === 'POST'
        ? `${where}: a POST path must be a resource type endpoint, e.g. /${target.endpoint} ` +
            '(RFC 7644 §3.7)'
        : `${where}: a ${op.method} path must name a resource, e.g. /${target.endpoint}/{id} ` +
            '(RFC 7644 §3.7)',
    );
  }
  if (rawBulkId !== undefined && (typeof rawBulkId !== 'string' || rawBulkId === '')) {
    return ScimError.invalidValue(`${where}: bulkId must be a non-empty string (RFC 7644 §3.7)`);
  }
  if (op.method === 'POST' && op.bulkId === undefined) {
    return ScimError.invalidValue(
      `${where}: bulkId is required when method is POST (RFC 7644 §3.7)`,
    );
  }
  if (op.bulkId?.startsWith(BULK_ID_PREFIX)) {
    return ScimError.invalidValue(
      `${where}: bulkId is the bare identifier; "${BULK_ID_PREFIX}" prefixes references to it ` +
        '(RFC 7644 §3.7.2)',
    );
  }
  if (rawVersion !== undefined && rawVersion !== null && typeof rawVersion !== 'string') {
    return ScimError.invalidValue(`${where}: version must be a string (an ETag, RFC 7644 §3.7)`);
  }
  if (op.method !== 'DELETE' && !isPlainObject(op.data)) {
    return ScimError.invalidValue(
      `${where}: data (a JSON object) is required when method is ${op.method} (RFC 7644 §3.7)`,
    );
  }
  return undefined;
}

/** `/Users` or `/Users/{id}`; undefined for anything else (query strings included). */
export function parsePath(path: string): BulkTarget | undefined {
  const m = /^\/([^/?#]+)(?:\/([^/?#]+))?\/?$/.exec(path.trim());
  if (!m) {
    return undefined;
  }
  if (m[2] === undefined) {
    return { endpoint: m[1] };
  }
  let id: string;
  try {
    id = decodeURIComponent(m[2]);
  } catch {
    return undefined;
  }
  return { endpoint: m[1], id };
}

/** 'bulkId:qwerty' → 'qwerty'; undefined for any other value. */
export function bulkIdOf(value: unknown): string | undefined {
  return typeof value === 'string' &&
    value.startsWith(BULK_ID_PREFIX) &&
    value.length > BULK_ID_PREFIX.length
    ? value.slice(BULK_ID_PREFIX.length)
    : undefined;
}

/**
 * Adds every bulkId referenced in `value` to `out`. A reference is a whole string value
 * `bulkId:<id>` at any depth (members[].value, manager.value, a PatchOp value...); a string
 * that merely contains the text is not one.
 */
export function collectBulkIdRefs(value: unknown, out: Set<string>): Set<string> {
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    const ref = bulkIdOf(v);
    if (ref !== undefined) {
      out.add(ref);
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) {
        stack.push(v[i]);
      }
    } else if (isPlainObject(v)) {
      stack.push(...Object.values(v).reverse());
    }
  }
  return out;
}

/**
 * A copy of `value` with each `bulkId:<id>` whose id is in `ids` replaced by the created
 * resource's id (RFC 7644 §3.7.2: "MUST replace the string ... with the permanent resource
 * id"). References not in `ids` are left as they are.
 */
export function replaceBulkIdRefs<T>(value: T, ids: ReadonlyMap<string, string>): T {
  const ref = bulkIdOf(value);
  if (ref !== undefined) {
    return (ids.get(ref) ?? value) as T;
  }
  if (Array.isArray(value)) {
    return value.map((v: unknown) => replaceBulkIdRefs(v, ids)) as T;
  }
  if (isPlainObject(value)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = replaceBulkIdRefs(v, ids);
    }
    return out as T;
  }
  return value;
}

const DROP = Symbol('drop');

/**
 * A copy of a resource body without the references `strip` selects, for creating a resource
 * before the resources it references exist (RFC 7644 §3.7.1). What goes is the smallest value
 * that still makes sense without the reference: an array element that is or holds it
 * (`members[{value: "bulkId:x"}]` loses that member), else the attribute whose complex value
 * holds it (`manager: {value: "bulkId:x"}` goes), else the attribute itself.
 */
export function stripBulkIdRefs(data: JsonObject, strip: (bulkId: string) => boolean): JsonObject {
  const walk = (v: unknown): unknown => {
    const ref = bulkIdOf(v);
    if (ref !== undefined) {
      return strip(ref) ? DROP : v;
    }
    if (Array.isArray(v)) {
      return v.map(walk).filter((x) => x !== DROP);
    }
    if (isPlainObject(v)) {
      const out: JsonObject = {};
      for (const [k, sub] of Object.entries(v)) {
        const w = walk(sub);
        if (w === DROP) {
          if (typeof sub === 'string') {
            return DROP; // the object is a reference ({value, type, $ref}): drop it whole
          }
          continue;
        }
        out[k] = w;
      }
      return out;
    }
    return v;
  };
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(data)) {
    const w = walk(v);
    if (w !== DROP) {
      out[k] = w;
    }
  }
  return out;
}

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

/** The BulkResponse (RFC 7644 §3.7.3). */
export function bulkResponse(results: BulkOperationResult[]): BulkResponse {
  return { schemas: [BULK_RESPONSE_SCHEMA], Operations: results };
}
