/**
 * A request value as an error detail shows it: a string quoted (cut at `max` characters), a
 * number, boolean, null or undefined as written, an array or object by its kind only. Never
 * serialised whole: a hostile body may nest thousands of levels deep, which JSON.stringify
 * cannot walk (a 500 instead of the 400 it is), or be megabytes long.
 */
export function shownValue(v: unknown, max = 64): string {
  if (typeof v === 'string') {
    return JSON.stringify(v.length > max ? `${v.slice(0, max)}...` : v);
  }
  if (Array.isArray(v)) {
    return 'an array';
  }
  return v !== null && typeof v === 'object' ? 'an object' : String(v);
}
