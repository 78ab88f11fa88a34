import { isPlainObject, JsonObject } from '../resource/json.util';

/**
 * bulkId references (RFC 7644 §3.7.2): a whole string value `bulkId:<id>` in an operation's
 * path or data names the resource a POST of the same request creates. Finding them, replacing
 * them with the created ids, and stripping them for a first pass (§3.7.1). Pure: no I/O.
 */

/** A reference to the resource a POST of the same request creates (RFC 7644 §3.7.2). */
export const BULK_ID_PREFIX = 'bulkId:';

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
