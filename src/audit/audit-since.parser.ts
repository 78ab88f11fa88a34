const UNIT_MS: Record<string, number> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

/**
 * `--since` of `audit`: a duration back from now (`30m`, `1h`, `7d`, `2w`) or an ISO-8601
 * date/time (`2025-01-31`, `2025-01-31T12:00:00Z`). Returns the instant as ISO-8601 UTC.
 */
export function parseSince(text: string, now: number = Date.now()): string {
  const t = text.trim();
  const m = /^(\d{1,9})\s*([smhdw])$/i.exec(t);
  if (m) {
    return new Date(now - Number(m[1]) * UNIT_MS[m[2].toLowerCase()]).toISOString();
  }
  if (/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(t)) {
    const ms = Date.parse(t);
    if (!Number.isNaN(ms)) {
      return new Date(ms).toISOString();
    }
  }
  throw new Error(`--since "${text}" must be a duration such as 30m, 1h, 7d or an ISO date`);
}
