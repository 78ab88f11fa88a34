/**
 * Strings must be Unicode (RFC 7643 §2.3.1: a string is "a sequence of zero or more Unicode
 * characters"; RFC 8259 §8.2). JSON can still spell a lone surrogate (`"\ud800"`): half of a
 * UTF-16 pair, no character at all. SQLite would store it as sent, while MySQL/MariaDB (utf8mb4,
 * written by the driver as UTF-8) store U+FFFD instead, so two different lone surrogates became
 * one value there: a uniqueness clash or a look-up hit on MariaDB that SQLite does not have.
 * Such a string is refused before anything stores or compares it: the one check below, applied
 * to every request body the core validates (resources, PatchOp, Bulk) and to every filter.
 */
import { ScimError } from '../errors/scim-error';

/** a lone surrogate: with the `u` flag a surrogate pair is one code point, never Cs */
const LONE_SURROGATE = /\p{Cs}/u;

/** true when `s` is well-formed UTF-16, i.e. holds only Unicode characters */
export function isWellFormed(s: string): boolean {
  return !LONE_SURROGATE.test(s);
}

/**
 * Where in a JSON value the first string (a value or a member name) that is not well-formed
 * sits, as a path (`emails[0].value`); undefined when every string is. Iterative, so a deeply
 * nested body cannot overflow the stack.
 */
export function illFormedStringPath(value: unknown): string | undefined {
  const stack: Array<{ value: unknown; path: string }> = [{ value, path: '' }];
  while (stack.length) {
    const { value: v, path } = stack.pop()!;
    if (typeof v === 'string') {
      if (!isWellFormed(v)) {
        return path || '(the value)';
      }
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) {
        stack.push({ value: v[i], path: `${path}[${i}]` });
      }
    } else if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, member] = entries[i];
        // JSON.stringify writes a lone surrogate as a \u escape: the detail stays valid JSON
        const name = /^[A-Za-z_$][\w$-]*$/.test(key) ? key : JSON.stringify(key);
        const at = path ? `${path}.${name}` : name;
        if (!isWellFormed(key)) {
          return `${at} (the member name)`;
        }
        stack.push({ value: member, path: at });
      }
    }
  }
  return undefined;
}

/**
 * The 400 invalidValue for a request body holding a string that is not well-formed Unicode,
 * naming where (never the value itself: it may be a password); undefined when there is none.
 */
export function illFormedError(body: unknown, what: string): ScimError | undefined {
  const at = illFormedStringPath(body);
  return at === undefined
    ? undefined
    : ScimError.invalidValue(
        `${what}: the string at ${at} is not well-formed Unicode (a lone surrogate such as ` +
          '"\\ud800"); strings are sequences of Unicode characters (RFC 7643 §2.3.1)',
      );
}

/** Throws illFormedError(body, what) when there is one. */
export function checkWellFormed(body: unknown, what: string): void {
  const error = illFormedError(body, what);
  if (error) {
    throw error;
  }
}
