/**
 * application/x-www-form-urlencoded bodies (the OAuth token endpoint, RFC 6749 §4.4.2) as an
 * object; a parameter given twice becomes a list, so the endpoint can refuse it (§3.2), and a
 * `__proto__` key is dropped.
 */
export function parseFormBody(text: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  for (const [k, v] of new URLSearchParams(text)) {
    if (k === '__proto__') {
      continue;
    }
    const seen = out[k];
    out[k] = seen === undefined ? v : Array.isArray(seen) ? [...seen, v] : [seen, v];
  }
  return out;
}
