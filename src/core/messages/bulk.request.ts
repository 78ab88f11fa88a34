import { ScimError } from '../errors/scim-error';
import { getCI, isPlainObject, nestsDeeperThan } from '../resource/json.util';
import { illFormedError } from '../resource/well-formed';
import { BULK_ID_PREFIX, collectBulkIdRefs } from './bulk.refs';
import { BULK_REQUEST_SCHEMA } from './list-response';

/**
 * The BulkRequest envelope (RFC 7644 §3.7): its validation, and each operation's method, path,
 * bulkId, version and data, with the bulkIds it references (§3.7.2). Pure: no I/O; the order
 * the operations run in is bulk.plan.ts, the Nest service executes it.
 */

/**
 * How deep an operation's data may nest. A resource or a PatchOp nests a handful of levels
 * (an extension's manager, an operation's value); the bulkId references in data thousands of
 * levels deep would overflow the recursive copies that replace them (§3.7.2).
 */
export const MAX_BULK_DATA_DEPTH = 64;

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
  // a lone surrogate anywhere in the operation (path, bulkId, data): refused, and not routed,
  // so nothing (not even its location) is built from it (well-formed.ts)
  const illFormed = illFormedError(raw, `Operations[${index}]`);
  if (illFormed) {
    return { ...base, error: illFormed };
  }
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
  if (op.data !== undefined && nestsDeeperThan(op.data, MAX_BULK_DATA_DEPTH)) {
    return ScimError.invalidValue(
      `${where}: data nests more than ${MAX_BULK_DATA_DEPTH} levels deep`,
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
